## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = مرحبًا { $name }،
# Used when the profile has no usable name.
greeting-anonymous = مرحبًا،

# Shown under every call-to-action button, followed by the raw link.
link-fallback = إذا لم يعمل الزر، فانسخ الرابط التالي والصقه في متصفحك:

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = تصلك هذه الرسالة لأن عنوان البريد الإلكتروني هذا استُخدم مع { $client }.
# $support (String) - the application's support email address.
footer-help = هل لديك أسئلة؟ راسلنا على { $support }.
footer-automated = أُرسلت هذه الرسالة تلقائيًا. يُرجى عدم الرد عليها.
# $client (String) - the application's name.
signature = فريق { $client }

## Durations, used inside the expiry sentences of the verification emails
## ("تنتهي صلاحية هذا الرابط خلال { $duration }."), i.e. after a preposition.
## $count (Number) - a whole number. Cover every CLDR plural category of the locale:
## zero (0), one (1), two (2), few (3–10, 103–110…), many (11–99, 111–199…), other (100–102, 200…).
## one and two use the counted noun alone (واحدة/واحد for emphasis, dual in the genitive),
## few takes a genitive plural, many an accusative singular (tamyiz), other a genitive singular.

duration-minutes = { $count ->
    [zero] { $count } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $count } دقائق
    [many] { $count } دقيقة
   *[other] { $count } دقيقة
}
duration-hours = { $count ->
    [zero] { $count } ساعة
    [one] ساعة واحدة
    [two] ساعتين
    [few] { $count } ساعات
    [many] { $count } ساعة
   *[other] { $count } ساعة
}
duration-days = { $count ->
    [zero] { $count } يوم
    [one] يوم واحد
    [two] يومين
    [few] { $count } أيام
    [many] { $count } يومًا
   *[other] { $count } يوم
}

## متى ومن أين: المربّع في blocked_account وstolen_credentials. لا يظهر كل سطر إلا إذا
## أرسل مزوّد الهوية تلك المعلومة.

# $at (String): التاريخ والوقت والمنطقة الزمنية، مكتوبة بالعربية مسبقًا من mailroom، مثل
# "2 ديسمبر 2026 في 1:05 م التوقيت العربي الرسمي".
security-when = التاريخ والوقت: { $at }
# $location (String): مكان كما كتبه المزوّد (غالبًا بالإنجليزية، مثل "Lyon, France")؛
# نص غير موثوق. $ip (String): عنوان IP (مثل "203.0.113.7").
security-where = المكان: { $location } (عنوان IP‏ { $ip })
# المكان وحده معروف.
security-where-location = المكان: { $location }
# عنوان IP وحده معروف.
security-where-ip = المكان: عنوان IP‏ { $ip }
