## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = Olá, { $name },
# Used when the profile has no usable name.
greeting-anonymous = Olá,

# Shown under every call-to-action button, followed by the raw link.
link-fallback = Se o botão não funcionar, copie e cole este link no seu navegador:

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = Você está recebendo este e-mail porque este endereço foi usado em { $client }.
# $support (String) - the application's support email address.
footer-help = Dúvidas? Escreva para { $support }.
footer-automated = Esta mensagem foi enviada automaticamente. Por favor, não responda.
# $client (String) - the application's name.
signature = Equipe { $client }

## Durations, used inside the expiry sentences of the verification emails
## ("Este link expira em { $duration }.").
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
    [one] { $count } dia
    [many] { $count } dias
   *[other] { $count } dias
}
