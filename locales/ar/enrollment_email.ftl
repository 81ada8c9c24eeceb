## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = فعّل التحقق بخطوتين في { $client }
enrollment-preheader = احمِ حسابك في { $client } بخطوة ثانية عند تسجيل الدخول.
enrollment-heading = تفعيل التحقق بخطوتين
enrollment-intro = يطلب منك { $client } إضافة خطوة ثانية عند تسجيل الدخول، حتى لا تكفي كلمة مرورك وحدها لفتح حسابك. لن يستغرق ذلك أكثر من دقيقة.
# The button's label.
enrollment-action = تفعيل التحقق بخطوتين
# $duration (String): e.g. "5 أيام".
enrollment-expiry = تنتهي صلاحية هذا الرابط خلال { $duration }.
enrollment-not-you = إذا لم يكن لديك حساب في { $client }، فيمكنك تجاهل هذه الرسالة.
