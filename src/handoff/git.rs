//! git's credential-helper protocol (https://git-scm.com/docs/git-credential, "INPUT/OUTPUT
//! FORMAT"): git writes `key=value` lines ending with a blank line or the end of input, and a
//! helper's `get` answers with `username=` and `password=` lines (nothing when it has no
//! credential, so git asks the next helper or the person). GitHub and GitLab connections answer
//! for their host, over https only.

use super::HandOffError;
use keyport_model::{ConnectionType, ConnectionView};
use std::io::BufRead;
use zeroize::Zeroizing;

/// git's limit for one line, its newline included.
const MAX_LINE: usize = 65_535;
/// More lines than any request git sends (protocol, host, path, username, capabilities…).
const MAX_LINES: usize = 64;

/// What git asks for: the attributes that choose a credential (the rest are ignored).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub protocol: Option<String>,
    pub host: Option<String>,
}

impl Request {
    /// Reads git's attributes from `input`, up to a blank line or the end.
    pub fn read(input: impl BufRead) -> Result<Request, HandOffError> {
        let mut request = Request::default();
        let mut lines = input.split(b'\n');
        for _ in 0..MAX_LINES {
            let Some(line) = lines.next() else {
                return Ok(request);
            };
            let line = line.map_err(|_| HandOffError::GitRequest("it could not be read"))?;
            if line.len() >= MAX_LINE {
                return Err(HandOffError::GitRequest(
                    "a line is longer than 65535 bytes",
                ));
            }
            if line.is_empty() {
                return Ok(request);
            }
            let line = std::str::from_utf8(&line)
                .map_err(|_| HandOffError::GitRequest("a line is not UTF-8"))?;
            let (key, value) = line
                .split_once('=')
                .ok_or(HandOffError::GitRequest("a line is not key=value"))?;
            match key {
                "protocol" => request.protocol = Some(value.to_owned()),
                "host" => request.host = Some(value.to_ascii_lowercase()),
                _ => {}
            }
        }
        Err(HandOffError::GitRequest("it has too many lines"))
    }

    /// The https host asked for; `None` for any other protocol (a token is never sent in the
    /// clear).
    pub fn https_host(&self) -> Option<&str> {
        (self.protocol.as_deref() == Some("https"))
            .then_some(self.host.as_deref())
            .flatten()
    }
}

/// The git host a connection answers for and the user name its token goes with: GitHub's
/// `x-access-token` (docs.github.com, authenticating as a GitHub App installation) and GitLab's
/// `oauth2` (docs.gitlab.com/api/oauth2, "Access Git over HTTPS with access token"); both
/// services also take a personal access token with either name.
pub fn host_of(view: &ConnectionView) -> Option<(String, &'static str)> {
    if !matches!(
        view.connection_type,
        ConnectionType::Oauth2 | ConnectionType::BearerToken | ConnectionType::ApiKey
    ) {
        return None;
    }
    match view.connector_id.as_str() {
        "github" => Some(("github.com".to_owned(), "x-access-token")),
        "gitlab" => {
            let host = view
                .metadata
                .get("gitlab_host")
                .map_or("gitlab.com", String::as_str);
            Some((host.to_ascii_lowercase(), "oauth2"))
        }
        _ => None,
    }
}

/// `get`'s answer: the user name and token, and when the token expires (Unix seconds, git
/// 2.41's `password_expiry_utc`; older gits ignore the attribute).
pub fn answer(username: &str, token: &str, expires_at: Option<&str>) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(token.len() + 64));
    text.push_str("username=");
    text.push_str(username);
    text.push_str("\npassword=");
    text.push_str(token);
    text.push('\n');
    let expiry = expires_at.and_then(|at| {
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
    });
    if let Some(at) = expiry {
        text.push_str(&format!("password_expiry_utc={}\n", at.unix_timestamp()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_git_sends_and_only_answers_https() {
        let sent =
            b"protocol=https\nhost=GitHub.com\npath=o/r.git\ncapability[]=authtype\n\nignored=1\n";
        let request = Request::read(&sent[..]).unwrap();
        assert_eq!(request.https_host(), Some("github.com"));
        let plain = Request::read(&b"protocol=http\nhost=github.com\n"[..]).unwrap();
        assert_eq!(plain.https_host(), None);
        for bad in [&b"protocol\n"[..], &[b'a'; 70_000][..], &b"host=\xff\n"[..]] {
            assert!(matches!(
                Request::read(bad),
                Err(HandOffError::GitRequest(_))
            ));
        }
    }

    #[test]
    fn the_answer_carries_the_expiry_as_unix_time() {
        let text = answer("oauth2", "tok", Some("2026-01-01T00:00:00Z"));
        assert_eq!(
            text.as_str(),
            "username=oauth2\npassword=tok\npassword_expiry_utc=1767225600\n"
        );
        assert_eq!(answer("u", "t", None).as_str(), "username=u\npassword=t\n");
    }
}
