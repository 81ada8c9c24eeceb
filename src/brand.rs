//! Per-application branding, taken from `client_metadata` with the configured defaults behind it.
//!
//! `client_metadata` is trusted (an admin writes it), but a typo there must not break every
//! email of an application, and a colour goes into a `style` attribute. So each value is
//! checked here and an unusable one is replaced by the default, with a note for the log.

use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cache::{Key, Slot, Table};
use crate::event::{Client, check_link, parse_address};
use crate::text::clip;

/// Branding used when an event's client sets none (or sets an unusable value).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BrandDefaults {
    /// Product name shown in the layout and in `{ $client }` when the event has no client name.
    pub name: Option<String>,
    /// `#rgb` or `#rrggbb`.
    #[serde(default = "default_color")]
    pub color: String,
    pub logo_url: Option<String>,
    pub home_page_url: Option<String>,
    pub support_email: Option<String>,
}

fn default_color() -> String {
    "#2563eb".to_owned()
}

impl Default for BrandDefaults {
    fn default() -> Self {
        BrandDefaults {
            name: None,
            color: default_color(),
            logo_url: None,
            home_page_url: None,
            support_email: None,
        }
    }
}

/// What the layout needs to brand an email. Serialized into the template context as `brand`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    /// The application's name: `client.name`, or the configured product name.
    pub name: String,
    /// `#rrggbb` or `#rgb`.
    pub color: String,
    /// Text colour that stays readable on `color` (buttons).
    pub on_color: &'static str,
    pub logo_url: Option<String>,
    pub home_page_url: Option<String>,
    pub support_email: Option<String>,
    /// The `From` display name to use instead of the configured one, when the client sets one.
    pub sender_name: Option<String>,
    /// `client_metadata.default_timezone`, an IANA name checked against the tz database: the
    /// zone of the times an email shows when the user has no `zoneinfo`.
    pub time_zone: Option<String>,
}

impl Brand {
    /// Builds the brand of `client` (if any). `notes` receives one line per value that was set
    /// but unusable, for the log.
    pub fn resolve(
        client: Option<&Client>,
        defaults: &BrandDefaults,
        fallback_name: &str,
        allow_http: bool,
        notes: &mut Vec<String>,
    ) -> Brand {
        let empty = Map::new();
        let meta = client.map_or(&empty, |c| &c.client_metadata);
        let client_name = client.and_then(|c| c.name.clone());

        let color = match text(meta, "brand_color") {
            Some(c) if is_hex_color(c) => c.to_owned(),
            Some(c) => {
                notes.push(format!(
                    "client_metadata.brand_color: `{}` is not a #rgb or #rrggbb colour; using {}",
                    clip(c, 80),
                    defaults.color
                ));
                defaults.color.clone()
            }
            None => defaults.color.clone(),
        };
        let link =
            |key: &str, default: &Option<String>, notes: &mut Vec<String>| match text(meta, key) {
                Some(raw) => match check_link(raw, allow_http) {
                    Ok(url) => Some(url),
                    Err(reason) => {
                        notes.push(format!(
                            "client_metadata.{key}: {reason}; using the default"
                        ));
                        default.clone()
                    }
                },
                None => default.clone(),
            };
        let logo_url = link("logo_url", &defaults.logo_url, notes);
        let home_page_url = link("home_page_url", &defaults.home_page_url, notes);
        let support_email = match text(meta, "support_email") {
            Some(raw) => match parse_address(raw.trim()) {
                Some(a) => Some(a.to_string()),
                None => {
                    notes.push(format!(
                        "client_metadata.support_email: `{}` is not an email address; using the default",
                        clip(raw, 80)
                    ));
                    defaults.support_email.clone()
                }
            },
            None => defaults.support_email.clone(),
        };
        // A display name that looks like an address could pass for another sender
        // (`"Bank" <security@bank.test>,`): such a name is not used.
        let as_sender = |key: &str, name: &str, notes: &mut Vec<String>| {
            if name.contains(['<', '>', '@']) {
                notes.push(format!(
                    "{key}: `{}` contains `<`, `>` or `@`, which could pass for an address; not used as the sender's name",
                    clip(name, 80)
                ));
                None
            } else {
                Some(name.to_owned())
            }
        };
        let sender_name = match text(meta, "sender_name") {
            Some(name) => as_sender("client_metadata.sender_name", name, notes),
            None => None,
        }
        .or_else(|| {
            client_name
                .as_deref()
                .and_then(|name| as_sender("client.name", name, notes))
        });
        let time_zone = match text(meta, "default_timezone") {
            Some(raw) => match crate::zone::lookup(raw.trim()) {
                Some(_) => Some(raw.trim().to_owned()),
                None => {
                    notes.push(format!(
                        "client_metadata.default_timezone: `{}` is not an IANA time zone; using UTC",
                        clip(raw, 80)
                    ));
                    None
                }
            },
            None => None,
        };
        let name = client_name
            .or_else(|| defaults.name.clone())
            .unwrap_or_else(|| fallback_name.to_owned());
        Brand {
            on_color: readable_on(&color),
            name,
            color,
            logo_url,
            home_page_url,
            support_email,
            sender_name,
            time_zone,
        }
    }
}

