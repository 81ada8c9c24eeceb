## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one.

# Subject line: starts with the code. $code (String): digits, possibly letters. $client
# (String): the application's name, any script or a company name.
passwordless-subject = { $code } is your { $client } sign-in code
# Preview text that mail clients show next to the subject.
passwordless-preheader = Use this code to sign in to { $client }.
passwordless-heading = Your sign-in code
# Shown right above the code. $client: the application's name.
passwordless-intro = Enter this code in { $client } to sign in:
# Shown only when there is a link, right above its button.
passwordless-link-intro = Or sign in with one click on this device:
# The button's label.
passwordless-action = Sign in
# $duration (String): a localized duration built from duration-*, e.g. "5 minutes".
passwordless-expiry = The code and the link expire in { $duration } and work once.
# $client: the application's name.
passwordless-warning = Never share this code or link with anyone. { $client } staff will never ask you for them.
# For someone who did not try to sign in.
passwordless-ignore = If you didn't try to sign in, you can ignore this email: no one can sign in without this code.
