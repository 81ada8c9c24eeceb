//! Finding the message ids a template source names in `t(id="…")`, with their lines: what
//! `check` compares with the catalogs, and which messages `t()` formats once at load.
//!
//! It is a scan, not a parse: good enough to list ids and their lines. A computed id
//! (`t(id=x)`, `t(id="a-" ~ x)`) is reported as `None`, since it cannot be checked statically.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, line_of};

/// A message id a template file names in `t(id="…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageUse {
    pub file: PathBuf,
    pub line: usize,
    /// `None` when the id is computed (`t(id=x)`) and cannot be checked statically.
    pub id: Option<String>,
    /// The names of the call's other keyword arguments (`name`, `client`, …).
    pub passed: Vec<String>,
}

/// Finds `t(id="…")` calls in a template source.
pub fn scan_message_ids(file: &Path, src: &str) -> Vec<MessageUse> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut from = 0;
    while let Some(found) = src[from..].find("t(") {
        let at = from + found;
        from = at + 2;
        let preceded_by_ident = at > 0 && {
            let b = bytes[at - 1];
            b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
        };
        if preceded_by_ident {
            continue;
        }
        let args = &src[at + 2..];
        let end = args.find(')').unwrap_or(args.len());
        let args = &args[..end];
        let line = line_of(src, at);
        let Some(pos) = find_kwarg(args, "id") else {
            continue;
        };
        let rest = args[pos..].trim_start();
        let id = rest
            .strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split_once('\'')))
            .map(|(id, tail)| (id, tail.trim_start()))
            // `"a" ~ x` is a computed id, not the literal `a`.
            .filter(|(_, tail)| !tail.starts_with('~'))
            .map(|(id, _)| id.to_owned());
        out.push(MessageUse {
            file: file.to_path_buf(),
            line,
            id,
            passed: kwarg_names(args)
                .filter(|n| *n != "id")
                .map(str::to_owned)
                .collect(),
        });
    }
    out
}

/// The names before each `=` of a kwargs list, outside quoted strings (`a="x=1", b=c` has
/// `a` and `b`); `==` and friends are comparisons, not arguments.
fn kwarg_names(args: &str) -> impl Iterator<Item = &str> {
    let bytes = args.as_bytes();
    let mut names = Vec::new();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'='
                && bytes.get(i + 1) != Some(&b'=')
                && !matches!(
                    i.checked_sub(1).map(|j| bytes[j]),
                    Some(b'=' | b'!' | b'<' | b'>')
                ) =>
            {
                let before = args[..i].trim_end();
                let start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |j| j + 1);
                if start < before.len() {
                    names.push(&before[start..]);
                }
            }
            None => {}
        }
    }
    names.into_iter()
}

/// Byte offset just after `name =` in a kwargs list.
fn find_kwarg(args: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = args[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || {
            let b = args.as_bytes()[at - 1];
            !(b.is_ascii_alphanumeric() || b == b'_')
        };
        let after = args[at + name.len()..].trim_start();
        if before_ok && after.starts_with('=') && !after.starts_with("==") {
            return Some(args.len() - after.len() + 1);
        }
    }
    None
}

/// Attributes where HTML escaping does not make a value safe: a link or source can be
/// `javascript:`, a style can carry CSS, an event handler runs script.
fn is_risky_attribute(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "href" | "src" | "srcset" | "style" | "action" | "formaction" | "background" | "poster"
    ) || name.starts_with("on")
}

/// Values that reach templates already checked for the attribute they go in: links (`https`,
/// a host, no user name), `#rgb` colours, and the text direction's start side.
const VETTED: &[&str] = &[
    "brand.home_page_url",
    "brand.logo_url",
    "brand.color",
    "brand.on_color",
    "data.url",
    "align",
    "dir",
    "lang",
];

