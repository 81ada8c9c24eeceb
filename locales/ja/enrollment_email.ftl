## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = 【{ $client }】2段階認証の設定のお願い
enrollment-preheader = ログイン時の確認を追加して、{ $client }のアカウントを守りましょう。
enrollment-heading = 2段階認証の設定
enrollment-intro = { $client }では、ログイン時にもう一段階の確認を追加していただくようお願いしています。設定すると、パスワードだけではアカウントにログインできなくなります。設定は1分ほどで完了します。
# The button's label.
enrollment-action = 2段階認証を設定する
# $duration (String): e.g. "5日".
enrollment-expiry = このリンクの有効期限は{ $duration }です。
enrollment-not-you = { $client }のアカウントをお持ちでない場合は、このメールを破棄してください。
