## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = Bonjour { $name },
# Used when the profile has no usable name.
greeting-anonymous = Bonjour,

# Shown under every call-to-action button, followed by the raw link.
link-fallback = Si le bouton ne fonctionne pas, copiez et collez ce lien dans votre navigateur :

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = Vous recevez cet e-mail car cette adresse a été utilisée avec { $client }.
# $support (String) - the application's support email address.
footer-help = Des questions ? Écrivez-nous à { $support }.
footer-automated = Ce message a été envoyé automatiquement. Merci de ne pas y répondre.
# $client (String) - the application's name.
signature = L’équipe { $client }

## Durations, used inside the expiry sentences of the verification emails
## ("Ce lien expire dans { $duration }.").
## $count (Number) - a whole number. Cover every CLDR plural category of the locale:
## one (0 and 1), many (1000000, 2000000…), other.

duration-minutes = { $count ->
    [one] { $count } minute
    [many] { $count } minutes
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } heure
    [many] { $count } heures
   *[other] { $count } heures
}
duration-days = { $count ->
    [one] { $count } jour
    [many] { $count } jours
   *[other] { $count } jours
}

## Quand et d’où : l’encadré de blocked_account et stolen_credentials. Chaque ligne ne
## s’affiche que si le fournisseur d’identité a transmis l’information.

# $at (String) : date, heure et fuseau déjà écrits pour le français par mailroom, par ex.
# « 2 décembre 2026 à 11:05 heure normale d’Europe centrale ».
security-when = Date : { $at }
# $location (String) : un lieu tel que le fournisseur l’a écrit (souvent en anglais,
# « Lyon, France ») ; texte non fiable. $ip (String) : une adresse IP (« 203.0.113.7 »).
security-where = Lieu : { $location } (adresse IP { $ip })
# Seul le lieu est connu.
security-where-location = Lieu : { $location }
# Seule l’adresse IP est connue.
security-where-ip = Adresse IP : { $ip }
