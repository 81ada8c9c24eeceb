## change_email: the link that confirms a new email address; sent to the new address.

# $client (String): the application's name, any script.
change-email-subject = Confirme seu novo endereço de e-mail no { $client }
change-email-preheader = Um clique para usar este endereço no { $client }.
change-email-heading = Confirme seu novo endereço de e-mail
# $email (String): the new address.
change-email-intro-address = Você pediu para usar { $email } na sua conta do { $client }. Confirme a alteração para começar a usá-lo.
change-email-intro = Você pediu para usar este endereço na sua conta do { $client }. Confirme a alteração para começar a usá-lo.
# The button's label.
change-email-action = Confirmar o novo endereço
# $duration (String): e.g. "24 horas".
change-email-expiry = Este link expira em { $duration }.
change-email-ignore = Se você não pediu esta alteração, ignore este e-mail: sua conta do { $client } continua com o endereço atual.
