## Template set `b2b` (see locales/en/sets/b2b.ftl). Tom de e-mail corporativo.

# Replaces `greeting`. $name (String) - the recipient's given name, or their display name.
greeting = Prezado(a) { $name },
# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = Prezado(a) cliente,
# Replaces `signature`. $client (String) - the application's name; any script.
signature = Atenciosamente, equipe { $client }
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = Você está recebendo este e-mail porque a conta da sua organização em { $client } usa este endereço.
# Confidentiality line in the footer.
b2b-footer-confidential = Este e-mail é destinado exclusivamente ao seu destinatário. Se você o recebeu por engano, por favor, exclua-o.
