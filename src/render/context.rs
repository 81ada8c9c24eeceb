//! What templates see: `lang`, `dir`, `align`, `user`, `client`, `brand`, `data`,
//! `expires_in`, `expires_at`, `at_local` and `time_zone`, built per email from a
//! [`RenderRequest`].
//!
//! Values from the event go in as data and are escaped wherever a template prints them; none
//! is marked safe here.

use fluent_bundle::{FluentArgs, FluentValue};
use serde::Serialize;
use tera::Context;

use super::translate::LOCALE_INDEX;
use super::{RenderError, RenderRequest, Renderer, Variant};
use crate::event::{Data, DataField};
use crate::i18n::{Catalog, Markup};

impl Renderer {
    /// The context of one email, with the texts the Rust code formats (the lifetime) taken
    /// from `catalog`: the defaults' or a template set's.
    pub(super) fn context(
        &self,
        variant: &Variant,
        req: &RenderRequest<'_>,
    ) -> Result<Context, RenderError> {
        let catalog: &Catalog = &variant.catalog;
        let locale = catalog.locale(req.locale);
        let user = req.user;
        let mut ctx = Context::new();
        ctx.insert("lang", &locale.tag);
        ctx.insert(LOCALE_INDEX, &req.locale);
        ctx.insert("dir", locale.dir.as_str());
        // The start side of the text, for `align=` attributes (Outlook ignores `text-align: start`).
        ctx.insert(
            "align",
            match locale.dir {
                crate::locale::Direction::Ltr => "left",
                crate::locale::Direction::Rtl => "right",
            },
        );
        ctx.insert(
            "user",
            &UserContext {
                user_id: user.user_id.as_deref(),
                email: user.email.as_ref(),
                name: user.name.as_deref(),
                given_name: user.given_name.as_deref(),
                nickname: user.nickname.as_deref(),
                greeting_name: user.greeting_name(),
                user_metadata: &user.user_metadata,
                app_metadata: &user.app_metadata,
            },
        );
        ctx.insert(
            "client",
            &ClientContext {
                client_id: req.client_id,
                name: &req.brand.name,
            },
        );
        ctx.insert("brand", req.brand);
        ctx.insert("data", &DataContext(req.data));
        let expires_in = match req.data.ttl_seconds {
            Some(secs) => Some(duration_text(catalog, req.locale, secs)?),
            None => None,
        };
        ctx.insert("expires_in", &expires_in);
        // Times in the reader's locale and zone: when a security event happened, and (for
        // templates that show it) until when a link or code works.
        ctx.insert(
            "at_local",
            &req.data.at.map(|at| locale.format_datetime(at.0, req.zone)),
        );
        if variant.shows_expiry_time {
            let expires_at = req.data.ttl_seconds.map(|ttl| {
                let start = req
                    .occurred_at
                    .unwrap_or_else(time::OffsetDateTime::now_utc);
                let end = start.saturating_add(time::Duration::seconds(ttl as i64));
                locale.format_datetime(end, req.zone)
            });
            ctx.insert("expires_at", &expires_at);
        }
        ctx.insert("time_zone", req.zone.iana_name().unwrap_or("UTC"));
        Ok(ctx)
    }
}

/// "24 hours", "2 Tagen", "ساعتين": a lifetime in its largest whole unit, through the
/// locale's plural rules.
fn duration_text(catalog: &Catalog, locale: usize, secs: u64) -> Result<String, RenderError> {
    let (id, count) = largest_unit(secs);
    let mut args = FluentArgs::new();
    args.set("count", FluentValue::from(count));
    Ok(catalog.format(locale, id, Some(&args), Markup::Text)?.text)
}

/// The unit that expresses `secs` as a whole number: days beyond 48 hours, then hours, else
/// minutes (rounded down, never below one: a link must not seem to live longer than it does).
pub fn largest_unit(secs: u64) -> (&'static str, u64) {
    // Up to 48 hours a lifetime reads in hours, as products say it ("24 hours", not "1 day":
    // a day sounds like "until tomorrow"); beyond, in whole days.
    if secs > 48 * 3_600 && secs.is_multiple_of(86_400) {
        ("duration-days", secs / 86_400)
    } else if secs >= 3_600 && secs.is_multiple_of(3_600) {
        ("duration-hours", secs / 3_600)
    } else {
        ("duration-minutes", (secs / 60).max(1))
    }
}

#[derive(Serialize)]
struct UserContext<'a> {
    user_id: Option<&'a str>,
    email: &'a str,
    name: Option<&'a str>,
    given_name: Option<&'a str>,
    nickname: Option<&'a str>,
    /// The first usable of given name, name and nickname.
    greeting_name: Option<&'a str>,
    user_metadata: &'a serde_json::Map<String, serde_json::Value>,
    app_metadata: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct ClientContext<'a> {
    client_id: Option<&'a str>,
    name: &'a str,
}

/// `data` as templates see it: everything sent, with the checked forms of the known fields
/// ([`DataField`]) replacing what was sent (e.g. a trimmed link). The known fields are always
/// present, as null when absent, so templates can test them without `?.`. Serialized straight
/// from the event, without copying the map first.
struct DataContext<'a>(&'a Data);

impl Serialize for DataContext<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let data = self.0;
        let extra = data
            .raw
            .keys()
            .filter(|k| DataField::from_name(k).is_none())
            .count();
        let mut map = serializer.serialize_map(Some(extra + DataField::ALL.len()))?;
        // serde_json's map is ordered by key (a BTreeMap): keep that order, with the known
        // fields in their sorted places, as the merged map would serialize.
        let mut known = DataField::BY_NAME.iter().peekable();
        for (key, value) in &data.raw {
            while let Some(field) = known.next_if(|f| f.name() < key.as_str()) {
                map.serialize_entry(field.name(), &field.value(data))?;
            }
            if DataField::from_name(key).is_some() {
                continue;
            }
            map.serialize_entry(key, value)?;
        }
        for field in known {
            map.serialize_entry(field.name(), &field.value(data))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_use_their_largest_whole_unit() {
        assert_eq!(largest_unit(86_400), ("duration-hours", 24));
        assert_eq!(largest_unit(2 * 86_400), ("duration-hours", 48));
        assert_eq!(largest_unit(3 * 86_400), ("duration-days", 3));
        assert_eq!(largest_unit(36 * 3_600), ("duration-hours", 36));
        assert_eq!(largest_unit(3_600), ("duration-hours", 1));
        assert_eq!(largest_unit(5_400), ("duration-minutes", 90));
        assert_eq!(largest_unit(45), ("duration-minutes", 1));
        assert_eq!(largest_unit(119), ("duration-minutes", 1));
    }

    #[test]
    fn data_shows_every_known_field_in_its_sorted_place_with_its_checked_value() {
        let event = br#"{"id":"e","type":"t","user":{"email":"a@b.c"},
            "data":{"zz":2,"url":" https://a.test/v ","a":1,"ttl_seconds":60}}"#;
        let event = crate::event::parse(event, Default::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&DataContext(&event.data)).unwrap(),
            r#"{"a":1,"at":null,"code":null,"inviter_name":null,"ip":null,"location":null,"new_email":null,"organization_name":null,"ttl_seconds":60,"url":"https://a.test/v","zz":2}"#
        );
    }
}
