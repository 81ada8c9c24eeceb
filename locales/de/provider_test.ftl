## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = Test-E-Mail von { $client }: Der Versand funktioniert
provider-test-preheader = Ihr E-Mail-Anbieter ist eingerichtet.
provider-test-heading = Der E-Mail-Versand funktioniert
provider-test-body = Dies ist eine Test-E-Mail für { $client }. Sie ging von Ihrem Identitätsanbieter über mailroom in dieses Postfach; E-Mails an Ihre Nutzer nehmen denselben Weg.
provider-test-note = Sie müssen nichts tun. Sie erhalten diese Nachricht, weil in den Einstellungen des E-Mail-Anbieters ein Test ausgelöst wurde.
