## user_invitation: an invitation to join an application, or an organization in it.

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script.
invitation-subject-from = دعاك { $inviter } للانضمام إلى { $organization } في { $client }
invitation-subject-organization = دعوة للانضمام إلى { $organization } في { $client }
invitation-subject = دعوة للانضمام إلى { $client }
invitation-preheader = اقبل الدعوة لتبدأ استخدام { $client }.
invitation-heading = لديك دعوة
invitation-intro-from = دعاك { $inviter } للانضمام إلى { $organization } في { $client }. اقبل الدعوة لإعداد وصولك.
invitation-intro-organization = وصلتك دعوة للانضمام إلى { $organization } في { $client }. اقبل الدعوة لإعداد وصولك.
invitation-intro = وصلتك دعوة للانضمام إلى { $client }. اقبل الدعوة لإعداد وصولك.
# The button's label.
invitation-action = قبول الدعوة
# $duration (String): e.g. "7 أيام".
invitation-expiry = تنتهي صلاحية هذه الدعوة خلال { $duration }.
invitation-ignore = إذا لم تكن تتوقع هذه الدعوة، فيمكنك تجاهل هذه الرسالة.
