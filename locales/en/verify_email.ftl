## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = Confirm your email address for { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = One click and your { $client } account is ready.
verify-email-heading = Confirm your email address
verify-email-intro = Thanks for signing up for { $client }! Please confirm that this is your email address so we can finish setting up your account.
# The button's label.
verify-email-action = Confirm my email address
# $duration (String) - a localized duration built from duration-*, e.g. "24 hours".
verify-email-expiry = This link expires in { $duration }.
verify-email-ignore = If you didn't sign up for { $client }, you can safely ignore this email: without a click on the button, this address stays unconfirmed.
