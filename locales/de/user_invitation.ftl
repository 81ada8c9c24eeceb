## user_invitation: an invitation to join an application, or an organization in it.

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script.
invitation-subject-from = { $inviter } hat Sie zu { $organization } bei { $client } eingeladen
invitation-subject-organization = Einladung zu { $organization } bei { $client }
invitation-subject = Einladung zu { $client }
invitation-preheader = Nehmen Sie die Einladung an, um mit { $client } zu beginnen.
invitation-heading = Sie sind eingeladen
invitation-intro-from = { $inviter } hat Sie eingeladen, { $organization } bei { $client } beizutreten. Nehmen Sie die Einladung an, um Ihren Zugang einzurichten.
invitation-intro-organization = Sie wurden eingeladen, { $organization } bei { $client } beizutreten. Nehmen Sie die Einladung an, um Ihren Zugang einzurichten.
invitation-intro = Sie wurden zu { $client } eingeladen. Nehmen Sie die Einladung an, um Ihren Zugang einzurichten.
# The button's label.
invitation-action = Einladung annehmen
# $duration (String): in the dative case, e.g. "7 Tagen".
invitation-expiry = Diese Einladung läuft in { $duration } ab.
invitation-ignore = Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.
