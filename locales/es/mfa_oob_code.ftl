## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email. Neutral Spanish (tú).

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = { $code } es tu código de verificación de { $client }
mfa-code-preheader = Alguien está iniciando sesión en tu cuenta con tu contraseña.
mfa-code-heading = Tu código de verificación para iniciar sesión
# Shown right above the code.
mfa-code-intro = Alguien acaba de iniciar sesión en tu cuenta de { $client } con tu contraseña. Para terminar, ingresa este código:
# $duration (String): e.g. "5 minutos".
mfa-code-expiry = El código vence en { $duration }.
mfa-code-warning = No compartas este código con nadie. El personal de { $client } nunca te lo pedirá.
mfa-code-not-you = Si no fuiste tú, no ingreses el código: alguien más conoce tu contraseña. Cambia ahora tu contraseña de { $client }.
