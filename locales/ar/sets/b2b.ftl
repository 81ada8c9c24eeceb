## Template set `b2b` (see locales/en/sets/b2b.ftl). أسلوب المراسلات الرسمية.

# Replaces `greeting-anonymous`: the profile has no usable name.
greeting-anonymous = تحية طيبة،
# Replaces `signature`. $client (String) - the application's name; any script.
signature = مع خالص التحيات، فريق { $client }
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = تصلك هذه الرسالة لأن حساب مؤسستك لدى { $client } يستخدم هذا العنوان.
# Confidentiality line in the footer.
b2b-footer-confidential = هذه الرسالة موجهة إلى المرسَل إليه فقط. إذا وصلتك عن طريق الخطأ، فيُرجى حذفها.
