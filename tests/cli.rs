//! The `keyport` CLI contract (DESIGN.md section 5): tables for people, stable JSON for scripts,
//! `keyport: <message>` with exit 1 for errors, exit 2 for usage errors, and a refused
//! `catalog add` that names file, field and line and stores nothing.

use crate::support::serve::serve;
use crate::support::{Keyport, CUSTOM, PASSPHRASE};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn list_prints_an_aligned_table_of_fifty() {
    let kp = Keyport::new();
    let out = kp.ok(&["catalog", "list"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 51, "header + 50 rows");
    let header = lines[0];
    assert!(header.starts_with("ID") && header.contains("NAME") && header.contains("TYPES"));
    let name_col = header.find("NAME").unwrap();
    for line in &lines[1..] {
        let before = &line[..line
            .char_indices()
            .nth(name_col)
            .map_or(line.len(), |(i, _)| i)];
        assert!(before.ends_with("  "), "NAME column aligned: {line:?}");
    }
}

#[test]
fn list_json_has_stable_fields_and_filters_by_category() {
    let kp = Keyport::new();
    let all: Vec<Value> = serde_json::from_str(&kp.ok(&["catalog", "list", "--json"])).unwrap();
    assert_eq!(all.len(), 50);
    for entry in &all {
        for key in [
            "id",
            "name",
            "category",
            "connection_types",
            "description",
            "api_docs_url",
            "custom",
        ] {
            assert!(entry.get(key).is_some(), "{key} in {entry}");
        }
    }
    let dbs: Vec<Value> =
        serde_json::from_str(&kp.ok(&["catalog", "list", "--category", "databases", "--json"]))
            .unwrap();
    let ids: Vec<&str> = dbs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 5);
    assert!(
        ids.contains(&"postgresql") && ids.contains(&"redis"),
        "{ids:?}"
    );
    let by_label: Vec<Value> = serde_json::from_str(&kp.ok(&[
        "catalog",
        "list",
        "--category",
        "Data & Analytics",
        "--json",
    ]))
    .unwrap();
    assert_eq!(by_label.len(), 5);
}

