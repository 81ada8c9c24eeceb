//! The load-time check that a plural selector covers every plural category of its locale:
//! `{ $count -> [one] … *[other] … }` in Arabic lacks `zero`, `two`, `few` and `many`, and the
//! numbers of those categories would silently get the `other` form.
//!
//! The categories are the ones Fluent itself selects with (intl_pluralrules, which
//! `crates/intl_pluralrules` makes ICU4X's current CLDR rules), found by asking it for every
//! whole number from 0 to 1,000: the numbers templates pass are whole and small (lifetimes,
//! counts). French, Spanish and Portuguese `many` is for whole millions ("un million de
//! jours") and is not demanded: no message of a transactional email counts that high.

use std::collections::BTreeSet;

use fluent_syntax::ast;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

use super::{Locale, find_definition_line};
use crate::diagnostic::Diagnostic;

const NAMES: [(PluralCategory, &str); 6] = [
    (PluralCategory::ZERO, "zero"),
    (PluralCategory::ONE, "one"),
    (PluralCategory::TWO, "two"),
    (PluralCategory::FEW, "few"),
    (PluralCategory::MANY, "many"),
    (PluralCategory::OTHER, "other"),
];

/// The plural categories whole numbers take in `locale`, in CLDR order.
fn categories(locale: &Locale) -> Vec<&'static str> {
    let Ok(rules) = PluralRules::create(locale.id.clone(), PluralRuleType::CARDINAL) else {
        return Vec::new();
    };
    // PluralCategory is only PartialEq: collect names.
    let seen: Vec<PluralCategory> = (0..=1_000u64)
        .filter_map(|n| rules.select(n).ok())
        .collect();
    NAMES
        .iter()
        .filter(|(c, _)| seen.contains(c))
        .map(|(_, name)| *name)
        .collect()
}

/// Warns about each plural selector of `locale`'s own files that lacks one of its categories.
pub(super) fn check_plurals(locale: &Locale, diags: &mut Vec<Diagnostic>) {
    if locale.pseudo {
        return;
    }
    let needed = categories(locale);
    if needed.is_empty() {
        return;
    }
    for (file, resource) in locale.files.iter().zip(&locale.resources) {
        for entry in resource.entries() {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                _ => continue,
            };
            let mut selects = Vec::new();
            value
                .into_iter()
                .for_each(|p| plural_selects(p, &mut selects));
            attributes
                .iter()
                .for_each(|a| plural_selects(&a.value, &mut selects));
            for (variable, keys) in selects {
                let missing: Vec<&str> = needed
                    .iter()
                    .copied()
                    .filter(|c| !keys.contains(*c))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let line = find_definition_line(resource.source(), id.trim_start_matches('-'));
                diags.push(Diagnostic::warning(
                    file.path.clone(),
                    line,
                    format!(
                        "message `{id}` selects a plural form on ${variable} without {} (`{}` has {}); numbers of {} get the default variant",
                        quoted(&missing),
                        locale.tag,
                        quoted(&needed),
                        if missing.len() == 1 { "that category" } else { "those categories" }
                    ),
                ));
            }
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every select on a variable whose variant keys name a plural category (besides `other`,
/// which any select may have): (variable, keys).
fn plural_selects(p: &ast::Pattern<&str>, out: &mut Vec<(String, BTreeSet<String>)>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_selects(expression, out);
        }
    }
}

fn expression_selects(e: &ast::Expression<&str>, out: &mut Vec<(String, BTreeSet<String>)>) {
    let ast::Expression::Select { selector, variants } = e else {
        return;
    };
    let keys: BTreeSet<String> = variants
        .iter()
        .filter_map(|v| match &v.key {
            ast::VariantKey::Identifier { name } => Some((*name).to_owned()),
            ast::VariantKey::NumberLiteral { .. } => None,
        })
        .collect();
    let plural = keys
        .iter()
        .any(|k| NAMES.iter().any(|(_, n)| n == k && *n != "other"));
    if let ast::InlineExpression::VariableReference { id } = selector
        && plural
    {
        out.push((id.name.to_owned(), keys));
    }
    for v in variants {
        plural_selects(&v.value, out);
    }
}
