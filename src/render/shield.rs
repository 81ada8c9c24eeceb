//! Shielding Tera code from the CSS inliner and putting it back: pure string work, so that
//! CSS can be inlined once per template file at load rather than once per email.
//!
//! Inlining the layout's `<style>` into `style=""` attributes cost ~58 % of the instructions
//! of an email when done on every rendered page (css-inline parses the whole document with
//! html5ever each time). The stylesheet and the elements it styles are static: only values
//! change from one email to the next. So at load each HTML template file is inlined once, with
//! its Tera code shielded:
//!
//! 1. [`shield`] replaces every `{{ … }}`, `{% … %}` and `{# … #}` by a placeholder that HTML
//!    and CSS parsers keep as it is: an HTML comment between elements (so a `{% for %}` inside a
//!    `<table>` is not moved out of it, as text would be), a bare token inside an attribute
//!    value, a `<title>` or an HTML comment.
//! 2. css-inline inlines the shielded HTML (`render::css`): the layout as a document (its own
//!    `<style>`, with `@media` rules kept), every other file (the template's body, included
//!    partials) as a fragment with the layout's stylesheet.
//! 3. [`unshield`] puts the Tera code back and checks that every placeholder survived once and
//!    that control flow kept its order.
//!
//! What this cannot express is refused, with a reason, and that template is inlined per email
//! as before: Tera code inside `<style>`/`<script>` (the CSS would depend on values), Tera code
//! inside a tag but outside an attribute value (`<td {% if x %}class="a"{% endif %}>`), computed
//! `include`/`extends` names, `{% raw %}`. [`crate::pipeline::Pipeline::check_preinlined`] then
//! renders every sample both ways (at start-up in one locale per text direction, in `check` in
//! every locale) and keeps a template pre-inlined only when the two give the same document: a
//! selector that needs an ancestor from another file (`.content p` with `.content` in the
//! layout and `<p>` in the body) differs there and falls back.

use std::fmt::Write as _;

/// Marks a placeholder. Shielding refuses a source that already contains it.
const MARK: &str = "zzmrph";

/// One piece of Tera code taken out of the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The Tera code, exactly as written (`{%- if x -%}`).
    pub code: String,
    /// Written as an HTML comment (between elements) rather than as a bare token.
    pub as_comment: bool,
    /// `{% … %}` or `{# … #}`: control flow, whose order must not change.
    pub is_tag: bool,
}

/// HTML with its Tera code replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shielded {
    pub html: String,
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    /// Inside `<name …>`; the quote byte when inside a quoted attribute value.
    Tag(Option<u8>),
    /// Inside `<!-- … -->`.
    Comment,
    /// Inside `<title>`/`<textarea>` (text is escaped, tags are not parsed).
    Rcdata,
    /// Inside `<style>`/`<script>`.
    RawText,
}

/// Replaces the Tera code of an HTML template source by placeholders; see the module docs.
pub fn shield(src: &str) -> Result<Shielded, String> {
    if src.contains(MARK) {
        return Err(format!(
            "the file contains `{MARK}`, the placeholder marker"
        ));
    }
    let bytes = src.as_bytes();
    let mut html = String::with_capacity(src.len());
    let mut pieces = Vec::new();
    let mut scan = Scan {
        state: State::Data,
        raw_end: String::new(),
        tag_name: String::new(),
    };
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' || !matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')) {
            i = scan.step(src, i);
            continue;
        }
        let end = tera_end(src, i).ok_or_else(|| {
            format!(
                "line {}: unclosed Tera code",
                crate::diagnostic::line_of(src, i)
            )
        })?;
        let code = &src[i..end];
        let is_tag = bytes[i + 1] != b'{';
        if is_tag && tag_words(code).first() == Some(&"raw") {
            return Err("`{% raw %}` blocks are not pre-inlined".to_owned());
        }
        let as_comment = scan.as_comment(src, i)?;
        html.push_str(&src[copied..i]);
        let n = pieces.len();
        if as_comment {
            let _ = write!(html, "<!--{MARK}{n}z-->");
        } else {
            let _ = write!(html, "{MARK}{n}z");
        }
        pieces.push(Piece {
            code: code.to_owned(),
            as_comment,
            is_tag,
        });
        i = end;
        copied = end;
    }
    html.push_str(&src[copied..]);
    Ok(Shielded { html, pieces })
}

