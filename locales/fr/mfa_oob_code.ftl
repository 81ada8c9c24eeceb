## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = { $code } : votre code de vérification { $client }
mfa-code-preheader = Quelqu’un se connecte à votre compte avec votre mot de passe.
mfa-code-heading = Votre code de vérification de connexion
# Shown right above the code.
mfa-code-intro = Quelqu’un vient de se connecter à votre compte { $client } avec votre mot de passe. Pour terminer la connexion, saisissez ce code :
# $duration (String): e.g. "5 minutes".
mfa-code-expiry = Ce code expire dans { $duration }.
mfa-code-warning = Ne communiquez jamais ce code. Les équipes { $client } ne vous le demanderont jamais.
mfa-code-not-you = Si ce n’était pas vous, ne saisissez pas ce code : quelqu’un d’autre connaît votre mot de passe. Changez dès maintenant votre mot de passe { $client }.
