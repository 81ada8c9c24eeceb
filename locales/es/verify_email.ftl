## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = Confirma tu correo en { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = Un clic y tu cuenta de { $client } estará lista.
verify-email-heading = Confirma tu dirección de correo electrónico
verify-email-intro = ¡Gracias por registrarte en { $client }! Confirma que esta es tu dirección de correo electrónico para que podamos terminar de configurar tu cuenta.
# The button's label.
verify-email-action = Confirmar mi correo electrónico
# $duration (String) - a localized duration built from duration-*, e.g. "24 horas".
verify-email-expiry = Este enlace vence en { $duration }.
verify-email-ignore = Si no te registraste en { $client }, puedes ignorar este correo sin problema: si no haces clic en el botón, esta dirección no quedará confirmada.
