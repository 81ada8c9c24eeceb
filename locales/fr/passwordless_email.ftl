## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script; no article or preposition that elides before it.
passwordless-subject = { $code } : votre code de connexion { $client }
passwordless-preheader = Utilisez ce code pour vous connecter à votre compte { $client }.
passwordless-heading = Votre code de connexion
# Shown right above the code.
passwordless-intro = Saisissez ce code dans { $client } pour vous connecter :
# Shown only when there is a link, right above its button.
passwordless-link-intro = Ou connectez-vous en un clic sur cet appareil :
# The button's label.
passwordless-action = Se connecter
# $duration (String): e.g. "5 minutes".
passwordless-expiry = Le code et le lien expirent dans { $duration } et ne servent qu’une fois.
passwordless-warning = Ne communiquez jamais ce code ni ce lien. Les équipes { $client } ne vous les demanderont jamais.
passwordless-ignore = Si vous n’avez pas essayé de vous connecter, ignorez cet e-mail : personne ne peut se connecter sans ce code.
