## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code } es tu código de verificación de { $client }
verify-code-preheader = Usa este código para confirmar tu dirección de correo electrónico.
verify-code-heading = Tu código de verificación
verify-code-intro = Ingresa este código en { $client } para confirmar tu dirección de correo electrónico:
# $duration (String) - a localized duration built from duration-*, e.g. "15 minutos".
verify-code-expiry = El código vence en { $duration }.
verify-code-warning = No compartas este código con nadie. El personal de { $client } nunca te lo pedirá.
verify-code-ignore = Si no has solicitado ningún código, puedes ignorar este correo sin problema.
