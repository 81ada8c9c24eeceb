## provider_test: the test email sent when an administrator sets up mailroom as the
## identity provider's email provider. Read by that administrator.

# $client (String): the application's or tenant's name, any script.
provider-test-subject = E-mail de test pour { $client } : l’envoi fonctionne
provider-test-preheader = Votre fournisseur d’e-mail est configuré.
provider-test-heading = L’envoi d’e-mails fonctionne
provider-test-body = Ceci est un e-mail de test pour { $client }. Il est passé de votre fournisseur d’identité à cette boîte de réception en passant par mailroom : les e-mails destinés à vos utilisateurs suivront le même chemin.
provider-test-note = Aucune action n’est nécessaire. Vous recevez ce message parce qu’un test a été envoyé depuis les réglages du fournisseur d’e-mail.
