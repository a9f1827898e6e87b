//! Writing to stdout without panicking when the reader goes away (`keyport … | head`).

use std::io::{self, Write};

/// Marker message for a closed stdout: the reader went away, which is not an error.
const BROKEN_PIPE: &str = "\u{0}broken pipe";

pub fn is_broken_pipe(message: &str) -> bool {
    message == BROKEN_PIPE
}

/// Writes `text` to stdout; a closed pipe becomes the broken-pipe marker.
pub fn print(text: &str) -> Result<(), super::Failure> {
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
    print(&text)
}

/// A JSON document already serialized (by SQLite): printed as it is to a pipe, indented for
/// a terminal.
pub fn json_document(doc: &str) -> Result<(), super::Failure> {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() {
        let value: serde_json::Value = serde_json::from_str(doc)?;
        return json(&value);
    }
    print(&format!("{doc}\n"))
}

/// Rows laid out in columns as wide as their widest cell (by characters, not bytes).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
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
}
