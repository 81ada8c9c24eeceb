## blocked_account: sent when the identity provider blocked the account after too many
## failed sign-in attempts (brute-force protection). The link unblocks it. The reader may
## or may not have made the attempts: say what happened, without blame or alarm.

# Subject line. Keep it under about 50 characters. $client (String): the application's
# name, any script, possibly a company name ("Acme Notes", "株式会社エクサ").
blocked-account-subject = Your { $client } account has been blocked
# Preview text that mail clients show next to the subject.
blocked-account-preheader = After several failed sign-in attempts. You can unblock it in one step.
# The heading at the top of the body.
blocked-account-heading = Your account has been blocked
# The first paragraph: what happened. $client: the application's name.
blocked-account-intro = We blocked sign-ins to your { $client } account after several failed attempts, to keep it safe.
# Above the button: what to do when the attempts were the reader's.
blocked-account-next = If it was you, unblock your account and sign in again. If you've forgotten your password, you can reset it once the account is unblocked.
# The button's label (also a line of its own in the text part, above the link).
blocked-account-action = Unblock my account
# $duration (String): a localized duration built from duration-*, e.g. "24 hours".
blocked-account-expiry = This link expires in { $duration }.
# The closing paragraph: what to do when it was not the reader.
blocked-account-not-you = If it wasn't you, someone may be trying to guess your password. Unblock your account and change your password to one you don't use anywhere else.
# The same, when the application has a support address. $support (String): that address.
blocked-account-not-you-support = If it wasn't you, someone may be trying to guess your password. Unblock your account and change your password to one you don't use anywhere else. If you need help, write to { $support }.
