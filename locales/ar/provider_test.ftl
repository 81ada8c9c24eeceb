## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = رسالة اختبار من { $client }: الإرسال يعمل
provider-test-preheader = تم إعداد مزوّد البريد الإلكتروني.
provider-test-heading = إرسال البريد الإلكتروني يعمل
provider-test-body = هذه رسالة اختبار لـ { $client }. وصلت من مزوّد الهوية إلى صندوق الوارد هذا عبر mailroom، وستصل الرسائل إلى مستخدميك بالطريقة نفسها.
provider-test-note = لا يلزم أي إجراء. وصلتك هذه الرسالة لأن أحدهم أرسل اختبارًا من إعدادات مزوّد البريد الإلكتروني.