/// The `client_metadata` keys a brand is made of.
const BRAND_KEYS: [&str; 6] = [
    "brand_color",
    "logo_url",
    "home_page_url",
    "support_email",
    "sender_name",
    "default_timezone",
];

/// Slots of a [`BrandCache`]; a fixed size bounds its memory.
const CACHE_SLOTS: usize = 64;

/// Brands resolved recently, for one set of defaults (one pipeline).
///
/// Every email of a client has the same brand, and resolving it (two URL parses, an address
/// parse, six strings) was 11,000 instructions of an email's 230,000. The key is the exact
/// values the brand is made of (the client's name and its `BRAND_KEYS`), and a slot answers
/// only on an exact match (see [`crate::cache`]); a collision costs a miss. Each slot has its
/// own lock, so workers rendering for different clients rarely wait for one another.
#[derive(Default)]
pub struct BrandCache {
    slots: Table<Mutex<Slot<CachedBrand>>, CACHE_SLOTS>,
}

struct CachedBrand {
    brand: Brand,
    notes: Vec<String>,
}

impl std::fmt::Debug for BrandCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrandCache").finish_non_exhaustive()
    }
}

impl BrandCache {
    /// [`Brand::resolve`], remembered: the same brand and notes for the same client values.
    pub fn resolve(
        &self,
        client: Option<&Client>,
        defaults: &BrandDefaults,
        fallback_name: &str,
        allow_http: bool,
        notes: &mut Vec<String>,
    ) -> Brand {
        let empty = Map::new();
        let meta = client.map_or(&empty, |c| &c.client_metadata);
        let mut key = Key::new();
        key.opt_str(client.and_then(|c| c.name.as_deref()));
        for k in BRAND_KEYS {
            key.opt_str(text(meta, k));
        }
        // A panic elsewhere while a lock was held cannot have left a slot half written (see
        // `Slot::put`), so a poisoned lock is used as it is. Each slot is locked on its own
        // (never both at once), so two keys with crossed slot pairs cannot deadlock.
        let [first, second] = self.slots.slots(&key);
        for slot in [first, second] {
            if let Some(hit) = lock(slot).get(&key) {
                notes.extend(hit.notes.iter().cloned());
                return hit.brand.clone();
            }
        }
        let mut own = Vec::new();
        let brand = Brand::resolve(client, defaults, fallback_name, allow_http, &mut own);
        notes.extend(own.iter().cloned());
        let cached = CachedBrand {
            brand: brand.clone(),
            notes: own,
        };
        let target = if !lock(first).fits(&key) && lock(second).fits(&key) {
            second
        } else {
            first
        };
        lock(target).put(&key, cached);
        brand
    }
}

