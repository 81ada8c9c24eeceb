## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = { $code } ist Ihr Code zum Zurücksetzen des Passworts für { $client }
reset-code-preheader = Mit diesem Code wählen Sie ein neues Passwort.
reset-code-heading = Ihr Code zum Zurücksetzen des Passworts
# Shown right above the code.
reset-code-intro = Geben Sie diesen Code in { $client } ein, um ein neues Passwort zu wählen:
# $duration (String): in the dative case, e.g. "10 Minuten".
reset-code-expiry = Der Code läuft in { $duration } ab.
reset-code-warning = Geben Sie diesen Code niemals weiter. Mitarbeitende von { $client } werden Sie nie danach fragen.
reset-code-ignore = Falls Sie das Zurücksetzen nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert.
