## reset_email_by_code: a one-time code to type in to reset the password.

# Subject line: starts with the code, so it can be read in the notification. $code (String):
# the code, digits and possibly letters ("739215", "A7K-9Q2"). $client (String): the
# application's name, any script.
reset-code-subject = { $code } is your { $client } password reset code
# Preview text that mail clients show next to the subject.
reset-code-preheader = Use this code to choose a new password.
# The heading at the top of the body.
reset-code-heading = Your password reset code
# Shown right above the code. $client: the application's name.
reset-code-intro = Enter this code in { $client } to choose a new password:
# $duration (String): a localized duration built from duration-*, e.g. "10 minutes".
reset-code-expiry = The code expires in { $duration }.
# $client: the application's name.
reset-code-warning = Never share this code with anyone. { $client } staff will never ask you for it.
# The closing note for someone who did not ask.
reset-code-ignore = If you didn't ask to reset your password, you can ignore this email: your password stays the same.
