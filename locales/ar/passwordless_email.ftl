## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one.

# Starts with the code, after a right-to-left mark ({"\u200F"}): an alphanumeric code
# first would turn the whole subject left-to-right in mail clients that use dir=auto. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
passwordless-subject = {"\u200F"}{ $code } هو رمز تسجيل الدخول إلى { $client }
passwordless-preheader = استخدم هذا الرمز لتسجيل الدخول إلى { $client }.
passwordless-heading = رمز تسجيل الدخول
# Shown right above the code.
passwordless-intro = أدخِل هذا الرمز في { $client } لتسجيل الدخول:
# Shown only when there is a link, right above its button.
passwordless-link-intro = أو سجّل الدخول بنقرة واحدة على هذا الجهاز:
# The button's label.
passwordless-action = تسجيل الدخول
# $duration (String): e.g. "5 دقائق".
passwordless-expiry = تنتهي صلاحية الرمز والرابط خلال { $duration }، ولا يعملان إلا مرة واحدة.
passwordless-warning = لا تشارك هذا الرمز أو الرابط مع أي أحد. لن يطلبهما منك فريق { $client } أبدًا.
passwordless-ignore = إذا لم تحاول تسجيل الدخول، فيمكنك تجاهل هذه الرسالة، فلا يمكن لأحد تسجيل الدخول بدون هذا الرمز.
