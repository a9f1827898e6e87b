//! A MongoDB stand-in on 127.0.0.1 (no MongoDB server can be installed from the registries
//! here): it speaks the wire protocol's OP_MSG, answers `hello` / legacy hello, `ping` and
//! `endSessions`, and signs users in with SCRAM-SHA-256 as MongoDB does (RFC 5802 / RFC 7677,
//! the `saslStart` / `saslContinue` conversation):
//! https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
//! https://www.mongodb.com/docs/manual/core/security-scram/
//! https://github.com/mongodb/specifications/blob/master/source/auth/auth.md
//! It stops when dropped.

use base64::Engine;
use hmac::{Hmac, Mac};
use mongodb::bson::{doc, spec::BinarySubtype, Binary, Bson, Document};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const OP_MSG: i32 = 2013;
const ITERATIONS: u32 = 4096;
const SALT: &[u8] = b"keyport-standin-salt";

pub struct Mongo {
    pub port: u16,
    /// `ping`s answered on a connection that had signed in.
    pub authenticated_pings: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Mongo {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct User {
    name: String,
    source: String,
    password: String,
}

/// Serves one user, `name` in database `source`, with `password`.
pub fn serve(name: &str, source: &str, password: &str) -> Mongo {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the MongoDB stand-in");
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let pings = Arc::new(AtomicUsize::new(0));
    let user = Arc::new(User {
        name: name.to_owned(),
        source: source.to_owned(),
        password: password.to_owned(),
    });
    let thread = {
        let (stop, pings) = (stop.clone(), pings.clone());
        std::thread::spawn(move || {
            let mut workers = Vec::new();
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (stop, pings, user) = (stop.clone(), pings.clone(), user.clone());
                workers.push(std::thread::spawn(move || {
                    let _ = connection(stream, &user, &stop, &pings);
                }));
            }
            for w in workers {
                let _ = w.join();
            }
        })
    };
    Mongo {
        port,
        authenticated_pings: pings,
        stop,
        thread: Some(thread),
    }
}

/// A SCRAM conversation's state between `saslStart` and `saslContinue`.
struct Conversation {
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

fn connection(
    mut stream: TcpStream,
    user: &User,
    stop: &AtomicBool,
    pings: &AtomicUsize,
) -> std::io::Result<()> {
    // The driver's monitor polls every 10 s; the read timeout lets a stop end the loop.
    stream.set_read_timeout(Some(Duration::from_millis(200)))?;
    let mut conversation = None;
    let mut signed_in = false;
    loop {
        let mut header = [0u8; 16];
        match read_exact_or_stop(&mut stream, &mut header, stop) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(e),
        }
        let field = |at: usize| i32::from_le_bytes(header[at..at + 4].try_into().unwrap());
        let (length, request_id, op_code) = (field(0), field(4), field(12));
        // Not MongoDB's protocol (a TLS ClientHello, say): hang up, as mongod does.
        if op_code != OP_MSG || !(21..=48_000_000).contains(&length) {
            return Ok(());
        }
        let mut body = vec![0u8; length as usize - 16];
        if !read_exact_or_stop(&mut stream, &mut body, stop)? {
            return Ok(());
        }
        let Some(command) = body_document(&body) else {
            return Ok(());
        };
        let reply = answer(&command, user, &mut conversation, &mut signed_in, pings);
        send(&mut stream, request_id, &reply)?;
    }
}

fn read_exact_or_stop(
    stream: &mut TcpStream,
    buf: &mut [u8],
    stop: &AtomicBool,
) -> std::io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        if stop.load(Ordering::SeqCst) {
            return Ok(false);
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return Ok(false),
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// The command document of an OP_MSG: flag bits, then the kind-0 section's BSON document.
fn body_document(body: &[u8]) -> Option<Document> {
    let flags = u32::from_le_bytes(body.get(0..4)?.try_into().ok()?);
    let sections = if flags & 1 == 1 {
        &body[4..body.len().checked_sub(4)?]
    } else {
        &body[4..]
    };
    if *sections.first()? != 0 {
        return None;
    }
    Document::from_reader(&mut &sections[1..]).ok()
}

fn send(stream: &mut TcpStream, request_id: i32, reply: &Document) -> std::io::Result<()> {
    let mut doc = Vec::new();
    reply.to_writer(&mut doc).expect("encode a reply");
    let length = 16 + 4 + 1 + doc.len();
    let mut message = Vec::with_capacity(length);
    for value in [
        length as i32,
        request_id.wrapping_add(1_000_000),
        request_id,
        OP_MSG,
    ] {
        message.extend_from_slice(&value.to_le_bytes());
    }
    message.extend_from_slice(&0u32.to_le_bytes());
    message.push(0);
    message.extend_from_slice(&doc);
    stream.write_all(&message)
}

fn binary(bytes: Vec<u8>) -> Bson {
    Bson::Binary(Binary {
        subtype: BinarySubtype::Generic,
        bytes,
    })
}

fn payload(command: &Document) -> Option<String> {
    match command.get("payload")? {
        Bson::Binary(b) => String::from_utf8(b.bytes.clone()).ok(),
        _ => None,
    }
}

fn auth_failed() -> Document {
    doc! { "ok": 0.0, "errmsg": "Authentication failed.", "code": 18, "codeName": "AuthenticationFailed" }
}

fn answer(
    command: &Document,
    user: &User,
    conversation: &mut Option<Conversation>,
    signed_in: &mut bool,
    pings: &AtomicUsize,
) -> Document {
    let name = command
        .keys()
        .next()
        .map(String::as_str)
        .unwrap_or_default();
    match name {
        "hello" | "isMaster" | "ismaster" => {
            let mut reply = doc! {
                "helloOk": true,
                "ismaster": true,
                "isWritablePrimary": true,
                "maxBsonObjectSize": 16_777_216,
                "maxMessageSizeBytes": 48_000_000,
                "maxWriteBatchSize": 100_000,
                "localTime": mongodb::bson::DateTime::now(),
                "logicalSessionTimeoutMinutes": 30,
                "connectionId": 1,
                "minWireVersion": 0,
                "maxWireVersion": 21,
                "readOnly": false,
                "ok": 1.0,
            };
            if command.contains_key("saslSupportedMechs") {
                reply.insert("saslSupportedMechs", vec!["SCRAM-SHA-256"]);
            }
            reply
        }
        "saslStart" => {
            let mechanism = command.get_str("mechanism").unwrap_or_default();
            let db = command.get_str("$db").unwrap_or_default();
            let Some(first) = payload(command) else {
                return auth_failed();
            };
            if mechanism != "SCRAM-SHA-256" {
                return doc! { "ok": 0.0, "errmsg": format!("Received authentication for mechanism {mechanism} which is not enabled"), "code": 334, "codeName": "MechanismUnavailable" };
            }
            let Some(bare) = first.strip_prefix("n,,") else {
                return auth_failed();
            };
            let field = |key: &str| {
                bare.split(',')
                    .find_map(|p| p.strip_prefix(key))
                    .unwrap_or_default()
                    .to_owned()
            };
            let (who, client_nonce) = (field("n="), field("r="));
            let nonce = format!("{client_nonce}{}", uuid::Uuid::new_v4().simple());
            let b64 = base64::engine::general_purpose::STANDARD;
            let server_first = format!("r={nonce},s={},i={ITERATIONS}", b64.encode(SALT));
            // Like mongod, an unknown user gets a conversation that fails at the proof, so a
            // wrong user and a wrong password look the same.
            *conversation = (who == user.name && db == user.source && !client_nonce.is_empty())
                .then(|| Conversation {
                    client_first_bare: bare.to_owned(),
                    server_first: server_first.clone(),
                    nonce,
                });
            doc! { "conversationId": 1, "done": false, "payload": binary(server_first.into_bytes()), "ok": 1.0 }
        }
        "saslContinue" => {
            let (Some(state), Some(last)) = (conversation.take(), payload(command)) else {
                return auth_failed();
            };
            match verify(&state, &last, &user.password) {
                Some(server_final) => {
                    *signed_in = true;
                    doc! { "conversationId": 1, "done": true, "payload": binary(server_final.into_bytes()), "ok": 1.0 }
                }
                None => auth_failed(),
            }
        }
        "ping" => {
            if *signed_in {
                pings.fetch_add(1, Ordering::SeqCst);
            }
            doc! { "ok": 1.0 }
        }
        "endSessions" => doc! { "ok": 1.0 },
        other => doc! {
            "ok": 0.0,
            "errmsg": format!("no such command: '{other}'"),
            "code": 59,
            "codeName": "CommandNotFound",
        },
    }
}

fn hmac(key: &[u8], text: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(text);
    mac.finalize().into_bytes().to_vec()
}

/// Checks the client's proof (RFC 5802 section 3) and gives the server-final message.
fn verify(state: &Conversation, client_final: &str, password: &str) -> Option<String> {
    let (without_proof, proof) = client_final.rsplit_once(",p=")?;
    if without_proof != format!("c=biws,r={}", state.nonce) {
        return None;
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let proof = b64.decode(proof).ok()?;
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), SALT, ITERATIONS, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(&client_key);
    let auth_message = format!(
        "{},{},{without_proof}",
        state.client_first_bare, state.server_first
    );
    let signature = hmac(&stored_key, auth_message.as_bytes());
    if proof.len() != signature.len() {
        return None;
    }
    let recovered: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
    if Sha256::digest(&recovered) != stored_key {
        return None;
    }
    let server_key = hmac(&salted, b"Server Key");
    Some(format!(
        "v={}",
        b64.encode(hmac(&server_key, auth_message.as_bytes()))
    ))
}
