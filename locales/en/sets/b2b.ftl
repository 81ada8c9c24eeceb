## Template set `b2b`: applications sold to organizations. A more formal voice than the
## defaults, and a footer of its own (templates/sets/b2b/layouts/footer.*). Messages not
## here come from the locale's own files.

# Replaces `greeting`. $name (String) - the recipient's given name, or their display name.
greeting = Dear { $name },
# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = Dear customer,
# Replaces `signature`, the first line of the footer.
# $client (String) - the application's name; any script, often a company name.
signature = Kind regards, the { $client } team
# The footer line that says why the email came.
# $client (String) - the application's name; any script, often a company name.
b2b-footer-reason = You are receiving this email because your organization's account with { $client } uses this address.
# A confidentiality line in the footer, as business email often has.
b2b-footer-confidential = This email is intended only for its addressee. If it reached you by mistake, please delete it.
