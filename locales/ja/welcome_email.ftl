## welcome_email: sent once the account exists (or once the address is verified).

# $client (String) - the application's name.
welcome-subject = { $client }へようこそ！
welcome-preheader = アカウントの準備が整いました。すぐにご利用いただけます。
welcome-heading = { $client }へようこそ！
welcome-intro = アカウントの準備が整いました。ご登録いただき、誠にありがとうございます。
welcome-next = 必要な機能には、すべてワンクリックでアクセスできます。お好きなタイミングでさっそくお使いください。
# The button's label.
welcome-action = さっそく始める
