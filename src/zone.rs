//! The recipient's time zone, for the dates and times an email shows: `user.zoneinfo` (the
//! OIDC claim, an IANA name such as `Europe/Paris`), else the application's
//! `client_metadata.default_timezone`, else UTC.
//!
//! A name is only looked up in the tz database compiled into the binary: it never becomes a
//! path, and one that is not an IANA zone falls through to the next source with a note.

use jiff::tz::TimeZone;

use crate::text::clip;

/// Longer than any IANA name (the longest, `America/Argentina/ComodRivadavia`, has 32).
const MAX_NAME_BYTES: usize = 64;

/// The zone `name` names, if it is an IANA time zone (`UTC` included). Anything else, a
/// POSIX TZ string or a path among them, is `None`.
pub fn lookup(name: &str) -> Option<TimeZone> {
    let plausible = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
        && !name.starts_with('/')
        && !name.contains("..");
    if !plausible {
        return None;
    }
    TimeZone::get(name).ok()
}

/// The zone to show times in for a recipient: `zoneinfo`, else `default` (the brand's,
/// already checked), else UTC. A `zoneinfo` that is set but not a zone adds a note.
pub fn recipient_zone(
    zoneinfo: Option<&str>,
    default: Option<&str>,
    notes: &mut Vec<String>,
) -> TimeZone {
    if let Some(name) = zoneinfo {
        match lookup(name.trim()) {
            Some(zone) => return zone,
            None => notes.push(format!(
                "user.zoneinfo: `{}` is not an IANA time zone; using {}",
                clip(name, 80),
                default.unwrap_or("UTC")
            )),
        }
    }
    default.and_then(lookup).unwrap_or(TimeZone::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_are_found_and_anything_else_is_not() {
        for name in [
            "Europe/Paris",
            "America/Sao_Paulo",
            "Asia/Tokyo",
            "UTC",
            "Etc/GMT+3",
        ] {
            assert!(lookup(name).is_some(), "{name}");
        }
        for name in [
            "",
            "Mars/Olympus",
            "../../etc/passwd",
            "/usr/share/zoneinfo/UTC",
            "EST5EDT,M3.2.0,M11.1.0",
            "Europe/Paris\n",
            &"A".repeat(100),
        ] {
            assert!(lookup(name).is_none(), "{name:?}");
        }
    }

    #[test]
    fn the_users_zone_wins_then_the_applications_then_utc() {
        let mut notes = Vec::new();
        let name = |z: TimeZone| z.iana_name().unwrap_or("?").to_owned();
        assert_eq!(
            name(recipient_zone(
                Some("Asia/Tokyo"),
                Some("Europe/Paris"),
                &mut notes
            )),
            "Asia/Tokyo"
        );
        assert_eq!(
            name(recipient_zone(None, Some("Europe/Paris"), &mut notes)),
            "Europe/Paris"
        );
        assert_eq!(name(recipient_zone(None, None, &mut notes)), "UTC");
        assert!(notes.is_empty());
        assert_eq!(
            name(recipient_zone(
                Some("Nowhere/Land"),
                Some("Europe/Paris"),
                &mut notes
            )),
            "Europe/Paris"
        );
        assert_eq!(
            notes,
            ["user.zoneinfo: `Nowhere/Land` is not an IANA time zone; using Europe/Paris"]
        );
    }
}
