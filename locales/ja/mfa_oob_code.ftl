## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email. Polite register (です・ます).

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = { $code } は{ $client }の確認コードです
mfa-code-preheader = お客様のパスワードでアカウントへのログインが行われています。
mfa-code-heading = ログイン確認コード
# Shown right above the code.
mfa-code-intro = たった今、お客様のパスワードで{ $client }のアカウントにログインが行われました。ログインを完了するには、次のコードを入力してください。
# $duration (String): e.g. "5分".
mfa-code-expiry = このコードの有効期限は{ $duration }です。
mfa-code-warning = このコードは誰にも教えないでください。{ $client }のスタッフがコードをお尋ねすることはありません。
mfa-code-not-you = お心当たりがない場合は、コードを入力しないでください。第三者がお客様のパスワードを知っています。今すぐ{ $client }のパスワードを変更してください。
