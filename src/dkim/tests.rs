//! Key loading and the shape of the signatures. Verification by an independent
//! implementation (dkimpy) is in `tests/it/dkim.rs`.

use super::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Result<Key, String> {
    let path = fixture(name);
    Key::from_pem(&path, &std::fs::read(&path).unwrap())
}

/// The base64 lines of a PEM file (what must never appear in an error or a log).
fn secret_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_owned)
        .collect()
}

const MESSAGE: &[u8] = b"From: A <a@example.com>\r\nTo: b@example.net\r\nSubject: Hi\r\n\
Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nContent-Language: en\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";

#[test]
fn rsa_and_ed25519_keys_load_from_pem() {
    let rsa = load("dkim-rsa.pem").unwrap();
    assert_eq!(rsa.algorithm(), Algorithm::Rsa { bits: 2048 });
    let pkcs1 = load("dkim-rsa-pkcs1.pem").unwrap();
    assert_eq!(pkcs1.algorithm(), Algorithm::Rsa { bits: 2048 });
    let ed = load("dkim-ed25519.pem").unwrap();
    assert_eq!(ed.algorithm(), Algorithm::Ed25519);
    assert_eq!(ed.public.len(), 32);
    // Debug names the file and the type, and nothing of the key.
    let shown = format!("{rsa:?} {ed:?}");
    assert!(
        shown.contains("dkim-rsa.pem") && shown.contains("Ed25519"),
        "{shown}"
    );
    for line in secret_lines("dkim-rsa.pem") {
        assert!(!shown.contains(&line));
    }
}

#[test]
fn unusable_keys_are_refused_naming_the_file_and_never_quoting_it() {
    let cases = [
        (
            "dkim-rsa-1024.pem",
            "the RSA key is too small (2048 to 8192 bits",
        ),
        ("dkim-ec-p256.pem", "neither RSA nor Ed25519"),
        ("relay-ca.pem", "holds no PEM private key"),
    ];
    for (name, why) in cases {
        let e = load(name).unwrap_err();
        assert!(
            e.starts_with(&format!("`{}`", fixture(name).display())),
            "{e}"
        );
        assert!(e.contains(why), "{name}: {e}");
        for line in secret_lines(name) {
            assert!(!e.contains(&line), "{name}: the error quotes the file: {e}");
        }
    }
    let path = Path::new("broken.pem");
    let broken = b"-----BEGIN PRIVATE KEY-----\n!!!!not base64!!!!\n-----END PRIVATE KEY-----\n";
    let e = Key::from_pem(path, broken).unwrap_err();
    assert!(
        e.starts_with("`broken.pem` holds no PEM private key"),
        "{e}"
    );
    assert!(!e.contains("not base64"), "{e}");
    let e = Key::from_pem(path, b"just some text\n").unwrap_err();
    assert!(e.contains("expected `-----BEGIN PRIVATE KEY-----`"), "{e}");
}

fn dual() -> Dkim {
    let keys = vec![
        load("dkim-rsa.pem").unwrap(),
        load("dkim-ed25519.pem").unwrap(),
    ];
    Dkim::new(keys, &["rsa1".to_owned(), "ed1".to_owned()], "example.com")
}

/// `(tag, value)` pairs of each `DKIM-Signature` field in `fields`, unfolded.
fn signatures(fields: &[u8]) -> Vec<Vec<(String, String)>> {
    let text = String::from_utf8(fields.to_vec()).unwrap();
    let unfolded = text.replace("\r\n\t", "").replace("\r\n ", " ");
    unfolded
        .lines()
        .map(|l| {
            let value = l
                .strip_prefix("DKIM-Signature:")
                .expect("a DKIM-Signature field");
            value
                .split(';')
                .filter(|t| !t.trim().is_empty())
                .map(|t| {
                    let (k, v) = t.split_once('=').unwrap();
                    (k.trim().to_owned(), v.split_whitespace().collect())
                })
                .collect()
        })
        .collect()
}

#[test]
fn two_keys_sign_twice_in_order_over_the_named_headers() {
    let fields = dual().sign(MESSAGE).unwrap();
    assert!(fields.ends_with(b"\r\n"));
    let sigs = signatures(&fields);
    assert_eq!(sigs.len(), 2);
    let get = |sig: &Vec<(String, String)>, tag: &str| {
        sig.iter()
            .find(|(k, _)| k == tag)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {tag}= in {sig:?}"))
    };
    assert_eq!(get(&sigs[0], "a"), "rsa-sha256");
    assert_eq!(get(&sigs[0], "s"), "rsa1");
    assert_eq!(get(&sigs[1], "a"), "ed25519-sha256");
    assert_eq!(get(&sigs[1], "s"), "ed1");
    for sig in &sigs {
        assert_eq!(get(sig, "d"), "example.com");
        assert_eq!(get(sig, "c"), "relaxed/relaxed");
        let mut signed: Vec<String> = get(sig, "h")
            .split(':')
            .map(str::to_ascii_lowercase)
            .collect();
        signed.sort();
        let mut wanted: Vec<String> = SIGNED_HEADERS
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        wanted.sort();
        assert_eq!(signed, wanted);
        // No length limit: nothing can be appended under the signature.
        assert!(sig.iter().all(|(k, _)| k != "l"));
    }
    // The body hash is the same for both (one canonical body), and is deterministic.
    assert_eq!(get(&sigs[0], "bh"), get(&sigs[1], "bh"));
    let again = signatures(&dual().sign(MESSAGE).unwrap());
    assert_eq!(get(&again[1], "bh"), get(&sigs[1], "bh"));
}

#[test]
fn records_publish_the_public_keys() {
    let records = dual().records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].name, "rsa1._domainkey.example.com");
    assert!(
        records[0].value.starts_with("v=DKIM1; k=rsa; p=MIIB"),
        "{:?}",
        records[0]
    );
    assert_eq!(records[1].name, "ed1._domainkey.example.com");
    assert!(records[1].value.starts_with("v=DKIM1; k=ed25519; p="));
    // One selector for both keys.
    let keys = vec![
        load("dkim-rsa.pem").unwrap(),
        load("dkim-ed25519.pem").unwrap(),
    ];
    let one = Dkim::new(keys, &["mail".to_owned()], "example.com").records();
    assert!(one.iter().all(|r| r.name == "mail._domainkey.example.com"));
}
