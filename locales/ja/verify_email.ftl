## verify_email: the verification link sent after sign-up.

# $client (String) - the application's name.
verify-email-subject = 【{ $client }】メールアドレスのご確認をお願いします
# Preview text that mail clients show next to the subject.
verify-email-preheader = ワンクリックで{ $client }のアカウントの準備が完了します。
verify-email-heading = メールアドレスのご確認
verify-email-intro = { $client }にご登録いただき、ありがとうございます！アカウントの設定を完了するため、こちらがお客様のメールアドレスであることをご確認ください。
# The button's label.
verify-email-action = メールアドレスを確認する
# $duration (String) - a localized duration built from duration-*, e.g. "24時間".
verify-email-expiry = このリンクの有効期限は{ $duration }です。
verify-email-ignore = { $client }へのご登録にお心当たりがない場合は、このメールを破棄していただいて問題ありません。ボタンをクリックしない限り、このメールアドレスは確認済みになりません。
