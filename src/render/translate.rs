//! `t(id="…", name=…)`: the template function through which templates show every
//! translated text, and what it remembers to stay cheap.
//!
//! In an HTML template (autoescaping on) `t()` formats with the catalog's HTML bundle, which
//! escapes the catalog's literal text (its transform) and every plain-string argument (its
//! formatter, which also isolates it in `<bdi>`); a value Tera already considers safe is
//! passed through as markup. Only because of that is its output marked safe. In subjects and
//! text parts it formats plain text.
//!
//! Two things keep it cheap. Messages that templates call with `id` alone are formatted once
//! at load ([`Fixed`]), and in the pre-inlined templates replaced by their text outright
//! ([`literal_messages`]). Calls with arguments are remembered per thread (the memo below).
//! This module does not choose the locale (the context carries it) nor load catalogs (`i18n`).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use fluent_bundle::{FluentArgs, FluentValue};
use tera::{Function, Kwargs, State, Tera, TeraResult, Value};

use super::scan::MessageUse;
use super::shield::tera_end;
use crate::cache::{Key, Slot, Table};
use crate::i18n::{Catalog, Formatted, Markup, SHARED_VARIABLES, SafeHtml};

/// The context variable through which `t()` learns the locale: the catalog index.
pub(super) const LOCALE_INDEX: &str = "__locale";

/// A Tera with `t()` registered. `locale` is set for a Tera compiled for one locale only (the
/// pre-inlined ones), whose `t()` then need not look the locale up in the context on every
/// call.
pub(super) fn new_tera(catalog: Arc<Catalog>, fixed: Arc<Fixed>, locale: Option<usize>) -> Tera {
    let mut tera = Tera::default();
    // Registered before any template is added: Tera 2 checks function names at load.
    tera.register_function("t", Translate::new(catalog, fixed, locale));
    tera
}

/// The `t()` function of one Tera.
struct Translate {
    catalog: Arc<Catalog>,
    fixed: Arc<Fixed>,
    /// The one locale of a Tera compiled per locale; else the context's `__locale`.
    locale: Option<usize>,
    /// Tells this instance's entries in the per-thread memo from those of an earlier load (a
    /// reload builds new instances); it is the first part of every memo key.
    memo_owner: u64,
}

