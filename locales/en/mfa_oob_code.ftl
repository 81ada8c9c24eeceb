## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email: it says what happened and what to do if it was not the user.

# Subject line: starts with the code. $code (String): digits, possibly letters. $client
# (String): the application's name, any script.
mfa-code-subject = { $code } is your { $client } verification code
# Preview text that mail clients show next to the subject.
mfa-code-preheader = Someone is signing in to your account with your password.
mfa-code-heading = Your sign-in verification code
# Shown right above the code. $client: the application's name.
mfa-code-intro = Someone just signed in to your { $client } account with your password. To finish signing in, enter this code:
# $duration (String): a localized duration built from duration-*, e.g. "5 minutes".
mfa-code-expiry = The code expires in { $duration }.
# $client: the application's name.
mfa-code-warning = Never share this code with anyone. { $client } staff will never ask you for it.
# What to do if it was not the user. $client: the application's name.
mfa-code-not-you = If this wasn't you, don't enter the code: someone else knows your password. Change your { $client } password now.
