//! `keyport exec` (issue 14, THREATS row 8): the real binary runs real children (sh, python3)
//! with the connections' credentials in their environment; what they print is masked, and they
//! run as if alone (stdin, exit status, signals, a terminal when there is one).

use crate::oauth::github;
use crate::scheduler::{github_connection, refreshes};
use crate::support::{finish, Keyport, Run, PASSPHRASE};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const STRIPE_KEY: &str = "sk_test_51SentinelExecKey0123456789";
const MASK: &str = "<concealed by keyport>";

fn stripe() -> (Keyport, String) {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], STRIPE_KEY);
    (kp, id)
}

fn exec(kp: &Keyport, args: &[&str]) -> Run {
    let mut all = vec!["exec"];
    all.extend(args);
    kp.run_in(&all, "", Some(PASSPHRASE))
}

#[test]
fn the_child_gets_the_declared_variables_and_its_output_is_masked() {
    let (kp, id) = stripe();
    // The child prints its environment, the key as it is, in base64 and URL-encoded, and
    // inside a longer base64 string (HTTP Basic).
    let script = r#"env; echo "raw=$STRIPE_SECRET_KEY"; printf %s "$STRIPE_SECRET_KEY" | base64 -w0; echo; printf %s "$STRIPE_SECRET_KEY:" | base64 -w0; echo; python3 -c 'import os,urllib.parse; print(urllib.parse.quote(os.environ["STRIPE_SECRET_KEY"] + "/x", safe=""))'"#;
    let run = exec(&kp, &[&id, "--", "sh", "-c", script]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Sentinel"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("STRIPE_SECRET_KEY={MASK}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("raw={MASK}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.matches(MASK).count() >= 5, "{}", run.stdout);
    // Nothing that unlocks Keyport reaches the child.
    assert!(!run.stdout.contains("KEYPORT_PASSPHRASE"), "{}", run.stdout);
    assert!(!run.stdout.contains(PASSPHRASE), "{}", run.stdout);

    // The hand-off is recorded, naming the connection, never the key.
    let audit = kp.ok(&["audit", "--json"]);
    assert!(!audit.contains("Sentinel"));
    let events: Vec<serde_json::Value> = serde_json::from_str(&audit).unwrap();
    assert!(events
        .iter()
        .any(|e| e["event"] == "hand-off" && e["connection_id"] == id.as_str()));
}

#[test]
fn a_secret_split_over_writes_and_inside_json_frames_is_masked() {
    let (kp, id) = stripe();
    let script = r#"
import json, os, sys, time
k = os.environ["STRIPE_SECRET_KEY"]
for cut in (3, 11, len(k) - 1):
    sys.stdout.write("a" + k[:cut]); sys.stdout.flush(); time.sleep(0.05)
    sys.stdout.write(k[cut:] + "b\n"); sys.stdout.flush()
frame = {"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": "key " + k}]}}
print(json.dumps(frame), flush=True)
sys.stderr.write("err " + k + "\n")
"#;
    let run = exec(&kp, &[&id, "--", "python3", "-c", script]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    for line in &lines[..3] {
        assert_eq!(*line, format!("a{MASK}b"), "{}", run.stdout);
    }
    let frame: serde_json::Value = serde_json::from_str(lines[3]).expect("a valid frame");
    assert_eq!(frame["result"]["content"][0]["text"], format!("key {MASK}"));
    assert!(
        run.stderr.contains(&format!("err {MASK}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Sentinel"));
}

#[test]
fn stdin_and_the_exit_status_pass_through() {
    let (kp, id) = stripe();
    let mut cmd = kp.command();
    cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .args(["exec", &id, "--", "sh", "-c", "cat; exit 7"]);
    let run = crate::support::feed(cmd, b"line one\nline two\n");
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stdout, "line one\nline two\n");

    let killed = exec(&kp, &[&id, "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(killed.code, 143, "{}", killed.stderr);

    let missing = exec(&kp, &[&id, "--", "/nonexistent/tool"]);
    assert_eq!(missing.code, 127);
    assert!(
        missing
            .stderr
            .contains("/nonexistent/tool: command not found"),
        "{}",
        missing.stderr
    );
}

#[test]
fn sigterm_reaches_the_child_and_its_status_is_keyports() {
    let (kp, id) = stripe();
    let script = r#"
import signal, sys, time
def stop(*_):
    print("child got TERM", flush=True)
    sys.exit(3)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(60)
"#;
    let mut child = kp
        .command()
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .args(["exec", &id, "--", "python3", "-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "child got TERM\n");
    let run = finish(child, "keyport exec");
    assert_eq!(run.code, 3, "{}", run.stderr);
}

#[test]
fn a_child_on_a_terminal_still_has_one_and_is_masked() {
    let (kp, id) = stripe();
    // `script` gives keyport a terminal as a person's shell would.
    let line = format!(
        "{} --data-dir {} exec {id} -- python3 -c 'import os,sys; print(\"tty\", sys.stdout.isatty(), sys.stderr.isatty(), os.environ[\"STRIPE_SECRET_KEY\"])'",
        env!("CARGO_BIN_EXE_keyport"),
        kp.data_dir().display()
    );
    let run: Run = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{} {}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("tty True True {MASK}")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Sentinel"));
}

#[test]
fn no_masking_hands_the_process_over() {
    let (kp, id) = stripe();
    let run = exec(
        &kp,
        &[
            "--no-masking",
            &id,
            "--",
            "sh",
            "-c",
            "echo $STRIPE_SECRET_KEY; exit 4",
        ],
    );
    assert_eq!(run.code, 4);
    assert_eq!(run.stdout, format!("{STRIPE_KEY}\n"));
}

#[test]
fn env_arguments_choose_names_and_fields() {
    let (kp, id) = stripe();
    let run = exec(
        &kp,
        &[
            "--env",
            &format!("MY_KEY={id}"),
            "--env",
            &format!("ALSO={id}.token"),
            "--",
            "sh",
            "-c",
            "echo \"$MY_KEY|$ALSO|${STRIPE_SECRET_KEY-unset}\"",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{MASK}|{MASK}|unset\n"));

    let no_field = exec(&kp, &["--env", &format!("X={id}.password"), "--", "true"]);
    crate::support::refused(
        &no_field,
        "has no field `password`; it has: token",
        &[STRIPE_KEY],
    );

    let bad = exec(&kp, &["--env", "1X=abc", "--", "true"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("a variable name is letters"),
        "{}",
        bad.stderr
    );

    let nothing = exec(&kp, &["--", "true"]);
    crate::support::refused(&nothing, "name at least one connection", &[]);

    // Two connections that would set the same variable: the person chooses.
    let second = kp.connect_key("stripe", &[], "sk_test_51SecondSentinelKey98765");
    let clash = exec(&kp, &[&id, &second, "--", "true"]);
    crate::support::refused(
        &clash,
        "STRIPE_SECRET_KEY would be set by both",
        &[STRIPE_KEY],
    );

    let unknown = exec(&kp, &["0000-not-a-connection", "--", "true"]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
}

#[test]
fn an_expired_access_token_is_refreshed_first_and_no_refresh_token_is_handed() {
    let (standin, kp, id) = github_connection(github());
    let before = kp.run_in(&["token", &id], "", Some(PASSPHRASE)).stdout;
    crate::handoff::expire_in(&kp, &id, -60);
    let run = exec(&kp, &["--no-masking", &id, "--", "env"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(refreshes(&standin), 1);
    let token = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("GITHUB_PERSONAL_ACCESS_TOKEN="))
        .expect("the variable GitHub's MCP server reads");
    assert!(token.starts_with("access-"), "{token}");
    assert_ne!(
        format!("{token}\n"),
        before,
        "the refreshed token, not the old one"
    );
    assert!(
        !run.stdout.contains("refresh-"),
        "no refresh token: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("stand-in-secret"), "no client secret");
}
