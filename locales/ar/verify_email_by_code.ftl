## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = {"\u200F"}{ $code } هو رمز التحقق الخاص بك في { $client }
verify-code-preheader = استخدم هذا الرمز لتأكيد عنوان بريدك الإلكتروني.
verify-code-heading = رمز التحقق الخاص بك
verify-code-intro = أدخل هذا الرمز في { $client } لتأكيد عنوان بريدك الإلكتروني:
# $duration (String) - a localized duration built from duration-*, e.g. "15 دقيقة".
verify-code-expiry = تنتهي صلاحية الرمز خلال { $duration }.
verify-code-warning = لا تشارك هذا الرمز مع أي شخص. لن يطلبه منك موظفو { $client } أبدًا.
verify-code-ignore = إذا لم تطلب رمزًا، فيمكنك تجاهل هذه الرسالة بأمان.
