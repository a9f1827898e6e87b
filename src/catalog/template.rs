//! `{placeholder}` templates in catalog URLs and key templates.

/// The placeholder names in `text`, in order, or a message when the braces do not pair up.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("has a `}` without a matching `{`".to_owned());
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "has a `{` without a matching `}`".to_owned())?;
        let name = &after[..close];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!("has a malformed placeholder `{{{name}}}`"));
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// `text` with every placeholder replaced by `value(name)`; `None` when a name has no value.
/// Braces around anything but a placeholder name stay as they are: a JSON request body
/// (Snowflake's check) is text, not a template.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').filter(|&close| is_name(&after[..close])) {
            Some(close) => {
                out.push_str(&value(&after[..close])?);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_in_order() {
        assert_eq!(
            placeholders("https://{shop}.myshopify.com/{version}/x").unwrap(),
            ["shop", "version"]
        );
        assert!(placeholders("https://example.com").unwrap().is_empty());
    }

    #[test]
    fn fills_names_and_leaves_other_braces() {
        let value = |n: &str| (n == "user").then(|| "ada".to_owned());
        assert_eq!(
            fill(r#"{"statement": "SELECT {user}"}"#, value).unwrap(),
            r#"{"statement": "SELECT ada"}"#
        );
        assert_eq!(fill("{missing}", value), None);
    }

    #[test]
    fn refuses_unpaired_and_malformed_braces() {
        assert!(placeholders("https://{shop.example.com").is_err());
        assert!(placeholders("https://shop}.example.com").is_err());
        assert!(placeholders("https://{}.example.com").is_err());
        assert!(placeholders("https://{Shop Name}.example.com").is_err());
    }

    #[test]
    fn fills_known_names_only() {
        let filled = fill("https://{dc}.api.example.com/{v}", |n| match n {
            "dc" => Some("us6".into()),
            "v" => Some("3.0".into()),
            _ => None,
        });
        assert_eq!(filled.as_deref(), Some("https://us6.api.example.com/3.0"));
        assert_eq!(fill("https://{nope}.example.com", |_| None), None);
    }
}
