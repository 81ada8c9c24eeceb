## reset_email_by_code: a one-time code to type in to reset the password.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
reset-code-subject = { $code } は{ $client }のパスワード再設定コードです
reset-code-preheader = このコードで新しいパスワードを設定できます。
reset-code-heading = パスワード再設定コード
# Shown right above the code.
reset-code-intro = 新しいパスワードを設定するには、{ $client }で次のコードを入力してください。
# $duration (String): e.g. "10分".
reset-code-expiry = このコードの有効期限は{ $duration }です。
reset-code-warning = このコードは誰にも教えないでください。{ $client }のスタッフがコードをお尋ねすることはありません。
reset-code-ignore = パスワードの再設定をリクエストしていない場合は、このメールを破棄してください。パスワードは変更されません。
