## stolen_credentials: Jemand hat sich mit der Adresse des Lesers und einem Passwort
## angemeldet oder es versucht, das bei einem Datenleck einer anderen Website veröffentlicht
## wurde. Die Anmeldung wurde blockiert; der Link setzt das Passwort zurück. Sie-Form.

# Betreff, unter etwa 50 Zeichen. $client (String): der Name der Anwendung.
stolen-credentials-subject = Ändern Sie Ihr Passwort für { $client }
# Vorschautext, den E-Mail-Programme neben dem Betreff zeigen.
stolen-credentials-preheader = Ihr Passwort ist bei einem Datenleck einer anderen Website aufgetaucht.
# Die Überschrift oben in der E-Mail.
stolen-credentials-heading = Ihr Passwort wurde in einem Datenleck gefunden
# Erster Absatz: was passiert ist. $client: der Name der Anwendung.
stolen-credentials-intro = Jemand hat versucht, sich bei { $client } mit Ihrer E-Mail-Adresse und einem Passwort anzumelden, das bei einem Datenleck einer anderen Website oder App veröffentlicht wurde. Zum Schutz Ihres Kontos haben wir diese Anmeldung blockiert.
# Über der Schaltfläche: was zu tun ist.
stolen-credentials-next = Wählen Sie ein neues Passwort, das Sie nirgendwo sonst verwenden. Wenn Sie das alte auch auf anderen Websites verwendet haben, ändern Sie es dort ebenfalls.
# Die Beschriftung der Schaltfläche (im Textteil auch eine eigene Zeile über dem Link).
stolen-credentials-action = Neues Passwort wählen
# $duration (String): eine Dauer aus duration-*, z. B. „1 Stunde“.
stolen-credentials-expiry = Dieser Link läuft in { $duration } ab und kann nur einmal verwendet werden.
# Letzter Absatz: was es bedeutet, wenn die Anmeldung nicht vom Leser kam.
stolen-credentials-not-you = Wenn Sie nicht versucht haben, sich anzumelden, kennt jemand anderes dieses Passwort: Ändern Sie es jetzt.
# Dasselbe, wenn die Anwendung eine Support-Adresse hat. $support (String): diese Adresse.
stolen-credentials-not-you-support = Wenn Sie nicht versucht haben, sich anzumelden, kennt jemand anderes dieses Passwort: Ändern Sie es jetzt. Brauchen Sie Hilfe? Schreiben Sie an { $support }.
