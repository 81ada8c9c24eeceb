## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# $name (String) - the recipient's first name, or their display name.
greeting = { $name } 様
# Used when the profile has no usable name.
greeting-anonymous = お客様

# Shown under every call-to-action button, followed by the raw link.
link-fallback = ボタンが機能しない場合は、以下のリンクをコピーしてブラウザに貼り付けてください。

# $client (String) - the application's name, e.g. "Acme Notes".
footer-reason = このメールは、{ $client }でこのメールアドレスが使用されたためお送りしています。
# $support (String) - the application's support email address.
footer-help = ご不明な点がございましたら、{ $support } までお問い合わせください。
footer-automated = このメールは送信専用アドレスから自動送信されています。本メールへのご返信はご遠慮ください。
# $client (String) - the application's name.
signature = { $client }チーム

## Durations, used inside the expiry sentences of the verification emails
## ("このリンクの有効期限は{ $duration }です。").
## $count (Number) - a whole number. Japanese has a single CLDR plural category: other.

duration-minutes = { $count ->
   *[other] { $count }分
}
duration-hours = { $count ->
   *[other] { $count }時間
}
duration-days = { $count ->
   *[other] { $count }日間
}
