## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
passwordless-subject = { $code } ist Ihr Anmeldecode für { $client }
passwordless-preheader = Mit diesem Code melden Sie sich bei { $client } an.
passwordless-heading = Ihr Anmeldecode
# Shown right above the code.
passwordless-intro = Geben Sie diesen Code in { $client } ein, um sich anzumelden:
# Shown only when there is a link, right above its button.
passwordless-link-intro = Oder melden Sie sich auf diesem Gerät mit einem Klick an:
# The button's label.
passwordless-action = Anmelden
# $duration (String): in the dative case, e.g. "5 Minuten".
passwordless-expiry = Code und Link laufen in { $duration } ab und funktionieren nur einmal.
passwordless-warning = Geben Sie diesen Code und diesen Link niemals weiter. Mitarbeitende von { $client } werden Sie nie danach fragen.
passwordless-ignore = Falls Sie sich nicht anmelden wollten, können Sie diese E-Mail ignorieren: Ohne diesen Code kann sich niemand anmelden.
