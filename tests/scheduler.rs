//! The background scheduler (issue 13): under a clock the test chooses (no sleeps), and as real
//! `keyport agent` processes against a strict stand-in provider whose tokens last seconds.

use crate::oauth::{connect_github, github, setup};
use crate::support::standin::{rfc6749_refusal, Profile, StandIn};
use crate::support::{block_on, Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::scheduler::alerts::Level;
use keyport::scheduler::lease::{Holder, LEASE_S};
use keyport::scheduler::run::unix_now;
use keyport::scheduler::{Outcome, Ran, CHECK, REFRESH};
use keyport::session::{Session, Turn};
use keyport::vault::Passphrase;
use serde_json::{json, Value};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A vault with one stand-in GitHub OAuth connection (the provider answering as `profile`).
pub(crate) fn github_connection(profile: Profile) -> (StandIn, Keyport, String) {
    let standin = StandIn::start(profile);
    let kp = setup("github", &standin, Some("stand-in-secret"), None);
    let id = connect_github(&kp, &standin);
    (standin, kp, id)
}

pub(crate) fn refreshes(standin: &StandIn) -> usize {
    standin
        .seen
        .lock()
        .unwrap()
        .token_requests
        .iter()
        .filter(|r| r["grant_type"] == "refresh_token")
        .count()
}

async fn unlocked(kp: &Keyport) -> Session {
    let session = Session::new(kp.data_dir().to_path_buf());
    session
        .unlock_key(&Passphrase::new(PASSPHRASE.to_owned()))
        .await
        .unwrap();
    session
}

async fn turn(session: &Session, catalog: &Catalog, holder: &Holder, now: i64) -> Vec<Ran> {
    match session.scheduler_turn(catalog, holder, now).await.unwrap() {
        Turn::Ran(pass) => pass.ran,
        other => panic!("expected a pass, got {other:?}"),
    }
}

fn of(ran: &[Ran], kind: &str) -> Vec<Outcome> {
    ran.iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.outcome.clone())
        .collect()
}

/// The refresh job's due time, in unix seconds.
async fn refresh_due(session: &Session, catalog: &Catalog, id: &str) -> i64 {
    let view = session.jobs(catalog, unix_now()).await.unwrap();
    let job = view
        .jobs
        .iter()
        .find(|j| j.connection_id == id && j.kind == REFRESH)
        .expect("a refresh job");
    unix(job.due_at.as_deref().expect("a due refresh"))
}

pub(crate) fn unix(text: &str) -> i64 {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp()
}

#[test]
fn refreshes_come_due_before_expiry_run_once_and_catch_up_once_after_a_jump() {
    let (standin, kp, id) = github_connection(github());
    block_on(async {
        let catalog = Catalog::load(kp.data_dir());
        let session = unlocked(&kp).await;
        let holder = Holder::new("test");
        let now = unix_now();
        turn(&session, &catalog, &holder, now).await;
        let expires = unix(
            session.connections().await.unwrap()[0]
                .token_expires_at
                .as_deref()
                .unwrap(),
        );
        let due = refresh_due(&session, &catalog, &id).await;
        assert!(
            (expires - 360..=expires - 300).contains(&due),
            "due {due} for expiry {expires}: 5 minutes before, less up to a minute of jitter"
        );

        assert!(of(&turn(&session, &catalog, &holder, due - 1).await, REFRESH).is_empty());
        assert_eq!(refreshes(&standin), 0, "nothing before its time");
        let ran = turn(&session, &catalog, &holder, due).await;
        assert_eq!(of(&ran, REFRESH), vec![Outcome::Refreshed]);
        assert_eq!(refreshes(&standin), 1, "one refresh per expiry");
        let next = refresh_due(&session, &catalog, &id).await;
        assert!(
            next > unix_now() + 8 * 3600 - 400,
            "planned again from the new token's expiry: {next}"
        );

        // A restart: a new host on the same vault waits while the old lease is current, then
        // takes over and catches up from the due times kept in the vault.
        drop(session);
        let session = unlocked(&kp).await;
        let next = Holder::new("test");
        match session.scheduler_turn(&catalog, &next, now).await.unwrap() {
            Turn::Spare(lease) => assert_eq!(lease.holder, holder.id),
            other => panic!("the old lease is current: {other:?}"),
        }
        // The clock jumps two days (a laptop waking): every overdue job runs once, not once per
        // missed interval.
        let later = now + 2 * 86_400;
        assert!(later > due + LEASE_S);
        let ran = turn(&session, &catalog, &next, later).await;
        assert_eq!(of(&ran, REFRESH), vec![Outcome::Refreshed]);
        assert_eq!(of(&ran, CHECK).len(), 1, "{ran:?}");
        assert_eq!(refreshes(&standin), 2);
        assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
    });
}

