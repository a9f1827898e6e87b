//! Strict parsing of an OAuth redirect URL. Anything can fire a `keyport://` link at the app
//! (THREATS.md row 4), so only the two documented shapes are accepted, every parameter is
//! bounded, and a duplicated parameter is refused rather than guessed at.

use keyport_model::ErrorCode;
use std::fmt;

/// The longest callback URL accepted; real ones are a few hundred bytes.
const MAX_URL_LEN: usize = 8 * 1024;

/// The path of the loopback redirect.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// What the provider sent back.
#[derive(Clone, PartialEq, Eq)]
pub struct Callback {
    /// The redirect URI the callback came to, without its query: matched against the one the
    /// flow was started with.
    pub redirect_uri: String,
    pub state: String,
    pub result: CallbackResult,
    /// Other parameters providers add (`realmId`, `shop`, `hmac`, `iss`, ...).
    pub extra: Vec<(String, String)>,
}

#[derive(Clone, PartialEq, Eq)]
pub enum CallbackResult {
    Code(String),
    Error {
        error: String,
        description: Option<String>,
    },
}

// The code is a credential for the next minute: never print it.
impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let result = match &self.result {
            CallbackResult::Code(_) => "Code(***)".to_owned(),
            CallbackResult::Error { error, .. } => format!("Error({error})"),
        };
        f.debug_struct("Callback")
            .field("state", &"***")
            .field("result", &result)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    #[error("this is not a Keyport sign-in address: {0}")]
    Malformed(&'static str),
}

impl CallbackError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CallbackError::Malformed(_) => ErrorCode::OAuthCallbackMalformed,
        }
    }
}

/// Parses `keyport://oauth/callback?…` or `http://127.0.0.1:<port>/oauth/callback?…`.
pub fn parse_callback(text: &str) -> Result<Callback, CallbackError> {
    use CallbackError::Malformed;
    if text.len() > MAX_URL_LEN {
        return Err(Malformed("the address is too long"));
    }
    let url = url::Url::parse(text.trim()).map_err(|_| Malformed("the address cannot be read"))?;
    // An https address is one the person pasted for a service that only registers https
    // redirects; it must then equal the redirect its flow was started with, which is checked
    // against the stored flow.
    let shape_ok = match url.scheme() {
        "keyport" => url.host_str() == Some("oauth") && url.path() == "/callback",
        "http" => {
            url.host() == Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                && url.port().is_some()
                && url.path() == CALLBACK_PATH
        }
        "https" => url.host_str().is_some(),
        _ => false,
    };
    if !shape_ok || url.username() != "" || url.password().is_some() {
        return Err(Malformed(
            "expected keyport://oauth/callback, http://127.0.0.1:<port>/oauth/callback or the https redirect you registered",
        ));
    }
    if url.fragment().is_some() {
        return Err(Malformed("the address carries a fragment"));
    }
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    let mut extra: Vec<(String, String)> = Vec::new();
    for (key, value) in url.query_pairs() {
        if value.len() > 4096 {
            return Err(Malformed("a parameter is too long"));
        }
        let slot = match key.as_ref() {
            "state" => &mut state,
            // Amazon's Selling Partner API names the code `spapi_oauth_code`.
            "code" | "spapi_oauth_code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => {
                if extra.iter().any(|(k, _)| *k == key) {
                    return Err(Malformed("a parameter appears twice"));
                }
                extra.push((key.into_owned(), value.into_owned()));
                continue;
            }
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(Malformed("a parameter appears twice"));
        }
    }
    let state = state
        .filter(|s| !s.is_empty())
        .ok_or(Malformed("the `state` parameter is missing"))?;
    let result = match (code, error) {
        (Some(code), None) if !code.is_empty() => CallbackResult::Code(code),
        (None, Some(error)) if !error.is_empty() => CallbackResult::Error { error, description },
        (Some(_), Some(_)) => return Err(Malformed("it carries both a code and an error")),
        _ => return Err(Malformed("it carries neither a code nor an error")),
    };
    let redirect_uri = redirect_of(&url);
    Ok(Callback {
        redirect_uri,
        state,
        result,
        extra,
    })
}

