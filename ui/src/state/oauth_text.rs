//! What the OAuth dialog says: the sign-in page's host, the environment variables that set an
//! app, whether the sign-in ends by pasting the address, and the next step after a failure.

use keyport_model::{Connector, ErrorCode, RedirectKind};

/// The host of a sign-in address, for `Finish signing in in your browser (login.salesforce.com).`
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then_some(host)
}

pub use keyport_model::oauth_app_env_prefix as env_var_prefix;

/// Whether this connector's sign-in comes back to an https page the person registered (the
/// service accepts no `keyport://` or loopback redirect first): the app then needs that URL, and
/// the sign-in completes by pasting the address the browser landed on.
pub fn https_redirect(connector: &Connector) -> bool {
    connector
        .oauth2
        .as_ref()
        .and_then(|o| o.redirect.first())
        .is_some_and(|k| *k == RedirectKind::Https)
}

/// The next-step button after a failed sign-in.
pub fn retry_label(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::OAuthStateExpired | ErrorCode::OAuthTimedOut => "Start again",
        _ => "Try again",
    }
}

/// What to do after a sign-in failed, under its message.
pub fn failed_hint(code: ErrorCode, name: &str) -> String {
    match code {
        ErrorCode::OAuthDenied => {
            "Try again, and approve the request in your browser this time.".to_owned()
        }
        ErrorCode::OAuthStateExpired | ErrorCode::OAuthTimedOut => {
            "Start again, and finish on the sign-in page within 10 minutes.".to_owned()
        }
        ErrorCode::OAuthNoApp => "Change settings to enter the OAuth app’s client ID.".to_owned(),
        ErrorCode::OAuthUnavailable => {
            format!("{name} could not be reached; try again in a moment.")
        }
        _ => format!(
            "Try again; if it fails again, check the OAuth app’s client ID and redirect URI in \
             {name}’s settings."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_texts() {
        assert_eq!(
            url_host("https://login.salesforce.com/services/oauth2/authorize?x=1"),
            Some("login.salesforce.com")
        );
        assert_eq!(url_host("http://127.0.0.1:4321?a"), Some("127.0.0.1:4321"));
        assert_eq!(
            url_host("https://user@host.example/x"),
            Some("host.example")
        );
        assert_eq!(url_host("nonsense"), None);
        assert_eq!(env_var_prefix("hubspot-crm.eu"), "KEYPORT_HUBSPOT_CRM_EU");
        assert_eq!(retry_label(ErrorCode::OAuthTimedOut), "Start again");
        assert_eq!(retry_label(ErrorCode::OAuthDenied), "Try again");
        assert!(failed_hint(ErrorCode::OAuthDenied, "X").contains("approve"));
    }
}
