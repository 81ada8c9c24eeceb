## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code, after a right-to-left mark ({"\u200F"}): an alphanumeric code
# first would turn the whole subject left-to-right in mail clients that use dir=auto. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = {"\u200F"}{ $code } هو رمز إعادة تعيين كلمة المرور في { $client }
reset-code-preheader = استخدم هذا الرمز لاختيار كلمة مرور جديدة.
reset-code-heading = رمز إعادة تعيين كلمة المرور
# Shown right above the code.
reset-code-intro = أدخِل هذا الرمز في { $client } لاختيار كلمة مرور جديدة:
# $duration (String): e.g. "10 دقائق".
reset-code-expiry = تنتهي صلاحية الرمز خلال { $duration }.
reset-code-warning = لا تشارك هذا الرمز مع أي أحد. لن يطلبه منك فريق { $client } أبدًا.
reset-code-ignore = إذا لم تطلب إعادة تعيين كلمة المرور، فيمكنك تجاهل هذه الرسالة، وستبقى كلمة مرورك كما هي.
