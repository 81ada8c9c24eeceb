## passwordless_email: a one-time code to sign in without a password, and a one-click
## sign-in link when the identity provider gives one. Polite register (です・ます).

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
passwordless-subject = { $code } は{ $client }のログインコードです
passwordless-preheader = このコードで{ $client }にログインできます。
passwordless-heading = ログインコード
# Shown right above the code.
passwordless-intro = { $client }で次のコードを入力して、ログインしてください。
# Shown only when there is a link, right above its button.
passwordless-link-intro = または、この端末でワンクリックでログインできます。
# The button's label.
passwordless-action = ログインする
# $duration (String): e.g. "5分".
passwordless-expiry = コードとリンクの有効期限は{ $duration }で、一度だけご利用いただけます。
passwordless-warning = このコードとリンクは誰にも教えないでください。{ $client }のスタッフがお尋ねすることはありません。
passwordless-ignore = ログインを試みていない場合は、このメールを破棄してください。このコードがなければ、誰もログインできません。
