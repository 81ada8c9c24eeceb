## change_email: the link that confirms a new email address; sent to the new address.

# $client (String): the application's name, any script.
change-email-subject = أكِّد عنوان بريدك الإلكتروني الجديد في { $client }
change-email-preheader = نقرة واحدة لاستخدام هذا العنوان في { $client }.
change-email-heading = أكِّد عنوان بريدك الإلكتروني الجديد
# $email (String): the new address.
change-email-intro-address = طلبت استخدام { $email } لحسابك في { $client }. أكِّد التغيير لتبدأ استخدامه.
change-email-intro = طلبت استخدام هذا العنوان لحسابك في { $client }. أكِّد التغيير لتبدأ استخدامه.
# The button's label.
change-email-action = تأكيد العنوان الجديد
# $duration (String): e.g. "24 ساعة".
change-email-expiry = تنتهي صلاحية هذا الرابط خلال { $duration }.
change-email-ignore = إذا لم تطلب هذا التغيير، فتجاهل هذه الرسالة، وسيحتفظ حسابك في { $client } بعنوانه الحالي.
