//! Characters that can rewrite a terminal (control characters: C0, DEL, C1, among them ESC) or
//! disguise text (bidirectional controls such as U+202E, which shows `exe.txt` for `txt.exe`):
//! refused in names and catalog text, and escaped wherever the CLI prints a value the person
//! did not type (THREATS.md row 17).

use std::borrow::Cow;

/// The Unicode bidirectional formatting characters (Unicode Standard Annex #9, section 2).
const BIDI: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

pub fn is_unsafe(c: char) -> bool {
    c.is_control() || BIDI.contains(&c)
}

/// The first unsafe character of `text`.
pub fn unsafe_char(text: &str) -> Option<char> {
    text.chars().find(|c| is_unsafe(*c))
}

/// How a message names a character: `U+001B`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// What a refusal says of `c`: `holds U+001B (a control character, …)`.
pub fn holds(c: char) -> String {
    let kind = if c.is_control() {
        "a control character, which could rewrite the terminal it is shown in"
    } else {
        "a bidirectional control, which can disguise the text around it"
    };
    format!("holds {} ({kind})", code_point(c))
}

/// `text` with every unsafe character but those in `keep` written as Rust writes it (`\u{1b}`),
/// so it shows as text and does nothing.
pub fn escape<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    let escaped = |c: &char| is_unsafe(*c) && !keep.contains(c);
    if !text.chars().any(|c| escaped(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(&c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_unsafe_and_escaped() {
        for c in [
            '\u{1b}', '\u{7f}', '\u{9b}', '\u{0}', '\r', '\u{202E}', '\u{2066}', '\u{200F}',
        ] {
            assert!(is_unsafe(c), "{}", code_point(c));
        }
        for c in ['a', 'é', ' ', '\u{200B}', '中'] {
            assert!(!is_unsafe(c), "{}", code_point(c));
        }
        assert_eq!(code_point('\u{1b}'), "U+001B");
        assert_eq!(code_point('\u{202E}'), "U+202E");
        assert_eq!(escape("a\u{1b}]0;x\u{7}b", &[]), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(escape("l1\nl2\u{202E}", &['\n']), "l1\nl2\\u{202e}");
        assert!(matches!(escape("plain", &[]), Cow::Borrowed(_)));
    }
}
