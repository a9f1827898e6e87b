//! `{placeholder}` templates in catalog URLs and key templates, and the check every filled-in
//! URL passes before a request goes to it (THREATS.md row 7): a connector's examples prove
//! nothing about the values a person or a provider fills in later.

use keyport_model::Connector;
use std::collections::BTreeMap;

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

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A placeholder in a URL template's scheme or host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPlaceholder<'a> {
    pub name: &'a str,
    /// The placeholder is the whole host (`https://{host}/…`, `{base}/…`): its value names the
    /// host outright, and a path after that host (a shop in a sub-folder) moves nothing.
    /// Otherwise it is part of a host the template fixes (`https://{shop}.myshopify.com`),
    /// where a `/` in the value would send the request to another host.
    pub whole: bool,
}

/// The placeholders of a URL template that sit in its scheme or host: each one before the
/// template's first own `/`, `?`, `#` or `\` (the `//` of `://` aside). Their values choose
/// where a request goes.
pub fn host_placeholders(template: &str) -> Vec<HostPlaceholder<'_>> {
    let bytes = template.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"://") {
            i += 3;
            continue;
        }
        match bytes[i] {
            b'/' | b'?' | b'#' | b'\\' => break,
            b'{' => {
                let name = template[i + 1..]
                    .find('}')
                    .map(|close| &template[i + 1..i + 1 + close])
                    .filter(|name| is_name(name));
                match name {
                    Some(name) => {
                        let end = i + name.len() + 2;
                        let starts = i == 0 || bytes[..i].ends_with(b"://");
                        let ends = bytes
                            .get(end)
                            .is_none_or(|b| [b'/', b'?', b'#', b'\\'].contains(b));
                        names.push(HostPlaceholder {
                            name,
                            whole: starts && ends,
                        });
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    names
}

/// Characters a host-position value may not hold: each would move the host into a path, a
/// query, a fragment or a user name (`evil.com/`, `evil.com#`, `x@evil.com`).
const NOT_IN_HOST: [char; 5] = ['/', '\\', '@', '?', '#'];

/// Where a connector may send requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRule {
    /// A built-in connector: https only.
    HttpsOnly,
    /// A custom connector: https, or plain http to this machine's loopback address (a service
    /// the person runs locally, or a test stand-in), where nothing crosses a network.
    HttpsOrLoopback,
}

impl UrlRule {
    pub fn of(connector: &Connector) -> UrlRule {
        if connector.custom {
            UrlRule::HttpsOrLoopback
        } else {
            UrlRule::HttpsOnly
        }
    }
}

/// A URL filled in from its template and checked against a [`UrlRule`]; the only kind of
/// address Keyport's HTTP client sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUrl(url::Url);

impl CheckedUrl {
    /// Checks an already filled-in address (a request the `oauth2` crate built).
    pub fn check(text: &str, rule: UrlRule) -> Result<CheckedUrl, UrlProblem> {
        let url = url::Url::parse(text).map_err(|_| UrlProblem::NotAUrl)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlProblem::UserInfo);
        }
        match url.scheme() {
            "https" if url.has_host() => Ok(CheckedUrl(url)),
            "http" if !is_loopback(&url) => Err(UrlProblem::PlainHttp {
                host: match (url.host_str(), url.port()) {
                    (Some(host), Some(port)) => format!("{host}:{port}"),
                    (host, _) => host.unwrap_or_default().to_owned(),
                },
            }),
            "http" if rule == UrlRule::HttpsOnly => Err(UrlProblem::BuiltinHttp),
            "http" => Ok(CheckedUrl(url)),
            other => Err(UrlProblem::Scheme {
                scheme: other.to_owned(),
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }

    /// This address with `segments` added to its path, each percent-encoded: a token in a
    /// revocation path cannot change the host.
    pub fn with_segments<'a>(&self, segments: impl IntoIterator<Item = &'a str>) -> CheckedUrl {
        let mut url = self.0.clone();
        // An http(s) URL always has a path to extend.
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        CheckedUrl(url)
    }
}

/// 127.0.0.0/8, ::1 and `localhost`. Not 0.0.0.0 (which reaches every interface of some
/// systems) nor an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`): refusing those is simpler
/// than proving where each operating system routes them.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// What is wrong with a filled-in address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// A placeholder has no value.
    Missing,
    /// A value in the host holds a character that would move the host elsewhere.
    HostCharacter(char),
    NotAUrl,
    UserInfo,
    PlainHttp {
        host: String,
    },
    BuiltinHttp,
    Scheme {
        scheme: String,
    },
}

/// A filled-in address refused, with the setting that made it what it is: the placeholder
/// whose value is at fault, or those in its host; `None` when the template alone made it so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    pub field: Option<String>,
    pub problem: UrlProblem,
}

