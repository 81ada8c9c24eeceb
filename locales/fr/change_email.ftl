## change_email: the link that confirms a new email address; sent to the new address.

# $client (String): the application's name, any script; no elision before it.
change-email-subject = Confirmez votre nouvelle adresse e-mail pour { $client }
change-email-preheader = Un clic pour utiliser cette adresse avec { $client }.
change-email-heading = Confirmez votre nouvelle adresse e-mail
# $email (String): the new address.
change-email-intro-address = Vous avez demandé à utiliser { $email } pour votre compte { $client }. Confirmez le changement pour commencer à l’utiliser.
change-email-intro = Vous avez demandé à utiliser cette adresse pour votre compte { $client }. Confirmez le changement pour commencer à l’utiliser.
# The button's label.
change-email-action = Confirmer la nouvelle adresse
# $duration (String): e.g. "24 heures".
change-email-expiry = Ce lien expire dans { $duration }.
change-email-ignore = Si vous n’avez pas demandé ce changement, ignorez cet e-mail : votre compte { $client } garde son adresse actuelle.
