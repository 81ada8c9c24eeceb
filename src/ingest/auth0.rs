//! Auth0's Custom Email Provider Action → a v1 event.
//!
//! The Action hands over `event` as Auth0 built it: `notification` (`message_type`, `to`,
//! `html`, `locale`, …, already rendered by Auth0's own template), `user`, `client`
//! (`metadata` is its `client_metadata`), `organization`, `request`. Auth0 puts the link or
//! code only inside the rendered template, so each Auth0 template body is set to a stub
//! (`deploy/auth0/templates/`) with `mailroom-url: {{ url }}` or `mailroom-code: {{ code }}`,
//! and the value is read back after the marker.
//!
//! Auth0 notifications carry no id; the event id is `auth0-` + SHA-256 of the message type,
//! the user id and the link or code, so Auth0's own retries of one notification are one
//! email.

use serde_json::{Map, Value, json};

use super::{Refusal, RefusalKind, copy_keys, digest, json_object, object, string};

/// What a message type needs from the stub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Url,
    Code,
    Nothing,
}

/// Auth0 `message_type` → (v1 event type, what its email needs). PRODUCT.md's table.
const MESSAGE_TYPES: &[(&str, &str, Needs)] = &[
    ("verify_email", "user.verification_requested", Needs::Url),
    (
        "verify_email_by_code",
        "user.verification_code_requested",
        Needs::Code,
    ),
    ("reset_email", "user.password_reset_requested", Needs::Url),
    (
        "reset_email_by_code",
        "user.password_reset_code_requested",
        Needs::Code,
    ),
    ("welcome_email", "user.signed_up", Needs::Nothing),
    (
        "verification_code",
        "user.login_code_requested",
        Needs::Code,
    ),
    ("mfa_oob_code", "user.mfa_code_requested", Needs::Code),
    (
        "enrollment_email",
        "user.mfa_enrollment_requested",
        Needs::Url,
    ),
    ("blocked_account", "user.blocked", Needs::Url),
    // Auth0's password breach alert is informational and gives its template no link, but the
    // email's one action is choosing a new password (PRODUCT.md: `url` required): the stub
    // must carry the application's reset page as `mailroom-url:`, or the alert is refused
    // here, naming the marker, rather than dead-lettered later.
    (
        "stolen_credentials",
        "user.credentials_breached",
        Needs::Url,
    ),
    ("organization_invitation", "user.invited", Needs::Url),
    (
        "try_provider_configuration_email",
        "provider.test_requested",
        Needs::Nothing,
    ),
];

pub const URL_MARKER: &str = "mailroom-url:";
pub const CODE_MARKER: &str = "mailroom-code:";

/// The profile fields an event carries (the rest of Auth0's user object, such as
/// identities and login counts, has no place in an email).
const USER_KEYS: &[&str] = &[
    "user_id",
    "email",
    "email_verified",
    "name",
    "given_name",
    "family_name",
    "nickname",
    "locale",
    "zoneinfo",
    "user_metadata",
    "app_metadata",
];

