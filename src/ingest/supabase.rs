//! Supabase's Send Email Hook → a v1 event.
//!
//! The hook sends `user` (`id`, `email`, `user_metadata`, `app_metadata`) and `email_data`
//! (`token`, `token_hash`, `redirect_to`, `email_action_type`, `site_url`). The link is the
//! one Supabase would have written, on the project's URL:
//! `{MAILROOM_SUPABASE_URL}/auth/v1/verify?token={token_hash}&type={type}&redirect_to={url}`;
//! the code is `token`. The event id is `supabase-` + the `webhook-id` header, which Supabase
//! keeps across its retries of one email.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::{Refusal, RefusalKind, copy_keys, json_object, object, string};

/// `email_action_type` → (v1 event type, whether the email needs the code rather than the
/// link). PRODUCT.md's table, by way of the routes of each template.
const ACTIONS: &[(&str, &str, bool)] = &[
    ("signup", "user.verification_requested", false),
    ("recovery", "user.password_reset_requested", false),
    ("invite", "user.invited", false),
    ("magiclink", "user.login_code_requested", true),
    ("email_change", "user.email_change_requested", false),
    ("reauthentication", "user.verification_code_requested", true),
];

/// RFC 3986's unreserved characters stay; everything else in a query value is encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest `webhook-id` taken into an event id (Supabase's are `msg_` + a short id).
const MAX_WEBHOOK_ID: usize = 150;

/// The hook's body → a v1 event object. `webhook_id` is the verified `webhook-id` header;
/// `project_url` is `MAILROOM_SUPABASE_URL`.
pub fn event(
    body: &[u8],
    webhook_id: &str,
    project_url: &url::Url,
) -> Result<Map<String, Value>, Refusal> {
    if webhook_id.is_empty()
        || webhook_id.len() > MAX_WEBHOOK_ID
        || webhook_id
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Refusal::malformed(
            "webhook-id: must be 1 to 150 characters without spaces or control characters",
        ));
    }
    let root = json_object(body)?;
    let user = object(&root, "user", "user")?.ok_or_else(|| Refusal::malformed("user: missing"))?;
    let email_data = object(&root, "email_data", "email_data")?
        .ok_or_else(|| Refusal::malformed("email_data: missing"))?;
    let action = string(
        email_data,
        "email_action_type",
        "email_data.email_action_type",
    )?
    .ok_or_else(|| Refusal::malformed("email_data.email_action_type: missing"))?;
    let Some(&(_, event_type, needs_code)) = ACTIONS.iter().find(|(a, ..)| *a == action) else {
        let known: Vec<&str> = ACTIONS.iter().map(|(a, ..)| *a).collect();
        return Err(Refusal::new(
            RefusalKind::Unroutable,
            format!(
                "email_data.email_action_type: `{}` is not one mailroom sends ({})",
                crate::text::clip(action, 80),
                known.join(", ")
            ),
        ));
    };
    let token = string(email_data, "token", "email_data.token")?;
    let token_hash = string(email_data, "token_hash", "email_data.token_hash")?;
    let redirect_to = string(email_data, "redirect_to", "email_data.redirect_to")?.or(string(
        email_data,
        "site_url",
        "email_data.site_url",
    )?);

    let mut data = Map::new();
    if let Some(hash) = token_hash {
        data.insert(
            "url".to_owned(),
            json!(verify_link(project_url, hash, action, redirect_to)),
        );
    }
    if let Some(code) = token {
        data.insert("code".to_owned(), json!(code));
    }
    match (needs_code, token, token_hash) {
        (true, None, _) => {
            return Err(Refusal::malformed(format!(
                "email_data.token: missing (a `{action}` email carries the code)"
            )));
        }
        (false, _, None) => {
            return Err(Refusal::malformed(format!(
                "email_data.token_hash: missing (a `{action}` email carries the link)"
            )));
        }
        _ => {}
    }

    let mut profile = Map::new();
    if let Some(id) = string(user, "id", "user.id")? {
        profile.insert("user_id".to_owned(), json!(id));
    }
    copy_keys(
        user,
        &["email", "user_metadata", "app_metadata"],
        &mut profile,
    );
    // Supabase keeps the name a user signed up with in `user_metadata` (untrusted, as all of
    // it: the email shows it escaped, as any name).
    if let Some(meta) = user.get("user_metadata").and_then(Value::as_object) {
        let name = ["full_name", "name"].iter().find_map(|k| {
            meta.get(*k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
        });
        if let Some(name) = name {
            profile.insert("name".to_owned(), json!(name));
        }
    }
    if action == "email_change"
        && let Some(new_email) = string(user, "new_email", "user.new_email")?
    {
        // The confirmation goes to the address being confirmed.
        data.insert("new_email".to_owned(), json!(new_email));
        profile.insert("email".to_owned(), json!(new_email));
    }

    let mut event = Map::new();
    event.insert("id".to_owned(), json!(format!("supabase-{webhook_id}")));
    event.insert("type".to_owned(), json!(event_type));
    event.insert("user".to_owned(), Value::Object(profile));
    event.insert("data".to_owned(), Value::Object(data));
    Ok(event)
}

