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

## Quando e de onde: o quadro de blocked_account e stolen_credentials. Cada linha só
## aparece quando o provedor de identidade enviou essa informação.

# $at (String): data, hora e fuso horário, já escritos em português pelo mailroom, p. ex.
# "2 de dezembro de 2026 às 11:05 Horário Padrão da Europa Central".
security-when = Quando: { $at }
# $location (String): um lugar como o provedor o escreve (muitas vezes em inglês, "Lyon,
# France"); texto não confiável. $ip (String): um endereço IP ("203.0.113.7").
security-where = Onde: { $location } (endereço IP { $ip })
# Só o lugar é conhecido.
security-where-location = Onde: { $location }
# Só o endereço IP é conhecido.
security-where-ip = Onde: endereço IP { $ip }
