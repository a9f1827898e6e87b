//! Turns a connector file's text into a validated `Connector`, or into every problem found,
//! each naming the file, the field and the line.

use super::validate;
use keyport_model::{CatalogProblem, Connector};

/// Where a file comes from: built-in connectors are held to stricter rules (https only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    Custom,
}

/// Parses and validates `text`; `stem` is the file name the id must equal, when there is one.
pub fn connector(
    file: &str,
    text: &str,
    stem: Option<&str>,
    origin: Origin,
) -> Result<Connector, Vec<CatalogProblem>> {
    let problem = |field: String, message: String| located(file, text, field, message);
    let table: toml::Table = toml::from_str(text).map_err(|err| {
        vec![CatalogProblem {
            file: file.to_owned(),
            field: String::new(),
            line: err.span().map(|span| line_at(text, span.start)),
            message: format!("is not valid TOML: {}", err.message()),
        }]
    })?;
    if table.contains_key("custom") {
        return Err(vec![problem(
            "custom".to_owned(),
            "is set by Keyport, not by the file; remove it".to_owned(),
        )]);
    }
    let mut connector: Connector = serde_path_to_error::deserialize(toml::Value::Table(table))
        .map_err(|err| {
            let path = err.path().to_string();
            let path = if path == "." { String::new() } else { path };
            vec![problem(path, err.into_inner().message().to_owned())]
        })?;
    connector.custom = origin == Origin::Custom;
    let mut problems = validate::connector(&connector, origin);
    if let Some(stem) = stem {
        if stem != connector.id {
            problems.push((
                "id".to_owned(),
                format!("`{}` must equal the file name `{stem}`", connector.id),
            ));
        }
    }
    if problems.is_empty() {
        Ok(connector)
    } else {
        Err(problems.into_iter().map(|(f, m)| problem(f, m)).collect())
    }
}

/// A problem at `field` of `file`, with the line the field is written on.
pub fn located(file: &str, text: &str, field: String, message: String) -> CatalogProblem {
    CatalogProblem {
        file: file.to_owned(),
        line: line_of(text, &field),
        field,
        message,
    }
}

/// 1-based line of byte `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line where the field at `path` (`oauth2.scopes[1]`, `fields[0].pattern`) is written, or
/// the closest enclosing one that exists.
fn line_of(text: &str, path: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut item: &toml_edit::Item = doc.as_item();
    let mut best: Option<usize> = None;
    for segment in segments(path) {
        let next = match segment {
            Segment::Key(key) => {
                let Some((k, v)) = item.as_table_like().and_then(|t| t.get_key_value(key)) else {
                    break;
                };
                best = k.span().map(|s| s.start).or(best);
                v
            }
            Segment::Index(i) => match item.get(i) {
                Some(v) => v,
                None => break,
            },
        };
        best = next.span().map(|s| s.start).or(best);
        item = next;
    }
    best.map(|offset| line_at(text, offset))
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    path.split('.').filter(|s| !s.is_empty()).flat_map(|part| {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        let indices = rest
            .split('[')
            .filter_map(|i| i.trim_end_matches(']').parse().ok())
            .map(Segment::Index);
        (!key.is_empty())
            .then_some(Segment::Key(key))
            .into_iter()
            .chain(indices)
    })
}
