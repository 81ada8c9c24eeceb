## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
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