/// Where the HTML tokenizer is, as far as shielding needs to know.
struct Scan {
    state: State,
    /// The element whose text is raw or RCDATA, to know where it ends.
    raw_end: String,
    /// The name of the tag being read (to enter raw states after `>`).
    tag_name: String,
}

impl Scan {
    /// Whether Tera code at `i` becomes an HTML comment (between elements) or a bare token
    /// (in an attribute value, a comment, RCDATA); an error where neither would survive.
    fn as_comment(&self, src: &str, i: usize) -> Result<bool, String> {
        match self.state {
            State::Data => Ok(true),
            State::Tag(Some(_)) | State::Comment | State::Rcdata => Ok(false),
            State::Tag(None) => Err(format!(
                "line {}: Tera code inside a tag, outside an attribute value",
                crate::diagnostic::line_of(src, i)
            )),
            State::RawText => Err(format!(
                "line {}: Tera code inside <{}>: its content would depend on values",
                crate::diagnostic::line_of(src, i),
                self.raw_end
            )),
        }
    }

    /// Reads the HTML (not Tera code) at `i`; returns where to read next.
    /// `i` may fall inside a multi-byte character (the scan moves byte by byte): look at
    /// bytes, and slice `src` only right after an ASCII byte.
    fn step(&mut self, src: &str, i: usize) -> usize {
        let bytes = src.as_bytes();
        let b = bytes[i];
        match self.state {
            State::Data => {
                if bytes[i..].starts_with(b"<!--") {
                    self.state = State::Comment;
                    return i + 4;
                }
                if b == b'<' {
                    let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                    if next.is_ascii_alphabetic() {
                        self.state = State::Tag(None);
                        self.tag_name = src[i + 1..]
                            .bytes()
                            .take_while(|c| c.is_ascii_alphanumeric())
                            .map(|c| c.to_ascii_lowercase() as char)
                            .collect();
                    } else if next == b'/' || next == b'!' {
                        self.state = State::Tag(None);
                        self.tag_name.clear();
                    }
                }
            }
            State::Tag(None) => match b {
                b'"' | b'\'' => self.state = State::Tag(Some(b)),
                b'>' => {
                    self.state = match self.tag_name.as_str() {
                        "style" | "script" => State::RawText,
                        "title" | "textarea" => State::Rcdata,
                        _ => State::Data,
                    };
                    self.raw_end = std::mem::take(&mut self.tag_name);
                }
                _ => {}
            },
            State::Tag(Some(q)) => {
                if b == q {
                    self.state = State::Tag(None);
                }
            }
            State::Comment => {
                if bytes[i..].starts_with(b"-->") {
                    self.state = State::Data;
                    return i + 3;
                }
            }
            State::Rcdata | State::RawText => {
                let end = &self.raw_end;
                if b == b'<'
                    && src
                        .get(i + 2..i + 2 + end.len())
                        .is_some_and(|name| bytes[i + 1] == b'/' && name.eq_ignore_ascii_case(end))
                {
                    self.state = State::Tag(None);
                    self.tag_name.clear();
                }
            }
        }
        i + 1
    }
}

/// The end (exclusive) of the Tera code starting at `start` (`{{`, `{%` or `{#`), skipping
/// string literals, which may contain the closing delimiter.
pub(crate) fn tera_end(src: &str, start: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let close = match bytes[start + 1] {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    let mut i = start + 2;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if close != b'#' && matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if b == close && bytes.get(i + 1) == Some(&b'}') => return Some(i + 2),
            None => {}
        }
        i += 1;
    }
    None
}

