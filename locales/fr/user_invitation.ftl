## user_invitation: an invitation to join an application, or an organization in it.

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script; avoid elision before them.
invitation-subject-from = { $inviter } vous invite à rejoindre { $organization } sur { $client }
invitation-subject-organization = Invitation à rejoindre { $organization } sur { $client }
invitation-subject = Invitation à rejoindre { $client }
invitation-preheader = Acceptez l’invitation pour commencer avec { $client }.
invitation-heading = Une invitation vous attend
invitation-intro-from = { $inviter } vous invite à rejoindre { $organization } sur { $client }. Acceptez l’invitation pour configurer votre accès.
invitation-intro-organization = Vous avez reçu une invitation à rejoindre { $organization } sur { $client }. Acceptez l’invitation pour configurer votre accès.
invitation-intro = Vous avez reçu une invitation à rejoindre { $client }. Acceptez l’invitation pour configurer votre accès.
# The button's label.
invitation-action = Accepter l’invitation
# $duration (String): e.g. "7 jours".
invitation-expiry = Cette invitation expire dans { $duration }.
invitation-ignore = Si vous ne vous attendiez pas à cette invitation, vous pouvez ignorer cet e-mail.
