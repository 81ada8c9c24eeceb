## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = ¡Te damos la bienvenida a { $client }!
welcome-preheader = Tu cuenta ya está lista para usar.
welcome-heading = ¡Te damos la bienvenida a { $client }!
welcome-intro = Tu cuenta ya está lista. Nos alegra mucho tenerte con nosotros.
welcome-next = Todo lo que necesitas está a un solo clic. Empieza cuando quieras.
# The button's label.
welcome-action = Empezar
