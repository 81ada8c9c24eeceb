## user_invitation: an invitation to join an application, or an organization in it.
## Neutral Spanish (tú).

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script.
invitation-subject-from = { $inviter } te invitó a unirte a { $organization } en { $client }
invitation-subject-organization = Te invitaron a unirte a { $organization } en { $client }
invitation-subject = Te invitaron a unirte a { $client }
invitation-preheader = Acepta la invitación para empezar a usar { $client }.
invitation-heading = Tienes una invitación
invitation-intro-from = { $inviter } te invitó a unirte a { $organization } en { $client }. Acepta la invitación para configurar tu acceso.
invitation-intro-organization = Te invitaron a unirte a { $organization } en { $client }. Acepta la invitación para configurar tu acceso.
invitation-intro = Te invitaron a unirte a { $client }. Acepta la invitación para configurar tu acceso.
# The button's label.
invitation-action = Aceptar la invitación
# $duration (String): e.g. "7 días".
invitation-expiry = Esta invitación vence en { $duration }.
invitation-ignore = Si no esperabas esta invitación, puedes ignorar este correo.
