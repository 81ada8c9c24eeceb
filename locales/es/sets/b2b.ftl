## Template set `b2b` (see locales/en/sets/b2b.ftl). Trato de usted, tono de correo
## empresarial, neutro para España y América Latina.

# Replaces `greeting`. $name (String) - the recipient's given name, or their display name.
greeting = Estimado/a { $name }:
# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = Estimado/a cliente:
# Replaces `signature`. $client (String) - the application's name; any script.
signature = Atentamente, el equipo de { $client }
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = Usted recibe este correo porque la cuenta de su organización en { $client } usa esta dirección.
# Confidentiality line in the footer.
b2b-footer-confidential = Este correo está dirigido únicamente a su destinatario. Si lo recibió por error, le pedimos que lo elimine.
