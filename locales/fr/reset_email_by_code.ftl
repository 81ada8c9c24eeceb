## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = { $code } : votre code de réinitialisation { $client }
reset-code-preheader = Utilisez ce code pour choisir un nouveau mot de passe.
reset-code-heading = Votre code de réinitialisation
# Shown right above the code.
reset-code-intro = Saisissez ce code dans { $client } pour choisir un nouveau mot de passe :
# $duration (String): e.g. "10 minutes".
reset-code-expiry = Ce code expire dans { $duration }.
reset-code-warning = Ne communiquez jamais ce code. Les équipes { $client } ne vous le demanderont jamais.
reset-code-ignore = Si vous n’avez pas demandé à réinitialiser votre mot de passe, ignorez cet e-mail : votre mot de passe reste inchangé.
