## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = Willkommen bei { $client }!
welcome-preheader = Ihr Konto ist startklar.
welcome-heading = Willkommen bei { $client }!
welcome-intro = Ihr Konto ist fertig eingerichtet. Schön, dass Sie dabei sind!
welcome-next = Alles, was Sie brauchen, ist nur einen Klick entfernt. Legen Sie einfach los, wann immer Sie möchten.
# The button's label.
welcome-action = Jetzt loslegen
