//! `keyport logs [--follow]` against log files laid out as the hosts write them
//! (`<data dir>/logs/keyport.log.<UTC date>`, one event a line; the writing side is tested in
//! src/logging.rs).

use crate::support::Keyport;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A data dir owner-only already, so that no run has anything to tighten and say.
fn private(kp: &Keyport) -> &Path {
    let data = kp.data_dir();
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).unwrap();
    data
}

fn logs_dir(kp: &Keyport) -> PathBuf {
    let dir = private(kp).join("logs");
    std::fs::DirBuilder::new()
        .mode(0o700)
        .recursive(true)
        .create(&dir)
        .unwrap();
    dir
}

/// A line as the hosts write it.
fn line(n: usize) -> String {
    format!(
        "2026-03-01T10:00:{:02}.000000Z  INFO agent[4242] keyport::scheduler: refresh ran connection=\"c{n}\"",
        n % 60
    )
}

fn append(dir: &Path, day: &str, lines: &[String]) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(dir.join(format!("keyport.log.{day}")))
        .unwrap();
    for l in lines {
        writeln!(file, "{l}").unwrap();
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn no_logs_yet_is_said_plainly() {
    let kp = Keyport::new();
    private(&kp);
    let run = kp.run(&["logs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "keyport: no logs yet in {}: they are written by `keyport agent` and the desktop app\n",
            kp.data_dir().join("logs").display()
        )
    );
    // A logs dir with other files only is no different.
    std::fs::write(logs_dir(&kp).join("notes.txt"), "not a log\n").unwrap();
    let run = kp.run(&["logs"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(run.stderr.contains("no logs yet in"), "{}", run.stderr);
}

#[test]
fn the_last_lines_come_from_the_rolled_files_oldest_first() {
    let kp = Keyport::new();
    let dir = logs_dir(&kp);
    let lines: Vec<String> = (1..=300).map(line).collect();
    // Written out of order: the files' dates order them, not their creation.
    append(&dir, "2026-03-02", &lines[250..]);
    append(&dir, "2026-03-01", &lines[..250]);
    std::fs::write(dir.join("keyport.log.2026-03-02.bak"), "not a log\n").unwrap();

    let out = kp.ok(&["logs", "--lines", "4"]);
    assert_eq!(out, format!("{}\n", lines[296..].join("\n")));
    let out = kp.ok(&["logs", "-n", "52"]);
    assert_eq!(out, format!("{}\n", lines[248..].join("\n")));
    // 200 by default.
    let out = kp.ok(&["logs"]);
    assert_eq!(out, format!("{}\n", lines[100..].join("\n")));
    assert_eq!(kp.ok(&["logs", "--lines", "0"]), "");
}

#[test]
fn control_characters_in_a_line_are_printed_escaped() {
    let kp = Keyport::new();
    let hostile = format!(
        "{} name=\u{1b}]0;owned\u{7}\u{1b}[2J\r\u{202e}gnp.exe",
        line(1)
    );
    append(&logs_dir(&kp), "2026-03-01", &[hostile, line(2)]);
    let out = kp.ok(&["logs"]);
    assert_eq!(
        out,
        format!(
            "{} name=\\u{{1b}}]0;owned\\u{{7}}\\u{{1b}}[2J\\u{{d}}\\u{{202e}}gnp.exe\n{}\n",
            line(1),
            line(2)
        )
    );
}

#[test]
fn links_and_fifos_among_the_logs_are_refused() {
    let kp = Keyport::new();
    let dir = logs_dir(&kp);
    let elsewhere = kp.write("elsewhere", "someone else's file\n");
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("keyport.log.2026-03-01");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let err = kp.fails(&["logs"]);
    assert_eq!(
        err,
        format!(
            "keyport: {} is a symbolic link, not a log file Keyport wrote (logs are never read through links); remove it\n",
            link.display()
        )
    );
    std::fs::remove_file(&link).unwrap();

    let fifo = dir.join("keyport.log.2026-03-02");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Refused at once, never waiting for a writer.
    let err = kp.fails(&["logs"]);
    assert_eq!(
        err,
        format!(
            "keyport: {} is not a regular file (a FIFO, device, socket or directory), not a log file Keyport wrote; remove it\n",
            fifo.display()
        )
    );
}

#[test]
fn logs_open_to_others_are_made_owner_only() {
    let kp = Keyport::new();
    let dir = logs_dir(&kp);
    append(&dir, "2026-03-01", &[line(1)]);
    let file = dir.join("keyport.log.2026-03-01");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = kp.run(&["logs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{}\n", line(1)));
    assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));
    assert!(
        run.stderr.contains(&format!(
            "keyport: note: {} was open to other users (mode 0644); it is now owner-only",
            file.display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    let kp = Keyport::new();
    // Far more than a pipe holds, so the writer is still writing when the reader goes.
    let long: Vec<String> = (0..5000)
        .map(|n| format!("{} {}", line(n), "x".repeat(200)))
        .collect();
    append(&logs_dir(&kp), "2026-03-01", &long);
    let mut child = kp
        .command()
        .args(["logs", "--lines", "5000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A running `keyport logs --follow`, its stdout read line by line on a thread of its own.
struct Following {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Following {
    fn start(kp: &Keyport, args: &[&str]) -> Following {
        let mut child = kp
            .command()
            .args(["logs", "--follow"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(l).is_err() {
                    return;
                }
            }
        });
        Following { child, lines }
    }

    fn next(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a line within 10 s")
    }

    fn nothing_more(&self) {
        assert_eq!(
            self.lines.recv_timeout(Duration::from_millis(600)).ok(),
            None
        );
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn following_prints_new_lines_and_the_next_days_file() {
    let kp = Keyport::new();
    let dir = logs_dir(&kp);
    append(&dir, "2026-03-01", &[line(1), line(2)]);
    let follow = Following::start(&kp, &["--lines", "1"]);
    assert_eq!(follow.next(), line(2));
    follow.nothing_more();

    append(&dir, "2026-03-01", &[line(3)]);
    assert_eq!(follow.next(), line(3));
    // The roll-over: a new day's file, while the old one still gets a late line first.
    append(&dir, "2026-03-01", &[line(4)]);
    append(
        &dir,
        "2026-03-02",
        &[line(5), format!("{} \u{1b}[31mred", line(6))],
    );
    assert_eq!(follow.next(), line(4));
    assert_eq!(follow.next(), line(5));
    assert_eq!(follow.next(), format!("{} \\u{{1b}}[31mred", line(6)));
    append(&dir, "2026-03-02", &[line(7)]);
    assert_eq!(follow.next(), line(7));
    follow.nothing_more();
}

#[test]
fn following_waits_for_the_first_log_and_ends_on_a_closed_pipe() {
    let kp = Keyport::new();
    private(&kp);
    let mut child = kp
        .command()
        .args(["logs", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    std::thread::sleep(Duration::from_millis(300));
    append(&logs_dir(&kp), "2026-03-01", &[line(1)]);
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, format!("{}\n", line(1)));

    drop(stdout);
    append(&logs_dir(&kp), "2026-03-01", &[line(2)]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still following after its reader went away"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.starts_with("keyport: no logs yet in "), "{stderr}");
}
