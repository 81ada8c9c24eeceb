## reset_email: the password reset link, sent when someone asks to reset the password.

# Subject line, under about 50 characters. $client (String): the application's name, any
# script or a company name.
reset-email-subject = أعِد تعيين كلمة مرورك في { $client }
# Preview text that mail clients show next to the subject.
reset-email-preheader = اختر كلمة مرور جديدة لحسابك في { $client }.
reset-email-heading = إعادة تعيين كلمة المرور
# $client: the application's name.
reset-email-intro = تلقّينا طلبًا لإعادة تعيين كلمة مرور حسابك في { $client }. لاختيار كلمة مرور جديدة، استخدم الزر أدناه.
# The button's label.
reset-email-action = اختيار كلمة مرور جديدة
# $duration (String): a localized duration built from duration-*, e.g. "ساعة واحدة".
reset-email-expiry = تنتهي صلاحية هذا الرابط خلال { $duration }، ولا يمكن استخدامه إلا مرة واحدة.
reset-email-ignore = إذا لم تطلب إعادة تعيين كلمة المرور، فيمكنك تجاهل هذه الرسالة، وستبقى كلمة مرورك كما هي.
