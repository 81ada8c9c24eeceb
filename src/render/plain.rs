//! Text parts: tidying a rendered `body.txt`, and the text written from the HTML for a
//! template that ships none.

/// Text parts: no trailing spaces (except in the `-- ` signature separator), at most one blank
/// line in a row, one final newline.
pub(super) fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The text part of a template that ships none: a plain conversion of the HTML, links as
/// numbered footnotes and never wrapped (a wrapped link cannot be followed).
pub(super) fn html_to_text(html: &str) -> String {
    let text = html2text::config::plain()
        .no_table_borders()
        .no_link_wrapping()
        .link_footnotes(true)
        .string_from_read(html.as_bytes(), 78)
        .unwrap_or_else(|_| String::new());
    tidy_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied() {
        assert_eq!(tidy_text("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
