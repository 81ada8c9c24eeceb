## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = Hallo { $name },
# Used when the profile has no usable name.
greeting-anonymous = Hallo,

# Shown under every call-to-action button, followed by the raw link.
link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link und fügen Sie ihn in Ihren Browser ein:

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = Sie erhalten diese E-Mail, weil diese Adresse bei { $client } verwendet wurde.
# $support (String) - the application's support email address.
footer-help = Fragen? Schreiben Sie uns an { $support }.
footer-automated = Diese Nachricht wurde automatisch versendet. Bitte antworten Sie nicht darauf.
# $client (String) - the application's name.
signature = Ihr Team von { $client }

## Durations, used inside the expiry sentences of the verification emails.
## They are always placed after the preposition "in" and must therefore be in the
## DATIVE case ("läuft in 1 Tag / in 2 Tagen / in 24 Stunden ab").
## $count (Number) - a whole number. Cover every CLDR plural category of the locale: one, other.

duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}
duration-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tagen
}

## Wann und woher: der Kasten in blocked_account und stolen_credentials. Jede Zeile
## erscheint nur, wenn der Identitätsanbieter die Angabe mitgeschickt hat.

# $at (String): Datum, Uhrzeit und Zeitzone, von mailroom schon deutsch geschrieben, z. B.
# „2. Dezember 2026 um 11:05 Mitteleuropäische Normalzeit“.
security-when = Wann: { $at }
# $location (String): ein Ort, wie ihn der Anbieter schreibt (oft englisch, „Lyon,
# France“); nicht vertrauenswürdiger Text. $ip (String): eine IP-Adresse („203.0.113.7“).
security-where = Wo: { $location } (IP-Adresse { $ip })
# Nur der Ort ist bekannt.
security-where-location = Wo: { $location }
# Nur die IP-Adresse ist bekannt.
security-where-ip = Wo: IP-Adresse { $ip }
