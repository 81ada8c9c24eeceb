## mfa_oob_code: the second-step code sent by email while someone signs in with the right
## password. A security email.

# Starts with the code. $code (String): digits, possibly letters. $client (String): the
# application's name, any script.
mfa-code-subject = { $code } é seu código de verificação do { $client }
mfa-code-preheader = Alguém está entrando na sua conta com a sua senha.
mfa-code-heading = Seu código de verificação de acesso
# Shown right above the code.
mfa-code-intro = Alguém acabou de entrar na sua conta do { $client } com a sua senha. Para concluir o acesso, digite este código:
# $duration (String): e.g. "5 minutos".
mfa-code-expiry = O código expira em { $duration }.
mfa-code-warning = Nunca compartilhe este código. A equipe do { $client } nunca vai pedi-lo a você.
mfa-code-not-you = Se não foi você, não digite o código: outra pessoa sabe a sua senha. Troque agora a sua senha do { $client }.
