## blocked_account : le compte a été bloqué après trop de tentatives de connexion échouées
## (protection contre la force brute) ; le lien le débloque. Le lecteur a peut-être fait
## ces tentatives lui-même : dire ce qui s’est passé, sans reproche ni alarme.

# Objet, moins de 50 caractères environ. $client (String) : le nom de l’application, dans
# n’importe quelle écriture ; pas de « de » ou « le » qui s’élide devant.
blocked-account-subject = Votre compte { $client } a été bloqué
# Texte d’aperçu affiché par les messageries à côté de l’objet.
blocked-account-preheader = Après plusieurs tentatives de connexion échouées. Vous pouvez le débloquer en un clic.
# Le titre en haut du message.
blocked-account-heading = Votre compte a été bloqué
# Premier paragraphe : ce qui s’est passé. $client : le nom de l’application.
blocked-account-intro = Nous avons bloqué les connexions à votre compte { $client } après plusieurs tentatives échouées, pour le protéger.
# Au-dessus du bouton : que faire si les tentatives venaient du lecteur.
blocked-account-next = Si c’était vous, débloquez votre compte et reconnectez-vous. Si vous avez oublié votre mot de passe, vous pourrez le réinitialiser une fois le compte débloqué.
# Le libellé du bouton (aussi seul sur sa ligne dans la partie texte, au-dessus du lien).
blocked-account-action = Débloquer mon compte
# $duration (String) : une durée construite à partir de duration-*, par ex. « 24 heures ».
blocked-account-expiry = Ce lien expire dans { $duration }.
# Dernier paragraphe : que faire si ce n’était pas le lecteur.
blocked-account-not-you = Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de passe. Débloquez votre compte, puis choisissez un mot de passe que vous n’utilisez nulle part ailleurs.
# Le même, quand l’application a une adresse d’assistance. $support (String) : cette adresse.
blocked-account-not-you-support = Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de passe. Débloquez votre compte, puis choisissez un mot de passe que vous n’utilisez nulle part ailleurs. Besoin d’aide ? Écrivez à { $support }.
