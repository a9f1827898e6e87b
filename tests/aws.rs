//! AWS access keys through the real `keyport` binary against a stand-in STS on 127.0.0.1. The
//! stand-in recomputes each request's Signature Version 4 with the algorithm AWS documents
//! (tests/support/sigv4.rs, itself checked against AWS's published example) and answers
//! GetCallerIdentity as the STS API reference shows:
//! https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
//! https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html

use crate::support::serve::{serve_reply, Reply, Request, Served};
use crate::support::sigv4::{parse_authorization, signature, Signed};
use crate::support::standin::connector_file;
use crate::support::{Keyport, PASSPHRASE};
use serde_json::Value;

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TEMP_KEY_ID: &str = "ASIAJEXAMPLEXEG2JICEA";
const TEMP_SECRET: &str = "9drTJvcXLB89EXAMPLELB8923FB892xMFI";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEtokenAQoDYXdzEJr//////////wEaCXVzLWVhc3QtMSJH";
const REGION: &str = "eu-central-1";

fn xml_error(status: u16, code: &str, message: &str) -> Reply {
    Reply {
        status,
        content_type: "text/xml",
        body: format!(
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>{code}</Code>
    <Message>{message}</Message>
  </Error>
  <RequestId>4c3a2b1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d</RequestId>
</ErrorResponse>"#
        ),
        retry_after: None,
    }
}

fn caller_identity(key_id: &str) -> Reply {
    Reply {
        status: 200,
        content_type: "text/xml",
        body: format!(
            r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/keyport</Arn>
    <UserId>{key_id}</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>"#
        ),
        retry_after: None,
    }
}

