## stolen_credentials : quelqu’un s’est connecté, ou a essayé, avec l’adresse du lecteur et
## un mot de passe publié lors de la fuite de données d’un autre site. La connexion a été
## bloquée ; le lien permet de changer le mot de passe.

# Objet, moins de 50 caractères environ. $client (String) : le nom de l’application ; pas
# de « de » ou « le » qui s’élide devant.
stolen-credentials-subject = Changez votre mot de passe { $client }
# Texte d’aperçu affiché par les messageries à côté de l’objet.
stolen-credentials-preheader = Votre mot de passe figure dans une fuite de données d’un autre site.
# Le titre en haut du message.
stolen-credentials-heading = Votre mot de passe figure dans une fuite de données
# Premier paragraphe : ce qui s’est passé. $client : le nom de l’application.
stolen-credentials-intro = Quelqu’un a essayé de se connecter à votre compte { $client } avec un mot de passe publié lors d’une fuite de données d’un autre site ou d’une autre application. Nous avons bloqué cette connexion pour protéger votre compte.
# Au-dessus du bouton : que faire.
stolen-credentials-next = Choisissez un nouveau mot de passe que vous n’utilisez nulle part ailleurs. Si vous utilisiez l’ancien sur d’autres sites, changez-le aussi sur ces sites.
# Le libellé du bouton (aussi seul sur sa ligne dans la partie texte, au-dessus du lien).
stolen-credentials-action = Choisir un nouveau mot de passe
# $duration (String) : une durée construite à partir de duration-*, par ex. « 1 heure ».
stolen-credentials-expiry = Ce lien expire dans { $duration } et ne peut servir qu’une fois.
# Dernier paragraphe : ce que cela signifie si la connexion ne venait pas du lecteur.
stolen-credentials-not-you = Si vous n’avez pas essayé de vous connecter, quelqu’un d’autre connaît ce mot de passe : changez-le dès maintenant.
# Le même, quand l’application a une adresse d’assistance. $support (String) : cette adresse.
stolen-credentials-not-you-support = Si vous n’avez pas essayé de vous connecter, quelqu’un d’autre connaît ce mot de passe : changez-le dès maintenant. Besoin d’aide ? Écrivez à { $support }.
