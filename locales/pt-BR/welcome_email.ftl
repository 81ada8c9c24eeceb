## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = Boas-vindas a { $client }!
welcome-preheader = Sua conta já está pronta para usar.
welcome-heading = Boas-vindas a { $client }!
welcome-intro = Sua conta está pronta. Que bom ter você com a gente!
welcome-next = Tudo o que você precisa está a um clique de distância. Comece quando quiser.
# The button's label.
welcome-action = Começar
