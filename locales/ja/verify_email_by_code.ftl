## verify_email_by_code: a one-time code to type into the application.

# $client (String) - the application's name. $code (String) - the code itself.
verify-code-subject = { $code }は{ $client }の確認コードです
verify-code-preheader = このコードを入力して、メールアドレスの確認を完了してください。
verify-code-heading = 確認コードのお知らせ
verify-code-intro = メールアドレスを確認するため、{ $client }で次のコードを入力してください。
# $duration (String) - a localized duration built from duration-*, e.g. "15分".
verify-code-expiry = このコードの有効期限は{ $duration }です。
verify-code-warning = このコードは誰にも教えないでください。{ $client }のスタッフがコードをお尋ねすることは決してありません。
verify-code-ignore = コードをリクエストしたお心当たりがない場合は、このメールを破棄していただいて問題ありません。
