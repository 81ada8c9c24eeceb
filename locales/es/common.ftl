## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = Hola, { $name }:
# Used when the profile has no usable name.
greeting-anonymous = Hola:

# Shown under every call-to-action button, followed by the raw link.
link-fallback = Si el botón no funciona, copia este enlace y pégalo en tu navegador:

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = Recibes este correo porque esta dirección se ha usado en { $client }.
# $support (String) - the application's support email address.
footer-help = ¿Tienes alguna pregunta? Escríbenos a { $support }.
footer-automated = Este mensaje se ha enviado automáticamente. Por favor, no lo respondas.
# $client (String) - the application's name.
signature = El equipo de { $client }

## Durations, used inside the expiry sentences of the verification emails
## ("Este enlace vence en { $duration }.").
## $count (Number) - a whole number. Cover every CLDR plural category of the locale:
## one, many (1000000…, same text as other), other.

duration-minutes = { $count ->
    [one] { $count } minuto
    [many] { $count } minutos
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] { $count } hora
    [many] { $count } horas
   *[other] { $count } horas
}
duration-days = { $count ->
    [one] { $count } día
    [many] { $count } días
   *[other] { $count } días
}

## Cuándo y desde dónde: el recuadro de blocked_account y stolen_credentials. Cada línea
## aparece solo si el proveedor de identidad envió ese dato.

# $at (String): fecha, hora y zona horaria, ya escritas en español por mailroom, p. ej.
# "2 de diciembre de 2026 a las 11:05 hora estándar de Europa central".
security-when = Cuándo: { $at }
# $location (String): un lugar tal como lo escribe el proveedor (a menudo en inglés,
# "Lyon, France"); texto no confiable. $ip (String): una dirección IP ("203.0.113.7").
security-where = Dónde: { $location } (dirección IP { $ip })
# Solo se conoce el lugar.
security-where-location = Dónde: { $location }
# Solo se conoce la dirección IP.
security-where-ip = Dónde: dirección IP { $ip }