/// The Action's event (the request body) → a v1 event object.
pub fn event(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let root = json_object(body)?;
    let notification = object(&root, "notification", "notification")?.ok_or_else(|| {
        Refusal::malformed("notification: missing (the Action's `event.notification`)")
    })?;
    let message_type = string(notification, "message_type", "notification.message_type")?
        .ok_or_else(|| Refusal::malformed("notification.message_type: missing"))?;
    let Some(&(_, event_type, needs)) = MESSAGE_TYPES.iter().find(|(m, ..)| *m == message_type)
    else {
        let known: Vec<&str> = MESSAGE_TYPES.iter().map(|(m, ..)| *m).collect();
        return Err(Refusal::new(
            RefusalKind::Unroutable,
            format!(
                "notification.message_type: `{}` is not an Auth0 message type mailroom knows ({})",
                crate::text::clip(message_type, 80),
                known.join(", ")
            ),
        ));
    };
    let html = string(notification, "html", "notification.html")?.unwrap_or("");
    let url = marker(html, URL_MARKER)?;
    let code = marker(html, CODE_MARKER)?;
    let missing = |m: &str| {
        Refusal::malformed(format!(
            "notification.html: no `{m}` value; set the body of Auth0's `{message_type}` email template to the stub in deploy/auth0/templates/"
        ))
    };
    let key = match needs {
        Needs::Url => url.clone().ok_or_else(|| missing(URL_MARKER))?,
        Needs::Code => code.clone().ok_or_else(|| missing(CODE_MARKER))?,
        Needs::Nothing => String::new(),
    };

    let mut user = Map::new();
    if let Some(u) = object(&root, "user", "user")? {
        copy_keys(u, USER_KEYS, &mut user);
    }
    // Auth0 chose the recipient (the new address of an email change, say).
    if let Some(to) = string(notification, "to", "notification.to")? {
        user.insert("email".to_owned(), Value::String(to.to_owned()));
    }
    let user_key = match user.get("user_id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        _ => match user.get("email") {
            Some(Value::String(e)) => e.clone(),
            _ => String::new(),
        },
    };

    let mut data = Map::new();
    if let Some(url) = url {
        data.insert("url".to_owned(), Value::String(url));
    }
    if let Some(code) = code {
        data.insert("code".to_owned(), Value::String(code));
    }
    if let Some(org) = object(&root, "organization", "organization")? {
        let name = string(org, "display_name", "organization.display_name")?.or(string(
            org,
            "name",
            "organization.name",
        )?);
        if let Some(name) = name {
            data.insert("organization_name".to_owned(), json!(name));
        }
    }
    if matches!(message_type, "blocked_account" | "stolen_credentials") {
        where_from(&root, &mut data)?;
    }

    let mut event = Map::new();
    event.insert(
        "id".to_owned(),
        json!(format!(
            "auth0-{}",
            digest(&[message_type, &user_key, &key])
        )),
    );
    event.insert("type".to_owned(), json!(event_type));
    event.insert("user".to_owned(), Value::Object(user));
    if let Some(c) = object(&root, "client", "client")? {
        let mut client = Map::new();
        copy_keys(c, &["client_id", "name"], &mut client);
        if let Some(m) = c.get("metadata") {
            client.insert("client_metadata".to_owned(), m.clone());
        }
        event.insert("client".to_owned(), Value::Object(client));
    }
    if let Some(locale) = notification.get("locale") {
        event.insert("notification".to_owned(), json!({ "locale": locale }));
    }
    event.insert("data".to_owned(), Value::Object(data));
    Ok(event)
}

/// `ip` and `location` (city, country) of the request, for the security notices; both are
/// untrusted text the templates escape.
fn where_from(root: &Map<String, Value>, data: &mut Map<String, Value>) -> Result<(), Refusal> {
    let Some(request) = object(root, "request", "request")? else {
        return Ok(());
    };
    if let Some(ip) = string(request, "ip", "request.ip")? {
        data.insert("ip".to_owned(), json!(ip));
    }
    if let Some(geo) = object(request, "geoip", "request.geoip")? {
        let parts: Vec<&str> = ["cityName", "countryName"]
            .iter()
            .filter_map(|k| geo.get(*k).and_then(Value::as_str))
            .filter(|s| !s.trim().is_empty())
            .collect();
        if !parts.is_empty() {
            data.insert("location".to_owned(), json!(parts.join(", ")));
        }
    }
    Ok(())
}

