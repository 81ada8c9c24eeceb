## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = Confirmez votre adresse e-mail pour { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = Un clic et votre compte { $client } est prêt.
verify-email-heading = Confirmez votre adresse e-mail
verify-email-intro = Merci pour votre inscription sur { $client } ! Veuillez confirmer qu’il s’agit bien de votre adresse e-mail afin que nous puissions finaliser la configuration de votre compte.
# The button's label.
verify-email-action = Confirmer mon adresse e-mail
# $duration (String) - a localized duration built from duration-*, e.g. "24 heures".
verify-email-expiry = Ce lien expire dans { $duration }.
verify-email-ignore = Si vous n’êtes pas à l’origine de cette inscription sur { $client }, vous pouvez ignorer cet e-mail : sans clic sur le bouton, cette adresse reste non confirmée.
