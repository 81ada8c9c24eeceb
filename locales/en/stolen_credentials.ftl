## stolen_credentials: sent when someone signed in, or tried to, with the reader's email
## address and a password that was published in a data breach of another site (breached
## password detection). The sign-in was blocked; the link resets the password.

# Subject line. Keep it under about 50 characters. $client (String): the application's
# name, any script, possibly a company name.
stolen-credentials-subject = Change your { $client } password
# Preview text that mail clients show next to the subject.
stolen-credentials-preheader = Your password appeared in a data breach of another site.
# The heading at the top of the body.
stolen-credentials-heading = Your password was found in a data breach
# The first paragraph: what happened. $client: the application's name.
stolen-credentials-intro = Someone tried to sign in to your { $client } account with a password that was published in a data breach of another website or app. We blocked the sign-in to protect your account.
# Above the button: what to do.
stolen-credentials-next = Choose a new password that you don't use anywhere else. If you used the old one on other sites, change it there too.
# The button's label (also a line of its own in the text part, above the link).
stolen-credentials-action = Choose a new password
# $duration (String): a localized duration built from duration-*, e.g. "1 hour".
stolen-credentials-expiry = This link expires in { $duration } and can be used once.
# The closing paragraph: what it means when the sign-in was not the reader's.
stolen-credentials-not-you = If you didn't try to sign in, someone else knows this password: change it now.
# The same, when the application has a support address. $support (String): that address.
stolen-credentials-not-you-support = If you didn't try to sign in, someone else knows this password: change it now. If you need help, write to { $support }.
