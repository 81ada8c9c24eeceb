## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = Richten Sie die Bestätigung in zwei Schritten für { $client } ein
enrollment-preheader = Schützen Sie Ihr Konto bei { $client } mit einem zweiten Schritt bei der Anmeldung.
enrollment-heading = Bestätigung in zwei Schritten einrichten
enrollment-intro = { $client } bittet Sie, bei der Anmeldung einen zweiten Schritt hinzuzufügen. Dann genügt Ihr Passwort allein nicht mehr, um Ihr Konto zu öffnen. Das dauert nur eine Minute.
# The button's label.
enrollment-action = Bestätigung in zwei Schritten einrichten
# $duration (String): in the dative case, e.g. "5 Tagen".
enrollment-expiry = Dieser Link läuft in { $duration } ab.
enrollment-not-you = Falls Sie kein Konto bei { $client } haben, können Sie diese E-Mail ignorieren.
