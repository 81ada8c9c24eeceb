## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = { $code } ist Ihr Bestätigungscode für { $client }
mfa-code-preheader = Jemand meldet sich mit Ihrem Passwort bei Ihrem Konto an.
mfa-code-heading = Ihr Bestätigungscode für die Anmeldung
# Shown right above the code.
mfa-code-intro = Soeben hat sich jemand mit Ihrem Passwort bei Ihrem Konto bei { $client } angemeldet. Geben Sie diesen Code ein, um die Anmeldung abzuschließen:
# $duration (String): in the dative case, e.g. "5 Minuten".
mfa-code-expiry = Der Code läuft in { $duration } ab.
mfa-code-warning = Geben Sie diesen Code niemals weiter. Mitarbeitende von { $client } werden Sie nie danach fragen.
mfa-code-not-you = Falls Sie das nicht waren, geben Sie den Code nicht ein: Jemand anderes kennt Ihr Passwort. Ändern Sie jetzt Ihr Passwort für { $client }.
