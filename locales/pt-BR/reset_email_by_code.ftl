## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = { $code } é seu código para redefinir a senha do { $client }
reset-code-preheader = Use este código para escolher uma nova senha.
reset-code-heading = Seu código para redefinir a senha
# Shown right above the code.
reset-code-intro = Digite este código no { $client } para escolher uma nova senha:
# $duration (String): e.g. "10 minutos".
reset-code-expiry = O código expira em { $duration }.
reset-code-warning = Nunca compartilhe este código. A equipe do { $client } nunca vai pedi-lo a você.
reset-code-ignore = Se você não pediu para redefinir sua senha, pode ignorar este e-mail: sua senha continua a mesma.
