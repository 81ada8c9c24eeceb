## Template set `b2b` (see locales/en/sets/b2b.ftl). Vouvoiement, ton de courrier d’affaires.

# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = Madame, Monsieur,
# Replaces `signature`. $client (String) - the application's name; any script.
signature = Cordialement, l’équipe { $client }
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = Vous recevez cet e-mail car le compte de votre organisation sur { $client } utilise cette adresse.
# Confidentiality line in the footer.
b2b-footer-confidential = Cet e-mail est destiné uniquement à son destinataire. Si vous l’avez reçu par erreur, merci de le supprimer.
