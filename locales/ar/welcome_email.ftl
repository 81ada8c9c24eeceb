## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = مرحبًا بك في { $client }!
welcome-preheader = حسابك جاهز للاستخدام.
welcome-heading = مرحبًا بك في { $client }!
welcome-intro = أصبح حسابك جاهزًا تمامًا. يسعدنا انضمامك إلينا.
welcome-next = كل ما تحتاجه على بُعد نقرة واحدة. ابدأ متى شئت.
# The button's label.
welcome-action = ابدأ الآن
