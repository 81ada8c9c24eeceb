//! The known fields of an event's `data`, declared once (`data_fields!`), and the kinds that
//! check their values. Parsing, the `requires` check at load, what templates see and the
//! presence check before rendering all follow from the one list here.

use std::fmt;

use serde_json::{Map, Value};

use super::checks::check_link;
use super::{
    EventError, MAX_CODE_CHARS, MAX_NAME_CHARS, MAX_TTL_SECONDS, ParseOptions, Shown, clip,
};

/// Declares the known fields of `data`, one line each: the [`DataField`] variant, the field's
/// name (on the wire, in `template.toml`, in templates, and as the [`Data`] member) and the
/// [`FieldKind`] that checks it. Parsing, the `requires` check at load, what templates see
/// and the presence check before rendering all follow from this one list.
macro_rules! data_fields {
    ($($(#[doc = $doc:expr])* $variant:ident => $name:ident: $kind:ty,)*) => {
        /// The template-specific part of an event, with its known fields validated.
        #[derive(Debug, Clone, Default)]
        pub struct Data {
            $($(#[doc = $doc])* pub $name: Option<<$kind as FieldKind>::Value>,)*
            /// Everything in `data`, for templates that use more.
            pub raw: Map<String, Value>,
        }

        /// A field of `data` that mailroom checks, and that a template may require.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum DataField {
            $($variant,)*
        }

        impl DataField {
            /// Every known field, in the order they are declared (and listed in errors).
            pub const ALL: &'static [DataField] = &[$(DataField::$variant,)*];

            pub const fn name(self) -> &'static str {
                match self {
                    $(DataField::$variant => stringify!($name),)*
                }
            }

            pub fn from_name(name: &str) -> Option<DataField> {
                match name {
                    $(stringify!($name) => Some(DataField::$variant),)*
                    _ => None,
                }
            }

            /// Whether the event carries this field (with a usable value, since parsing
            /// refused any other).
            pub fn is_present(self, data: &Data) -> bool {
                match self {
                    $(DataField::$variant => data.$name.is_some(),)*
                }
            }

            /// The checked value as templates see it: null when absent.
            pub fn value(self, data: &Data) -> FieldValue<'_> {
                FieldValue { field: self, data }
            }
        }

        impl serde::Serialize for FieldValue<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.field {
                    $(DataField::$variant => self.data.$name.serialize(serializer),)*
                }
            }
        }

        pub(super) fn parse_data(d: Map<String, Value>, options: ParseOptions) -> Result<Data, EventError> {
            // Checked in declaration order: the first bad field is the one reported.
            Ok(Data {
                $($name: check_field::<$kind>(&d, stringify!($name), options)?,)*
                raw: {
                    let mut d = d;
                    d.values_mut().for_each(super::checks::make_inert);
                    d
                },
            })
        }
    };
}

// A new field is one line here, `Variant => name: Kind,` (plus a `FieldKind` if no kind
// below checks it yet).
data_fields! {
    /// A link with an allowed scheme (`https`, or `http` when the deployment allows it).
    Url => url: Link,
    /// A verification code: letters, digits and `-`.
    Code => code: OneTimeCode,
    /// How long the link or code works, in seconds.
    TtlSeconds => ttl_seconds: Lifetime,
    /// Who sent an invitation: a name, one line.
    InviterName => inviter_name: Label,
    /// The organization an invitation is to: a name, one line.
    OrganizationName => organization_name: Label,
    /// The address an email change goes to.
    NewEmail => new_email: EmailAddress,
    /// Where a security event came from: an IP address as the provider wrote it, one line.
    Ip => ip: Label,
    /// Where a security event came from: a place as the provider wrote it, one line.
    Location => location: Label,
    /// When a security event happened: an RFC 3339 instant.
    At => at: Moment,
}

impl DataField {
    /// [`DataField::ALL`] sorted by name, for writing the fields in order among the others.
    pub const BY_NAME: [DataField; DataField::ALL.len()] = {
        let mut sorted = [DataField::ALL[0]; DataField::ALL.len()];
        let mut i = 0;
        while i < sorted.len() {
            sorted[i] = DataField::ALL[i];
            // Insertion sort: `sort` is not available in constants.
            let mut j = i;
            while j > 0 && name_before(sorted[j].name(), sorted[j - 1].name()) {
                let t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
                j -= 1;
            }
            i += 1;
        }
        sorted
    };

