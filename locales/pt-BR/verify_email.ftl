## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = Confirme seu endereço de e-mail para { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = Falta só um clique para sua conta { $client } ficar pronta.
verify-email-heading = Confirme seu endereço de e-mail
verify-email-intro = Obrigado por se cadastrar em { $client }! Confirme que este é o seu endereço de e-mail para concluirmos a configuração da sua conta.
# The button's label.
verify-email-action = Confirmar meu e-mail
# $duration (String) - a localized duration built from duration-*, e.g. "24 horas".
verify-email-expiry = Este link expira em { $duration }.
verify-email-ignore = Se você não se cadastrou em { $client }, pode ignorar este e-mail com segurança: sem um clique no botão, este endereço continua sem confirmação.
