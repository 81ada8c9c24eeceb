## reset_email: the password reset link, sent when someone asks to reset the password.
## Shown in the subject, the preview text, the body's heading, text and button.

# Subject line. Keep it under about 50 characters. $client (String): the application's
# name, any script, possibly a company name ("Acme Notes", "株式会社エクサ").
reset-email-subject = Reset your { $client } password
# Preview text that mail clients show next to the subject. $client: as in the subject.
reset-email-preheader = Choose a new password for your { $client } account.
# The heading at the top of the body.
reset-email-heading = Reset your password
# The first paragraph. $client: the application's name.
reset-email-intro = We received a request to reset the password of your { $client } account. To choose a new one, use the button below.
# The button's label (also a line of its own in the text part, above the link).
reset-email-action = Choose a new password
# $duration (String): a localized duration built from duration-*, e.g. "1 hour".
reset-email-expiry = This link expires in { $duration } and can be used once.
# The closing note for someone who did not ask.
reset-email-ignore = If you didn't ask to reset your password, you can ignore this email: your password stays the same.
