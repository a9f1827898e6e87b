//! The loopback redirect of RFC 8252 section 7.3: a listener on 127.0.0.1, on a port the OS
//! picks, opened for one flow. Any local process can reach that port (RFC 8252 section 8.3,
//! THREATS.md row 16), so only the flow's own callback (its exact path, carrying its state)
//! ends the wait; anything else gets a short error page and the flow keeps waiting.
//! Connections are served side by side, each with a short deadline and a size cap, so a client
//! that connects and sends nothing holds up no one. The listener closes when the wait ends, so a
//! later request finds nothing there (row 5).

use super::callback::{parse_callback, CALLBACK_PATH};
use super::OAuthError;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A browser's request head is a few KB; cookies other local servers set on 127.0.0.1 come
/// along, hence the room.
const MAX_REQUEST_HEAD: usize = 64 * 1024;
/// Connections served at once; more wait in the OS's accept queue until one is done.
const MAX_CONNECTIONS: usize = 16;
/// A browser sends its request as soon as it connects; a client that has not within this is
/// not the browser.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(5);

const PAGE: &str = "<!doctype html><meta charset=utf-8><title>Keyport</title>\
<body style=\"font:16px system-ui;margin:4em auto;max-width:30em;text-align:center\">\
<h1>Back to Keyport</h1><p>Keyport received the sign-in. You can close this tab.</p>";

const NOT_THIS: &str = "<!doctype html><meta charset=utf-8><title>Keyport</title>\
<p>This is not the sign-in Keyport is waiting for.</p>";

/// A port opened for a sign-in whose state does not exist yet (the state's authorization URL
/// needs this port's redirect URI).
pub struct Port {
    listener: TcpListener,
    port: u16,
}

/// The listener of one started flow.
pub struct Loopback {
    listener: TcpListener,
    port: u16,
    state_hash: Arc<str>,
}

impl Port {
    pub async fn bind() -> Result<Port, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|_| OAuthError::NoLoopback)?;
        let port = listener
            .local_addr()
            .map_err(|_| OAuthError::NoLoopback)?
            .port();
        Ok(Port { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The listener for the flow whose state hashes (as the flow stores it) to `state_hash`.
    pub fn expecting(self, state_hash: String) -> Loopback {
        Loopback {
            listener: self.listener,
            port: self.port,
            state_hash: state_hash.into(),
        }
    }
}

impl Loopback {
    /// Waits up to `limit` for the flow's callback; returns the URL it came to. A provider's
    /// error redirect carrying the flow's state ends the wait too. The listener and every
    /// connection still open close when this returns.
    pub async fn wait(self, limit: Duration) -> Result<String, OAuthError> {
        let minutes = limit.as_secs().div_ceil(60);
        let mut connections = JoinSet::new();
        let serve_all = async {
            loop {
                tokio::select! {
                    biased;
                    Some(served) = connections.join_next() => {
                        if let Ok(Some(url)) = served {
                            return url;
                        }
                    }
                    accepted = self.listener.accept(), if connections.len() < MAX_CONNECTIONS => {
                        match accepted {
                            Ok((stream, _)) => {
                                connections.spawn(serve(stream, self.port, self.state_hash.clone()));
                            }
                            // Out of file descriptors, say: give the system a moment rather
                            // than spin.
                            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                        }
                    }
                }
            }
        };
        tokio::time::timeout(limit, serve_all)
            .await
            .map_err(|_| OAuthError::TimedOut(minutes))
    }
}

/// Serves one connection: the callback's URL if it is the flow's callback, else `None` after an
/// error page (or nothing, for a client too slow or too big to answer).
async fn serve(mut stream: TcpStream, port: u16, state_hash: Arc<str>) -> Option<String> {
    let head = tokio::time::timeout(CONNECTION_DEADLINE, read_head(&mut stream))
        .await
        .ok()??;
    let (status, page, callback) = match judge(&head, port, &state_hash) {
        Ok(url) => ("200 OK", PAGE, Some(url)),
        Err(status) => (status, NOT_THIS, None),
    };
    // The callback counts even if its page cannot be delivered.
    let _ = tokio::time::timeout(CONNECTION_DEADLINE, respond(&mut stream, status, page)).await;
    callback
}

/// Whether a request head is the flow's callback: `Ok` with its full URL, or the status to
/// answer it with.
fn judge(head: &[u8], port: u16, state_hash: &str) -> Result<String, &'static str> {
    const BAD: &str = "400 Bad Request";
    let line = head
        .split(|b| *b == b'\r')
        .next()
        .and_then(|line| std::str::from_utf8(line).ok())
        .ok_or(BAD)?;
    let mut parts = line.split(' ');
    let (Some("GET"), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(BAD);
    }
    // The raw path, before a URL parser could resolve `/x/../oauth/callback` into it.
    if target.split('?').next() != Some(CALLBACK_PATH) {
        return Err("404 Not Found");
    }
    let url = format!("http://127.0.0.1:{port}{target}");
    let callback = parse_callback(&url).map_err(|_| BAD)?;
    let hash = super::flow::state_hash(&callback.state);
    if !same(hash.as_bytes(), state_hash.as_bytes()) {
        return Err(BAD);
    }
    Ok(url)
}

/// Compares without stopping at the first difference, so timing says nothing of how close a
/// guess came (the hashes already hide the state; this keeps it so without argument).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The request head up to its blank line; `None` if the client closes first or sends more
/// than [`MAX_REQUEST_HEAD`].
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_REQUEST_HEAD {
            return None;
        }
        // Only the new bytes (and the three before them) can complete the blank line.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if head[from..].windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(head);
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT: u16 = 4711;

    fn hash(state: &str) -> String {
        super::super::flow::state_hash(state)
    }

    #[test]
    fn only_the_flows_exact_callback_is_taken() {
        let expected = hash("right");
        let get = |target: &str| {
            judge(
                format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
                PORT,
                &expected,
            )
        };
        assert_eq!(
            get("/oauth/callback?code=c&state=right").unwrap(),
            "http://127.0.0.1:4711/oauth/callback?code=c&state=right"
        );
        assert!(get("/oauth/callback?error=access_denied&state=right").is_ok());
        for (target, status) in [
            ("/oauth/callback?code=c&state=wrong", "400 Bad Request"),
            ("/oauth/callback?code=c", "400 Bad Request"),
            (
                "/oauth/callback?code=c&state=right&state=right",
                "400 Bad Request",
            ),
            (
                "/oauth/callback?code=c&code=d&state=right",
                "400 Bad Request",
            ),
            ("/oauth/callback?state=right", "400 Bad Request"),
            ("/favicon.ico", "404 Not Found"),
            ("/x/../oauth/callback?code=c&state=right", "404 Not Found"),
            ("/oauth/callback/?code=c&state=right", "404 Not Found"),
        ] {
            assert_eq!(get(target), Err(status), "{target}");
        }
        for head in [
            &b"POST /oauth/callback?code=c&state=right HTTP/1.1\r\n\r\n"[..],
            b"HEAD /oauth/callback?code=c&state=right HTTP/1.1\r\n\r\n",
            b"GET /oauth/callback?code=c&state=right\r\n\r\n",
            b"GET /oauth/callback?code=c&state=right HTTP/1.1 x\r\n\r\n",
            b"GET /oauth/callback?code=c&state=right SPDY/3\r\n\r\n",
            b"GET /oauth/callback?code=c&state=\xff HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                judge(head, PORT, &expected),
                Err("400 Bad Request"),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn comparison_needs_equal_length_and_bytes() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