    /// The known fields' names, for error messages: `url, code, ttl_seconds, …`.
    pub fn known() -> String {
        DataField::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// As its name, the way `template.toml` writes it.
impl serde::Serialize for DataField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for DataField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `a < b` in byte order, as `str`'s `Ord` compares (which is not available in constants).
const fn name_before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// One known field's checked value, serialized as templates see it.
#[derive(Clone, Copy)]
pub struct FieldValue<'a> {
    field: DataField,
    data: &'a Data,
}

/// How one kind of `data` value is checked, and what it becomes. A new field of an existing
/// kind needs no code; a new kind is one more implementation.
pub trait FieldKind {
    /// The checked value, as [`Data`] holds it and templates see it.
    type Value: fmt::Debug + Clone + serde::Serialize;
    /// Checks a value that is present and not null. The error is the reason alone: the
    /// caller adds the field's path.
    fn check(value: &Value, options: ParseOptions) -> Result<Self::Value, String>;
}

/// A link a recipient may follow: see [`check_link`].
pub struct Link;

impl FieldKind for Link {
    type Value = String;
    fn check(value: &Value, options: ParseOptions) -> Result<String, String> {
        match value {
            Value::String(s) => check_link(s, options.allow_http_links),
            other => Err(format!("expected a string, found {}", Shown(other))),
        }
    }
}

/// A one-time code to type in: 1 to [`MAX_CODE_CHARS`] ASCII letters, digits and `-`. A
/// whole number is taken as its digits.
pub struct OneTimeCode;

impl FieldKind for OneTimeCode {
    type Value = String;
    fn check(value: &Value, _: ParseOptions) -> Result<String, String> {
        let code = match value {
            Value::String(s) => s.trim(),
            Value::Number(n) if n.is_u64() => return Ok(n.to_string()),
            other => return Err(format!("expected a string, found {}", Shown(other))),
        };
        if code.is_empty() || code.chars().count() > MAX_CODE_CHARS {
            return Err(format!("must have 1 to {MAX_CODE_CHARS} characters"));
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!(
                "`{}` may only contain ASCII letters, digits and `-`",
                clip(code, 80)
            ));
        }
        Ok(code.to_owned())
    }
}

/// A lifetime: a whole number of seconds from 1 to [`MAX_TTL_SECONDS`].
pub struct Lifetime;

impl FieldKind for Lifetime {
    type Value = u64;
    fn check(value: &Value, _: ParseOptions) -> Result<u64, String> {
        match value.as_u64() {
            Some(n) if (1..=MAX_TTL_SECONDS).contains(&n) => Ok(n),
            _ => Err(format!(
                "expected a whole number of seconds from 1 to {MAX_TTL_SECONDS}, found {}",
                Shown(value)
            )),
        }
    }
}

/// A name to show (an inviter, an organization): a string, made one line and cut at
/// [`MAX_NAME_CHARS`] characters as user names are; untrusted, always escaped where shown.
pub struct Label;

impl FieldKind for Label {
    type Value = String;
    fn check(value: &Value, _: ParseOptions) -> Result<String, String> {
        let Value::String(s) = value else {
            return Err(format!("expected a string, found {}", Shown(value)));
        };
        let line = crate::text::one_line(&crate::inert::inert(s));
        let cut = crate::inert::take_graphemes(&line, MAX_NAME_CHARS).trim();
        if cut.is_empty() {
            return Err("must not be empty".to_owned());
        }
        Ok(cut.to_owned())
    }
}

/// An email address to show (the new address of an email change).
pub struct EmailAddress;

impl FieldKind for EmailAddress {
    type Value = String;
    fn check(value: &Value, _: ParseOptions) -> Result<String, String> {
        let Value::String(s) = value else {
            return Err(format!("expected a string, found {}", Shown(value)));
        };
        match super::checks::parse_address(s.trim()) {
            Some(a) => Ok(a.to_string()),
            None => Err(format!("`{}` is not an email address", clip(s, 80))),
        }
    }
}

/// An instant: RFC 3339 (`2026-12-02T10:05:00Z`, `…+01:00`), within the dates an email can
/// carry, as `occurred_at` is checked. Templates see it in RFC 3339 (UTC); the reader's form
/// is `at_local`.
pub struct Moment;

/// A checked [`Moment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant(pub time::OffsetDateTime);

impl serde::Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        let text = utc
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl FieldKind for Moment {
    type Value = Instant;
    fn check(value: &Value, _: ParseOptions) -> Result<Instant, String> {
        let Value::String(s) = value else {
            return Err(format!(
                "expected an RFC 3339 timestamp, found {}",
                Shown(value)
            ));
        };
        super::checks::parse_instant(s.trim()).map(Instant)
    }
}

/// `data.<name>` checked by its kind; absent and null are both "not sent".
fn check_field<K: FieldKind>(
    data: &Map<String, Value>,
    name: &str,
    options: ParseOptions,
) -> Result<Option<K::Value>, EventError> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => K::check(value, options)
            .map(Some)
            .map_err(|reason| EventError::invalid(format!("data.{name}"), reason)),
    }
}
