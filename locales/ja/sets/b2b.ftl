## Template set `b2b` (see locales/en/sets/b2b.ftl). The defaults are already in polite
## business Japanese; only the footer differs.

# Replaces `signature`. $client (String) - the application's name; any script.
signature = { $client } サポート窓口
# Why the email came. $client (String) - the application's name; any script.
b2b-footer-reason = このメールは、貴社の{ $client }アカウントでこのメールアドレスが登録されているためお送りしています。
# Confidentiality line in the footer.
b2b-footer-confidential = このメールは宛先の方のみを対象としています。誤って受信された場合は、お手数ですが削除してください。
