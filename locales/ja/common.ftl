## Shared by every email: greeting, link fallback, footer and durations.
## Variables arrive already escaped for HTML; write plain text only, no markup.

# 宛名は姓名で：$full_name (String) は姓名（「佐藤 陽翔」）、ない場合は名またはニックネーム。
# 名だけに「様」を付けると不自然なため、$name（名）ではなく $full_name を使います。
greeting = { $full_name } 様
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

## 日時と場所：blocked_account と stolen_credentials の囲み。ID プロバイダーがその情報を
## 送ってきたときだけ、その行を表示します。

# $at (String)：mailroom が日本語の書式で書いた日時とタイムゾーン。例：
# 「2026年12月2日 19:05 日本標準時」。
security-when = 日時：{ $at }
# $location (String)：プロバイダーが書いたままの地名（英語のことが多い。例：「Lyon,
# France」）。信頼できないテキスト。$ip (String)：IP アドレス（例：「203.0.113.7」）。
security-where = 場所：{ $location }（IPアドレス { $ip }）
# 地名だけがわかる場合。
security-where-location = 場所：{ $location }
# IP アドレスだけがわかる場合。
security-where-ip = 場所：IPアドレス { $ip }
