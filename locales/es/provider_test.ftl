## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = Correo de prueba de { $client }: el envío funciona
provider-test-preheader = Tu proveedor de correo está configurado.
provider-test-heading = El envío de correos funciona
provider-test-body = Este es un correo de prueba para { $client }. Llegó desde tu proveedor de identidad a esta bandeja de entrada a través de mailroom, así que los correos para tus usuarios se entregarán de la misma forma.
provider-test-note = No necesitas hacer nada. Recibiste este mensaje porque alguien envió una prueba desde la configuración del proveedor de correo.