#[test]
fn transient_failures_back_off_and_a_dead_grant_needs_reconnect_once() {
    let (standin, kp, id) = github_connection(github());
    block_on(async {
        let catalog = Catalog::load(kp.data_dir());
        let session = unlocked(&kp).await;
        let holder = Holder::new("test");
        turn(&session, &catalog, &holder, unix_now()).await;
        assert!(
            session.take_alerts(&catalog).await.unwrap().is_empty(),
            "a healthy start says nothing"
        );
        let due = refresh_due(&session, &catalog, &id).await;

        standin.force(500, json!({"message": "Server Error"}), None);
        let ran = turn(&session, &catalog, &holder, due).await;
        let retry = match of(&ran, REFRESH).as_slice() {
            [Outcome::Retry { retry_at, .. }] => *retry_at,
            other => panic!("{other:?}"),
        };
        assert_eq!(retry, due + 30, "the first back-off");
        assert!(of(&turn(&session, &catalog, &holder, retry - 1).await, REFRESH).is_empty());

        standin.force(429, json!({"message": "slow down"}), Some(120));
        let ran = turn(&session, &catalog, &holder, retry).await;
        let asked = match of(&ran, REFRESH).as_slice() {
            [Outcome::Retry { retry_at, .. }] => *retry_at,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            asked,
            retry + 120,
            "Retry-After wins over the 60 s back-off"
        );
        let view = &session.connections().await.unwrap()[0];
        assert_eq!(view.status, keyport::model::ConnectionStatus::Active);
        assert!(
            session.take_alerts(&catalog).await.unwrap().is_empty(),
            "no alert for a retry"
        );

        let (status, body) = rfc6749_refusal("invalid_grant");
        standin.force(status, body, None);
        let ran = turn(&session, &catalog, &holder, asked).await;
        assert!(
            matches!(
                of(&ran, REFRESH).as_slice(),
                [Outcome::NeedsReconnect { .. }]
            ),
            "{ran:?}"
        );
        let before = refreshes(&standin);
        for later in [asked + 60, asked + 86_400, asked + 30 * 86_400] {
            let ran = turn(&session, &catalog, &holder, later).await;
            assert!(
                of(&ran, REFRESH).is_empty(),
                "no retry of a dead grant: {ran:?}"
            );
            assert!(of(&ran, CHECK).is_empty(), "nor checks of it: {ran:?}");
        }
        assert_eq!(refreshes(&standin), before);
        let alerts = session.take_alerts(&catalog).await.unwrap();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(
            (alerts[0].from, alerts[0].to),
            (Level::Ok, Level::Reconnect)
        );
        assert!(
            session.take_alerts(&catalog).await.unwrap().is_empty(),
            "told once"
        );
    });
}

