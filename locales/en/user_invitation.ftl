## user_invitation: an invitation to join an application, or an organization in it.
## The recipient may have no account yet: no greeting by name.

# Subject when the inviter and the organization are known. $inviter (String): a person's
# name, any script; $organization (String): an organization's name; $client (String): the
# application's name. All three are untrusted text.
invitation-subject-from = { $inviter } invited you to join { $organization } on { $client }
# Subject when only the organization is known.
invitation-subject-organization = You're invited to join { $organization } on { $client }
# Subject when neither is known.
invitation-subject = You're invited to join { $client }
# Preview text that mail clients show next to the subject.
invitation-preheader = Accept the invitation to get started with { $client }.
invitation-heading = You're invited
# First paragraph, the three variants as for the subject.
invitation-intro-from = { $inviter } invited you to join { $organization } on { $client }. Accept the invitation to set up your access.
invitation-intro-organization = You've been invited to join { $organization } on { $client }. Accept the invitation to set up your access.
invitation-intro = You've been invited to join { $client }. Accept the invitation to set up your access.
# The button's label.
invitation-action = Accept the invitation
# $duration (String): a localized duration built from duration-*, e.g. "7 days".
invitation-expiry = This invitation expires in { $duration }.
invitation-ignore = If you weren't expecting this invitation, you can ignore this email.