impl Translate {
    fn new(catalog: Arc<Catalog>, fixed: Arc<Fixed>, locale: Option<usize>) -> Translate {
        static OWNERS: AtomicU64 = AtomicU64::new(0);
        Translate {
            catalog,
            fixed,
            locale,
            memo_owner: OWNERS.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// Slots of the per-thread memo of formatted messages: a fixed size bounds its memory.
const MEMO_SLOTS: usize = 256;

/// A message formatted with arguments, remembered per thread.
///
/// Most arguments are the client's brand (`client=brand.name`), the same in every email of
/// that client, so most `t()` calls repeat one made moments before; Fluent formatted each of
/// them anew, about 3,400 instructions a call and ten calls an email. The key holds
/// everything the text depends on (see [`Translate::memo_key`]) and a slot answers only on an
/// exact match, so a collision costs a miss, never a wrong text. Per-user values (a
/// greeting's name) simply miss and overwrite their slot.
struct Memoized {
    text: String,
    fell_back: bool,
}

thread_local! {
    static MEMO: RefCell<Table<Slot<Memoized>, MEMO_SLOTS>> =
        RefCell::new(Table::default());
}

impl Function<TeraResult<String>> for Translate {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let id: &str = kwargs.must_get("id")?;
        // The locale index, not the tag: no string copy and no search per call.
        let locale: usize = match self.locale {
            Some(locale) => locale,
            None => state
                .get(LOCALE_INDEX)?
                .ok_or_else(|| tera::Error::message("t(): the locale is not set in the context"))?,
        };
        if locale >= self.catalog.locales().len() {
            return Err(tera::Error::message(format!(
                "t(): locale index {locale} is not a loaded locale"
            )));
        }
        let html = state.autoescaping_enabled();
        let markup = if html { Markup::Html } else { Markup::Text };
        let count = kwargs.iter().count();
        if count == 1
            && let Some(formatted) = self.fixed.get(locale, markup, id)
        {
            self.note_fallback(formatted.fell_back, locale, id);
            return Ok(formatted.text.clone());
        }
        let shared = self.shared_values(locale, id, &kwargs, state);
        let mut key = self.memo_key(&kwargs, locale, html, id)?;
        for (name, value) in &shared {
            key.str(name).byte(b's').str(value);
        }
        let hit = MEMO.with_borrow(|memo| {
            memo.slots(&key)
                .into_iter()
                .find_map(|slot| slot.get(&key))
                .map(|m| (m.text.clone(), m.fell_back))
        });
        let (text, fell_back) = match hit {
            Some(hit) => hit,
            None => {
                let mut args = FluentArgs::with_capacity(count - 1 + shared.len());
                for (name, value) in arguments(&kwargs) {
                    args.set(name.to_owned(), fluent_arg(name, value, html)?);
                }
                for (name, value) in shared {
                    args.set(name, FluentValue::from(value));
                }
                let formatted = self
                    .catalog
                    .format(locale, id, Some(&args), markup)
                    .map_err(|e| tera::Error::message(e.to_string()))?;
                MEMO.with_borrow_mut(|memo| {
                    let remembered = Memoized {
                        text: formatted.text.clone(),
                        fell_back: formatted.fell_back,
                    };
                    let (first, second) = memo.slots_mut(&key);
                    Slot::put_either(first, second, &key, remembered);
                });
                (formatted.text, formatted.fell_back)
            }
        };
        self.note_fallback(fell_back, locale, id);
        Ok(text)
    }

    /// The output is safe only because the HTML bundle escapes both the catalog text (its
    /// transform) and every plain-string argument (its formatter).
    fn is_safe(&self) -> bool {
        true
    }
}

impl Translate {
    /// Everything the formatted text depends on: this instance, the locale, the bundle, the
    /// id, and every other argument's name, kind and value. Arguments go in name order, so
    /// the key does not depend on the order Tera keeps them in; the next name is picked
    /// afresh each time rather than sorted in a buffer, which keeps a hit free of
    /// allocations (calls have a handful of arguments). An argument Fluent cannot take is
    /// this call's error, named by [`fluent_arg`].
    fn memo_key(&self, kwargs: &Kwargs, locale: usize, html: bool, id: &str) -> TeraResult<Key> {
        let mut key = Key::new();
        key.u64(self.memo_owner)
            .u64(locale as u64)
            .byte(u8::from(html))
            .str(id);
        let mut after: Option<&str> = None;
        while let Some((name, value)) = arguments(kwargs)
            .filter(|(name, _)| after.is_none_or(|a| *name > a))
            .min_by_key(|(name, _)| *name)
        {
            after = Some(name);
            key.str(name);
            // The kinds `fluent_arg` tells apart: markup and plain text format differently.
            if let Some(s) = value.as_str() {
                key.byte(if html && value.is_safe() { b'h' } else { b's' })
                    .str(s);
            } else if let Some(n) = value.as_i64() {
                key.byte(b'i').u64(n as u64);
            } else if let Some(n) = value.as_f64() {
                key.byte(b'f').u64(n.to_bits());
            } else {
                fluent_arg(name, value, html)?;
            }
        }
        Ok(key)
    }

    /// The shared variables this message uses in `locale` and the call does not pass, with
    /// their values from the email: a user without any name gets an empty string (the
    /// greeting itself switches to `greeting-anonymous`).
    fn shared_values(
        &self,
        locale: usize,
        id: &str,
        kwargs: &Kwargs,
        state: &State,
    ) -> Vec<(&'static str, String)> {
        let bits = self.fixed.shared_bits(locale, id);
        if bits == 0 {
            return Vec::new();
        }
        let passed = |name: &str| arguments(kwargs).any(|(n, _)| n == name);
        let text = |object: &str, field: &str| -> Option<String> {
            let value: Value = state.get(object).ok().flatten()?;
            let s = value.get_from_path(field)?.as_str()?.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        SHARED_VARIABLES
            .iter()
            .enumerate()
            .filter(|(i, name)| bits & (1 << i) != 0 && !passed(name))
            .map(|(_, &name)| {
                let value = match name {
                    "client" => text("brand", "name"),
                    "name" => text("user", "greeting_name"),
                    // Full name first, as the `To` header shows it.
                    _ => text("user", "name").or_else(|| text("user", "greeting_name")),
                };
                (name, value.unwrap_or_default())
            })
            .collect()
    }

    fn note_fallback(&self, fell_back: bool, locale: usize, id: &str) {
        if fell_back {
            let lang = &self.catalog.locale(locale).tag;
            crate::metrics::translation_fallback(lang);
            tracing::debug!(message = id, locale = %lang, "message missing; used the source locale");
        }
    }
}

/// The arguments of a `t()` call besides `id`, in no particular order.
fn arguments(kwargs: &Kwargs) -> impl Iterator<Item = (&str, &Value)> {
    kwargs
        .iter()
        .filter_map(|(key, value)| Some((key.as_str()?, value)))
        .filter(|(name, _)| *name != "id")
}

fn fluent_arg(name: &str, value: &Value, html: bool) -> TeraResult<FluentValue<'static>> {
    if let Some(s) = value.as_str() {
        // In HTML the bundle's formatter escapes and isolates plain strings when it writes
        // them; a value Tera already considers safe markup is passed through as markup.
        if html && value.is_safe() {
            return Ok(FluentValue::Custom(Box::new(SafeHtml(s.to_owned()))));
        }
        return Ok(FluentValue::from(s.to_owned()));
    }
    if let Some(n) = value.as_i64() {
        return Ok(FluentValue::from(n));
    }
    if let Some(n) = value.as_f64() {
        return Ok(FluentValue::from(n));
    }
    Err(tera::Error::message(format!(
        "t(): argument `{name}` must be a string or a number, not {}",
        value.name()
    )))
}

/// Messages that templates call with no argument but `id`, formatted once at load: per
/// locale, the text and the HTML form. Such a message is the same in every email, and
/// formatting it through Fluent was most of what `t()` cost.
#[derive(Default)]
pub(super) struct Fixed {
    texts: Vec<[HashMap<String, Formatted>; 2]>,
    /// Per locale, the messages whose text there uses [`SHARED_VARIABLES`] that some call of
    /// theirs does not pass (`t()` then fills them in), as a bit set (bit `i` for
    /// `SHARED_VARIABLES[i]`). A handful at most (the Japanese greeting), so a list: most
    /// calls find nothing in an empty one.
    shared: Vec<Vec<(Box<str>, u8)>>,
}

impl Fixed {
    /// Formats every literal id in `usage` in every locale; ids that need arguments or do not
    /// format are left out (`t()` formats them, and reports their error, per email).
    pub(super) fn build(catalog: &Catalog, usage: &[MessageUse]) -> Fixed {
        let ids: BTreeSet<&str> = usage.iter().filter_map(|u| u.id.as_deref()).collect();
        let none = FluentArgs::new();
        let texts = (0..catalog.locales().len())
            .map(|locale| {
                [Markup::Text, Markup::Html].map(|markup| {
                    ids.iter()
                        .filter_map(|id| {
                            let f = catalog.format(locale, id, Some(&none), markup).ok()?;
                            Some(((*id).to_owned(), f))
                        })
                        .collect()
                })
            })
            .collect();
        Fixed {
            texts,
            shared: shared_uses(catalog, usage),
        }
    }

    fn get(&self, locale: usize, markup: Markup, id: &str) -> Option<&Formatted> {
        self.texts.get(locale)?[usize::from(markup == Markup::Html)].get(id)
    }

    /// The shared variables `id` uses in `locale` that a call may not pass.
    fn shared_bits(&self, locale: usize, id: &str) -> u8 {
        self.shared
            .get(locale)
            .and_then(|list| list.iter().find(|(message, _)| &**message == id))
            .map_or(0, |(_, bits)| *bits)
    }
}

fn shared_bits_of<'a>(names: impl IntoIterator<Item = &'a str>) -> u8 {
    names.into_iter().fold(0, |bits, name| {
        match SHARED_VARIABLES.iter().position(|v| *v == name) {
            Some(i) => bits | (1 << i),
            None => bits,
        }
    })
}

/// Per locale, each message whose text there (its own, or the source's it falls back to)
/// uses shared variables that not every call of it in the templates passes, with their bits.
/// A message no template names literally (a computed id) counts as passed nothing.
fn shared_uses(catalog: &Catalog, usage: &[MessageUse]) -> Vec<Vec<(Box<str>, u8)>> {
    // Per id, the shared variables every literal call passes.
    let mut passed: HashMap<&str, u8> = HashMap::new();
    for u in usage {
        if let Some(id) = u.id.as_deref() {
            let bits = shared_bits_of(u.passed.iter().map(String::as_str));
            passed.entry(id).and_modify(|b| *b &= bits).or_insert(bits);
        }
    }
    let source = catalog.source();
    catalog
        .locales()
        .iter()
        .map(|locale| {
            let mut uses: HashMap<&str, u8> = HashMap::new();
            // The source's messages first, then the locale's own in their place; within
            // each, the first file last, since a template set's own file comes first and
            // overrides the rest.
            for file in source.files.iter().rev().chain(locale.files.iter().rev()) {
                for (id, (_, vars)) in &file.messages {
                    let bits = shared_bits_of(vars.iter().map(String::as_str));
                    uses.insert(
                        id.as_str(),
                        bits & !passed.get(id.as_str()).copied().unwrap_or(0),
                    );
                }
            }
            let mut list: Vec<(Box<str>, u8)> = uses
                .into_iter()
                .filter(|(_, bits)| *bits != 0)
                .map(|(id, bits)| (id.into(), bits))
                .collect();
            list.sort();
            list
        })
        .collect()
}

/// `{{ t(id="…") }}` with no other argument is the same text in every email of a locale:
/// it becomes that text, formatted at load (escaped by the HTML bundle in `.html` files), in a
/// `{% raw %}` block so Tera copies it as it is. A call with arguments, or whose message did
/// not format, stays a call.
pub(super) fn literal_messages(src: &str, fixed: &Fixed, locale: usize, markup: Markup) -> String {
    let mut out = String::with_capacity(src.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = src[from..].find("{{") {
        let at = from + found;
        let Some(end) = tera_end(src, at) else {
            break;
        };
        from = end;
        let inner = &src[at + 2..end - 2];
        let (trim_before, inner) = match inner.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let (trim_after, inner) = match inner.strip_suffix('-') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let Some(id) = only_id(inner) else { continue };
        let Some(message) = fixed.get(locale, markup, id) else {
            continue;
        };
        if message.text.contains("endraw") {
            continue;
        }
        out.push_str(&src[copied..at]);
        out.push_str(if trim_before {
            "{%- raw %}"
        } else {
            "{% raw %}"
        });
        out.push_str(&message.text);
        out.push_str(if trim_after {
            "{% endraw -%}"
        } else {
            "{% endraw %}"
        });
        copied = end;
    }
    out.push_str(&src[copied..]);
    out
}

/// The id of `t(id="…")` (or `'…'`) when that is the whole expression.
fn only_id(expr: &str) -> Option<&str> {
    let args = expr.trim().strip_prefix("t(")?.strip_suffix(')')?;
    let (key, value) = args.split_once('=')?;
    if key.trim() != "id" {
        return None;
    }
    let value = value.trim();
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let id = value.strip_prefix(quote)?.strip_suffix(quote)?;
    (!id.contains(['"', '\'', '\\'])).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_with_just_an_id_are_recognized() {
        assert_eq!(only_id(" t(id=\"a-b\") "), Some("a-b"));
        assert_eq!(only_id("t( id = 'c' )"), Some("c"));
        assert_eq!(only_id("t(id=\"a\", name=x)"), None);
        assert_eq!(only_id("t(id=x)"), None);
        assert_eq!(only_id("t(name=\"a\")"), None);
        assert_eq!(only_id("user.name"), None);
    }
}
