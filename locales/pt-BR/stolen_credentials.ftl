## stolen_credentials: alguém entrou, ou tentou entrar, com o endereço do leitor e uma senha
## publicada em um vazamento de dados de outro site. O login foi bloqueado; o link serve
## para escolher uma nova senha. Tratamento por você.

# Assunto, com menos de uns 50 caracteres. $client (String): o nome do aplicativo.
stolen-credentials-subject = Troque sua senha do { $client }
# Texto de pré-visualização que os programas de e-mail mostram ao lado do assunto.
stolen-credentials-preheader = Sua senha apareceu em um vazamento de dados de outro site.
# O título no topo da mensagem.
stolen-credentials-heading = Sua senha apareceu em um vazamento de dados
# Primeiro parágrafo: o que aconteceu. $client: o nome do aplicativo.
stolen-credentials-intro = Alguém tentou entrar na sua conta no { $client } com uma senha que foi publicada em um vazamento de dados de outro site ou aplicativo. Bloqueamos esse login para proteger sua conta.
# Acima do botão: o que fazer.
stolen-credentials-next = Escolha uma nova senha que você não use em nenhum outro lugar. Se você usava a antiga em outros sites, troque-a lá também.
# O texto do botão (também uma linha própria na parte de texto, acima do link).
stolen-credentials-action = Escolher uma nova senha
# $duration (String): uma duração formada com duration-*, p. ex. "1 hora".
stolen-credentials-expiry = Este link expira em { $duration } e só pode ser usado uma vez.
# Último parágrafo: o que significa se o login não foi do leitor.
stolen-credentials-not-you = Se não foi você que tentou entrar, outra pessoa sabe esta senha: troque-a agora.
# O mesmo, quando o aplicativo tem um endereço de suporte. $support (String): esse endereço.
stolen-credentials-not-you-support = Se não foi você que tentou entrar, outra pessoa sabe esta senha: troque-a agora. Se precisar de ajuda, escreva para { $support }.