/// Warnings for an HTML template (`check` prints them): a `<script>` (mail clients drop it,
/// and the gallery must never run one), and event data in an attribute where escaping is not
/// enough (`href="{{ user.user_metadata.site }}"` can be `javascript:`). A scan, not a parse:
/// an expression is flagged when it reads `user.`, `client.` or a `data.` field that is not a
/// checked link, and any expression in an event handler is.
pub fn scan_unsafe_html(file: &Path, src: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lower = src.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<script") {
        let at = from + at;
        out.push(Diagnostic::warning(
            file.to_path_buf(),
            Some(line_of(src, at)),
            "a `<script>` element: mail clients remove scripts, and an email must work without them"
                .to_owned(),
        ));
        from = at + 7;
    }
    // `name="…{{ expr }}…"` (or single quotes): the attribute name is the word before `=`.
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(eq) = src[i..].find('=') {
        let eq = i + eq;
        i = eq + 1;
        let Some(&quote) = bytes.get(eq + 1) else {
            break;
        };
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let name_start = src[..eq]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |p| p + 1);
        let name = &src[name_start..eq];
        if name.is_empty() || !is_risky_attribute(name) {
            continue;
        }
        let value_start = eq + 2;
        let Some(len) = src[value_start..].find(quote as char) else {
            break;
        };
        let value = &src[value_start..value_start + len];
        let handler = name.to_ascii_lowercase().starts_with("on");
        let mut rest = value;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let close = after.find("}}").unwrap_or(after.len());
            let expr = after[..close].trim();
            rest = &after[close..];
            let first = expr.split(['|', ' ', '(']).next().unwrap_or("");
            let risky = handler
                || (!VETTED.contains(&first)
                    && (first.starts_with("user.")
                        || first.starts_with("client.")
                        || first.starts_with("data.")));
            if risky {
                out.push(Diagnostic::warning(
                    file.to_path_buf(),
                    Some(line_of(src, value_start)),
                    format!(
                        "`{{{{ {} }}}}` in `{name}=`: escaping does not make event data safe in this attribute (a link can be `javascript:`, a style can carry CSS); use a checked value such as `data.url` or `brand.home_page_url`",
                        crate::text::clip(expr, 60)
                    ),
                ));
            }
        }
        i = value_start + len;
    }
    out
}

/// Warnings for `{{ user.user_metadata.x }}` (or `app_metadata`) printed without
/// `| default(…)`: most users never set a given metadata field, and for them the template
/// fails to render (the event becomes a `render` dead letter). With `default` it renders
/// without the value. (`{% if user.user_metadata.x %}` needs nothing: a missing field is
/// false there.)
pub fn scan_metadata_reads(file: &Path, src: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = src[from..].find("{{") {
        let start = from + open + 2;
        let Some(len) = src[start..].find("}}") else {
            break;
        };
        let expr = &src[start..start + len];
        from = start + len;
        for field in ["user.user_metadata.", "user.app_metadata."] {
            let Some(at) = expr.find(field) else { continue };
            let path: String = expr[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
                .collect();
            let after = expr[at + path.len()..].trim_start();
            if !after.starts_with("| default") && !after.starts_with("|default") {
                out.push(Diagnostic::warning(
                    file.to_path_buf(),
                    Some(line_of(src, start)),
                    format!(
                        "`{path}` is printed without `| default(…)`: for a user who never set it the email fails to render (a `render` dead letter); write `{{{{ {path} | default(value=\"\") }}}}`"
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_found_with_their_lines() {
        let src = "{{ t(id=\"a-b\") }}\n{{ t(id='c', name=user.name) }}\n{{ t(id=\"x-\" ~ unit) }}\n{{ at(id=\"no\") }}";
        let ids: Vec<(Option<String>, usize)> = scan_message_ids(Path::new("f"), src)
            .into_iter()
            .map(|u| (u.id, u.line))
            .collect();
        assert_eq!(
            ids,
            vec![(Some("a-b".into()), 1), (Some("c".into()), 2), (None, 3)]
        );
    }

    #[test]
    fn the_arguments_a_call_passes_are_named() {
        let src = r#"{{ t(id="a", name=user.greeting_name, client = brand.name) }}
{{ t(id="b", label="x=1, y=2", flag=(a == b)) }}"#;
        let passed: Vec<Vec<String>> = scan_message_ids(Path::new("f"), src)
            .into_iter()
            .map(|u| u.passed)
            .collect();
        assert_eq!(
            passed,
            vec![
                vec!["name".to_owned(), "client".to_owned()],
                vec!["label".to_owned(), "flag".to_owned()],
            ]
        );
    }
}
