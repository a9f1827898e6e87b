//! Masking the secrets `exec` injected wherever they show up in the child's output, as the bytes
//! arrive: the value itself, and the forms a program commonly prints it in (base64 at any of
//! the three byte alignments it can take inside a longer encoded string, URL encoding, JSON
//! string escaping), also when one is split across two writes.

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

/// What a masked secret is replaced by. It holds no `"` or `\`, so a JSON string it lands in
/// stays valid.
pub const CONCEALED: &[u8] = b"<concealed by keyport>";

/// Shorter forms are not masked: a base64 fragment of 5 characters (or a 5-character password)
/// occurs by chance in ordinary output, and masking it would garble the output without hiding
/// anything worth hiding.
const SHORTEST: usize = 6;

/// A streaming masker over one output stream.
pub struct Masker {
    matcher: Option<AhoCorasick>,
    patterns: Vec<Zeroizing<Vec<u8>>>,
    /// Output not yet passed on: the end of what arrived that could be the start of a secret.
    held: Zeroizing<Vec<u8>>,
}

impl Masker {
    /// A masker for `secrets` (empty ones and forms under [`SHORTEST`] bytes are skipped).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Masker {
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for secret in secrets {
            for form in forms(secret) {
                if form.len() >= SHORTEST && !patterns.iter().any(|p| **p == *form) {
                    patterns.push(form);
                }
            }
        }
        let matcher = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns.iter().map(|p| p.as_slice()))
                    .ok()
            })
            .flatten();
        Masker {
            matcher,
            patterns,
            held: Zeroizing::new(Vec::new()),
        }
    }

    /// Takes the next bytes of the stream; gives what can be passed on now, masked. A tail that
    /// could be the start of a secret is held until the next bytes (or [`Masker::finish`]) tell.
    pub fn push(&mut self, input: &[u8]) -> Vec<u8> {
        let Some(matcher) = &self.matcher else {
            return input.to_vec();
        };
        self.held.extend_from_slice(input);
        let mut out = Vec::with_capacity(self.held.len());
        let mut done = 0;
        for found in matcher.find_iter(self.held.as_slice()) {
            out.extend_from_slice(&self.held[done..found.start()]);
            out.extend_from_slice(CONCEALED);
            done = found.end();
        }
        let keep = self.partial_start(done);
        out.extend_from_slice(&self.held[done..keep]);
        self.held.drain(..keep);
        out
    }

    /// The end of the stream: gives what was held, masked.
    pub fn finish(&mut self) -> Vec<u8> {
        let held = Zeroizing::new(std::mem::take(&mut *self.held));
        let Some(matcher) = &self.matcher else {
            return held.to_vec();
        };
        let mut out = Vec::with_capacity(held.len());
        matcher.replace_all_with_bytes(&held, &mut out, |_, _, dst| {
            dst.extend_from_slice(CONCEALED);
            true
        });
        out
    }

    /// Masks one whole message (an MCP frame): nothing is held.
    pub fn whole(&self, message: &[u8]) -> Vec<u8> {
        match &self.matcher {
            Some(matcher) => {
                let mut out = Vec::with_capacity(message.len());
                matcher.replace_all_with_bytes(message, &mut out, |_, _, dst| {
                    dst.extend_from_slice(CONCEALED);
                    true
                });
                out
            }
            None => message.to_vec(),
        }
    }

    /// Where the held bytes from `from` on start to be possibly the beginning of a secret: the
    /// first position whose rest is a proper prefix of some form (the end when none is).
    fn partial_start(&self, from: usize) -> usize {
        let held = self.held.as_slice();
        let longest = self.patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let first = from.max(held.len().saturating_sub(longest.saturating_sub(1)));
        (first..held.len())
            .find(|&at| {
                let rest = &held[at..];
                self.patterns
                    .iter()
                    .any(|p| p.len() > rest.len() && p.starts_with(rest))
            })
            .unwrap_or(held.len())
    }
}

