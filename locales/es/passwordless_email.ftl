## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one. Neutral Spanish (tú).

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
passwordless-subject = { $code } es tu código para iniciar sesión en { $client }
passwordless-preheader = Usa este código para iniciar sesión en { $client }.
passwordless-heading = Tu código para iniciar sesión
# Shown right above the code.
passwordless-intro = Ingresa este código en { $client } para iniciar sesión:
# Shown only when there is a link, right above its button.
passwordless-link-intro = O inicia sesión con un clic en este dispositivo:
# The button's label.
passwordless-action = Iniciar sesión
# $duration (String): e.g. "5 minutos".
passwordless-expiry = El código y el enlace vencen en { $duration } y solo funcionan una vez.
passwordless-warning = No compartas este código ni este enlace con nadie. El personal de { $client } nunca te los pedirá.
passwordless-ignore = Si no intentaste iniciar sesión, puedes ignorar este correo: nadie puede entrar sin este código.