#[test]
fn show_json_carries_oauth_endpoints_docs_and_setup() {
    let kp = Keyport::new();
    let sf: Value =
        serde_json::from_str(&kp.ok(&["catalog", "show", "salesforce", "--json"])).unwrap();
    assert!(sf["oauth2"]["authorization_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(sf["oauth2"]["token_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(!sf["oauth2"]["scopes"].as_array().unwrap().is_empty());
    assert!(sf["api_docs_url"].as_str().unwrap().starts_with("https://"));
    assert!(!sf["setup_instructions"].as_array().unwrap().is_empty());

    let human = kp.ok(&["catalog", "show", "salesforce"]);
    assert!(
        human.contains("Authorization URL") && human.contains("Setup"),
        "{human}"
    );
}

#[test]
fn unknown_ids_and_categories_fail_cleanly() {
    let kp = Keyport::new();
    let err = kp.fails(&["catalog", "show", "no_such_connector"]);
    assert!(err.contains("no_such_connector"), "{err}");
    let usage = kp.run(&["catalog", "list", "--category", "gardening"]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    assert!(
        usage.stderr.contains("unknown category"),
        "{}",
        usage.stderr
    );
    assert_eq!(kp.run(&["catalog", "frobnicate"]).code, 2);
    assert_eq!(kp.run(&[]).code, 2);
    assert_eq!(kp.run(&["--help"]).code, 0);
}

#[test]
fn add_then_list_show_and_remove_a_custom_connector() {
    let kp = Keyport::new();
    let file = kp.write("acme.toml", CUSTOM);
    let out = kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    assert!(out.contains("acme_internal"), "{out}");
    assert_eq!(kp.stored(), ["acme_internal.toml"]);

    let all: Vec<Value> = serde_json::from_str(&kp.ok(&["catalog", "list", "--json"])).unwrap();
    assert_eq!(all.len(), 51);
    let acme = all.iter().find(|c| c["id"] == "acme_internal").unwrap();
    assert_eq!(acme["custom"], true);
    let shown: Value =
        serde_json::from_str(&kp.ok(&["catalog", "show", "acme_internal", "--json"])).unwrap();
    assert_eq!(
        shown["api_key"]["check"]["url"],
        "https://{region}.api.acme.example/v1/me"
    );

    // The same id twice is refused and the stored file stays as it was.
    let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");

    kp.ok(&["catalog", "remove", "acme_internal"]);
    assert!(kp.stored().is_empty());
    kp.fails(&["catalog", "remove", "acme_internal"]);
}

/// Each bad file is refused with the file, the field and the line named, and stores nothing.
#[test]
fn refused_custom_connectors_name_file_field_and_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (what to replace, with what, the field named, the line expected)
        ("id = \"acme_internal\"", "id = \"postgresql\"", "id", ":1"),
        (
            "category = \"devops\"",
            "category = \"gardening\"",
            "category",
            ":3",
        ),
        (
            "url = \"https://{region}.api.acme.example/v1/me\"",
            "url = \"http://{region}.api.acme.example/v1/me\"",
            "api_key.check.url",
            ":25",
        ),
        (
            "url = \"https://{region}.api.acme.example/v1/me\"",
            "url = \"https://{tenant}.api.acme.example/v1/me\"",
            "api_key.check.url",
            ":25",
        ),
        (
            "example = \"eu1\"",
            "example = \"eu1.evil.com\"",
            "fields[0].example",
            ":14",
        ),
        (
            "pattern = \"[a-z]{2}[0-9]\"",
            "pattern = \"[a-z\"",
            "fields[0].pattern",
            ":13",
        ),
        (
            "template = \"Bearer {secret}\"",
            "template = \"Bearer\"",
            "api_key",
            ":16",
        ),
        (
            "connection_types = [\"api_key\"]",
            "connection_types = [\"api_key\", \"oauth2\"]",
            "connection_types",
            ":4",
        ),
        (
            "icon = { monogram = \"AI\", color = \"#1D5FD6\" }",
            "icon = { monogram = \"AI\", color = \"#FFFF00\" }",
            "icon.color",
            ":8",
        ),
        (
            "docs_url = \"https://docs.acme.example/api/auth\"",
            "docs_url = \"https://docs.acme.example/api/auth\"\nsmuggled = 1",
            "api_key.smuggled",
            ":22",
        ),
        ("[api_key.check]", "[api_key.check", "", ":23"),
    ];
    for (from, to, field, line) in cases {
        let kp = Keyport::new();
        assert!(CUSTOM.contains(from), "fixture contains {from}");
        let file = kp.write("bad.toml", &CUSTOM.replacen(from, to, 1));
        let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
        assert!(err.contains("bad.toml"), "names the file: {err}");
        assert!(err.contains(line), "names line {line}: {err}");
        if !field.is_empty() {
            assert!(
                err.contains(&format!("`{field}`")),
                "names field {field}: {err}"
            );
        }
        assert!(kp.stored().is_empty(), "nothing stored after {to}");
    }
}

#[test]
fn custom_connectors_may_use_loopback_http_but_builtins_may_not() {
    let kp = Keyport::new();
    let local = CUSTOM.replace(
        "https://{region}.api.acme.example/v1/me",
        "http://127.0.0.1:8080/v1/me",
    );
    let file = kp.write("local.toml", &local);
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let other = CUSTOM.replace("acme_internal", "acme_lan").replace(
        "https://{region}.api.acme.example/v1/me",
        "http://10.0.0.5/v1/me",
    );
    let file = kp.write("lan.toml", &other);
    let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
    assert!(err.contains("not https"), "{err}");
}

#[test]
fn missing_and_binary_files_are_refused() {
    let kp = Keyport::new();
    let err = kp.fails(&["catalog", "add", "/nonexistent/x.toml"]);
    assert!(err.contains("/nonexistent/x.toml"), "{err}");
    let path = kp.data_dir().join("bin.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let err = kp.fails(&["catalog", "add", path.to_str().unwrap()]);
    assert!(err.contains("UTF-8"), "{err}");
    assert!(kp.stored().is_empty());
}

#[test]
fn builtin_connectors_cannot_be_removed() {
    let kp = Keyport::new();
    let err = kp.fails(&["catalog", "remove", "github"]);
    assert!(err.contains("built-in"), "{err}");
    kp.fails(&["catalog", "remove", "../../etc/passwd"]);
}

#[test]
fn a_broken_stored_file_is_reported_and_the_rest_still_list() {
    let kp = Keyport::new();
    let dir = kp.data_dir().join("connectors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.toml"), "id = \n").unwrap();
    // A stored file claiming a built-in id must not replace it (THREATS.md row 7).
    std::fs::write(
        dir.join("github.toml"),
        CUSTOM.replace("acme_internal", "github"),
    )
    .unwrap();
    let run = kp.run(&["catalog", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(all.len(), 50);
    let github = all.iter().find(|c| c["id"] == "github").unwrap();
    assert_eq!(github["custom"], false);
    assert!(run.stderr.contains("broken.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("github.toml"), "{}", run.stderr);
    // And the broken file can be removed by its name.
    kp.ok(&["catalog", "remove", "broken"]);
}

#[test]
fn oauth_callback_refuses_forged_and_unknown_callbacks() {
    let kp = Keyport::new();
    let err = kp.fails(&["oauth", "callback", "ftp://evil.example/?code=a&state=b"]);
    assert!(err.contains("not a Keyport sign-in address"), "{err}");
    // An https address may be a pasted redirect; it still needs a flow waiting for it.
    let err = kp.fails(&[
        "oauth",
        "callback",
        "https://evil.example/cb?code=a&state=b",
    ]);
    assert!(err.contains("no sign-in is waiting"), "{err}");
    let err = kp.fails(&[
        "oauth",
        "callback",
        "keyport://oauth/callback?code=SECRETCODE&state=s",
    ]);
    assert!(err.contains("no sign-in is waiting"), "{err}");
    assert!(
        !err.contains("SECRETCODE"),
        "the code never reaches an error: {err}"
    );
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::process::Stdio;
    let kp = Keyport::new();
    let mut child = kp
        .command()
        .args(["catalog", "list", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A host field whose pattern admits a scheme, a path, a user name or a fragment could send the
/// key anywhere (THREATS.md row 7): refused at `catalog add`, naming the field.
#[test]
fn host_fields_that_could_move_the_host_are_refused_with_the_field_named() {
    let base_any = CUSTOM
        .replace("key = \"region\"", "key = \"base\"")
        .replace("pattern = \"[a-z]{2}[0-9]\"", "pattern = \".*\"")
        .replace(
            "example = \"eu1\"",
            "example = \"https://api.acme.example\"",
        )
        .replace("https://{region}.api.acme.example/v1/me", "{base}/v1/me");
    let cases = [
        ("base", base_any),
        (
            "region",
            CUSTOM.replace("pattern = \"[a-z]{2}[0-9]\"", "pattern = \"[a-z0-9./]+\""),
        ),
        (
            "region",
            CUSTOM.replace("pattern = \"[a-z]{2}[0-9]\"", "pattern = \"[a-z0-9.@]+\""),
        ),
        (
            "region",
            CUSTOM.replace("pattern = \"[a-z]{2}[0-9]\"", "pattern = \"[a-z0-9#]+\""),
        ),
    ];
    for (field, text) in cases {
        let kp = Keyport::new();
        let file = kp.write("loose.toml", &text);
        let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
        assert!(
            err.contains(&format!("field `{field}`")),
            "names {field}: {err}"
        );
        assert!(err.contains("`api_key.check.url`"), "{err}");
        assert!(kp.stored().is_empty(), "nothing stored: {err}");
    }
}

fn connections(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

/// A custom connector's check on plain http, whose host a setting fills in.
fn http_host_connector(port: u16) -> String {
    CUSTOM
        .replace("key = \"region\"", "key = \"host\"")
        .replace(
            "pattern = \"[a-z]{2}[0-9]\"",
            r"pattern = '[0-9a-f.:\[\]]+'",
        )
        .replace("example = \"eu1\"", "example = \"127.0.0.1\"")
        .replace(
            "https://{region}.api.acme.example/v1/me",
            &format!("http://{{host}}:{port}/v1/me"),
        )
}

/// The examples are loopback, the values filled in are not: 0.0.0.0 and an IPv4-mapped IPv6
/// address both reach a listener on 127.0.0.1, so plain http to them is refused before any
/// request is made, whether the key is checked or not, and nothing is stored.
#[test]
fn filled_in_plain_http_to_a_non_loopback_host_is_refused_before_any_request() {
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = {
        let hits = hits.clone();
        serve(move |_| {
            hits.fetch_add(1, Ordering::SeqCst);
            (200, json!({"id": 1}), None)
        })
    };
    let port: u16 = listener.base.rsplit(':').next().unwrap().parse().unwrap();
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write("acme.toml", &http_host_connector(port));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    for host in ["0.0.0.0", "[::ffff:127.0.0.1]"] {
        let config = format!("host={host}");
        for verify in [true, false] {
            let mut args = vec![
                "connect",
                "acme_internal",
                "--config",
                &config,
                "--api-key-stdin",
            ];
            if !verify {
                args.push("--no-verify");
            }
            let run = kp.run_in(&args, "acme-key-123", Some(PASSPHRASE));
            assert_eq!(run.code, 1, "{host}: {}", run.stderr);
            assert!(run.stderr.contains("`host`"), "{}", run.stderr);
            assert!(run.stderr.contains("not https"), "{}", run.stderr);
            assert!(!run.stderr.contains("acme-key-123"));
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no request reached the listener"
    );
    assert!(connections(&kp).is_empty(), "nothing stored");
    // The same listener on 127.0.0.1 is allowed, and is reached.
    let run = kp.run_in(
        &[
            "connect",
            "acme_internal",
            "--config",
            "host=127.0.0.1",
            "--api-key-stdin",
        ],
        "acme-key-123",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// THREATS.md row 17: a name is shown in tables, dialogs and the tray; one with an escape
/// sequence or a bidi override is refused at connect and at rename, and nothing changes.
#[test]
fn names_with_control_or_bidi_characters_are_refused_at_connect_and_rename() {
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write("acme.toml", CUSTOM);
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let connect = |name: &str| {
        kp.run_in(
            &[
                "connect",
                "acme_internal",
                "--config",
                "region=eu1",
                "--name",
                name,
                "--api-key-stdin",
                "--no-verify",
            ],
            "acme-key-123",
            Some(PASSPHRASE),
        )
    };
    for (name, shown) in [
        ("prod\u{1b}]0;pwned\u{7}", "U+001B"),
        ("prod\u{1b}[2J", "U+001B"),
        ("invoice\u{202E}fdp.exe", "U+202E"),
        ("a\u{2066}b", "U+2066"),
    ] {
        let run = connect(name);
        assert_eq!(run.code, 1, "{name:?}: {}", run.stdout);
        assert!(run.stderr.contains(shown), "{}", run.stderr);
        assert!(run.stderr.contains("name"), "{}", run.stderr);
        assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    }
    assert!(connections(&kp).is_empty(), "nothing stored");

    let id = kp.connect_key("acme_internal", &["region=eu1"], "acme-key-123");
    let run = kp.run_in(
        &["connections", "rename", &id, "prod\u{202E}gnp.exe"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("U+202E"), "{}", run.stderr);
    let shown: Value =
        serde_json::from_str(&kp.ok(&["connections", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["name"], "Acme Internal API");
}

/// What the person did not type in this command (a stored setting, an argument echoed in an
/// error) is printed with its escape sequences escaped: no ESC byte reaches the terminal.
#[test]
fn stored_values_and_echoed_arguments_are_printed_escaped() {
    let kp = Keyport::new();
    kp.init_vault();
    let loose = CUSTOM.replace(
        "[api_key]",
        "[[fields]]\nkey = \"note\"\nlabel = \"Note\"\n\n[api_key]",
    );
    let file = kp.write("acme.toml", &loose);
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let id = kp.connect_key(
        "acme_internal",
        &["region=eu1", "note=\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202E}x"],
        "acme-key-123",
    );
    let out = kp.ok(&["connections", "show", &id]);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202E}'),
        "{out:?}"
    );
    assert!(
        out.contains(r"\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}x"),
        "{out}"
    );

    let run = kp.run(&["catalog", "show", "nope\u{1b}[2J\u{1b}]0;pwned\u{7}"]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(run.stderr.contains(r"nope\u{1b}[2J"), "{}", run.stderr);

    // A usage error echoes its argument too.
    let run = kp.run(&["catalog", "list", "--category", "x\u{202E}\u{1b}[2Jy"]);
    assert_eq!(run.code, 2);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{202E}'),
        "{:?}",
        run.stderr
    );
    assert!(run.stderr.contains(r"x\u{202e}"), "{}", run.stderr);
}

#[test]
fn catalog_text_with_control_or_bidi_characters_is_refused() {
    for (from, to, field, shown) in [
        (
            "name = \"Acme Internal API\"",
            "name = \"Acme\\u001b]0;pwned\\u0007 API\"",
            "name",
            "U+001B",
        ),
        (
            "description = \"Acme's internal deployment API.\"",
            "description = \"Acme\\u202Etxt.exe\"",
            "description",
            "U+202E",
        ),
        (
            "label = \"Region\"",
            "label = \"Reg\\u009bion\"",
            "fields[0].label",
            "U+009B",
        ),
    ] {
        let kp = Keyport::new();
        assert!(CUSTOM.contains(from), "{from}");
        let file = kp.write("bad.toml", &CUSTOM.replace(from, to));
        let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
        assert!(err.contains(&format!("`{field}`")), "{err}");
        assert!(err.contains(shown), "{err}");
        assert!(!err.contains('\u{1b}'), "{err:?}");
        assert!(kp.stored().is_empty());
    }
}

/// Every custom file is parsed on every run: one far larger than a connector is refused when
/// added, and skipped with a warning when found in the data dir.
#[test]
fn oversized_connector_files_are_refused() {
    let kp = Keyport::new();
    let big = format!("{CUSTOM}{}", "# padding\n".repeat(7_000));
    assert!(big.len() > 64 * 1024);
    let file = kp.write("big.toml", &big);
    let err = kp.fails(&["catalog", "add", file.to_str().unwrap()]);
    assert!(err.contains("64 KB"), "{err}");
    assert!(kp.stored().is_empty());

    let dir = kp.data_dir().join("connectors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("acme_internal.toml"), &big).unwrap();
    let run = kp.run(&["catalog", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(all.len(), 50);
    assert!(run.stderr.contains("acme_internal.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("64 KB"), "{}", run.stderr);
}

#[test]
fn a_custom_connector_in_use_is_not_removed() {
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write("acme.toml", CUSTOM);
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let id = kp.connect_key("acme_internal", &["region=eu1"], "acme-key-123");
    let err = kp.fails(&["catalog", "remove", "acme_internal"]);
    assert!(
        err.contains("1 stored connection uses `acme_internal`"),
        "{err}"
    );
    assert!(err.contains("keyport connections delete"), "{err}");
    assert_eq!(kp.stored(), ["acme_internal.toml"]);
    assert_eq!(connections(&kp).len(), 1);

    let run = kp.run_in(&["connections", "delete", &id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    kp.ok(&["catalog", "remove", "acme_internal"]);
    assert!(kp.stored().is_empty());
}
