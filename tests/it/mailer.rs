//! The mailer against Postfix's smtp-sink, a real server that advertises PIPELINING (the
//! in-process server does not, so it covers lettre's own dialogue).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use lettre::message::Mailbox;
use mailroom::compose::{Addressing, BodyEncoding, compose};
use mailroom::config::SecretUrl;
use mailroom::mailer::{Mailer, SendError};
use mailroom::render::RenderedEmail;

use crate::broker::free_port;

/// smtp-sink on a free port, writing each message to a file; stopped on drop.
struct Sink {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Sink {
    fn start(extra: &[&str]) -> Sink {
        let bin = ["/usr/sbin/smtp-sink", "/usr/bin/smtp-sink"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("smtp-sink is missing: run scripts/setup-test-env.sh (Debian package postfix)");
        let dir = tempfile::tempdir().unwrap();
        // The sink writes as `nobody` when started as root.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let port = free_port();
        let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
        let mut cmd = Command::new(bin);
        if root {
            cmd.args(["-u", "nobody"]);
        }
        let child = cmd
            .arg("-d")
            .arg(format!("{}/%M.", dir.path().display()))
            .args(extra)
            .arg(format!("127.0.0.1:{port}"))
            .arg("64")
            .spawn()
            .unwrap();
        let sink = Sink { port, dir, child };
        let listening = (0..500).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(listening, "smtp-sink did not listen on {port} within 10 s");
        sink
    }

    fn mailer(&self) -> Mailer {
        let url = SecretUrl::new(format!("smtp://127.0.0.1:{}", self.port));
        Mailer::new(&url, "mailer.test", Duration::from_secs(5), 4).unwrap()
    }

    /// The messages received so far, as dumped (LF line ends, the sink's own headers first).
    fn dumps(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn message(n: usize, text: &str) -> mailroom::compose::Composed {
    let from: Mailbox = "Acme <no-reply@acme.test>".parse().unwrap();
    let to: lettre::Address = "ana@example.com".parse().unwrap();
    let email = RenderedEmail {
        subject: format!("Message {n}"),
        html: format!("<p>Olá {n}</p>"),
        text: text.to_owned(),
        locale: "pt-BR".into(),
        dir: "ltr",
    };
    let a = Addressing {
        event_id: &format!("pipe-{n}"),
        occurred_at: None,
        from: &from,
        sender_name: None,
        to: &to,
        to_name: Some("Ana"),
        template: "welcome_email",
        client_id: Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww"),
    };
    compose(&email, &a, BodyEncoding::EightBit).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_messages_arrive_whole_on_one_connection() {
    let sink = Sink::start(&[]);
    let mailer = sink.mailer();
    mailer.probe().await.unwrap();
    assert!(mailer.pipelining(), "smtp-sink advertises PIPELINING");
    assert_eq!(mailer.eight_bit_mime(), Some(true));
    // Lines starting with a dot are stuffed on the wire and must arrive as written.
    let text = ".hidden\n..two dots\n.\nend Olá\n";
    let sent: Vec<mailroom::compose::Composed> = (0..3).map(|n| message(n, text)).collect();
    for m in &sent {
        mailer.send(m).await.unwrap();
    }
    let mut dumps = Vec::new();
    for _ in 0..100 {
        dumps = sink.dumps();
        if dumps.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(dumps.len(), 3);
    for m in &sent {
        let raw = String::from_utf8(m.formatted())
            .unwrap()
            .replace("\r\n", "\n");
        let dump = dumps
            .iter()
            .find(|d| d.contains(&raw))
            .unwrap_or_else(|| panic!("not received intact:\n{raw}\n--- got:\n{dumps:?}"));
        assert!(
            dump.contains("X-Mail-Args: <no-reply@acme.test> BODY=8BITMIME"),
            "{dump}"
        );
        assert!(dump.contains("X-Rcpt-Args: <ana@example.com>"), "{dump}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_inside_a_pipelined_group_names_its_own_reply() {
    // 4xx to every RCPT: the MAIL reply was fine, DATA then gets "no valid recipients".
    let sink = Sink::start(&["-r", "RCPT"]);
    let mailer = sink.mailer();
    for n in 0..2 {
        match mailer.send(&message(n, "x\n")).await {
            Err(SendError::Transient(reason)) => {
                assert!(reason.contains("deferred"), "{reason}");
                assert!(reason.contains("(450)"), "{reason}");
                assert!(
                    !reason.contains("503"),
                    "a later reply was read as this one: {reason}"
                );
            }
            other => panic!("expected a transient error, got {other:?}"),
        }
    }
    // 5xx to DATA: permanent.
    let sink = Sink::start(&["-f", "DATA"]);
    let mailer = sink.mailer();
    match mailer.send(&message(9, "x\n")).await {
        Err(SendError::Permanent(reason)) => assert!(reason.contains("(5"), "{reason}"),
        other => panic!("expected a permanent error, got {other:?}"),
    }
    // The sink may record the envelope of the refused transaction, never the message.
    for dump in sink.dumps() {
        assert!(!dump.contains("Subject: Message 9"), "{dump}");
    }
}
