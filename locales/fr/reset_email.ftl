## reset_email: the password reset link, sent when someone asks to reset the password.

# Subject line, under about 50 characters. $client (String): the application's name, any
# script or a company name; no article or preposition that elides before it ("de", "le").
reset-email-subject = Réinitialisation de votre mot de passe { $client }
# Preview text that mail clients show next to the subject.
reset-email-preheader = Choisissez un nouveau mot de passe pour votre compte { $client }.
reset-email-heading = Réinitialisez votre mot de passe
# $client: the application's name.
reset-email-intro = Nous avons reçu une demande de réinitialisation du mot de passe de votre compte { $client }. Pour en choisir un nouveau, utilisez le bouton ci-dessous.
# The button's label.
reset-email-action = Choisir un nouveau mot de passe
# $duration (String): a localized duration built from duration-*, e.g. "1 heure".
reset-email-expiry = Ce lien expire dans { $duration } et ne peut servir qu’une fois.
reset-email-ignore = Si vous n’avez pas demandé à réinitialiser votre mot de passe, ignorez cet e-mail : votre mot de passe reste inchangé.
