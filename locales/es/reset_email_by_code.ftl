## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = { $code } es tu código para restablecer la contraseña de { $client }
reset-code-preheader = Usa este código para elegir una nueva contraseña.
reset-code-heading = Tu código para restablecer la contraseña
# Shown right above the code.
reset-code-intro = Ingresa este código en { $client } para elegir una nueva contraseña:
# $duration (String): e.g. "10 minutos".
reset-code-expiry = El código vence en { $duration }.
reset-code-warning = No compartas este código con nadie. El personal de { $client } nunca te lo pedirá.
reset-code-ignore = Si no pediste restablecer tu contraseña, puedes ignorar este correo: tu contraseña no cambiará.
