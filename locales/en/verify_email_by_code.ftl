## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code } is your { $client } verification code
verify-code-preheader = Use this code to confirm your email address.
verify-code-heading = Your verification code
verify-code-intro = Enter this code in { $client } to confirm your email address:
# $duration (String) - a localized duration built from duration-*, e.g. "15 minutes".
verify-code-expiry = The code expires in { $duration }.
verify-code-warning = Never share this code with anyone. { $client } staff will never ask you for it.
verify-code-ignore = If you didn't request a code, you can safely ignore this email.
