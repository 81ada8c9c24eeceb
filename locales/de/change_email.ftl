## change_email: the link that confirms a new email address; sent to the new address.

# $client (String): the application's name, any script.
change-email-subject = Bestätigen Sie Ihre neue E-Mail-Adresse für { $client }
change-email-preheader = Ein Klick, und Sie nutzen diese Adresse bei { $client }.
change-email-heading = Neue E-Mail-Adresse bestätigen
# $email (String): the new address.
change-email-intro-address = Sie möchten für Ihr Konto bei { $client } künftig { $email } verwenden. Bestätigen Sie die Änderung, um die Adresse zu nutzen.
change-email-intro = Sie möchten diese Adresse für Ihr Konto bei { $client } verwenden. Bestätigen Sie die Änderung, um sie zu nutzen.
# The button's label.
change-email-action = Neue Adresse bestätigen
# $duration (String): in the dative case, e.g. "24 Stunden".
change-email-expiry = Dieser Link läuft in { $duration } ab.
change-email-ignore = Falls Sie diese Änderung nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Konto bei { $client } behält seine bisherige Adresse.