fn lock(slot: &Mutex<Slot<CachedBrand>>) -> std::sync::MutexGuard<'_, Slot<CachedBrand>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn text<'a>(meta: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    meta.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// `#rgb` or `#rrggbb`: the only colours let into a `style` attribute, from `client_metadata`
/// and from the `[brand]` defaults (checked at load by `config`).
pub(crate) fn is_hex_color(c: &str) -> bool {
    let Some(hex) = c.strip_prefix('#') else {
        return false;
    };
    (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// White or near-black, whichever contrasts more with `color` (WCAG relative luminance).
fn readable_on(color: &str) -> &'static str {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| -> f64 {
        let v = if hex.len() == 3 {
            let d = u8::from_str_radix(&hex[i..i + 1], 16).unwrap_or(0);
            d * 17
        } else {
            u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0)
        };
        let c = f64::from(v) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    // Contrast with white is 1.05/(l+0.05); with #111827 (l≈0.012) it is (l+0.05)/0.062.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.062 {
        "#ffffff"
    } else {
        "#111827"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn client(meta: Value) -> Client {
        Client {
            client_id: Some("c1".into()),
            name: Some("Acme Notes".into()),
            client_metadata: meta.as_object().unwrap().clone(),
        }
    }

    /// Over many clients (more than the cache has slots), interleaved and repeated, with keys
    /// the brand reads and keys it does not: the cache gives exactly what resolving anew
    /// gives, notes included. A key that `resolve` read but the cache key left out would show
    /// up here as a stale brand.
    #[test]
    fn the_cache_gives_what_resolving_gives() {
        let cache = BrandCache::default();
        let defaults = BrandDefaults::default();
        let values = [
            json!("#ffcc00"),
            json!("#12"),
            json!("https://a.test/x"),
            json!("javascript:alert(1)"),
            json!("help@acme.test"),
            json!("not an address"),
            json!("  "),
            json!(7),
            json!("Europe/Paris"),
            json!("Mars/Olympus"),
        ];
        // Written out, not taken from BRAND_KEYS: this list is what the check is against.
        let keys = [
            "brand_color",
            "logo_url",
            "home_page_url",
            "support_email",
            "sender_name",
            "default_timezone",
            "default_lang",
            "brand_font",
            "name",
        ];
        // Each base client, then the same client with one key changed (a value that differs
        // from the base's): a key missing from the cache key would hand the variant the
        // base's brand.
        let pick =
            |i: usize, k: usize| (i.wrapping_mul(2_654_435_761) >> (k * 3)) % (values.len() + 1);
        let mut clients = Vec::new();
        for i in 0..40 {
            let base = |changed: Option<usize>| {
                let mut meta = Map::new();
                for (k, key) in keys.iter().enumerate() {
                    let mut v = pick(i, k);
                    if changed == Some(k) {
                        v = (v + 1 + i % values.len()) % (values.len() + 1);
                    }
                    if let Some(value) = values.get(v) {
                        meta.insert((*key).to_owned(), value.clone());
                    }
                }
                Client {
                    client_id: Some(format!("c{}", i % 7)),
                    name: (i % 5 != 0).then(|| format!("Client {}", i % 11)),
                    client_metadata: meta,
                }
            };
            clients.push(base(None));
            for k in 0..keys.len() {
                clients.push(base(Some(k)));
                clients.push(base(None));
            }
        }
        for _ in 0..2 {
            for c in &clients {
                let (mut fresh, mut cached) = (vec![], vec![]);
                let want = Brand::resolve(Some(c), &defaults, "X", false, &mut fresh);
                let got = cache.resolve(Some(c), &defaults, "X", false, &mut cached);
                assert_eq!(got, want, "{:?}", c.client_metadata);
                assert_eq!(cached, fresh);
            }
        }
        let mut notes = vec![];
        assert_eq!(
            cache.resolve(None, &defaults, "X", false, &mut notes),
            Brand::resolve(None, &defaults, "X", false, &mut vec![])
        );
    }

    #[test]
    fn client_metadata_brands_the_email() {
        let c = client(json!({
            "brand_color": "#ffcc00", "logo_url": "https://cdn.acme.test/l.png",
            "home_page_url": "https://notes.acme.test", "support_email": "help@acme.test"
        }));
        let mut notes = vec![];
        let b = Brand::resolve(Some(&c), &BrandDefaults::default(), "X", false, &mut notes);
        assert_eq!(b.name, "Acme Notes");
        assert_eq!(b.color, "#ffcc00");
        assert_eq!(b.on_color, "#111827", "dark text on yellow");
        assert_eq!(b.support_email.as_deref(), Some("help@acme.test"));
        assert_eq!(b.sender_name.as_deref(), Some("Acme Notes"));
        assert!(notes.is_empty());
    }

    #[test]
    fn unusable_values_fall_back_to_defaults_with_a_note() {
        let c = client(json!({
            "brand_color": "red;background:url(https://evil.test)",
            "logo_url": "javascript:alert(1)", "support_email": "nope", "home_page_url": 5
        }));
        let mut notes = vec![];
        let d = BrandDefaults::default();
        let b = Brand::resolve(Some(&c), &d, "X", false, &mut notes);
        assert_eq!(b.color, d.color);
        assert_eq!(b.on_color, "#ffffff");
        assert_eq!(b.logo_url, None);
        assert_eq!(b.support_email, None);
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn no_client_means_default_branding() {
        let mut notes = vec![];
        let b = Brand::resolve(
            None,
            &BrandDefaults::default(),
            "Mailroom",
            false,
            &mut notes,
        );
        assert_eq!(b.name, "Mailroom");
        assert_eq!(b.sender_name, None);
    }
}
