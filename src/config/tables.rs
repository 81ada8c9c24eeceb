//! The file's two tables: `[routes]` (event type → template) and `[brand]` (the default
//! branding). `[brand]` values end up in a `style` attribute and in links, so they are checked
//! at load with the checks `client_metadata` values get (`brand`, `event`), but where a bad
//! client value is replaced by the default, a bad default stops start-up.

use std::collections::BTreeMap;

use crate::brand::is_hex_color;
use crate::event::{check_link, parse_address};
use crate::text::{clip, one_line};

use super::{BrandDefaults, ConfigError, Draft, Origin, bad};

pub(super) fn routes(d: &mut Draft, at: &Origin<'_>, v: toml::Value) -> Result<(), ConfigError> {
    let toml::Value::Table(table) = v else {
        return Err(bad(
            at.name,
            format!(
                "expected a table of event type = template, found `{}`",
                clip(&v.to_string(), 80)
            ),
        ));
    };
    let mut routes = BTreeMap::new();
    for (event, template) in table {
        let toml::Value::String(template) = template else {
            return Err(bad(
                &format!("{}.\"{event}\"", at.name),
                format!(
                    "expected a template name, found `{}`",
                    clip(&template.to_string(), 80)
                ),
            ));
        };
        routes.insert(event, template);
    }
    // A table replaces the defaults: a deployment lists every route it wants.
    d.settings.routes = routes;
    Ok(())
}

pub(super) fn brand(d: &mut Draft, at: &Origin<'_>, v: toml::Value) -> Result<(), ConfigError> {
    d.settings.brand = v
        .try_into::<BrandDefaults>()
        .map_err(|e| bad(at.name, e.to_string().trim_end().to_owned()))?;
    Ok(())
}

/// Checks the defaults as `Brand::resolve` checks client values, and keeps them in the form it
/// keeps client values (links trimmed, the address as parsed).
pub(super) fn check_brand(b: &mut BrandDefaults, allow_http: bool) -> Result<(), ConfigError> {
    if let Some(name) = &b.name {
        let shown = one_line(name);
        if shown != *name {
            return Err(bad(
                "brand.name",
                format!(
                    "`{}` is not one line (it would be shown as `{}`)",
                    clip(name, 80),
                    clip(&shown, 80)
                ),
            ));
        }
    }
    if !is_hex_color(&b.color) {
        return Err(bad(
            "brand.color",
            format!("`{}` is not a #rgb or #rrggbb colour", clip(&b.color, 80)),
        ));
    }
    for (key, link) in [
        ("brand.logo_url", &mut b.logo_url),
        ("brand.home_page_url", &mut b.home_page_url),
    ] {
        if let Some(raw) = link.as_deref() {
            *link = Some(check_link(raw, allow_http).map_err(|reason| bad(key, reason))?);
        }
    }
    if let Some(raw) = b.support_email.as_deref() {
        let address = parse_address(raw.trim()).ok_or_else(|| {
            bad(
                "brand.support_email",
                format!("`{}` is not an email address", clip(raw, 80)),
            )
        })?;
        b.support_email = Some(address.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        edit: impl FnOnce(&mut BrandDefaults),
        allow_http: bool,
    ) -> Result<BrandDefaults, String> {
        let mut b = BrandDefaults {
            name: Some("Acme".into()),
            logo_url: Some("https://cdn.acme.test/l.png".into()),
            home_page_url: Some("https://acme.test".into()),
            support_email: Some("help@acme.test".into()),
            ..BrandDefaults::default()
        };
        edit(&mut b);
        check_brand(&mut b, allow_http)
            .map(|()| b)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn brand_defaults_are_checked_like_client_values() {
        check(|_| {}, false).unwrap();
        check(|b| b.color = "#abc".into(), false).unwrap();
        assert_eq!(
            check(|b| b.color = "red;background:url(x)".into(), false).unwrap_err(),
            "brand.color: `red;background:url(x)` is not a #rgb or #rrggbb colour"
        );
        assert_eq!(
            check(|b| b.logo_url = Some("javascript:alert(1)".into()), false).unwrap_err(),
            "brand.logo_url: `javascript:alert(1)` uses the scheme `javascript`; only https links are allowed"
        );
        let http = |b: &mut BrandDefaults| b.home_page_url = Some("http://acme.test".into());
        assert!(
            check(http, false)
                .unwrap_err()
                .starts_with("brand.home_page_url: `http://acme.test` uses the scheme `http`")
        );
        check(http, true).unwrap();
        assert_eq!(
            check(|b| b.support_email = Some("nope".into()), false).unwrap_err(),
            "brand.support_email: `nope` is not an email address"
        );
        assert_eq!(
            check(|b| b.name = Some("Acme\r\nBcc: x@evil.test".into()), false).unwrap_err(),
            "brand.name: `Acme\\r\\nBcc: x@evil.test` is not one line (it would be shown as `Acme Bcc: x@evil.test`)"
        );
    }

    #[test]
    fn checked_brand_values_are_kept_as_client_values_are() {
        let b = check(
            |b| {
                b.logo_url = Some(" https://cdn.acme.test/l.png ".into());
                b.support_email = Some(" help@acme.test".into());
            },
            false,
        )
        .unwrap();
        assert_eq!(b.logo_url.as_deref(), Some("https://cdn.acme.test/l.png"));
        assert_eq!(b.support_email.as_deref(), Some("help@acme.test"));
    }
}