fn verify_link(
    project: &url::Url,
    token_hash: &str,
    action: &str,
    redirect: Option<&str>,
) -> String {
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    let mut link = format!(
        "{}/auth/v1/verify?token={}&type={}",
        project.as_str().trim_end_matches('/'),
        enc(token_hash),
        enc(action)
    );
    if let Some(r) = redirect {
        link.push_str("&redirect_to=");
        link.push_str(&enc(r));
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> url::Url {
        "https://abcd.supabase.co".parse().unwrap()
    }

    fn payload(action: &str) -> Value {
        json!({
            "user": {
                "id": "8ccaa7af-909f-44e7-84cb-67cdccb56be6", "email": "ana@example.com",
                "new_email": "ana.new@example.com",
                "user_metadata": {"lang": "ja", "full_name": "Ana Lima"}, "app_metadata": {"provider": "email"}
            },
            "email_data": {
                "token": "305805", "token_hash": "7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0",
                "redirect_to": "https://app.example.com/welcome?a=1&b=two words",
                "email_action_type": action, "site_url": "https://app.example.com",
                "token_new": "", "token_hash_new": ""
            }
        })
    }

    fn translate(v: &Value) -> Result<Map<String, Value>, Refusal> {
        event(v.to_string().as_bytes(), "msg_2ZqPb", &project())
    }

    #[test]
    fn a_signup_becomes_a_verification_with_supabases_link() {
        let e = translate(&payload("signup")).unwrap();
        assert_eq!(e["id"], "supabase-msg_2ZqPb");
        assert_eq!(e["type"], "user.verification_requested");
        assert_eq!(
            e["data"]["url"],
            "https://abcd.supabase.co/auth/v1/verify?token=7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0&type=signup&redirect_to=https%3A%2F%2Fapp.example.com%2Fwelcome%3Fa%3D1%26b%3Dtwo%20words"
        );
        assert_eq!(e["data"]["code"], "305805");
        assert_eq!(e["user"]["user_id"], "8ccaa7af-909f-44e7-84cb-67cdccb56be6");
        assert_eq!(e["user"]["email"], "ana@example.com");
        assert_eq!(e["user"]["name"], "Ana Lima");
        assert_eq!(e["user"]["user_metadata"]["lang"], "ja");
    }

    #[test]
    fn every_action_type_has_an_event_type() {
        for (action, want) in [
            ("recovery", "user.password_reset_requested"),
            ("invite", "user.invited"),
            ("magiclink", "user.login_code_requested"),
            ("email_change", "user.email_change_requested"),
            ("reauthentication", "user.verification_code_requested"),
        ] {
            assert_eq!(
                translate(&payload(action)).unwrap()["type"],
                want,
                "{action}"
            );
        }
        let e = translate(&payload("email_change")).unwrap();
        assert_eq!(e["user"]["email"], "ana.new@example.com");
        assert_eq!(e["data"]["new_email"], "ana.new@example.com");
    }

    #[test]
    fn refusals() {
        let e = translate(&payload("phone_change")).unwrap_err();
        assert_eq!(e.kind, RefusalKind::Unroutable);
        let mut p = payload("signup");
        p["email_data"]["token_hash"] = json!("");
        assert!(translate(&p).unwrap_err().message.contains("token_hash"));
        let mut p = payload("reauthentication");
        p["email_data"]["token"] = Value::Null;
        assert!(
            translate(&p)
                .unwrap_err()
                .message
                .contains("email_data.token")
        );
        assert!(event(b"{}", "", &project()).is_err());
        assert!(event(b"{}", "a b", &project()).is_err());
        assert_eq!(
            translate(&json!({"user": {}})).unwrap_err().message,
            "email_data: missing"
        );
    }
}