#[test]
fn one_host_holds_the_scheduler_and_a_spare_takes_over_when_it_lapses() {
    let kp = Keyport::new();
    kp.init_vault();
    block_on(async {
        let catalog = Catalog::load(kp.data_dir());
        let a = unlocked(&kp).await;
        let b = unlocked(&kp).await;
        let (ha, hb) = (Holder::new("agent"), Holder::new("desktop"));
        let now = unix_now();
        assert!(matches!(
            a.scheduler_turn(&catalog, &ha, now).await.unwrap(),
            Turn::Ran(_)
        ));
        match b.scheduler_turn(&catalog, &hb, now + 1).await.unwrap() {
            Turn::Spare(lease) => assert_eq!(
                (lease.host.as_str(), lease.holder),
                ("agent", ha.id.clone())
            ),
            other => panic!("{other:?}"),
        }
        // The holder renews; the spare keeps waiting.
        a.renew_scheduler(&ha, now + LEASE_S - 1).await.unwrap();
        assert!(matches!(
            b.scheduler_turn(&catalog, &hb, now + LEASE_S + 1)
                .await
                .unwrap(),
            Turn::Spare(_)
        ));
        // The holder dies (no more renewals): once its lease lapses, the spare holds it.
        let lapsed = now + 2 * LEASE_S;
        assert!(matches!(
            b.scheduler_turn(&catalog, &hb, lapsed).await.unwrap(),
            Turn::Ran(_)
        ));
        assert!(matches!(
            a.scheduler_turn(&catalog, &ha, lapsed + 1).await.unwrap(),
            Turn::Spare(_)
        ));
        // A host that stops gives it up at once.
        b.release_scheduler(&hb).await.unwrap();
        assert!(matches!(
            a.scheduler_turn(&catalog, &ha, lapsed + 2).await.unwrap(),
            Turn::Ran(_)
        ));
        // Locked, a host does not take the scheduler at all.
        a.lock().await.unwrap();
        assert!(matches!(
            a.scheduler_turn(&catalog, &ha, lapsed + 3).await.unwrap(),
            Turn::Locked
        ));
    });
}

/// GitHub's answer with an access token that lasts 12 seconds.
fn short_lived(_: &str, access: &str, refresh: Option<&str>) -> Value {
    json!({
        "access_token": access,
        "expires_in": 12,
        "refresh_token": refresh,
        "refresh_token_expires_in": 15897600,
        "scope": "",
        "token_type": "bearer"
    })
}

struct Agent(Child);

impl Agent {
    fn start(kp: &Keyport, log: &str) -> Agent {
        let stderr = std::fs::File::create(kp.data_dir().join(log)).unwrap();
        let child = kp
            .command()
            .arg("agent")
            .env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        Agent(child)
    }

