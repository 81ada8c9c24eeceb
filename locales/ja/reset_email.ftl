## reset_email: the password reset link, sent when someone asks to reset the password.
## Polite register (です・ます), as the other Japanese emails.

# Subject line. $client (String): the application's name, any script or a company name.
reset-email-subject = 【{ $client }】パスワード再設定のご案内
# Preview text that mail clients show next to the subject.
reset-email-preheader = { $client }のアカウントの新しいパスワードを設定してください。
reset-email-heading = パスワードの再設定
# $client: the application's name.
reset-email-intro = { $client }のアカウントについて、パスワード再設定のリクエストを受け付けました。下のボタンから新しいパスワードを設定してください。
# The button's label.
reset-email-action = 新しいパスワードを設定する
# $duration (String): a localized duration built from duration-*, e.g. "1時間".
reset-email-expiry = このリンクの有効期限は{ $duration }で、一度だけご利用いただけます。
reset-email-ignore = パスワードの再設定をリクエストしていない場合は、このメールを破棄してください。パスワードは変更されません。
