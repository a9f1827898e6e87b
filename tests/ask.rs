//! "Ask before use" (issue 14): the real `keyport` binary asking for a connection so marked,
//! and the desktop app's side of it played through the core calls its commands make
//! (`Session::hold_desktop`, `asks_waiting`, `answer_ask`): the lock that says the app runs,
//! the request it lists, the answer it gives.

use crate::support::{block_on, finish, Keyport, Run, PASSPHRASE};
use keyport::session::Session;
use keyport::vault::Passphrase;
use keyport_model::{AskAnswer, AskRequestView, ErrorCode};
use serde_json::Value;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk_test_ask_before_use_51Hx9";

fn marked() -> (Keyport, String) {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], KEY);
    assert!(set(&kp, &id, "--ask").contains("now asks before use"));
    (kp, id)
}

fn set(kp: &Keyport, id: &str, flag: &str) -> String {
    let said = kp.run_in(&["connections", "set", id, flag], "", Some(PASSPHRASE));
    assert_eq!(said.code, 0, "{}", said.stderr);
    said.stdout
}

/// `keyport ARGS` started, waiting for its answer, with at most `wait` seconds to wait.
fn start(kp: &Keyport, args: &[&str], wait: &str) -> Child {
    kp.command()
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .env("KEYPORT_ASK_SECONDS", wait)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyport")
}

/// The desktop app: its lock held, its vault unlocked as a person unlocks it.
fn desktop(kp: &Keyport) -> (Session, keyport::files::DirLock) {
    let session = Session::new(kp.data_dir().to_path_buf());
    let lock = session
        .hold_desktop()
        .unwrap()
        .expect("no other app holds it");
    block_on(session.unlock_key(&Passphrase::new(PASSPHRASE.to_owned()))).unwrap();
    (session, lock)
}

