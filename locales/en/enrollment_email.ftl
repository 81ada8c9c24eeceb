## enrollment_email: the invitation to set up two-step verification on an account.

# Subject line. $client (String): the application's name, any script or a company name.
enrollment-subject = Set up two-step verification for { $client }
# Preview text that mail clients show next to the subject.
enrollment-preheader = Protect your { $client } account with a second step at sign-in.
enrollment-heading = Set up two-step verification
# $client: the application's name.
enrollment-intro = { $client } asks you to add a second step when you sign in, so your password alone is no longer enough to open your account. It takes a minute.
# The button's label.
enrollment-action = Set up two-step verification
# $duration (String): a localized duration built from duration-*, e.g. "5 days".
enrollment-expiry = This link expires in { $duration }.
# What to do if the user did not expect it. $client: the application's name.
enrollment-not-you = If you don't have a { $client } account, you can ignore this email.