/// A redirect URI as flows store it: the address without its query or fragment.
pub fn redirect_of(url: &url::Url) -> String {
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    bare.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_deep_link_code() {
        let cb = parse_callback("keyport://oauth/callback?code=abc&state=s1&realmId=42").unwrap();
        assert_eq!(cb.state, "s1");
        assert!(cb.result == CallbackResult::Code("abc".into()));
        assert_eq!(cb.extra, [("realmId".to_owned(), "42".to_owned())]);
    }

    #[test]
    fn reads_a_loopback_error() {
        let cb = parse_callback(
            "http://127.0.0.1:49152/oauth/callback?error=access_denied&error_description=no&state=s",
        )
        .unwrap();
        assert!(
            cb.result
                == CallbackResult::Error {
                    error: "access_denied".into(),
                    description: Some("no".into())
                }
        );
    }

    #[test]
    fn a_pasted_https_address_keeps_its_redirect_for_the_flow_check() {
        let cb = parse_callback("https://example.com/keyport/cb?code=abc&state=s1").unwrap();
        assert_eq!(cb.redirect_uri, "https://example.com/keyport/cb");
        let cb = parse_callback("http://127.0.0.1:4711/oauth/callback?code=abc&state=s1").unwrap();
        assert_eq!(cb.redirect_uri, "http://127.0.0.1:4711/oauth/callback");
        let cb = parse_callback("keyport://oauth/callback?code=abc&state=s1").unwrap();
        assert_eq!(cb.redirect_uri, "keyport://oauth/callback");
    }

    #[test]
    fn reads_amazons_spapi_oauth_code() {
        let cb = parse_callback(
            "https://example.com/cb?spapi_oauth_code=RHx1&state=s1&selling_partner_id=A3FF",
        )
        .unwrap();
        assert!(cb.result == CallbackResult::Code("RHx1".into()));
        assert!(
            parse_callback("https://example.com/cb?spapi_oauth_code=a&code=b&state=s").is_err()
        );
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "",
            "not a url",
            "ftp://evil.example/oauth/callback?code=a&state=b",
            "https://user:pw@evil.example/cb?code=a&state=b",
            "keyport://evil/callback?code=a&state=b",
            "keyport://oauth/other?code=a&state=b",
            "http://localhost:8080/oauth/callback?code=a&state=b",
            "http://127.0.0.1/oauth/callback?code=a&state=b",
            "http://10.0.0.1:80/oauth/callback?code=a&state=b",
            "keyport://user:pw@oauth/callback?code=a&state=b",
            "keyport://oauth/callback?code=a",
            "keyport://oauth/callback?state=b",
            "keyport://oauth/callback?code=a&state=b&state=c",
            "keyport://oauth/callback?code=a&error=x&state=b",
            "keyport://oauth/callback?code=a&state=b#frag",
            "keyport://oauth/callback?code=&state=b",
        ] {
            let err = parse_callback(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::OAuthCallbackMalformed, "{bad}");
        }
    }

    #[test]
    fn refuses_oversized_input() {
        let long = format!(
            "keyport://oauth/callback?state=s&code={}",
            "a".repeat(MAX_URL_LEN)
        );
        assert!(parse_callback(&long).is_err());
    }

    #[test]
    fn debug_hides_code_and_state() {
        let cb =
            parse_callback("keyport://oauth/callback?code=SECRETCODE&state=SECRETSTATE").unwrap();
        let shown = format!("{cb:?}");
        assert!(
            !shown.contains("SECRETCODE") && !shown.contains("SECRETSTATE"),
            "{shown}"
        );
    }

    #[test]
    fn never_panics_on_mangled_input() {
        let seeds = [
            "keyport://oauth/callback?code=a&state=b",
            "http://127.0.0.1:1/oauth/callback?x=%ff",
        ];
        for seed in seeds {
            for cut in 0..seed.len() {
                let _ = parse_callback(&seed[..cut]);
                let mut bytes = seed.as_bytes().to_vec();
                bytes[cut] = b'%';
                let _ = parse_callback(&String::from_utf8_lossy(&bytes));
            }
        }
    }
}