/// The one request waiting, once it appears (a bounded wait).
fn the_request(session: &Session) -> AskRequestView {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let waiting = block_on(session.asks_waiting()).unwrap();
        if let Some(first) = waiting.first() {
            assert_eq!(waiting.len(), 1, "{waiting:?}");
            return first.clone();
        }
        assert!(Instant::now() < deadline, "no request appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn answer(session: &Session, request: &AskRequestView, answer: AskAnswer) {
    block_on(session.answer_ask(&request.id, answer)).unwrap();
}

fn audit_events(kp: &Keyport, event: &str) -> Vec<String> {
    let audit = kp.run_in(&["audit", "--json"], "", Some(PASSPHRASE));
    let events: Vec<Value> = serde_json::from_str(&audit.stdout).unwrap();
    events
        .iter()
        .filter(|e| e["event"] == event)
        .map(|e| e["detail"].as_str().unwrap().to_owned())
        .collect()
}

fn handed(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{KEY}\n"));
}

#[test]
fn with_no_app_running_the_hand_off_fails_at_once_and_says_why() {
    let (kp, id) = marked();
    let started = Instant::now();
    let run = kp.run_in(&["token", &id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("asks before use, and the Keyport app was not running to ask")
            && run
                .stderr
                .contains(&format!("keyport connections set {id} --no-ask")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(KEY));
    // Not a wait for an answer that cannot come (a guard, not a speed goal).
    assert!(started.elapsed() < Duration::from_secs(30));
    let refused = audit_events(&kp, "hand-off-refused");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("not running"), "{refused:?}");
    assert!(audit_events(&kp, "hand-off").is_empty());

    // Asking off again: handed out with no one to ask.
    set(&kp, &id, "--no-ask");
    handed(&kp.run_in(&["token", &id], "", Some(PASSPHRASE)));
}

#[test]
fn the_person_s_answer_decides_deny_once_always() {
    let (kp, id) = marked();
    let (session, _lock) = desktop(&kp);
    let me = std::env::current_exe().unwrap().display().to_string();

    // Deny: nothing handed out, and the program is told who decided.
    let child = start(&kp, &["token", &id], "30");
    let request = the_request(&session);
    assert_eq!(request.connection_id, id);
    assert_eq!(request.connection_name, "Stripe");
    assert_eq!(request.program, me, "the program that ran keyport asks");
    assert!(request
        .asker
        .contains(&format!("pid {}", std::process::id())));
    assert!(!format!("{request:?}").contains(KEY));
    answer(&session, &request, AskAnswer::Deny);
    let denied = finish(child, "a denied token");
    assert_eq!(denied.code, 1);
    assert_eq!(denied.stdout, "");
    assert!(
        denied
            .stderr
            .contains(&format!("was not handed to {me}: the person chose Deny")),
        "{}",
        denied.stderr
    );
    // The request is gone once answered: a second answer is refused with its code.
    let again = block_on(session.answer_ask(&request.id, AskAnswer::Once)).unwrap_err();
    assert_eq!(again.code(), ErrorCode::HandOffAskGone);

    // Once: this run only; the next run asks again.
    let child = start(&kp, &["token", &id], "30");
    answer(&session, &the_request(&session), AskAnswer::Once);
    handed(&finish(child, "a token allowed once"));
    let child = start(&kp, &["token", &id], "30");
    let request = the_request(&session);

    // Always: this program from now on, with no question.
    answer(&session, &request, AskAnswer::Always);
    handed(&finish(child, "a token allowed always"));
    assert_eq!(
        block_on(session.ask_allowed(&id)).unwrap(),
        vec![me.clone()]
    );
    handed(&kp.run_in(&["token", &id], "", Some(PASSPHRASE)));
    assert!(block_on(session.asks_waiting()).unwrap().is_empty());

    // Turning asking off and on forgets it: asked again.
    set(&kp, &id, "--no-ask");
    set(&kp, &id, "--ask");
    assert!(block_on(session.ask_allowed(&id)).unwrap().is_empty());
    let child = start(&kp, &["token", &id], "30");
    answer(&session, &the_request(&session), AskAnswer::Once);
    handed(&finish(child, "a token asked for again"));

    // Every answer is in the audit log, with the program and never the key.
    let answered = audit_events(&kp, "ask-answered");
    assert_eq!(answered.len(), 4, "{answered:?}");
    assert_eq!(answered[0], format!("denied to {me}"));
    assert_eq!(answered[2], format!("allowed always for {me}"));
    assert!(answered.iter().all(|a| !a.contains(KEY)));
}

#[test]
fn no_answer_is_a_deny_and_a_locked_app_cannot_allow() {
    let (kp, id) = marked();
    let session = Session::new(kp.data_dir().to_path_buf());
    let _lock = session.hold_desktop().unwrap().unwrap();

    // The app is locked: it can deny, not allow.
    let child = start(&kp, &["token", &id], "30");
    let request = the_request(&session);
    let locked = block_on(session.answer_ask(&request.id, AskAnswer::Always)).unwrap_err();
    assert_eq!(locked.code(), ErrorCode::VaultLocked);
    assert!(block_on(session.ask_allowed(&id)).unwrap().is_empty());
    answer(&session, &request, AskAnswer::Deny);
    assert_eq!(finish(child, "a token denied while locked").code, 1);

    // Nobody answers: denied when the wait ends, and the request is taken back.
    let run = finish(start(&kp, &["token", &id], "1"), "an unanswered token");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no answer came within 1 seconds, which counts as Deny"),
        "{}",
        run.stderr
    );
    assert!(block_on(session.asks_waiting()).unwrap().is_empty());
}

#[test]
fn exec_asks_for_the_command_it_runs_and_the_app_quitting_ends_the_wait() {
    let (kp, id) = marked();
    let (session, lock) = desktop(&kp);

    // The program asked about is the command, found on PATH as execvp finds it.
    let child = start(
        &kp,
        &[
            "exec",
            &id,
            "--",
            "sh",
            "-c",
            "test -n \"$STRIPE_SECRET_KEY\" && echo ran",
        ],
        "30",
    );
    let request = the_request(&session);
    let sh = keyport::handoff::find_program("sh".as_ref()).unwrap();
    assert_eq!(request.program, sh.display().to_string());
    assert!(request
        .asker
        .starts_with(&format!("{}, run by ", sh.display())));
    answer(&session, &request, AskAnswer::Once);
    let ran = finish(child, "exec allowed once");
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "ran\n");

    // A command that does not exist gets nothing, and nobody is asked.
    let missing = kp.run_in(
        &["exec", &id, "--", "no-such-command-here"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(missing.code, 127, "{}", missing.stderr);
    assert!(missing.stderr.contains("command not found"));

    // The app quits while a program waits: the program stops waiting at once.
    let child = start(&kp, &["token", &id], "30");
    the_request(&session);
    drop(lock);
    let run = finish(child, "a token whose app quit");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the Keyport app quit before answering"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_program_keyport_cannot_name_is_asked_every_time_and_never_allowed_always() {
    let (kp, id) = marked();
    let (session, _lock) = desktop(&kp);
    // The asker's side in this process: a pid that cannot exist has no executable to name.
    let ask = |id: String, dir: std::path::PathBuf| {
        std::thread::spawn(move || {
            let asking = Session::new(dir);
            block_on(asking.unlock_key(&Passphrase::new(PASSPHRASE.to_owned()))).unwrap();
            block_on(asking.hand_off(
                &id,
                keyport::handoff::Wanted::Token { header: false },
                &keyport::handoff::Asker::of_pid(u32::MAX),
            ))
            .map(|handed| handed.credential.token().unwrap().to_owned())
            .map_err(|e| e.code())
        })
    };

    let first = ask(id.clone(), kp.data_dir().to_path_buf());
    let request = the_request(&session);
    assert_eq!(request.program, "an unknown program");
    assert!(!request.always_offered, "Always is not offered for it");
    let refused = block_on(session.answer_ask(&request.id, AskAnswer::Always)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::HandOffAlwaysUnknown);
    assert!(refused.to_string().contains("allow it once, or deny it"));
    // Refused without a trace: the request still waits, and nothing is allowed always.
    assert_eq!(the_request(&session).id, request.id);
    assert!(block_on(session.ask_allowed(&id)).unwrap().is_empty());
    answer(&session, &request, AskAnswer::Once);
    assert_eq!(first.join().unwrap().as_deref(), Ok(KEY));

    // Allowed once is not remembered for it: the next hand-off asks again.
    let second = ask(id.clone(), kp.data_dir().to_path_buf());
    let again = the_request(&session);
    assert_ne!(again.id, request.id);
    answer(&session, &again, AskAnswer::Deny);
    assert_eq!(second.join().unwrap(), Err(ErrorCode::HandOffDenied));
    let answered = audit_events(&kp, "ask-answered");
    assert!(
        answered
            .iter()
            .any(|d| d == "allowed once for an unknown program")
            && answered.iter().any(|d| d == "denied to an unknown program"),
        "{answered:?}"
    );
}

#[test]
fn a_killed_waiter_s_question_leaves_the_app_at_once() {
    let (kp, id) = marked();
    let (session, _lock) = desktop(&kp);
    let mut child = start(&kp, &["token", &id], "600");
    let request = the_request(&session);
    child.kill().unwrap();
    child.wait().unwrap();
    // Its row stays in the vault (no one removed it), but no longer shows as a question.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !block_on(session.asks_waiting()).unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the killed waiter's request still shows"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let gone = block_on(session.answer_ask(&request.id, AskAnswer::Always)).unwrap_err();
    assert_eq!(gone.code(), ErrorCode::HandOffAskGone);
    assert!(block_on(session.ask_allowed(&id)).unwrap().is_empty());
}