/// The words of a `{% … %}` tag, without delimiters and whitespace control.
pub fn tag_words(code: &str) -> Vec<&str> {
    let inner = code
        .strip_prefix("{%")
        .and_then(|c| c.strip_suffix("%}"))
        .unwrap_or("");
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    inner.split_whitespace().collect()
}

/// The templates a file names in `extends`, `include` and `import` tags. `Err` for a name
/// that is computed (only literal names can be followed at load).
pub fn references(src: &str) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = src[from..].find("{%") {
        let at = from + found;
        let Some(end) = tera_end(src, at) else { break };
        from = end;
        let code = &src[at..end];
        let words = tag_words(code);
        let Some(&kind) = words.first() else { continue };
        if !matches!(kind, "extends" | "include" | "import") {
            continue;
        }
        let rest = code[code.find(kind).unwrap_or(0) + kind.len()..].trim_start();
        let name = rest
            .strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split_once('\'')))
            .map(|(name, _)| name.to_owned())
            .ok_or_else(|| format!("`{kind}` with a computed name"))?;
        out.push((name, kind == "extends"));
    }
    Ok(out)
}

/// The contents of the `<style>` elements of an HTML source, concatenated.
pub fn style_sheets(src: &str) -> String {
    let lower = src.to_ascii_lowercase();
    let mut css = String::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<style") {
        let open = from + found;
        let Some(gt) = lower[open..].find('>') else {
            break;
        };
        let start = open + gt + 1;
        let Some(len) = lower[start..].find("</style") else {
            break;
        };
        css.push_str(&src[start..start + len]);
        css.push('\n');
        from = start + len;
    }
    css
}

