## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = Bienvenue sur { $client } !
welcome-preheader = Votre compte est prêt à l’emploi.
welcome-heading = Bienvenue sur { $client } !
welcome-intro = Votre compte est prêt. Nous sommes ravis de vous compter parmi nous.
welcome-next = Tout ce dont vous avez besoin est à portée de clic. Lancez-vous quand vous le souhaitez.
# The button's label.
welcome-action = Commencer
