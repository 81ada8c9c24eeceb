//! Composing any rendered parts for any addressing: never a panic, and the header block
//! holds only the headers mailroom writes, each on its own (folded) lines.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailroom::compose::{Addressing, BodyEncoding, HEADER_NAMES, compose};
use mailroom::render::RenderedEmail;

#[derive(Arbitrary, Debug)]
struct Input {
    subject: String,
    html: String,
    text: String,
    event_id: String,
    unix_seconds: i64,
    sender_name: Option<String>,
    to_local: String,
    to_name: Option<String>,
    seven_bit: bool,
    client_id: Option<String>,
}

fuzz_target!(|i: Input| {
    let Ok(to) = format!("{}@example.com", i.to_local).parse::<lettre::Address>() else {
        return;
    };
    let from: lettre::message::Mailbox = "Acme <no-reply@acme.test>".parse().unwrap();
    let email = RenderedEmail {
        subject: i.subject,
        html: i.html,
        text: i.text,
        locale: "en".into(),
        dir: "ltr",
    };
    let occurred_at = time::OffsetDateTime::from_unix_timestamp(i.unix_seconds).ok();
    let addressing = Addressing {
        event_id: &i.event_id,
        occurred_at,
        from: &from,
        sender_name: i.sender_name.as_deref(),
        to: &to,
        to_name: i.to_name.as_deref(),
        template: "welcome_email",
        client_id: i.client_id.as_deref(),
    };
    let encoding = if i.seven_bit {
        BodyEncoding::SevenBit
    } else {
        BodyEncoding::EightBit
    };
    let Ok(message) = compose(&email, &addressing, encoding) else {
        return;
    };
    let bytes = message.bytes();
    // A non-ASCII address is 8-bit in any encoding (it needs SMTPUTF8, which the mailer checks:
    // worker test `a_non_ascii_address_without_smtputf8_is_rejected_not_retried`).
    if i.seven_bit && to.to_string().is_ascii() {
        assert!(bytes.is_ascii(), "a 7-bit message with 8-bit bytes");
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let block = String::from_utf8_lossy(&bytes[..end]);
    let names: Vec<&str> = block
        .split("\r\n")
        .filter(|l| !l.starts_with([' ', '\t']))
        .map(|l| l.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(names, HEADER_NAMES, "{block}");
});
