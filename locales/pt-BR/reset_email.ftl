## reset_email: the password reset link, sent when someone asks to reset the password.

# Subject line, under about 50 characters. $client (String): the application's name, any
# script or a company name.
reset-email-subject = Redefina sua senha do { $client }
# Preview text that mail clients show next to the subject.
reset-email-preheader = Escolha uma nova senha para sua conta no { $client }.
reset-email-heading = Redefina sua senha
# $client: the application's name.
reset-email-intro = Recebemos um pedido para redefinir a senha da sua conta no { $client }. Para escolher uma nova, use o botão abaixo.
# The button's label.
reset-email-action = Escolher uma nova senha
# $duration (String): a localized duration built from duration-*, e.g. "1 hora".
reset-email-expiry = Este link expira em { $duration } e só pode ser usado uma vez.
reset-email-ignore = Se você não pediu para redefinir sua senha, pode ignorar este e-mail: sua senha continua a mesma.
