## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
passwordless-subject = { $code } é seu código de acesso ao { $client }
passwordless-preheader = Use este código para entrar no { $client }.
passwordless-heading = Seu código de acesso
# Shown right above the code.
passwordless-intro = Digite este código no { $client } para entrar:
# Shown only when there is a link, right above its button.
passwordless-link-intro = Ou entre com um clique neste dispositivo:
# The button's label.
passwordless-action = Entrar
# $duration (String): e.g. "5 minutos".
passwordless-expiry = O código e o link expiram em { $duration } e só funcionam uma vez.
passwordless-warning = Nunca compartilhe este código nem este link. A equipe do { $client } nunca vai pedi-los a você.
passwordless-ignore = Se você não tentou entrar, pode ignorar este e-mail: ninguém consegue entrar sem este código.
