//! The stand-in's side of AWS Signature Version 4: the signature recomputed from the request
//! with the algorithm AWS documents, independent of the signer under test (the `aws-sigv4`
//! crate): https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a request carries, as the server sees it.
pub struct Signed<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Names in lower case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
pub struct Authorization {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let part = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(name))
    };
    let scope: Vec<&str> = part("Credential=")?.split('/').collect();
    let [id, date, region, service, "aws4_request"] = scope[..] else {
        return None;
    };
    Some(Authorization {
        access_key_id: id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: part("SignedHeaders=")?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: part("Signature=")?.to_owned(),
    })
}

fn hmac(key: &[u8], text: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 unreserved characters stay; everything else is %XX (upper case), as SigV4 asks.
fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (uri_encode(&k, false), uri_encode(&v, false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature `auth`'s key would give this request at `amz_date` (`YYYYMMDD'T'HHMMSS'Z'`).
pub fn signature(request: &Signed, auth: &Authorization, amz_date: &str, secret: &str) -> String {
    let header = |name: &str| {
        let values: Vec<String> = request
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        values.join(",")
    };
    let canonical_headers: String = auth
        .signed_headers
        .iter()
        .map(|name| format!("{name}:{}\n", header(name)))
        .collect();
    let canonical_request = [
        request.method.to_owned(),
        uri_encode(request.path, true),
        canonical_query(request.query),
        canonical_headers,
        auth.signed_headers.join(";"),
        hex::encode(Sha256::digest(request.body)),
    ]
    .join("\n");
    let scope = format!(
        "{}/{}/{}/aws4_request",
        auth.date, auth.region, auth.service
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let key = [
        auth.date.as_str(),
        &auth.region,
        &auth.service,
        "aws4_request",
    ]
    .iter()
    .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
        hmac(&key, part)
    });
    hex::encode(hmac(&key, &string_to_sign))
}

/// AWS's own example, from its Signature Version 4 test suite
/// (post-x-www-form-urlencoded-parameters): the verifier must reproduce its signature.
#[test]
fn the_verifier_reproduces_the_documented_example() {
    let headers: Vec<(String, String)> = [
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("host", "example.amazonaws.com"),
        ("content-length", "13"),
        ("x-amz-date", "20150830T123600Z"),
        (
            "x-amz-content-sha256",
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
        ),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422").unwrap();
    let request = Signed {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: b"Param1=value1",
    };
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    assert_eq!(
        signature(&request, &auth, "20150830T123600Z", secret),
        auth.signature
    );
    assert_ne!(
        signature(&request, &auth, "20150830T123601Z", secret),
        auth.signature
    );
}
