## reset_email: the password reset link, sent when someone asks to reset the password.
## Neutral Spanish that reads well in Latin America and Spain (tú; "vence", "ingresa").

# Subject line, under about 50 characters. $client (String): the application's name, any
# script or a company name.
reset-email-subject = Restablece tu contraseña de { $client }
# Preview text that mail clients show next to the subject.
reset-email-preheader = Elige una nueva contraseña para tu cuenta de { $client }.
reset-email-heading = Restablece tu contraseña
# $client: the application's name.
reset-email-intro = Recibimos una solicitud para restablecer la contraseña de tu cuenta de { $client }. Para elegir una nueva, usa el botón de abajo.
# The button's label.
reset-email-action = Elegir una nueva contraseña
# $duration (String): a localized duration built from duration-*, e.g. "1 hora".
reset-email-expiry = Este enlace vence en { $duration } y solo se puede usar una vez.
reset-email-ignore = Si no pediste restablecer tu contraseña, puedes ignorar este correo: tu contraseña no cambiará.
