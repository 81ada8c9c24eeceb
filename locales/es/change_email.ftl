## change_email: the link that confirms a new email address; sent to the new address.

# $client (String): the application's name, any script.
change-email-subject = Confirma tu nueva dirección de correo en { $client }
change-email-preheader = Un clic para usar esta dirección en { $client }.
change-email-heading = Confirma tu nueva dirección de correo
# $email (String): the new address.
change-email-intro-address = Pediste usar { $email } en tu cuenta de { $client }. Confirma el cambio para empezar a usarla.
change-email-intro = Pediste usar esta dirección en tu cuenta de { $client }. Confirma el cambio para empezar a usarla.
# The button's label.
change-email-action = Confirmar la nueva dirección
# $duration (String): e.g. "24 horas".
change-email-expiry = Este enlace vence en { $duration }.
change-email-ignore = Si no pediste este cambio, ignora este correo: tu cuenta de { $client } conserva su dirección actual.
