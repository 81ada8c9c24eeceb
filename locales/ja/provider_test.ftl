## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = 【{ $client }】テストメール：メール送信は正常です
provider-test-preheader = メールプロバイダーの設定が完了しています。
provider-test-heading = メール送信は正常に動作しています
provider-test-body = これは{ $client }のテストメールです。IDプロバイダーからmailroomを経由してこの受信トレイに届きました。ユーザーの皆さまへのメールも同じ経路で配信されます。
provider-test-note = 対応は不要です。メールプロバイダーの設定画面からテストが送信されたため、このメールをお送りしています。