/// The value after `marker` in the rendered HTML: up to whitespace, `<`, `"` or `'`, with
/// HTML entities decoded (Auth0 escapes `&` in a link as `&amp;`). A marker given twice with
/// two values is refused: the email must not guess which link is the real one.
fn marker(html: &str, marker: &str) -> Result<Option<String>, Refusal> {
    let mut found: Option<String> = None;
    for (at, _) in html.match_indices(marker) {
        let rest = html[at + marker.len()..].trim_start();
        let rest = rest.strip_prefix("&nbsp;").unwrap_or(rest).trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '"' | '\''))
            .unwrap_or(rest.len());
        let value = html_escape::decode_html_entities(&rest[..end]).into_owned();
        if value.is_empty() {
            continue;
        }
        match &found {
            Some(v) if *v != value => {
                return Err(Refusal::malformed(format!(
                    "notification.html: `{marker}` is given twice with different values"
                )));
            }
            _ => found = Some(value),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(message_type: &str, html: &str) -> Value {
        json!({
            "notification": {
                "message_type": message_type, "to": "ana@example.com", "from": "x@y.test",
                "subject": "Verify", "html": html, "text": "", "locale": "fr_FR"
            },
            "user": {
                "user_id": "auth0|1", "email": "old@example.com", "name": "Ana Lima",
                "identities": [{"provider": "auth0"}],
                "user_metadata": {"lang": "pt-BR"}, "app_metadata": {"plan": "pro"}
            },
            "client": {"client_id": "abc", "name": "Acme", "metadata": {"support_email": "help@acme.test"}},
            "request": {"ip": "203.0.113.9", "geoip": {"cityName": "Lyon", "countryName": "France", "timeZone": "Europe/Paris"}},
            "secrets": {"MAILROOM_INGEST_TOKEN": "never-forwarded"}
        })
    }

    fn translate(v: &Value) -> Result<Map<String, Value>, Refusal> {
        event(v.to_string().as_bytes())
    }

    #[test]
    fn a_verification_becomes_a_v1_event() {
        let e = translate(&payload(
            "verify_email",
            "<p>mailroom-url: https://t.auth0.test/u/verify?ticket=abc&amp;x=1#</p>",
        ))
        .unwrap();
        assert_eq!(e["type"], "user.verification_requested");
        assert_eq!(
            e["data"]["url"],
            "https://t.auth0.test/u/verify?ticket=abc&x=1#"
        );
        assert_eq!(e["user"]["email"], "ana@example.com");
        assert_eq!(e["user"]["user_metadata"]["lang"], "pt-BR");
        assert!(e["user"].get("identities").is_none());
        assert_eq!(
            e["client"]["client_metadata"]["support_email"],
            "help@acme.test"
        );
        assert_eq!(e["notification"]["locale"], "fr_FR");
        assert!(
            !serde_json::to_string(&e)
                .unwrap()
                .contains("never-forwarded")
        );
        let id = e["id"].as_str().unwrap();
        assert!(id.starts_with("auth0-") && id.len() == 6 + 64, "{id}");
    }

    #[test]
    fn the_id_is_the_same_for_a_retry_and_differs_for_another_link() {
        let a = translate(&payload("verify_email", "mailroom-url: https://a.test/1")).unwrap();
        let b = translate(&payload("verify_email", "mailroom-url: https://a.test/1")).unwrap();
        let c = translate(&payload("verify_email", "mailroom-url: https://a.test/2")).unwrap();
        let d = translate(&payload("reset_email", "mailroom-url: https://a.test/1")).unwrap();
        assert_eq!(a["id"], b["id"]);
        assert_ne!(a["id"], c["id"]);
        assert_ne!(a["id"], d["id"]);
    }

    #[test]
    fn codes_and_security_context() {
        let e = translate(&payload(
            "verification_code",
            "<b>mailroom-code:&nbsp;123456</b> mailroom-url: https://a.test/magic",
        ))
        .unwrap();
        assert_eq!(e["type"], "user.login_code_requested");
        assert_eq!(e["data"]["code"], "123456");
        assert_eq!(e["data"]["url"], "https://a.test/magic");
        let e = translate(&payload(
            "blocked_account",
            "mailroom-url: https://a.test/unblock",
        ))
        .unwrap();
        assert_eq!(e["data"]["ip"], "203.0.113.9");
        assert_eq!(e["data"]["location"], "Lyon, France");
        let e = translate(&payload("try_provider_configuration_email", "<p>Test</p>")).unwrap();
        assert_eq!(e["type"], "provider.test_requested");
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let e = translate(&payload("verify_email", "<p>Click {{ url }}</p>")).unwrap_err();
        assert_eq!(e.kind, RefusalKind::Malformed);
        assert!(e.message.contains("mailroom-url:"), "{}", e.message);
        let e = translate(&payload("mfa_oob_code", "mailroom-url: https://a.test")).unwrap_err();
        assert!(e.message.contains("mailroom-code:"), "{}", e.message);
        let e = translate(&payload("sms_code", "")).unwrap_err();
        assert_eq!(e.kind, RefusalKind::Unroutable);
        let e = translate(&payload(
            "verify_email",
            "mailroom-url: https://a.test/1 mailroom-url: https://evil.test/",
        ))
        .unwrap_err();
        assert!(e.message.contains("twice"), "{}", e.message);
        let e = translate(&json!({"user": {}})).unwrap_err();
        assert!(e.message.starts_with("notification"), "{}", e.message);
        assert_eq!(event(b"[1]").unwrap_err().kind, RefusalKind::Malformed);
        let e = translate(&json!({"notification": {"message_type": 7}})).unwrap_err();
        assert!(e.message.contains("expected a string"), "{}", e.message);
    }

    #[test]
    fn a_javascript_link_is_carried_for_the_event_check_to_refuse() {
        // The marker reader does not judge links: the v1 event's `data.url` check does,
        // the same check as for every way in.
        let e = translate(&payload(
            "verify_email",
            "mailroom-url: javascript:alert(1)",
        ))
        .unwrap();
        let body = serde_json::to_vec(&e).unwrap();
        let err = crate::event::parse(&body, crate::event::ParseOptions::default()).unwrap_err();
        assert!(err.to_string().contains("data.url"), "{err}");
    }
}
