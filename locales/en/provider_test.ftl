## provider_test: the test email an identity provider sends when an administrator sets up
## mailroom as its email provider. Read by that administrator, not by end users.

# Subject line. $client (String): the application's or tenant's name, any script.
provider-test-subject = Test email from { $client }: email delivery works
# Preview text that mail clients show next to the subject.
provider-test-preheader = Your email provider is set up.
# The heading at the top of the body.
provider-test-heading = Email delivery works
# $client: the application's or tenant's name.
provider-test-body = This is a test email for { $client }. It went from your identity provider through mailroom to this inbox, so emails to your users will be delivered the same way.
# A short closing note.
provider-test-note = No action is needed. You received this because someone sent a test from the email provider settings.