fn mismatch() -> Reply {
    xml_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

/// STS in `REGION`: two keys, one of them temporary (its session token must be sent and signed).
fn sts(r: &Request) -> Reply {
    if r.method != "POST"
        || r.path != "/"
        || r.body != "Action=GetCallerIdentity&Version=2011-06-15"
    {
        return xml_error(
            400,
            "InvalidAction",
            "Could not find operation for this request.",
        );
    }
    let Some(auth) = parse_authorization(&r.authorization) else {
        return xml_error(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
    };
    let (secret, token) = match auth.access_key_id.as_str() {
        KEY_ID => (SECRET, None),
        TEMP_KEY_ID => (TEMP_SECRET, Some(TOKEN)),
        _ => {
            return xml_error(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            )
        }
    };
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    match token {
        Some(token)
            if r.header("x-amz-security-token") != Some(token)
                || !signed("x-amz-security-token") =>
        {
            return xml_error(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            )
        }
        _ => {}
    }
    if auth.service != "sts" || auth.region != REGION || !signed("host") || !signed("x-amz-date") {
        return mismatch();
    }
    let amz_date = r.header("x-amz-date").unwrap_or_default();
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let fresh = time::PrimitiveDateTime::parse(amz_date, format).is_ok_and(|at| {
        (at.assume_utc() - time::OffsetDateTime::now_utc()).abs() < time::Duration::minutes(15)
    });
    if !fresh || !amz_date.starts_with(&auth.date) {
        return xml_error(403, "SignatureDoesNotMatch", "Signature expired.");
    }
    let request = Signed {
        method: &r.method,
        path: &r.path,
        query: &r.query,
        headers: &r.headers,
        body: r.body.as_bytes(),
    };
    if signature(&request, &auth, amz_date, secret) != auth.signature {
        return mismatch();
    }
    caller_identity(&auth.access_key_id)
}

fn with_sts() -> (Keyport, Served) {
    let service = serve_reply(sts);
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write("aws.toml", &connector_file("aws", &service.base));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    (kp, service)
}

fn connect(kp: &Keyport, name: &str, text: &str, extra: &[&str]) -> crate::support::Run {
    let file = kp.write(name, text);
    let mut args = vec![
        "connect",
        "standin_aws",
        "--service-account-file",
        file.to_str().unwrap(),
        "--config",
        "region=eu-central-1",
    ];
    args.extend_from_slice(extra);
    kp.run_in(&args, "", Some(PASSPHRASE))
}

fn refused(run: &crate::support::Run, words: &str) {
    crate::support::refused(run, words, &[SECRET, TEMP_SECRET, TOKEN, "wrong-secret"]);
}

fn list(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

fn process_json(id: &str, secret: &str, token: Option<&str>) -> String {
    let mut v = serde_json::json!({"Version": 1, "AccessKeyId": id, "SecretAccessKey": secret});
    if let Some(t) = token {
        v["SessionToken"] = t.into();
        v["Expiration"] = "2099-12-31T23:59:59Z".into();
    }
    v.to_string()
}

#[test]
fn aws_keys_are_checked_with_a_signed_get_caller_identity() {
    let (kp, _sts) = with_sts();
    refused(
        &connect(
            &kp,
            "wrong.json",
            &process_json(KEY_ID, "wrong-secret", None),
            &[],
        ),
        "SignatureDoesNotMatch: the secret access key does not belong to that access key ID",
    );
    refused(
        &connect(
            &kp,
            "unknown.json",
            &process_json("AKIAUNKNOWNEXAMPLE00", SECRET, None),
            &[],
        ),
        "InvalidClientTokenId: AWS knows no such access key ID",
    );
    refused(
        &connect(
            &kp,
            "no-token.json",
            &process_json(TEMP_KEY_ID, TEMP_SECRET, None),
            &[],
        ),
        "InvalidClientTokenId",
    );
    // Signed for another region than the endpoint's: AWS refuses the signature.
    let file = kp.write("us.json", &process_json(KEY_ID, SECRET, None));
    refused(
        &kp.run_in(
            &[
                "connect",
                "standin_aws",
                "--service-account-file",
                file.to_str().unwrap(),
                "--config",
                "region=us-east-1",
            ],
            "",
            Some(PASSPHRASE),
        ),
        "SignatureDoesNotMatch",
    );
    assert!(list(&kp).is_empty(), "nothing stored on a refusal");

    let ok = connect(&kp, "key.json", &process_json(KEY_ID, SECRET, None), &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("checked with the service"),
        "{}",
        ok.stdout
    );
    let csv = format!("Access key ID,Secret access key\n{KEY_ID},{SECRET}\n");
    let ok = connect(
        &kp,
        "keyport_accessKeys.csv",
        &csv,
        &["--name", "From the console"],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let created = serde_json::json!({"AccessKey": {"UserName": "keyport", "Status": "Active", "CreateDate": "2026-12-01T19:00:00Z", "SecretAccessKey": SECRET, "AccessKeyId": KEY_ID}});
    let ok = connect(
        &kp,
        "created.json",
        &created.to_string(),
        &["--name", "From the CLI"],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let temp = process_json(TEMP_KEY_ID, TEMP_SECRET, Some(TOKEN));
    let ok = connect(&kp, "temp.json", &temp, &["--name", "Temporary"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    let stored = list(&kp);
    assert_eq!(stored.len(), 4);
    for c in &stored {
        assert_eq!(c["verified"], true);
        assert_eq!(c["metadata"]["region"], REGION);
        // Health probes sign again, with the key opened from the vault.
        let probed = kp.probe(c["id"].as_str().unwrap());
        assert_eq!(probed["health_status"], "healthy", "{probed}");
    }
    let temp = stored.iter().find(|c| c["name"] == "Temporary").unwrap();
    assert_eq!(temp["metadata"]["access_key_id"], TEMP_KEY_ID);
    // What GetCallerIdentity answered tells the keys' accounts apart.
    assert_eq!(temp["metadata"]["account"], "123456789012");
    assert_eq!(
        temp["metadata"]["arn"],
        "arn:aws:iam::123456789012:user/keyport"
    );
    let listing = kp.ok(&["connections", "list", "--json"]);
    for secret in [SECRET, TEMP_SECRET, TOKEN] {
        assert!(!listing.contains(secret), "secrets stay sealed");
    }
}

#[test]
fn broken_aws_key_files_are_named_and_nothing_is_stored() {
    let (kp, _sts) = with_sts();
    let json = process_json(KEY_ID, SECRET, None);
    refused(
        &connect(&kp, "cut.json", &json[..json.len() - 10], &[]),
        "the key file is cut off",
    );
    refused(
        &connect(
            &kp,
            "other.json",
            r#"{"type": "service_account", "private_key": "x"}"#,
            &[],
        ),
        "not credential_process output",
    );
    refused(
        &connect(
            &kp,
            "v2.json",
            &json.replace("\"Version\":1", "\"Version\":2"),
            &[],
        ),
        "\"Version\" is not 1",
    );
    refused(
        &connect(&kp, "notes.txt", "my aws key is in the other file", &[]),
        "neither credential_process JSON nor the access key .csv",
    );
    refused(
        &connect(&kp, "empty.csv", "Access key ID,Secret access key\n", &[]),
        "a header but no key",
    );
    refused(
        &connect(
            &kp,
            "bad-id.csv",
            &format!("Access key ID,Secret access key\nakia-lower,{SECRET}\n"),
            &[],
        ),
        "the access key ID is not one",
    );
    refused(
        &connect(
            &kp,
            "key.json",
            &json,
            &["--config", "access_key_id=AKIAOTHEREXAMPLE0000"],
        ),
        "is not the key file's",
    );
    assert!(list(&kp).is_empty());
}

#[test]
fn an_unresolvable_sts_host_is_this_machine_offline() {
    let kp = Keyport::new();
    kp.init_vault();
    let text = connector_file("aws", "https://sts.{region}.keyport-offline.invalid");
    let file = kp.write("aws.toml", &text);
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let ok = connect(
        &kp,
        "key.json",
        &process_json(KEY_ID, SECRET, None),
        &["--no-verify"],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("unverified"), "{}", ok.stdout);
    let probed = kp.probe(list(&kp)[0]["id"].as_str().unwrap());
    assert_eq!(probed["health_status"], "unknown", "{probed}");
}

/// The E2E's Python venv (`make deps-e2e`, which `make unit` runs first), where boto3 is.
fn python_with_boto3() -> std::path::PathBuf {
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make deps-e2e` (make test does)",
        python.display()
    );
    python
}

#[test]
fn boto3_signs_with_the_keys_of_keyports_credential_process() {
    let (kp, sts) = with_sts();
    let keys = serde_json::json!({
        "Version": 1,
        "AccessKeyId": TEMP_KEY_ID,
        "SecretAccessKey": TEMP_SECRET,
        "SessionToken": TOKEN,
        "Expiration": "2099-12-31T23:59:59Z"
    });
    let run = connect(&kp, "temp-keys.json", &keys.to_string(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = kp.ids()[0].clone();

    // A profile whose credentials come from Keyport, as a person writes it in ~/.aws/config.
    let home = kp.data_dir().join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    let process = format!(
        "{} --data-dir {} aws-credential-process {id}",
        env!("CARGO_BIN_EXE_keyport"),
        kp.data_dir().display()
    );
    std::fs::write(
        home.join(".aws/config"),
        format!("[profile keyport]\ncredential_process = {process}\nregion = {REGION}\n"),
    )
    .unwrap();
    let script = "import boto3, sys\n\
        sts = boto3.Session(profile_name='keyport').client('sts', endpoint_url=sys.argv[1])\n\
        who = sts.get_caller_identity()\n\
        print(who['Arn'], who['UserId'])\n";
    let out = std::process::Command::new(python_with_boto3())
        .args(["-c", script, &sts.base])
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "boto3: {stderr}");
    assert_eq!(
        stdout.trim(),
        format!("arn:aws:iam::123456789012:user/keyport {TEMP_KEY_ID}")
    );
    // The stand-in accepted the signature it recomputed, with the session token signed.
    let audit = kp.ok(&["audit", "--json"]);
    assert!(audit.contains("hand-off"), "{audit}");
    assert!(!audit.contains(TEMP_SECRET) && !audit.contains(TOKEN));
}
