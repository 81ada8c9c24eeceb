## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.
##
## Every message, in every file, may also use these three, whether or not the English one
## does (choose the form your language needs):
##   $client (String) - the application's name, any script or a company name.
##   $name (String) - the name to greet the reader by: the given name, else the full name,
##     else the nickname.
##   $full_name (String) - the full name first ("佐藤 陽翔"), else as $name.

# $name (String) - the recipient's given name, or their full name (see above; a language that
# greets by the full name uses $full_name instead, as Japanese does).
greeting = Hi { $name },
# Used when the profile has no usable name.
greeting-anonymous = Hello,

# Shown under every call-to-action button, followed by the raw link.
link-fallback = If the button doesn't work, copy and paste this link into your browser:

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = You're receiving this email because this address was used with { $client }.
# $support (String) - the application's support email address.
footer-help = Questions? Write to us at { $support }.
footer-automated = This message was sent automatically. Please don't reply to it.
# $client (String) - the application's name.
signature = The { $client } team

## Durations, used inside the expiry sentences of the verification emails.
## $count (Number) - a whole number. Cover every CLDR plural category of the locale.

duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}

## When and where a security event happened: the box in blocked_account and
## stolen_credentials. Each line is shown only when the provider sent that detail.

# $at (String): the date, time and time zone, already written for your locale by mailroom,
# e.g. "December 2, 2026 at 11:05 AM Central European Standard Time".
security-when = When: { $at }
# $location (String): a place as the identity provider wrote it (often English, e.g.
# "Lyon, France"); untrusted text. $ip (String): an IP address, e.g. "203.0.113.7" or
# "2001:db8::1".
security-where = Where: { $location } (IP address { $ip })
# Only the place is known. $location: as above.
security-where-location = Where: { $location }
# Only the IP address is known. $ip: as above.
security-where-ip = Where: IP address { $ip }
