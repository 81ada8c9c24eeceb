## blocked_account: Das Konto wurde nach zu vielen fehlgeschlagenen Anmeldeversuchen
## gesperrt (Schutz vor Brute-Force-Angriffen); der Link entsperrt es. Vielleicht hat der
## Leser die Versuche selbst gemacht: sachlich sagen, was passiert ist. Sie-Form.

# Betreff, unter etwa 50 Zeichen. $client (String): der Name der Anwendung, in jeder Schrift.
blocked-account-subject = Ihr Konto bei { $client } wurde gesperrt
# Vorschautext, den E-Mail-Programme neben dem Betreff zeigen.
blocked-account-preheader = Nach mehreren fehlgeschlagenen Anmeldeversuchen. Sie können es mit einem Klick entsperren.
# Die Überschrift oben in der E-Mail.
blocked-account-heading = Ihr Konto wurde gesperrt
# Erster Absatz: was passiert ist. $client: der Name der Anwendung.
blocked-account-intro = Nach mehreren fehlgeschlagenen Anmeldeversuchen haben wir zum Schutz Ihres Kontos bei { $client } die Anmeldung gesperrt.
# Über der Schaltfläche: was zu tun ist, wenn die Versuche vom Leser kamen.
blocked-account-next = Wenn Sie das waren, entsperren Sie Ihr Konto und melden Sie sich erneut an. Falls Sie Ihr Passwort vergessen haben, können Sie es nach dem Entsperren zurücksetzen.
# Die Beschriftung der Schaltfläche (im Textteil auch eine eigene Zeile über dem Link).
blocked-account-action = Konto entsperren
# $duration (String): eine Dauer aus duration-*, z. B. „24 Stunden“.
blocked-account-expiry = Dieser Link läuft in { $duration } ab.
# Letzter Absatz: was zu tun ist, wenn es nicht der Leser war.
blocked-account-not-you = Wenn Sie das nicht waren, versucht möglicherweise jemand, Ihr Passwort zu erraten. Entsperren Sie Ihr Konto und wählen Sie ein Passwort, das Sie nirgendwo sonst verwenden.
# Dasselbe, wenn die Anwendung eine Support-Adresse hat. $support (String): diese Adresse.
blocked-account-not-you-support = Wenn Sie das nicht waren, versucht möglicherweise jemand, Ihr Passwort zu erraten. Entsperren Sie Ihr Konto und wählen Sie ein Passwort, das Sie nirgendwo sonst verwenden. Brauchen Sie Hilfe? Schreiben Sie an { $support }.
