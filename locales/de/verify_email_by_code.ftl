## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code } ist Ihr Bestätigungscode für { $client }
verify-code-preheader = Verwenden Sie diesen Code, um Ihre E-Mail-Adresse zu bestätigen.
verify-code-heading = Ihr Bestätigungscode
verify-code-intro = Geben Sie diesen Code in { $client } ein, um Ihre E-Mail-Adresse zu bestätigen:
# $duration (String) - a localized duration built from duration-*, in the dative case, e.g. "15 Minuten".
verify-code-expiry = Der Code läuft in { $duration } ab.
verify-code-warning = Geben Sie diesen Code niemals an andere weiter. Das Team von { $client } wird Sie niemals danach fragen.
verify-code-ignore = Falls Sie keinen Code angefordert haben, können Sie diese E-Mail einfach ignorieren.
