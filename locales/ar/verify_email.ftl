## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = أكِّد عنوان بريدك الإلكتروني في { $client }
# Preview text that mail clients show next to the subject.
verify-email-preheader = نقرة واحدة ويصبح حسابك في { $client } جاهزًا.
verify-email-heading = أكِّد عنوان بريدك الإلكتروني
verify-email-intro = شكرًا لتسجيلك في { $client }! يُرجى تأكيد أن هذا هو عنوان بريدك الإلكتروني حتى نتمكن من إكمال إعداد حسابك.
# The button's label.
verify-email-action = تأكيد عنوان بريدي الإلكتروني
# $duration (String) - a localized duration built from duration-*, e.g. "24 ساعة".
verify-email-expiry = تنتهي صلاحية هذا الرابط خلال { $duration }.
verify-email-ignore = إذا لم تكن قد سجّلت في { $client }، فيمكنك تجاهل هذه الرسالة بأمان، فلن يُؤكَّد هذا العنوان ما لم تنقر على الزر.
