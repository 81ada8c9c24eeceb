## change_email: the link that confirms a new email address; sent to the new address.
## Polite register (です・ます).

# $client (String): the application's name, any script.
change-email-subject = 【{ $client }】新しいメールアドレスのご確認
change-email-preheader = ワンクリックで、このアドレスを{ $client }でご利用いただけます。
change-email-heading = 新しいメールアドレスのご確認
# $email (String): the new address.
change-email-intro-address = { $client }のアカウントのメールアドレスを{ $email }に変更するリクエストを受け付けました。変更を確定するには、下のボタンから確認してください。
change-email-intro = { $client }のアカウントのメールアドレスをこのアドレスに変更するリクエストを受け付けました。変更を確定するには、下のボタンから確認してください。
# The button's label.
change-email-action = 新しいアドレスを確認する
# $duration (String): e.g. "24時間".
change-email-expiry = このリンクの有効期限は{ $duration }です。
change-email-ignore = この変更をリクエストしていない場合は、このメールを破棄してください。{ $client }のアカウントのメールアドレスは変更されません。