/// Puts the Tera code back into inlined HTML. Every placeholder must be there exactly once,
/// and control-flow tags in their original order; otherwise the inliner moved or dropped one
/// and the file is not pre-inlined.
pub fn unshield(html: &str, pieces: &[Piece]) -> Result<String, String> {
    let mut out =
        String::with_capacity(html.len() + pieces.iter().map(|p| p.code.len()).sum::<usize>());
    let mut seen = vec![false; pieces.len()];
    let mut last_tag: Option<usize> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = html[from..].find(MARK) {
        let at = from + found;
        let digits: String = html[at + MARK.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let after = at + MARK.len() + digits.len();
        let n: usize = digits
            .parse()
            .map_err(|_| "a placeholder lost its number".to_owned())?;
        if !html[after..].starts_with('z') || n >= pieces.len() {
            return Err(format!("placeholder {n} was altered"));
        }
        let piece = &pieces[n];
        let mut start = at;
        let mut end = after + 1;
        if piece.as_comment {
            if !(html[..at].ends_with("<!--") && html[end..].starts_with("-->")) {
                return Err(format!("placeholder for `{}` left its comment", piece.code));
            }
            start -= 4;
            end += 3;
        }
        if std::mem::replace(&mut seen[n], true) {
            return Err(format!("`{}` was duplicated", piece.code));
        }
        if piece.is_tag {
            if last_tag.is_some_and(|last| last > n) {
                return Err(format!("`{}` moved before an earlier tag", piece.code));
            }
            last_tag = Some(n);
        }
        out.push_str(&html[copied..start]);
        out.push_str(&piece.code);
        copied = end;
        from = end;
    }
    out.push_str(&html[copied..]);
    if let Some(n) = seen.iter().position(|s| !s) {
        return Err(format!("`{}` was dropped", pieces[n].code));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_code_becomes_comments_between_elements_and_tokens_in_attributes() {
        let src =
            "{# c #}<p class=\"x {{ a }}\" title='{% if b %}y{% endif %}'>{{ t(id=\"}}\") }}</p>";
        let s = shield(src).unwrap();
        assert_eq!(
            s.html,
            "<!--zzmrph0z--><p class=\"x zzmrph1z\" title='zzmrph2zyzzmrph3z'><!--zzmrph4z--></p>"
        );
        assert_eq!(s.pieces[4].code, "{{ t(id=\"}}\") }}");
        assert!(s.pieces[0].is_tag && !s.pieces[1].is_tag);
        assert_eq!(unshield(&s.html, &s.pieces).unwrap(), src);
    }

    #[test]
    fn title_text_gets_tokens_not_comments() {
        let s = shield("<title>{% block t %}{% endblock t %}</title><p>{{ x }}</p>").unwrap();
        assert_eq!(
            s.html,
            "<title>zzmrph0zzzmrph1z</title><p><!--zzmrph2z--></p>"
        );
    }

    #[test]
    fn what_cannot_be_shielded_is_refused_with_a_reason() {
        let in_tag = shield("<td {% if x %}class=\"a\"{% endif %}>").unwrap_err();
        assert!(in_tag.contains("inside a tag"), "{in_tag}");
        let in_style = shield("<style>p { color: {{ c }} }</style>").unwrap_err();
        assert!(in_style.contains("<style>"), "{in_style}");
        assert!(shield("{% raw %}{{ x }}{% endraw %}").is_err());
        assert!(shield("<p>zzmrph</p>").is_err());
        assert!(shield("<p>{{ x </p>").is_err());
    }

    /// Found by fuzzing the loader: text outside ASCII between tags, in a comment or in an
    /// attribute panicked (the scan sliced the source inside a character).
    #[test]
    fn text_outside_ascii_anywhere_is_scanned_without_a_panic() {
        for src in [
            "ɺ",
            "<p>Café {{ x }} ɺ</p>",
            "<!-- é --><p title=\"日本\">{{ x }}</p>",
            "<style>p{content:\"é\"}</style>é<!--ɺ-->",
            "<title>Ré {{ x }}</title>",
        ] {
            let s = shield(src).unwrap();
            assert!(
                s.html.contains(MARK) == src.contains("{{"),
                "{src}: {}",
                s.html
            );
        }
    }

    #[test]
    fn code_after_a_style_element_is_shielded_again() {
        let s = shield("<style>p{}</style><p>{{ x }}</p>").unwrap();
        assert_eq!(s.html, "<style>p{}</style><p><!--zzmrph0z--></p>");
    }

    #[test]
    fn moved_dropped_or_duplicated_placeholders_are_refused() {
        let s = shield("<p>{% if a %}x{% endif %}{{ y }}</p>").unwrap();
        let swapped = "<p><!--zzmrph1z-->x<!--zzmrph0z--><!--zzmrph2z--></p>";
        assert!(unshield(swapped, &s.pieces).unwrap_err().contains("moved"));
        let dropped = "<p><!--zzmrph0z-->x<!--zzmrph1z--></p>";
        assert!(
            unshield(dropped, &s.pieces)
                .unwrap_err()
                .contains("dropped")
        );
        let twice = "<p><!--zzmrph0z-->x<!--zzmrph1z--><!--zzmrph2z--><!--zzmrph2z--></p>";
        assert!(
            unshield(twice, &s.pieces)
                .unwrap_err()
                .contains("duplicated")
        );
    }

    #[test]
    fn references_are_literal_names() {
        let src =
            "{% extends \"layouts/base.html\" %}{%- include 'layouts/button.html' -%}{% if x %}";
        assert_eq!(
            references(src).unwrap(),
            vec![
                ("layouts/base.html".to_owned(), true),
                ("layouts/button.html".to_owned(), false)
            ]
        );
        assert!(references("{% include name %}").is_err());
    }

    #[test]
    fn style_sheets_are_collected() {
        let css = style_sheets("<head><STYLE type=\"text/css\">p{}</STYLE><style>a{}</style>");
        assert_eq!(css, "p{}\na{}\n");
    }
}
