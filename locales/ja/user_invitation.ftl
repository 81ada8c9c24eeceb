## user_invitation: an invitation to join an application, or an organization in it.
## Polite register (です・ます).

# $inviter (String): a person's name; $organization (String): an organization's name; $client
# (String): the application's name. Untrusted text, any script.
invitation-subject-from = { $inviter }さんから{ $client }の{ $organization }への招待が届いています
invitation-subject-organization = { $client }の{ $organization }への招待が届いています
invitation-subject = { $client }への招待が届いています
invitation-preheader = 招待を承諾して、{ $client }の利用を始めましょう。
invitation-heading = 招待が届いています
invitation-intro-from = { $inviter }さんが、{ $client }の{ $organization }にあなたを招待しました。招待を承諾して、アクセスを設定してください。
invitation-intro-organization = { $client }の{ $organization }への招待が届いています。招待を承諾して、アクセスを設定してください。
invitation-intro = { $client }への招待が届いています。招待を承諾して、アクセスを設定してください。
# The button's label.
invitation-action = 招待を承諾する
# $duration (String): e.g. "7日".
invitation-expiry = この招待の有効期限は{ $duration }です。
invitation-ignore = この招待にお心当たりがない場合は、このメールを破棄してください。
