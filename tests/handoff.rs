//! Hand-off (issue 14): `keyport token` as scripts and MCP clients run it, against the strict
//! stand-in GitHub (single-use refresh tokens; a reused one revokes the whole chain).

use crate::oauth::github;
use crate::scheduler::{github_connection, refreshes, unix};
use crate::support::standin::Profile;
use crate::support::{block_on, finish, Keyport, PASSPHRASE};
use keyport::vault::Vault;
use serde_json::{json, Value};
use std::process::Stdio;

/// Moves the stored token's expiry by `seconds` from now, through the vault's own SQLite file:
/// what a clock jump (a laptop waking after days) looks like to a process reading it.
pub(crate) fn expire_in(kp: &Keyport, id: &str, seconds: i64) {
    block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
        sqlx::query("UPDATE connections SET token_expires_at = ? WHERE id = ?")
            .bind(
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap(),
            )
            .bind(id)
            .execute(vault.pool())
            .await
            .unwrap();
        vault.close().await;
    });
}

fn token(kp: &Keyport, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["token"];
    all.extend(args);
    kp.run_in(&all, "", Some(PASSPHRASE))
}

#[test]
fn token_hands_out_a_fresh_access_token_and_records_who_asked() {
    let (standin, kp, id) = github_connection(github());

    // A token that is good for hours is handed out as it is.
    let first = token(&kp, &[&id]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.starts_with("access-") && first.stdout.ends_with('\n'));
    assert_eq!(refreshes(&standin), 0);

    // Expired: refreshed first, through the single-flight refresh.
    expire_in(&kp, &id, -60);
    let fresh = token(&kp, &[&id, "--json"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    let fresh: Value = serde_json::from_str(&fresh.stdout).unwrap();
    let new = fresh["token"].as_str().unwrap();
    assert_ne!(format!("{new}\n"), first.stdout);
    assert!(new.starts_with("access-"), "{fresh}");
    assert!(
        unix(fresh["expires_at"].as_str().unwrap())
            > time::OffsetDateTime::now_utc().unix_timestamp() + 3600
    );
    assert_eq!(refreshes(&standin), 1);

    // Still fresh: the header a client's header helper asks for, with no second refresh.
    let header = token(&kp, &[&id, "--header"]);
    assert_eq!(header.code, 0, "{}", header.stderr);
    let header: Value = serde_json::from_str(&header.stdout).unwrap();
    assert_eq!(header, json!({ "Authorization": format!("Bearer {new}") }));
    assert_eq!(refreshes(&standin), 1);

    // The audit log names the connection and the program that ran keyport (this test), and
    // holds no token, refresh token or client secret.
    let audit = kp.ok(&["audit", "--json"]);
    let events: Vec<Value> = serde_json::from_str(&audit).unwrap();
    let handed: Vec<&Value> = events.iter().filter(|e| e["event"] == "hand-off").collect();
    assert_eq!(handed.len(), 3, "{audit}");
    let me = std::env::current_exe().unwrap();
    for event in &handed {
        assert_eq!(event["connection_id"], id.as_str());
        let detail = event["detail"].as_str().unwrap();
        assert!(detail.starts_with("access token to "), "{detail}");
        assert!(detail.contains(&me.display().to_string()), "{detail}");
        assert!(
            detail.contains(&format!("pid {}", std::process::id())),
            "{detail}"
        );
        assert!(detail.contains(", parent "), "{detail}");
    }
    let secret = regex_lite::Regex::new(r"access-\d|refresh-\d|stand-in-secret").unwrap();
    assert!(
        !secret.is_match(&audit),
        "a secret in the audit log: {audit}"
    );
    assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
}

#[test]
fn a_wake_from_sleep_burst_refreshes_once_and_every_process_gets_the_new_token() {
    let (standin, kp, id) = github_connection(github());
    expire_in(&kp, &id, -2 * 86_400);
    let children: Vec<_> = (0..20)
        .map(|_| {
            kp.command()
                .args(["token", &id])
                .env("KEYPORT_PASSPHRASE", PASSPHRASE)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .map(|child| finish(child, "keyport token"))
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.stdout, runs[0].stdout,
            "every process prints the same token"
        );
    }
    assert!(runs[0].stdout.starts_with("access-"), "{}", runs[0].stdout);
    assert_eq!(refreshes(&standin), 1, "one refresh for the whole burst");
    assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
    assert_eq!(standin.live_refresh_tokens(), 1);
    // The token handed out is the one the provider issued last, and it works.
    assert_eq!(kp.probe(&id)["health_status"], "healthy");
}

/// GitHub's answer without a refresh token (an app with expiring tokens turned off).
fn no_refresh(_: &str, access: &str, _: Option<&str>) -> Value {
    json!({ "access_token": access, "expires_in": 3600, "scope": "", "token_type": "bearer" })
}

#[test]
fn bad_requests_say_why_and_print_nothing() {
    let (_standin, kp, id) = github_connection(Profile {
        token_body: no_refresh,
        ..github()
    });
    let refused = |args: &[&str], passphrase: Option<&str>, words: &str| {
        let mut all = vec!["token"];
        all.extend(args);
        let run = kp.run_in(&all, "", passphrase);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
        assert!(
            run.stderr.starts_with("keyport: ") && run.stderr.contains(words),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("access-"), "{}", run.stderr);
    };
    refused(
        &["no-such-id"],
        Some(PASSPHRASE),
        "no connection has the id `no-such-id`",
    );
    // No passphrase, no keyring slot and no terminal (as an MCP client runs it).
    refused(&[&id], None, "the vault is locked; set KEYPORT_PASSPHRASE");
    // Expired, and nothing to refresh it with.
    expire_in(&kp, &id, -60);
    refused(&[&id], Some(PASSPHRASE), "needs reconnecting (its access token expired and the service gave it no refresh token); connect it again with `keyport connect standin_github");
    refused(&[&id, "--header"], Some(PASSPHRASE), "needs reconnecting");
}

/// `git credential fill` with Keyport as git's only credential helper, and no prompt to fall
/// back on (GIT_TERMINAL_PROMPT=0), no user or system git config.
fn git_fill(kp: &Keyport, action: &str, request: &str) -> crate::support::Run {
    let helper = format!(
        "!'{}' --data-dir '{}' git-credential",
        env!("CARGO_BIN_EXE_keyport"),
        kp.data_dir().display()
    );
    let mut git = std::process::Command::new("git");
    git.args(["-c", "credential.helper=", "-c"])
        .arg(format!("credential.helper={helper}"))
        .args(["credential", action])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .current_dir(kp.data_dir());
    crate::support::feed(git, request.as_bytes())
}

#[test]
fn git_credential_fill_gets_the_token_of_the_host_s_connection() {
    let kp = Keyport::new();
    kp.init_vault();
    let connect = |args: &[&str], token: &str| {
        let run = kp.run_in(args, token, Some(PASSPHRASE));
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    connect(
        &["connect", "github", "--token-stdin", "--no-verify"],
        "ghp_sentinel1",
    );
    connect(
        &[
            "connect",
            "gitlab",
            "--token-stdin",
            "--no-verify",
            "--config",
            "gitlab_host=git.example.com",
        ],
        "glpat-sentinel2",
    );

    let github = git_fill(
        &kp,
        "fill",
        "protocol=https\nhost=github.com\npath=o/r.git\n\n",
    );
    assert_eq!(github.code, 0, "{}", github.stderr);
    assert_eq!(
        github.stdout,
        "protocol=https\nhost=github.com\nusername=x-access-token\npassword=ghp_sentinel1\n"
    );
    let gitlab = git_fill(&kp, "fill", "protocol=https\nhost=git.example.com\n\n");
    assert_eq!(gitlab.code, 0, "{}", gitlab.stderr);
    assert!(
        gitlab
            .stdout
            .ends_with("username=oauth2\npassword=glpat-sentinel2\n"),
        "{}",
        gitlab.stdout
    );

    // Another host, or a token over plain http: the helper answers nothing, so git (with no
    // prompt allowed) gives up, and no token is anywhere in what it printed.
    for request in [
        "protocol=https\nhost=gitlab.com\n\n",
        "protocol=http\nhost=github.com\n\n",
    ] {
        let none = git_fill(&kp, "fill", request);
        assert_ne!(none.code, 0, "{}", none.stdout);
        assert!(!format!("{}{}", none.stdout, none.stderr).contains("sentinel"));
    }
    // store and erase are no-ops that succeed.
    for action in ["approve", "reject"] {
        let run = git_fill(
            &kp,
            action,
            "protocol=https\nhost=github.com\nusername=x-access-token\npassword=ghp_sentinel1\n\n",
        );
        assert_eq!(run.code, 0, "{action}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let audit = kp.ok(&["audit", "--json"]);
    assert_eq!(audit.matches("\"hand-off\"").count(), 2, "{audit}");
    assert!(!audit.contains("sentinel"));
}

#[test]
fn aws_credential_process_prints_the_keys_as_aws_tools_read_them() {
    let kp = Keyport::new();
    kp.init_vault();
    let keys = json!({
        "Version": 1,
        "AccessKeyId": "ASIAJEXAMPLEXEG2JICEA",
        "SecretAccessKey": "9drTJvcXLB89EXAMPLELB8923FB892xMFI",
        "SessionToken": "IQoJb3JpZ2luX2VjEXAMPLEtokenAQoDYXdz",
        "Expiration": "2099-12-31T23:59:59Z"
    });
    let file = kp.write("aws.json", &keys.to_string());
    let run = kp.run_in(
        &[
            "connect",
            "aws",
            "--service-account-file",
            file.to_str().unwrap(),
            "--config",
            "region=eu-central-1",
            "--no-verify",
        ],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let aws = kp.ids()[0].clone();
    let printed = kp.run_in(&["aws-credential-process", &aws], "", Some(PASSPHRASE));
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    assert!(printed.stdout.ends_with('\n'));
    assert_eq!(
        serde_json::from_str::<Value>(&printed.stdout).unwrap(),
        keys
    );

    // `token` says where AWS keys come from; another connection is refused by name.
    let as_token = token(&kp, &[&aws]);
    assert_eq!(as_token.code, 1);
    assert!(
        as_token.stderr.contains("aws-credential-process"),
        "{}",
        as_token.stderr
    );
    let key = kp.connect_key("sendgrid", &[], "SG.sentinel");
    let other = kp.run_in(&["aws-credential-process", &key], "", Some(PASSPHRASE));
    assert_eq!(other.code, 1);
    assert!(other.stdout.is_empty());
    assert!(
        other.stderr.contains("holds no AWS keys"),
        "{}",
        other.stderr
    );
    let audit = kp.ok(&["audit", "--json"]);
    assert_eq!(
        audit.matches("\"hand-off\"").count(),
        1,
        "only the AWS hand-off: {audit}"
    );
}
