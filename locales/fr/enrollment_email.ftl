## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = Activez la validation en deux étapes pour { $client }
enrollment-preheader = Protégez votre compte { $client } avec une seconde étape à la connexion.
enrollment-heading = Activez la validation en deux étapes
enrollment-intro = { $client } vous demande d’ajouter une seconde étape à la connexion : votre mot de passe seul ne suffira plus pour ouvrir votre compte. Cela prend une minute.
# The button's label.
enrollment-action = Activer la validation en deux étapes
# $duration (String): e.g. "5 jours".
enrollment-expiry = Ce lien expire dans { $duration }.
enrollment-not-you = Si vous n’avez pas de compte { $client }, vous pouvez ignorer cet e-mail.
