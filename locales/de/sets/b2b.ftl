## Template set `b2b` (see locales/en/sets/b2b.ftl). Geschäftsbrief-Ton, Sie-Form.

# Replaces `greeting`. $name (String) - the recipient's given name, or their display name.
greeting = Guten Tag { $name },
# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = Sehr geehrte Damen und Herren,
# Replaces `signature`. $client (String) - the application's name; any script.
signature = Mit freundlichen Grüßen, Ihr Team von { $client }
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = Sie erhalten diese E-Mail, weil das Konto Ihrer Organisation bei { $client } diese Adresse verwendet.
# Confidentiality line in the footer.
b2b-footer-confidential = Diese E-Mail ist ausschließlich für den Empfänger bestimmt. Sollten Sie sie irrtümlich erhalten haben, löschen Sie sie bitte.
