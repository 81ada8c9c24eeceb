//! What untrusted text may carry into an email or a log: nothing that changes how the text
//! around it displays, and nothing that shows nothing.
//!
//! A name of `Ana \u{202E}moc.evil//:sptth` displays as "Ana `https://evil.com`" wherever it is
//! shown as text (a Subject, a `From:` display name, the text part); one of only U+200B is an
//! invisible sender; hundreds of combining marks over one letter spill over the lines around
//! it. [`inert`] removes bidi controls and invisible characters, NFC-normalizes, and keeps at
//! most [`MAX_MARKS`] combining marks per character; [`take_graphemes`] cuts by what a reader
//! sees as a character. The HTML part isolates values in `<bdi>` as well; this makes them
//! safe where no markup can.
//!
//! A leaf: it imports nothing of ours.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Most combining marks kept on one base character. Vietnamese stacks two, pointed Hebrew
/// with cantillation three; "Zalgo" text stacks dozens.
pub const MAX_MARKS: usize = 4;

/// Bidi controls (embeddings, overrides, isolates, marks, the Arabic letter mark) and
/// characters that display as nothing: zero-width space, word joiner and the invisible
/// operators, the byte-order mark, soft hyphen, combining grapheme joiner, Hangul fillers,
/// the Mongolian vowel separator, interlinear annotation and tag characters. The zero-width
/// joiners (U+200C, U+200D) are not here: [`inert`] keeps them inside words, where Persian,
/// Indic scripts and emoji sequences need them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Whether `s` is already inert (the common case: checked without allocating).
fn is_inert(s: &str) -> bool {
    if s.is_ascii() {
        return true;
    }
    unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
        && !s
            .chars()
            .any(|c| is_invisible(c) || is_joiner(c) || is_combining_mark(c))
}

/// `s` without bidi controls or invisible characters, NFC-normalized, with at most
/// [`MAX_MARKS`] combining marks per character. A zero-width joiner or non-joiner is kept
/// only between two visible non-ASCII characters (inside a word or an emoji sequence).
pub fn inert(s: &str) -> Cow<'_, str> {
    if is_inert(s) {
        return Cow::Borrowed(s);
    }
    let visible: Vec<char> = s.nfc().filter(|c| !is_invisible(*c)).collect();
    let mut out = String::with_capacity(s.len());
    let mut marks = 0;
    for (i, &c) in visible.iter().enumerate() {
        if is_joiner(c) {
            let inside = |n: Option<&char>| n.is_some_and(|n| !n.is_ascii() && !is_joiner(*n));
            if !(i > 0 && inside(visible.get(i - 1)) && inside(visible.get(i + 1))) {
                continue;
            }
        }
        if is_combining_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                continue;
            }
        } else {
            marks = 0;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// The first `max` grapheme clusters of `s` (what a reader counts as characters: a letter
/// with its marks, a flag, a family emoji).
pub fn take_graphemes(s: &str, max: usize) -> &str {
    match s.grapheme_indices(true).nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_and_invisible_characters_are_removed() {
        assert_eq!(
            inert("Ana \u{202E}moc.evil//:sptth\u{202C}"),
            "Ana moc.evil//:sptth"
        );
        assert_eq!(inert("\u{200B}\u{200B}"), "");
        assert_eq!(inert("a\u{2066}b\u{2069}\u{061C}c\u{E0041}\u{FEFF}"), "abc");
        assert_eq!(inert("plain ASCII"), Cow::Borrowed("plain ASCII"));
        assert!(matches!(inert("Zoë Ωμέγα"), Cow::Borrowed(_)));
    }

    #[test]
    fn joiners_stay_inside_words_and_emoji_only() {
        // Persian: ZWNJ inside a word.
        assert_eq!(inert("می\u{200C}خواهم"), "می\u{200C}خواهم");
        // A family emoji keeps its joiners.
        let family = "👩\u{200D}👩\u{200D}👧";
        assert_eq!(inert(family), family);
        // At the edges, between ASCII, or doubled: removed.
        assert_eq!(inert("\u{200D}Ana\u{200C}"), "Ana");
        assert_eq!(inert("a\u{200D}b"), "ab");
    }

    #[test]
    fn text_is_nfc_and_marks_are_capped() {
        assert_eq!(inert("e\u{0301}"), "é");
        let zalgo = format!("a{}", "\u{0336}".repeat(300));
        assert_eq!(inert(&zalgo).chars().count(), 1 + MAX_MARKS);
        // Vietnamese keeps both of its marks.
        assert_eq!(inert("ệ"), "ệ");
    }

    #[test]
    fn graphemes_are_cut_whole() {
        let flags = "🇫🇷🇩🇪🇯🇵";
        assert_eq!(take_graphemes(flags, 2), "🇫🇷🇩🇪");
        assert_eq!(take_graphemes("e\u{0301}x", 1), "e\u{0301}");
        assert_eq!(take_graphemes("ab", 5), "ab");
    }
}
