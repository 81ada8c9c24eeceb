## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = E-mail de teste do { $client }: o envio funciona
provider-test-preheader = Seu provedor de e-mail está configurado.
provider-test-heading = O envio de e-mails funciona
provider-test-body = Este é um e-mail de teste do { $client }. Ele saiu do seu provedor de identidade, passou pelo mailroom e chegou a esta caixa de entrada; os e-mails para seus usuários seguirão o mesmo caminho.
provider-test-note = Você não precisa fazer nada. Você recebeu esta mensagem porque alguém enviou um teste nas configurações do provedor de e-mail.
