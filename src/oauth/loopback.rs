//! The loopback redirect of RFC 8252 section 7.3: a listener on 127.0.0.1, on a port the OS
//! picks, opened for one flow. It answers the browser's one redirect with a short page and
//! closes, so a second request (another local process trying its luck) finds nothing there.

use super::OAuthError;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Stray requests (a favicon, a port scanner) answered before the redirect itself.
const MAX_STRAY_REQUESTS: usize = 32;

const PAGE: &str = "<!doctype html><meta charset=utf-8><title>Keyport</title>\
<body style=\"font:16px system-ui;margin:4em auto;max-width:30em;text-align:center\">\
<h1>Back to Keyport</h1><p>Keyport received the sign-in. You can close this tab.</p>";

pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    pub async fn bind() -> Result<Loopback, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|_| {
            OAuthError::Invalid("no loopback port could be opened for the sign-in".into())
        })?;
        let port = listener
            .local_addr()
            .map_err(|_| OAuthError::Invalid("the loopback port is unknown".into()))?
            .port();
        Ok(Loopback { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/oauth/callback", self.port)
    }

    /// Waits up to `limit` for the redirect; returns the URL it came to. The listener closes
    /// when this returns.
    pub async fn wait(self, limit: Duration) -> Result<String, OAuthError> {
        let minutes = limit.as_secs().div_ceil(60);
        tokio::time::timeout(limit, async {
            for _ in 0..MAX_STRAY_REQUESTS {
                let Ok((mut stream, _)) = self.listener.accept().await else {
                    continue;
                };
                let target =
                    match tokio::time::timeout(Duration::from_secs(10), read_target(&mut stream))
                        .await
                    {
                        Ok(Some(target)) => target,
                        _ => continue,
                    };
                if target.starts_with("/oauth/callback?") {
                    let _ = respond(&mut stream, "200 OK", PAGE).await;
                    return Ok(format!("http://127.0.0.1:{}{target}", self.port));
                }
                let _ = respond(&mut stream, "404 Not Found", "").await;
            }
            Err(OAuthError::Invalid(
                "too many stray requests reached the sign-in listener".into(),
            ))
        })
        .await
        .map_err(|_| OAuthError::TimedOut(minutes))?
    }
}

/// The request target of a `GET` request, from its head.
async fn read_target(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_REQUEST_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = std::str::from_utf8(&head).ok()?.lines().next()?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_owned())
        }
        _ => None,
    }
}

async fn respond(
    stream: &mut tokio::net::TcpStream,
    status: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}
