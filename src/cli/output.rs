//! Writing to stdout without panicking when the reader goes away (`keyport … | head`), and
//! never a character that could rewrite the terminal: names, settings, connector files and
//! providers' words are shown with control and bidirectional characters escaped (THREATS.md
//! row 17). JSON is data and stays as its serializer wrote it.

use crate::catalog::text::escape;
use std::io::{self, Write};

/// Marker message for a closed stdout: the reader went away, which is not an error.
const BROKEN_PIPE: &str = "\u{0}broken pipe";

pub fn is_broken_pipe(message: &str) -> bool {
    message == BROKEN_PIPE
}

/// Writes `text` to stdout, its lines and tabs as they are and every other control or
/// bidirectional character escaped (`\u{1b}`).
pub fn print(text: &str) -> Result<(), super::Failure> {
    print_raw(&escape(text, &['\n', '\t']))
}

/// Writes `text` to stdout exactly: only for what exists to be printed as it is (`reveal`'s
/// secret) and for JSON. A closed pipe becomes the broken-pipe marker.
pub fn print_raw(text: &str) -> Result<(), super::Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|err| match err.kind() {
            io::ErrorKind::BrokenPipe => super::Failure(BROKEN_PIPE.to_owned()),
            _ => super::Failure(format!("writing the output failed: {err}")),
        })
}

/// JSON with a trailing newline: indented for a person at a terminal, compact for a program
/// reading a pipe (a 10,000-connection list is a third smaller and quicker to write).
pub fn json<T: serde::Serialize>(value: &T) -> Result<(), super::Failure> {
    use std::io::IsTerminal;
    let mut text = if io::stdout().is_terminal() {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    text.push('\n');
    print_raw(&text)
}

/// A JSON document already serialized (by SQLite): printed as it is to a pipe, indented for
/// a terminal.
pub fn json_document(doc: &str) -> Result<(), super::Failure> {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() {
        let value: serde_json::Value = serde_json::from_str(doc)?;
        return json(&value);
    }
    print_raw(&format!("{doc}\n"))
}

/// `message` on stderr as `keyport: <prefix><line>` lines, escaped like `print`: errors and
/// warnings echo arguments, file contents and providers' words.
pub fn stderr_lines(prefix: &str, message: &str) {
    for line in message.lines() {
        eprintln!("keyport: {prefix}{}", escape(line, &['\t']));
    }
}

/// `text` on stderr as it is but for control and bidirectional characters, escaped.
pub fn eprint(text: &str) {
    eprint!("{}", escape(text, &['\n', '\t']));
}

/// Rows laid out in columns as wide as their widest cell (by characters, not bytes); a cell's
/// line breaks, tabs and other control or bidirectional characters are escaped, so no cell can
/// break the layout or the terminal.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| escape(cell, &[]).into_owned())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_align_on_characters() {
        let text = super::table(
            &["ID", "NAME"],
            &[
                vec!["a".into(), "Ä long".into()],
                vec!["long_id".into(), "x".into()],
            ],
        );
        assert_eq!(text, "ID       NAME\na        Ä long\nlong_id  x\n");
    }

    #[test]
    fn cells_show_control_and_bidi_characters_escaped() {
        let text = super::table(
            &["ID", "NAME"],
            &[vec!["a".into(), "x\u{1b}[2J\u{202E}y\nz".into()]],
        );
        assert_eq!(text, "ID  NAME\na   x\\u{1b}[2J\\u{202e}y\\u{a}z\n");
    }
}
