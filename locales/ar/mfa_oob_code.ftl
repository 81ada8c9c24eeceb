## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email.

# Starts with the code, after a right-to-left mark ({"\u200F"}): an alphanumeric code
# first would turn the whole subject left-to-right in mail clients that use dir=auto. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = {"\u200F"}{ $code } هو رمز التحقق الخاص بك في { $client }
mfa-code-preheader = هناك من يسجّل الدخول إلى حسابك باستخدام كلمة مرورك.
mfa-code-heading = رمز التحقق من تسجيل الدخول
# Shown right above the code.
mfa-code-intro = سجّل أحدهم الدخول للتو إلى حسابك في { $client } باستخدام كلمة مرورك. لإكمال تسجيل الدخول، أدخِل هذا الرمز:
# $duration (String): e.g. "5 دقائق".
mfa-code-expiry = تنتهي صلاحية الرمز خلال { $duration }.
mfa-code-warning = لا تشارك هذا الرمز مع أي أحد. لن يطلبه منك فريق { $client } أبدًا.
mfa-code-not-you = إذا لم تكن أنت، فلا تُدخل الرمز، فهناك من يعرف كلمة مرورك. غيّر كلمة مرورك في { $client } الآن.
