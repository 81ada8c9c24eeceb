## user_invitation: an invitation to join an application, or an organization in it.

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script.
invitation-subject-from = { $inviter } convidou você para participar de { $organization } no { $client }
invitation-subject-organization = Você foi convidado para participar de { $organization } no { $client }
invitation-subject = Você foi convidado para participar do { $client }
invitation-preheader = Aceite o convite para começar a usar o { $client }.
invitation-heading = Você recebeu um convite
invitation-intro-from = { $inviter } convidou você para participar de { $organization } no { $client }. Aceite o convite para configurar seu acesso.
invitation-intro-organization = Você recebeu um convite para participar de { $organization } no { $client }. Aceite o convite para configurar seu acesso.
invitation-intro = Você recebeu um convite para participar do { $client }. Aceite o convite para configurar seu acesso.
# The button's label.
invitation-action = Aceitar o convite
# $duration (String): e.g. "7 dias".
invitation-expiry = Este convite expira em { $duration }.
invitation-ignore = Se você não esperava este convite, pode ignorar este e-mail.