impl std::error::Error for UrlError {}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = self.field.as_deref().unwrap_or_default();
        let address = match &self.field {
            Some(field) => format!("the address made with `{field}`"),
            None => "the address".to_owned(),
        };
        let sentence = match &self.problem {
            UrlProblem::Missing => format!("the address needs `{field}`, which is not set"),
            UrlProblem::HostCharacter(c) => format!(
                "`{field}` goes in the address's host, so it cannot hold `{}`; give the host name alone",
                c.escape_default()
            ),
            UrlProblem::NotAUrl => format!("{address} is not a valid URL"),
            UrlProblem::UserInfo => format!(
                "{address} carries a user name or password before its host (`user@`); give the host alone"
            ),
            UrlProblem::PlainHttp { host } => format!(
                "{address} is plain http to {host}, not https: Keyport sends credentials to another machine over https only (plain http only to 127.0.0.1, ::1 or localhost, and only in a custom connector)"
            ),
            UrlProblem::BuiltinHttp => {
                format!("{address} is plain http, not https: a built-in connector uses https only")
            }
            UrlProblem::Scheme { scheme } => format!("{address} uses `{scheme}:`, not https"),
        };
        f.write_str(&sentence)
    }
}

/// Fills a URL template from `values` and checks the result against `rule`: every
/// placeholder set, no host-position value that could move the host, then the scheme and host
/// the rule allows and no user name or password.
pub fn fill_url(
    template: &str,
    values: &BTreeMap<String, String>,
    rule: UrlRule,
) -> Result<CheckedUrl, UrlError> {
    let hosts = host_placeholders(template);
    for (i, placeholder) in hosts.iter().enumerate() {
        let refuse = |problem| UrlError {
            field: Some(placeholder.name.to_owned()),
            problem,
        };
        let value = values
            .get(placeholder.name)
            .ok_or_else(|| refuse(UrlProblem::Missing))?;
        // A value that opens the template may carry the scheme itself (an endpoint such as
        // `https://host:9200`); the rule below decides whether that scheme is allowed.
        let value = match value.split_once("://") {
            Some((_, rest)) if i == 0 && template.starts_with('{') => rest,
            _ => value,
        };
        let host = match value.find('/') {
            Some(slash) if placeholder.whole => &value[..slash],
            _ => value,
        };
        if let Some(c) = host
            .chars()
            .find(|c| NOT_IN_HOST.contains(c) || c.is_whitespace() || c.is_control())
        {
            return Err(refuse(UrlProblem::HostCharacter(c)));
        }
    }
    let filled = fill(template, |name| values.get(name).cloned()).ok_or_else(|| {
        let missing = placeholders(template)
            .unwrap_or_default()
            .into_iter()
            .find(|name| !values.contains_key(*name));
        UrlError {
            field: missing.map(str::to_owned),
            problem: UrlProblem::Missing,
        }
    })?;
    let names: Vec<&str> = hosts.iter().map(|h| h.name).collect();
    CheckedUrl::check(&filled, rule).map_err(|problem| UrlError {
        field: (!names.is_empty()).then(|| names.join("`, `")),
        problem,
    })
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

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn host_placeholders_end_at_the_templates_own_path() {
        fn names(t: &str) -> Vec<(&str, bool)> {
            host_placeholders(t)
                .into_iter()
                .map(|h| (h.name, h.whole))
                .collect()
        }
        assert_eq!(
            names("https://{shop}.myshopify.com/admin/{version}"),
            [("shop", false)]
        );
        assert_eq!(names("{base}/v1/{id}"), [("base", true)]);
        assert_eq!(names("https://{store}"), [("store", true)]);
        assert_eq!(names("https://api.{region}/x"), [("region", false)]);
        assert_eq!(
            names("https://{host}:{port}/x"),
            [("host", false), ("port", false)]
        );
        assert!(host_placeholders("https://api.example.com/{v}").is_empty());
        assert!(host_placeholders("https://api.example.com?x={v}").is_empty());
    }

    #[test]
    fn filled_urls_are_https_or_custom_loopback_http() {
        use UrlRule::*;
        let ok = |url: &str, rule| CheckedUrl::check(url, rule).is_ok();
        assert!(ok("https://api.example.com/v1", HttpsOnly));
        assert!(!ok("http://127.0.0.1:8080/v1", HttpsOnly));
        for local in [
            "http://127.0.0.1:8080/v1",
            "http://127.8.9.10/",
            "http://[::1]:9/",
            "http://localhost:9/",
        ] {
            assert!(ok(local, HttpsOrLoopback), "{local}");
        }
        for remote in [
            "http://vm:18081/v1",
            "http://0.0.0.0:9/",
            "http://[::ffff:127.0.0.1]:9/",
            "http://[::]:9/",
            "http://10.0.0.5/",
            "http://localhost.evil.com/",
            "ftp://127.0.0.1/",
            "https://user:pw@api.example.com/",
            "https://token@api.example.com/",
            "not a url",
        ] {
            assert!(!ok(remote, HttpsOrLoopback), "{remote}");
        }
    }

    #[test]
    fn host_values_cannot_move_the_host() {
        let rule = UrlRule::HttpsOnly;
        let shop = "https://{shop}.myshopify.com/admin";
        assert!(fill_url(shop, &values(&[("shop", "acme")]), rule).is_ok());
        for bad in [
            "evil.com/",
            "evil.com#",
            "evil.com?",
            "x@evil.com",
            "evil.com\\",
            "a b",
        ] {
            let err = fill_url(shop, &values(&[("shop", bad)]), rule).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("shop"), "{bad}");
            assert!(matches!(err.problem, UrlProblem::HostCharacter(_)), "{bad}");
        }
        // A store in a sub-folder: the value names the host outright, the rest is path.
        let store = "https://{store}/rest";
        let filled = fill_url(
            store,
            &values(&[("store", "shop.example.com/magento")]),
            rule,
        );
        assert_eq!(
            filled.unwrap().as_str(),
            "https://shop.example.com/magento/rest"
        );
        for bad in ["x@evil.com/a", "evil.com#/a", "evil.com?/a"] {
            let err = fill_url(store, &values(&[("store", bad)]), rule).unwrap_err();
            assert!(matches!(err.problem, UrlProblem::HostCharacter(_)), "{bad}");
        }
        let base = "{base}/v1/me";
        let filled = fill_url(
            base,
            &values(&[("base", "https://es.example.com:9243")]),
            rule,
        );
        assert_eq!(
            filled.unwrap().as_str(),
            "https://es.example.com:9243/v1/me"
        );
        let err = fill_url(
            base,
            &values(&[("base", "http://vm:18081")]),
            UrlRule::HttpsOrLoopback,
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("base"));
        assert_eq!(
            err.problem,
            UrlProblem::PlainHttp {
                host: "vm:18081".into()
            }
        );
        assert!(err.to_string().contains("`base`"), "{err}");
        let err = fill_url(base, &values(&[]), rule).unwrap_err();
        assert_eq!(err.problem, UrlProblem::Missing);
    }

    #[test]
    fn segments_stay_in_the_path() {
        let url = CheckedUrl::check("https://api.example.com/revoke", UrlRule::HttpsOnly).unwrap();
        let with = url.with_segments(["a/../b@evil.com", "grant"]);
        assert_eq!(with.url().host_str(), Some("api.example.com"));
        assert_eq!(
            with.as_str(),
            "https://api.example.com/revoke/a%2F..%2Fb@evil.com/grant"
        );
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
