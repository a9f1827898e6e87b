//! A small HTTP server on 127.0.0.1 for stand-ins of remote services: each request is handed
//! to a function, read whole, and answered with its JSON; the server stops when dropped.

use std::sync::Arc;

/// What a stand-in sees of a request.
pub struct Request {
    pub path: String,
    pub query: String,
    pub body: String,
    pub authorization: String,
}

/// A stand-in's answer: status, JSON body, and an optional `Retry-After` in seconds.
pub type Answer = (u16, serde_json::Value, Option<u64>);

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
                let authorization = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.as_str().to_owned())
                    .unwrap_or_default();
                let (status, json, retry) = answer(&Request {
                    path,
                    query,
                    body,
                    authorization,
                });
                let mut response = tiny_http::Response::from_string(json.to_string())
                    .with_status_code(status)
                    .with_header(
                        "Content-Type: application/json"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                if let Some(s) = retry {
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
