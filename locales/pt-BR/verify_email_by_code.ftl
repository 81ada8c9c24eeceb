## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code } é o seu código de verificação de { $client }
verify-code-preheader = Use este código para confirmar seu endereço de e-mail.
verify-code-heading = Seu código de verificação
verify-code-intro = Digite este código em { $client } para confirmar seu endereço de e-mail:
# $duration (String) - a localized duration built from duration-*, e.g. "15 minutos".
verify-code-expiry = O código expira em { $duration }.
verify-code-warning = Nunca compartilhe este código com ninguém. A equipe de { $client } nunca vai pedir esse código a você.
verify-code-ignore = Se você não solicitou um código, pode ignorar este e-mail com segurança.
