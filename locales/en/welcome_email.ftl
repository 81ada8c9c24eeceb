## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = Welcome to { $client }!
welcome-preheader = Your account is ready to use.
welcome-heading = Welcome to { $client }!
welcome-intro = Your account is all set. We're glad to have you with us.
welcome-next = Everything you need is one click away. Jump in whenever you're ready.
# The button's label.
welcome-action = Get started
