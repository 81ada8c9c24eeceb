//! The event contract's unit tests: what is refused, with which message, and what is kept.

use super::*;

fn err(json: &str) -> String {
    parse(json.as_bytes(), ParseOptions::default())
        .unwrap_err()
        .to_string()
}

const OK: &str = r#"{"id":"evt_1","type":"user.signed_up","user":{"email":"ana@example.com"}}"#;

#[test]
fn minimal_event_parses() {
    let e = parse(OK.as_bytes(), ParseOptions::default()).unwrap();
    assert_eq!(e.id, "evt_1");
    assert!(matches!(e.client, ClientRef::None));
}

#[test]
fn rejections_name_the_field_and_the_value() {
    assert_eq!(
        err(r#"{"id":"e","type":"t","user":{"email":"ana(at)example"}}"#),
        "user.email: `ana(at)example` is not an email address"
    );
    assert_eq!(err(r#"{"type":"t","user":{}}"#), "id: missing");
    assert_eq!(
        err(r#"{"id":5,"type":"t"}"#),
        "id: expected a string, found number 5"
    );
    assert_eq!(
        err(r#"{"id":"e","type":"t"}"#),
        "user: missing: the event needs a `user` object or a `user_id`"
    );
    assert_eq!(
        err(
            r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"data":{"url":"javascript:alert(1)"}}"#
        ),
        "data.url: `javascript:alert(1)` uses the scheme `javascript`; only https links are allowed"
    );
    assert_eq!(
        err(r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"occurred_at":"yesterday"}"#),
        "occurred_at: `yesterday` is not an RFC 3339 timestamp"
    );
}

fn dated(at: &str) -> String {
    format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c"}},"occurred_at":"{at}"}}"#)
}

#[test]
fn dates_an_email_cannot_carry_are_refused_with_the_value_named() {
    for bad in [
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "1969-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59.5-00:01",
    ] {
        assert_eq!(
            err(&dated(bad)),
            format!(
                "occurred_at: `{bad}` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
            )
        );
    }
    for good in [
        "1970-01-01T00:00:00Z",
        "1970-01-01T01:00:00+01:00",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999+00:00",
        "9999-12-31T23:59:59+23:59",
    ] {
        assert!(
            parse(dated(good).as_bytes(), ParseOptions::default()).is_ok(),
            "{good}"
        );
    }
}

#[test]
fn oversized_body_is_refused_before_parsing() {
    let big = vec![b' '; MAX_EVENT_BYTES + 1];
    assert_eq!(
        parse(&big, ParseOptions::default()).unwrap_err(),
        EventError::TooLarge {
            size: MAX_EVENT_BYTES + 1,
            limit: MAX_EVENT_BYTES
        }
    );
}

#[test]
fn user_metadata_of_any_type_is_just_data() {
    for meta in [
        r#"5"#,
        r#""x""#,
        r#"{"lang":{"a":1},"x":[1,2,{"y":null}],"n":1e300}"#,
        r#"null"#,
    ] {
        let json =
            format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c","user_metadata":{meta}}}}}"#);
        assert!(
            parse(json.as_bytes(), ParseOptions::default()).is_ok(),
            "{meta}"
        );
    }
}

#[test]
fn http_links_need_the_development_switch() {
    let json = r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"data":{"url":"http://localhost:3000/v"}}"#;
    assert!(parse(json.as_bytes(), ParseOptions::default()).is_err());
    let dev = ParseOptions {
        allow_http_links: true,
    };
    assert_eq!(
        parse(json.as_bytes(), dev).unwrap().data.url.as_deref(),
        Some("http://localhost:3000/v")
    );
}

#[test]
fn names_are_one_line() {
    let json = r#"{"id":"e","type":"t","user":{"email":"a@b.c","given_name":"Ana,\n\nYour account is locked.\u2028Unlock it"}}"#;
    let e = parse(json.as_bytes(), ParseOptions::default()).unwrap();
    let UserRef::Inline(u) = e.user else {
        panic!("inline user expected")
    };
    assert_eq!(
        u.given_name.as_deref(),
        Some("Ana, Your account is locked. Unlock it")
    );
}

#[test]
fn long_names_are_cut_not_refused() {
    let long = "x".repeat(10_000);
    let json = format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c","name":"{long}"}}}}"#);
    let e = parse(json.as_bytes(), ParseOptions::default()).unwrap();
    let UserRef::Inline(u) = e.user else {
        panic!("inline user expected")
    };
    assert_eq!(u.name.unwrap().chars().count(), MAX_NAME_CHARS);
}

#[test]
fn every_data_field_has_one_name_and_a_sorted_place() {
    for field in DataField::ALL {
        assert_eq!(DataField::from_name(field.name()), Some(*field));
    }
    assert_eq!(DataField::from_name("tl_seconds"), None);
    let mut names: Vec<&str> = DataField::ALL.iter().map(|f| f.name()).collect();
    names.sort_unstable();
    let by_name: Vec<&str> = DataField::BY_NAME.iter().map(|f| f.name()).collect();
    assert_eq!(by_name, names);
    assert_eq!(
        DataField::known(),
        "url, code, ttl_seconds, inviter_name, organization_name, new_email, ip, location, at"
    );
}

fn data(json: &str) -> Result<Data, String> {
    let event = format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c"}},"data":{json}}}"#);
    parse(event.as_bytes(), ParseOptions::default())
        .map(|e| e.data)
        .map_err(|e| e.to_string())
}

#[test]
fn data_fields_are_checked_by_their_kind_and_null_is_absent() {
    let d = data(
        r#"{"url":" https://a.test/v ","code":" AB-12 ","ttl_seconds":60,"x":1,
            "inviter_name":"Ana\r\nLima","organization_name":" Lima & Filhos ",
            "new_email":" ana@new.test ","ip":" 203.0.113.7\u202e ",
            "location":"Lyon,\nFrance","at":"2026-12-02T11:05:00+01:00"}"#,
    )
    .unwrap();
    assert_eq!(d.url.as_deref(), Some("https://a.test/v"));
    assert_eq!(d.code.as_deref(), Some("AB-12"));
    assert_eq!(d.ttl_seconds, Some(60));
    // Names are one line (no header or paragraph can start in one), trimmed.
    assert_eq!(d.inviter_name.as_deref(), Some("Ana Lima"));
    assert_eq!(d.organization_name.as_deref(), Some("Lima & Filhos"));
    assert_eq!(d.new_email.as_deref(), Some("ana@new.test"));
    // Where and when a security event happened: untrusted text made one line and inert,
    // and an instant (shown to templates in UTC).
    assert_eq!(d.ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(d.location.as_deref(), Some("Lyon, France"));
    assert_eq!(
        serde_json::to_string(&d.at.unwrap()).unwrap(),
        r#""2026-12-02T10:05:00Z""#
    );
    assert_eq!(
        data(r#"{"at":"yesterday"}"#).unwrap_err(),
        "data.at: `yesterday` is not an RFC 3339 timestamp"
    );
    assert_eq!(
        data(r#"{"at":1764669900}"#).unwrap_err(),
        "data.at: expected an RFC 3339 timestamp, found number 1764669900"
    );
    assert_eq!(
        data(r#"{"at":"0001-01-01T00:00:00Z"}"#).unwrap_err(),
        "data.at: `0001-01-01T00:00:00Z` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
    );
    assert_eq!(
        data(r#"{"location":"\u202e"}"#).unwrap_err(),
        "data.location: must not be empty"
    );
    assert_eq!(
        data(r#"{"organization_name":{"x":1}}"#).unwrap_err(),
        "data.organization_name: expected a string, found an object"
    );
    assert_eq!(
        data(r#"{"inviter_name":"  "}"#).unwrap_err(),
        "data.inviter_name: must not be empty"
    );
    assert_eq!(
        data(r#"{"new_email":"not an address"}"#).unwrap_err(),
        "data.new_email: `not an address` is not an email address"
    );
    assert!(DataField::ALL.iter().all(|f| f.is_present(&d)));
    assert_eq!(d.raw["x"], 1);
    assert_eq!(
        data(r#"{"code":123456}"#).unwrap().code.as_deref(),
        Some("123456")
    );

    let none = data(r#"{"url":null}"#).unwrap();
    assert!(DataField::ALL.iter().all(|f| !f.is_present(&none)));

    assert_eq!(
        data(r#"{"code":"a b"}"#).unwrap_err(),
        "data.code: `a b` may only contain ASCII letters, digits and `-`"
    );
    assert_eq!(
        data(r#"{"code":[1]}"#).unwrap_err(),
        "data.code: expected a string, found an array"
    );
    assert_eq!(
        data(r#"{"ttl_seconds":0}"#).unwrap_err(),
        "data.ttl_seconds: expected a whole number of seconds from 1 to 31622400, found number 0"
    );
    assert_eq!(
        data(r#"{"url":5}"#).unwrap_err(),
        "data.url: expected a string, found number 5"
    );
    // The first bad field in declaration order is the one named.
    assert_eq!(
        data(r#"{"ttl_seconds":-1,"code":""}"#).unwrap_err(),
        "data.code: must have 1 to 64 characters"
    );
}
