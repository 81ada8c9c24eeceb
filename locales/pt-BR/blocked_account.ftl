## blocked_account: a conta foi bloqueada depois de muitas tentativas de login sem sucesso
## (proteção contra força bruta); o link a desbloqueia. Talvez o leitor tenha feito as
## tentativas: dizer o que aconteceu, sem culpa nem alarme. Tratamento por você.

# Assunto, com menos de uns 50 caracteres. $client (String): o nome do aplicativo, em
# qualquer escrita.
blocked-account-subject = Sua conta no { $client } foi bloqueada
# Texto de pré-visualização que os programas de e-mail mostram ao lado do assunto.
blocked-account-preheader = Depois de várias tentativas de login sem sucesso. Você pode desbloqueá-la em um passo.
# O título no topo da mensagem.
blocked-account-heading = Sua conta foi bloqueada
# Primeiro parágrafo: o que aconteceu. $client: o nome do aplicativo.
blocked-account-intro = Bloqueamos o login na sua conta no { $client } depois de várias tentativas sem sucesso, para protegê-la.
# Acima do botão: o que fazer se as tentativas foram do leitor.
blocked-account-next = Se foi você, desbloqueie sua conta e entre de novo. Se esqueceu sua senha, você pode redefini-la depois de desbloquear a conta.
# O texto do botão (também uma linha própria na parte de texto, acima do link).
blocked-account-action = Desbloquear minha conta
# $duration (String): uma duração formada com duration-*, p. ex. "24 horas".
blocked-account-expiry = Este link expira em { $duration }.
# Último parágrafo: o que fazer se não foi o leitor.
blocked-account-not-you = Se não foi você, alguém pode estar tentando adivinhar sua senha. Desbloqueie sua conta e troque sua senha por uma que você não use em nenhum outro lugar.
# O mesmo, quando o aplicativo tem um endereço de suporte. $support (String): esse endereço.
blocked-account-not-you-support = Se não foi você, alguém pode estar tentando adivinhar sua senha. Desbloqueie sua conta e troque sua senha por uma que você não use em nenhum outro lugar. Se precisar de ajuda, escreva para { $support }.
