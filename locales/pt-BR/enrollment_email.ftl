## enrollment_email: the invitation to set up two-step verification on an account.

# $client (String): the application's name, any script or a company name.
enrollment-subject = Ative a verificação em duas etapas no { $client }
enrollment-preheader = Proteja sua conta do { $client } com uma segunda etapa ao entrar.
enrollment-heading = Ative a verificação em duas etapas
enrollment-intro = Adicione uma segunda etapa ao entrar no { $client }: assim, só a senha não basta para abrir a sua conta. Leva um minuto.
# The button's label.
enrollment-action = Ativar a verificação em duas etapas
# $duration (String): e.g. "5 dias".
enrollment-expiry = Este link expira em { $duration }.
enrollment-not-you = Se você não tem uma conta no { $client }, pode ignorar este e-mail.
