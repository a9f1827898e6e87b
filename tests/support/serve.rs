//! A small HTTP server on 127.0.0.1 for stand-ins of remote services: each request is handed
//! to a function, read whole, and answered with its JSON; the server stops when dropped.

use std::sync::Arc;

/// What a stand-in sees of a request.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: String,
    pub authorization: String,
    /// Every header, its name in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A stand-in's answer: status, JSON body, and an optional `Retry-After` in seconds.
pub type Answer = (u16, serde_json::Value, Option<u64>);

/// An answer of any content type: status, `Content-Type`, body, `Retry-After`.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub retry_after: Option<u64>,
}

pub struct Served {
    pub base: String,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn serve(answer: impl Fn(&Request) -> Answer + Send + 'static) -> Served {
    serve_reply(move |request| {
        let (status, json, retry_after) = answer(request);
        Reply {
            status,
            content_type: "application/json",
            body: json.to_string(),
            retry_after,
        }
    })
}

pub fn serve_reply(answer: impl Fn(&Request) -> Reply + Send + 'static) -> Served {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a stand-in"));
    let base = format!("http://{}", server.server_addr().to_ip().expect("ip"));
    let thread = {
        let server = server.clone();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let (path, query) = match request.url().split_once('?') {
                    Some((p, q)) => (p.to_owned(), q.to_owned()),
                    None => (request.url().to_owned(), String::new()),
                };
                let headers: Vec<(String, String)> = request
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.field.as_str().as_str().to_ascii_lowercase(),
                            h.value.as_str().to_owned(),
                        )
                    })
                    .collect();
                let authorization = headers
                    .iter()
                    .find(|(n, _)| n == "authorization")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                let reply = answer(&Request {
                    method: request.method().as_str().to_owned(),
                    path,
                    query,
                    body,
                    authorization,
                    headers,
                });
                let mut response = tiny_http::Response::from_string(reply.body)
                    .with_status_code(reply.status)
                    .with_header(
                        format!("Content-Type: {}", reply.content_type)
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                if let Some(s) = reply.retry_after {
                    response = response.with_header(
                        format!("Retry-After: {s}")
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                }
                let _ = request.respond(response);
            }
        })
    };
    Served {
        base,
        server,
        thread: Some(thread),
    }
}
