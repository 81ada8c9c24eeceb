## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code } est votre code de vérification { $client }
verify-code-preheader = Utilisez ce code pour confirmer votre adresse e-mail.
verify-code-heading = Votre code de vérification
verify-code-intro = Saisissez ce code dans { $client } pour confirmer votre adresse e-mail :
# $duration (String) - a localized duration built from duration-*, e.g. "15 minutes".
verify-code-expiry = Ce code expire dans { $duration }.
verify-code-warning = Ne communiquez jamais ce code à qui que ce soit. Les équipes { $client } ne vous le demanderont jamais.
verify-code-ignore = Si vous n’avez pas demandé de code, vous pouvez ignorer cet e-mail sans crainte.