/// The forms `secret` can appear in.
fn forms(secret: &str) -> Vec<Zeroizing<Vec<u8>>> {
    let raw = secret.as_bytes();
    let mut forms = vec![Zeroizing::new(raw.to_vec())];
    for engine in [
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        for offset in 0..3 {
            forms.push(base64_inside(engine, raw, offset));
        }
    }
    forms.push(Zeroizing::new(
        utf8_percent_encode(secret, NON_ALPHANUMERIC)
            .to_string()
            .into_bytes(),
    ));
    // Form encoding (a space as `+`) and JSON's escaping of `"`, `\`, control characters and
    // (optionally, as some encoders do) `/`.
    forms.push(Zeroizing::new(
        url::form_urlencoded::byte_serialize(raw)
            .collect::<String>()
            .into_bytes(),
    ));
    if let Ok(quoted) = serde_json::to_string(secret) {
        let escaped = Zeroizing::new(quoted);
        let inner = &escaped[1..escaped.len() - 1];
        forms.push(Zeroizing::new(inner.as_bytes().to_vec()));
        forms.push(Zeroizing::new(inner.replace('/', "\\/").into_bytes()));
    }
    forms
}

/// The base64 characters that depend on `raw` alone when it sits `offset` bytes (mod 3) into a
/// longer encoded string: the encoding of `offset` filler bytes and `raw`, without the characters
/// that also carry bits of what comes before or after.
fn base64_inside(
    engine: &base64::engine::GeneralPurpose,
    raw: &[u8],
    offset: usize,
) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(vec![0u8; offset]);
    padded.extend_from_slice(raw);
    let encoded = Zeroizing::new(engine.encode(padded.as_slice()));
    // Character i carries bits [6i, 6i + 6); the secret's bits are [8 * offset, 8 * len).
    let first = (8 * offset).div_ceil(6);
    let last = (8 * padded.len()) / 6;
    Zeroizing::new(
        encoded
            .as_bytes()
            .get(first..last)
            .unwrap_or_default()
            .to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ghp_SentinelToken1234567890";

    fn masked_in_pieces(masker: &mut Masker, pieces: &[&[u8]]) -> String {
        let mut out = Vec::new();
        for piece in pieces {
            out.extend(masker.push(piece));
        }
        out.extend(masker.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn masks_the_value_split_anywhere() {
        let text = format!("token={SECRET}\nnext line\n");
        for cut in 0..text.len() {
            let mut masker = Masker::new([SECRET]);
            let (a, b) = text.as_bytes().split_at(cut);
            let out = masked_in_pieces(&mut masker, &[a, b]);
            assert_eq!(
                out, "token=<concealed by keyport>\nnext line\n",
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn passes_ordinary_output_on_at_once() {
        let mut masker = Masker::new([SECRET]);
        assert_eq!(masker.push(b"hello, world\n"), b"hello, world\n");
        // "gh" could start the secret: it waits for the next bytes, then goes on unchanged.
        assert_eq!(masker.push(b"say gh"), b"say ");
        assert_eq!(masker.push(b"!"), b"gh!");
    }

    #[test]
    fn masks_encoded_forms() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let basic = b64.encode(format!("user:{SECRET}"));
        for (what, text) in [
            ("base64", b64.encode(SECRET)),
            ("basic auth at offset 5", basic.clone()),
            ("offset 1", b64.encode(format!("x{SECRET}"))),
            ("offset 2", b64.encode(format!("xy{SECRET}"))),
            (
                "url-safe",
                base64::engine::general_purpose::URL_SAFE.encode(format!("?{SECRET}>")),
            ),
        ] {
            let out = Masker::new([SECRET]).whole(text.as_bytes());
            assert!(
                String::from_utf8_lossy(&out).contains("<concealed by keyport>"),
                "{what}: {text} -> {}",
                String::from_utf8_lossy(&out)
            );
        }
        let odd = "p@ss/w0rd \"quoted\"";
        let url = utf8_percent_encode(odd, NON_ALPHANUMERIC).to_string();
        let json = serde_json::to_string(odd).unwrap();
        for text in [url, json] {
            let out = Masker::new([odd]).whole(text.as_bytes());
            assert!(!String::from_utf8_lossy(&out).contains("w0rd"), "{text}");
        }
    }

    #[test]
    fn keeps_json_frames_valid() {
        let frame = format!(
            r#"{{"jsonrpc":"2.0","id":1,"result":{{"content":[{{"type":"text","text":"env: T={SECRET}"}}]}}}}"#
        );
        let out = Masker::new([SECRET]).whole(frame.as_bytes());
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let text = value["result"]["content"][0]["text"].as_str().unwrap();
        assert_eq!(text, "env: T=<concealed by keyport>");
    }

    #[test]
    fn short_values_and_no_secrets_leave_output_alone() {
        let mut masker = Masker::new(["abc", ""]);
        assert_eq!(masker.push(b"abcabc"), b"abcabc");
        let mut none = Masker::new([]);
        assert_eq!(none.push(b"anything"), b"anything");
        assert!(none.finish().is_empty());
    }
}
