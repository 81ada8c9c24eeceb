## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = Bestätigen Sie Ihre E-Mail-Adresse für { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = Nur ein Klick, und Ihr Konto bei { $client } ist startklar.
verify-email-heading = Bestätigen Sie Ihre E-Mail-Adresse
verify-email-intro = Vielen Dank für Ihre Registrierung bei { $client }! Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist, damit wir die Einrichtung Ihres Kontos abschließen können.
# The button's label.
verify-email-action = E-Mail-Adresse bestätigen
# $duration (String) - a localized duration built from duration-*, in the dative case, e.g. "24 Stunden".
verify-email-expiry = Dieser Link läuft in { $duration } ab.
verify-email-ignore = Falls Sie sich nicht bei { $client } registriert haben, können Sie diese E-Mail einfach ignorieren: Ohne einen Klick auf die Schaltfläche bleibt diese Adresse unbestätigt.
