## reset_email: the password reset link, sent when someone asks to reset the password.

# Subject line, under about 50 characters. $client (String): the application's name, any
# script or a company name.
reset-email-subject = Passwort für { $client } zurücksetzen
# Preview text that mail clients show next to the subject.
reset-email-preheader = Wählen Sie ein neues Passwort für Ihr Konto bei { $client }.
reset-email-heading = Passwort zurücksetzen
# $client: the application's name.
reset-email-intro = Wir haben eine Anfrage erhalten, das Passwort Ihres Kontos bei { $client } zurückzusetzen. Über die Schaltfläche unten können Sie ein neues wählen.
# The button's label.
reset-email-action = Neues Passwort wählen
# $duration (String): a localized duration built from duration-*, in the dative case, e.g. "1 Stunde".
reset-email-expiry = Dieser Link läuft in { $duration } ab und kann nur einmal verwendet werden.
reset-email-ignore = Falls Sie das Zurücksetzen nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert.
