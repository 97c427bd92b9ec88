//! Text made safe to show: what a file or a CSV row holds never reaches a terminal, a Markdown
//! page or a spreadsheet as something other than text. Control characters (C0 but line breaks
//! and tabs, DEL, C1) and invisible format characters (bidi overrides and isolates, zero-width
//! characters, the byte-order mark) are shown as escapes, so a title cannot clear a screen,
//! set a window title or reorder what is read. A carriage return that ends a line (`\r\n`, as
//! Windows writes line breaks) is a line break, and kept.

use std::borrow::Cow;

/// Whether a character must not be written raw: a control character other than a line break
/// or a tab, or an invisible character that changes how text around it reads.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        // Unicode's format characters (category Cf: soft hyphen, bidi embeddings, overrides and
        // isolates, zero-width spaces and joiners, the word joiner and invisible operators, the
        // byte-order mark, interlinear annotation, tags, ...), the invisible fillers that pass
        // for letters, and the line and paragraph separators.
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{115F}'..='\u{1160}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}' => true,
        _ => false,
    }
}

/// Text with every unsafe character written as a JSON escape (`\u009b`, surrogate pairs
/// beyond the basic plane), for JSON output: the JSON means the same text, and no byte of it is
/// a control or invisible character. serde_json escapes C0 controls itself; this covers DEL,
/// C1 and the invisible characters.
pub fn json_escape(text: &str, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_unsafe(c) && !matches!(c, '\u{0}'..='\u{1f}') {
            out.write_all(&text.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(out, "\\u{:04x}", u)?;
            }
            start = i + c.len_utf8();
        }
    }
    out.write_all(&text.as_bytes()[start..])
}

/// Text with every unsafe character written as an escape (`\u{1b}`); line breaks and tabs
/// kept. Borrows when nothing needs escaping.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// Text on one line: as [`escape`], with line breaks and tabs escaped too (`\n`, `\t`), for a
/// table cell or a CSV field.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

/// The unsafe characters of a text, with their byte offsets: as [`is_unsafe`], but for a
/// carriage return that ends a line.
fn unsafe_at(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices()
        .filter(move |&(i, c)| is_unsafe(c) && !(c == '\r' && text[i + 1..].starts_with('\n')))
}

fn escape_with(text: &str, one_line: bool) -> Cow<'_, str> {
    let breaks = one_line && text.contains(['\n', '\t', '\r']);
    if !breaks && unsafe_at(text).next().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let crlf = c == '\r' && text[i + 1..].starts_with('\n');
        match c {
            '\n' if one_line => out.push_str("\\n"),
            '\t' if one_line => out.push_str("\\t"),
            '\r' if one_line && crlf => out.push_str("\\r"),
            c if is_unsafe(c) && !crlf => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text with every unsafe character replaced by one of the same length in bytes (`?` for
/// each byte), so byte offsets into it stay valid: for source snippets.
pub fn same_length(text: &str) -> Cow<'_, str> {
    if unsafe_at(text).next().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::from(text);
    let at: Vec<(usize, char)> = unsafe_at(text).collect();
    // Each unsafe character becomes `?`s of its length, from the end (offsets stay valid).
    for (i, c) in at.into_iter().rev() {
        out.replace_range(i..i + c.len_utf8(), &"?".repeat(c.len_utf8()));
    }
    Cow::Owned(out)
}

/// Text made safe inside HTML, as an element's content or a quoted attribute: `&`, `<`, `>`,
/// `"` and `'` as their character references (and nothing else changed, so escape unsafe
/// characters first where the text may hold them).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether text contains an unsafe character (a carriage return ending a line is not one).
pub fn has_unsafe(text: &str) -> bool {
    first_unsafe(text).is_some()
}

/// The first unsafe character of a text.
pub fn first_unsafe(text: &str) -> Option<char> {
    unsafe_at(text).next().map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_invisibles_are_escaped() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            escape("bell\x07 cr\r bs\x08"),
            "bell\\u{7} cr\\u{d} bs\\u{8}"
        );
        assert_eq!(escape("ab\u{202E}cd\u{200B}"), "ab\\u{202e}cd\\u{200b}");
        assert_eq!(escape("two\nlines\tand tab"), "two\nlines\tand tab");
        assert_eq!(escape_line("two\nlines"), "two\\nlines");
        assert!(matches!(escape("plain é ✓"), Cow::Borrowed(_)));
        assert!(matches!(escape("windows\r\nlines"), Cow::Borrowed(_)));
        assert_eq!(escape("over\rwrite"), "over\\u{d}write");
    }

    #[test]
    fn same_length_keeps_offsets() {
        for s in ["a\x1bb", "x\u{202E}y", "\u{85}z", "clean"] {
            assert_eq!(same_length(s).len(), s.len(), "{s:?}");
            assert!(!has_unsafe(&same_length(s)));
        }
    }
}