    fn stop(mut self) -> bool {
        // SIGTERM: the agent gives its lease up and exits 0.
        let _ = std::process::Command::new("kill")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.0.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn show(kp: &Keyport, id: &str) -> Value {
    serde_json::from_str(&kp.ok(&["connections", "show", id, "--json"])).unwrap()
}

#[test]
fn two_agents_keep_short_lived_tokens_fresh_with_one_refresh_per_expiry() {
    let (standin, kp, id) = github_connection(Profile {
        token_body: short_lived,
        ..github()
    });
    let a = Agent::start(&kp, "agent-a.err");
    let b = Agent::start(&kp, "agent-b.err");

    let started = Instant::now();
    let mut cli_refreshes = false;
    while started.elapsed() < Duration::from_secs(36) {
        let view = show(&kp, &id);
        let expires = unix(view["token_expires_at"].as_str().unwrap());
        assert!(
            expires > unix_now(),
            "the stored token expired at {expires} with nobody refreshing it"
        );
        if !cli_refreshes && started.elapsed() > Duration::from_secs(15) {
            // People and scripts refresh at the same time as the agents.
            let children: Vec<Child> = (0..4)
                .map(|_| {
                    kp.command()
                        .args(["connections", "refresh", &id])
                        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap()
                })
                .collect();
            for mut child in children {
                assert!(child.wait().unwrap().success());
            }
            cli_refreshes = true;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    let by_agents = refreshes(&standin);
    assert!(
        by_agents >= 4,
        "the agents refreshed about every 9 s: {by_agents}"
    );
    assert!(
        by_agents <= 6 + 4,
        "no more than one refresh per expiry across both agents: {by_agents}"
    );
    assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
    assert_eq!(standin.live_refresh_tokens(), 1);
    let jobs: Value = serde_json::from_str(&kp.ok(&["jobs", "status", "--json"])).unwrap();
    let pid = jobs["host"]["pid"].as_u64().unwrap() as u32;
    assert!([a.0.id(), b.0.id()].contains(&pid), "{jobs}");

    // The provider starts refusing the grant: needs reconnect, and no more tries.
    let (status, body) = rfc6749_refusal("invalid_grant");
    standin.force(status, body, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    while show(&kp, &id)["status"] != "expired" {
        assert!(
            Instant::now() < deadline,
            "the dead grant was never noticed"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let after = refreshes(&standin);
    std::thread::sleep(Duration::from_secs(16));
    assert_eq!(refreshes(&standin), after, "a dead grant is not retried");
    assert!(a.stop() && b.stop(), "the agents stop cleanly on SIGTERM");

    // Everything the agents logged, and not one secret in it.
    let mut logged = String::new();
    for entry in std::fs::read_dir(kp.data_dir().join("logs")).unwrap() {
        logged.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(logged.contains("job ran"), "{logged}");
    let secret = regex_lite::Regex::new(r"access-\d|refresh-\d|stand-in-secret").unwrap();
    assert!(!secret.is_match(&logged), "a secret in the log:\n{logged}");
    assert!(!logged.contains(PASSPHRASE));
    let view = show(&kp, &id);
    assert!(view.to_string().contains("expired"));
}

#[test]
fn the_cli_shows_and_sets_what_the_scheduler_will_do() {
    let (_standin, kp, id) = github_connection(github());
    let status = kp.ok(&["jobs", "status"]);
    assert!(
        status.contains("No host runs the scheduler") && status.contains("refresh"),
        "{status}"
    );
    let view = show(&kp, &id);
    let next_refresh = unix(view["next_refresh_at"].as_str().expect("a next refresh"));
    let expires = unix(view["token_expires_at"].as_str().unwrap());
    assert!(
        (expires - 360..=expires - 300).contains(&next_refresh),
        "{view}"
    );
    assert!(view["next_check_at"].is_string(), "{view}");
    assert_eq!(view["needs_reconnect"], false);

    let set = kp.run_in(
        &["connections", "set", &id, "--health-interval", "5"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(set.stdout.contains("every 5 minutes"), "{}", set.stdout);
    assert_eq!(show(&kp, &id)["health_interval_minutes"], 5);
    for bad in ["0", "10081", "soon", "-3"] {
        let run = kp.run_in(
            &["connections", "set", &id, "--health-interval", bad],
            "",
            Some(PASSPHRASE),
        );
        assert_ne!(run.code, 0, "{bad} was taken");
        assert_eq!(
            show(&kp, &id)["health_interval_minutes"],
            5,
            "{bad} changed it"
        );
    }
    let unknown = kp.run_in(
        &["connections", "set", "nope", "--health-interval", "5"],
        "",
        Some(PASSPHRASE),
    );
    assert!(unknown.stderr.contains("nope"), "{}", unknown.stderr);
    kp.run_in(
        &["connections", "set", &id, "--health-interval", "default"],
        "",
        Some(PASSPHRASE),
    );
    assert!(show(&kp, &id)["health_interval_minutes"].is_null());

    // One pass now, by hand: the check is run, and recorded as the job's outcome.
    let ran = kp.run_in(&["jobs", "run-once", "--json"], "", Some(PASSPHRASE));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let jobs: Value = serde_json::from_str(&kp.ok(&["jobs", "status", "--json"])).unwrap();
    assert!(
        jobs["host"].is_null(),
        "run-once gives the lease back: {jobs}"
    );
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 2, "{jobs}");
}

fn due_of(view: &keyport::model::JobsView, id: &str, kind: &str) -> Option<i64> {
    view.jobs
        .iter()
        .find(|j| j.connection_id == id && j.kind == kind)
        .and_then(|j| j.due_at.as_deref())
        .map(unix)
}

#[test]
fn checks_mark_refused_keys_for_reconnect_back_off_offline_and_catch_up_once_back() {
    use crate::health::{connect_offline, connect_unchecked};
    use crate::keys::{key_service, sendgrid, with_connector};
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let key = ["standin_sendgrid", "--api-key-stdin"];
    let good = connect_unchecked(&kp, &key, "SG.good-key");
    let revoked = connect_unchecked(&kp, &key, "SG.wrong-key");
    let offline = connect_offline(&kp);
    block_on(async {
        let catalog = Catalog::load(kp.data_dir());
        let session = unlocked(&kp).await;
        let holder = Holder::new("test");
        let now = unix_now();
        let mut ran = turn(&session, &catalog, &holder, now).await;
        ran.extend(turn(&session, &catalog, &holder, now + 61).await);
        let outcome = |id: &str| {
            ran.iter()
                .find(|r| r.connection_id == id && r.kind == CHECK)
                .map(|r| r.outcome.clone())
        };
        assert_eq!(
            outcome(&good),
            Some(Outcome::Checked(keyport::model::HealthStatus::Healthy))
        );
        assert!(
            matches!(outcome(&revoked), Some(Outcome::NeedsReconnect { .. })),
            "{ran:?}"
        );
        assert_eq!(outcome(&offline), Some(Outcome::Offline));

        let views = session.connections().await.unwrap();
        let view = views.iter().find(|v| v.id == revoked).unwrap();
        assert!(view.needs_reconnect && view.status == keyport::model::ConnectionStatus::Revoked);
        let alerts = session.take_alerts(&catalog).await.unwrap();
        assert_eq!(
            alerts.len(),
            1,
            "only the refused key is news, not the offline one: {alerts:?}"
        );
        assert_eq!(
            (alerts[0].connection_id.as_str(), alerts[0].to),
            (revoked.as_str(), Level::Reconnect)
        );

        // The good key is checked every minute from now on; the offline one backs off until its
        // retry comes after the good key's next check.
        session.set_health_interval(&good, Some(1)).await.unwrap();
        let mut jobs = session.jobs(&catalog, now + 61).await.unwrap();
        assert_eq!(
            due_of(&jobs, &revoked, CHECK),
            None,
            "a refused key is not checked again"
        );
        let offline_job = jobs
            .jobs
            .iter()
            .find(|j| j.connection_id == offline && j.kind == CHECK)
            .unwrap();
        let backoff = due_of(&jobs, &offline, CHECK).unwrap()
            - unix(offline_job.last_run_at.as_deref().unwrap());
        assert_eq!(
            backoff, 30,
            "offline backs off even when other checks of the same pass got through"
        );
        let good_due = due_of(&jobs, &good, CHECK).unwrap();
        let mut tries = 0;
        while due_of(&jobs, &offline, CHECK).unwrap() <= good_due {
            let retry = due_of(&jobs, &offline, CHECK).unwrap();
            let ran = turn(&session, &catalog, &holder, retry).await;
            assert_eq!(
                of(&ran, CHECK),
                vec![Outcome::Offline],
                "only the offline check was due"
            );
            jobs = session.jobs(&catalog, retry).await.unwrap();
            let next = due_of(&jobs, &offline, CHECK).unwrap();
            assert!(
                next - retry >= 30,
                "each retry backs off further: {}",
                next - retry
            );
            tries += 1;
            assert!(tries < 6);
        }
        // A pass whose every probe got through: this machine is back online, so the check that
        // found it offline is due at once instead of at its back-off.
        let ran = turn(&session, &catalog, &holder, good_due).await;
        assert_eq!(of(&ran, CHECK).len(), 1, "{ran:?}");
        let jobs = session.jobs(&catalog, good_due).await.unwrap();
        assert_eq!(due_of(&jobs, &offline, CHECK), Some(good_due));
    });
}
