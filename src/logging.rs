//! The hosts' log: what the agent and the desktop app did, when, and how it went, one line per
//! event in `<data dir>/logs/keyport.log.<UTC date>`, a file a day, the last week kept.
//!
//! Everything goes through `tracing`; a host calls [`init`] once at start and keeps the
//! [`LogGuard`] it returns for its whole life. Secrets never reach a line by construction: the
//! types that hold them (`secrecy`'s wrappers, the vault's secret types) refuse `Display` and
//! print a redaction for `Debug`, and nothing logs their exposed contents. Records of the `log`
//! crate are not bridged in, so a dependency's debug output (a URL with a key in its query)
//! cannot reach the file whatever `KEYPORT_LOG` says.
//!
//! A line reads
//! `2026-12-06T17:07:39.123456Z  INFO agent[4242] keyport::scheduler: refresh ran connection="c1"`:
//! the UTC time to the microsecond, the level, the host and its pid, the event's target, its
//! spans (`span{fields}:` from the outermost), its message and fields. Control and bidirectional
//! characters are escaped (`\u{1b}`, a line break as `\u{a}`), so a connection name cannot forge
//! a line or rewrite a terminal that shows the file.

mod daily;
mod format;
pub mod read;

use crate::files::{self, FileError};
use std::path::{Path, PathBuf};
use time::Date;
use tracing_subscriber::filter::{EnvFilter, LevelFilter};

/// The variable that sets what is logged, in `EnvFilter` syntax (`debug`,
/// `info,keyport::scheduler=trace`); `info` when unset or empty.
pub const FILTER_VAR: &str = "KEYPORT_LOG";
/// Days of logs kept, today's included; older files are removed as a new day starts.
pub const KEEP_DAYS: usize = 7;
/// The start of every log file's name; the UTC date follows after a dot.
const PREFIX: &str = "keyport.log";
/// How the date is written in a file name; the same description tracing-appender rolls daily
/// files with, so the names Keyport computes are the ones it writes.
const DAY_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Where the logs of the data dir `data_dir` are.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// The name of the log file of `day` (UTC).
fn file_name(day: Date) -> String {
    let day = day.format(DAY_FORMAT).unwrap_or_else(|_| day.to_string());
    format!("{PREFIX}.{day}")
}

/// The day a log file's name stands for; `None` for any other name.
fn day_of(name: &str) -> Option<Date> {
    let day = name.strip_prefix(PREFIX)?.strip_prefix('.')?;
    Date::parse(day, DAY_FORMAT).ok()
}

/// Keeps the log writer running; dropping it writes out what is still queued (up to a second).
#[derive(Debug)]
#[must_use = "the log stops being written when the guard is dropped"]
pub struct LogGuard {
    _worker: tracing_appender::non_blocking::WorkerGuard,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoggingError {
    #[error("the log directory: {0}")]
    Dir(#[from] FileError),
    #[error("the log file {path} could not be opened ({detail})")]
    File { path: String, detail: String },
    #[error("{FILTER_VAR}={value} is not a log filter ({detail}); use a level such as `info` or `debug`, or `info,keyport::scheduler=debug`")]
    Filter { value: String, detail: String },
    #[error("this process already logs somewhere; the log is set up once per process")]
    AlreadySet,
}

/// Sends this process's `tracing` events to the data dir's log, as `host` ("agent",
/// "desktop"), at the level `KEYPORT_LOG` asks for. Call once; a second call changes nothing
/// and returns [`LoggingError::AlreadySet`].
pub fn init(data_dir: &Path, host: &str) -> Result<LogGuard, LoggingError> {
    let filter = filter(std::env::var(FILTER_VAR).ok().as_deref().unwrap_or(""))?;
    let dir = dir(data_dir);
    files::private_dir(&dir)?;
    let writer = daily::PrivateDaily::open(&dir)?;
    // Not lossy: the hosts log a few lines a minute, and a log that silently drops lines when a
    // disk stalls is worse than a logging call that waits.
    let (writer, worker) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("keyport-log")
        .finish(writer);
    let subscriber = tracing_subscriber::fmt()
        .event_format(format::Line::new(host))
        .with_writer(writer)
        .with_env_filter(filter)
        .finish();
    // `set_global_default` rather than `try_init`: `try_init` would also bridge the `log` crate
    // in whenever a dependency turns on tracing-subscriber's `tracing-log` feature.
    tracing::subscriber::set_global_default(subscriber).map_err(|_| LoggingError::AlreadySet)?;
    Ok(LogGuard { _worker: worker })
}

/// The filter `value` (of `KEYPORT_LOG`) describes; `info` for an empty one.
fn filter(value: &str) -> Result<EnvFilter, LoggingError> {
    EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .parse(value)
        .map_err(|err| LoggingError::Filter {
            value: value.to_owned(),
            detail: err.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_utc_day() {
        let day = time::macros::date!(2026 - 03 - 07);
        assert_eq!(file_name(day), "keyport.log.2026-03-07");
        assert_eq!(day_of("keyport.log.2026-03-07"), Some(day));
        for other in [
            "keyport.log",
            "keyport.log.",
            "keyport.log.2026-3-7",
            "keyport.log.2026-03-07.gz",
            "other.log.2026-03-07",
            ".keyport.log.2026-03-07",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }

    #[test]
    fn the_filter_defaults_to_info_and_refuses_nonsense() {
        assert_eq!(
            filter("").unwrap().max_level_hint(),
            Some(LevelFilter::INFO)
        );
        assert_eq!(
            filter("keyport::scheduler=debug").unwrap().max_level_hint(),
            Some(LevelFilter::DEBUG)
        );
        let err = filter("keyport=loud").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("KEYPORT_LOG=keyport=loud is not a log filter"),
            "{err}"
        );
    }

    /// `init` end to end in a process of its own (the subscriber is global, and the umask must
    /// be 022 for the modes to prove anything): the child below runs under `sh -c 'umask 022'`.
    #[cfg(unix)]
    #[test]
    fn init_writes_owner_only_escaped_lines_under_umask_022() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"umask 022 && exec "$0" "$@""#)
            .arg(exe)
            .args([
                "logging::tests::init_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env_remove(FILTER_VAR)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        // The child saw the umask take effect: a file made without care came out 0644.
        assert!(stdout.contains("plain file mode 0644"), "{stdout}");
    }

    #[cfg(unix)]
    #[test]
    #[ignore = "run by init_writes_owner_only_escaped_lines_under_umask_022 in a process of its own"]
    fn init_child() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let data = tempfile::tempdir().unwrap();
        let plain = data.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        println!("plain file mode {:04o}", mode(&plain));

        let guard = init(data.path(), "agent").unwrap();
        tracing::info!(target: "keyport::scheduler", connection = "c1", outcome = "refreshed", "refresh ran");
        tracing::debug!("below the default level");
        let span = tracing::info_span!("health", connection = "c2");
        span.in_scope(|| {
            tracing::warn!(
                name = "evil\u{1b}[2J",
                "probe failed: {}",
                "a\u{202e}b\nforged"
            );
        });
        assert!(matches!(
            init(data.path(), "desktop"),
            Err(LoggingError::AlreadySet)
        ));
        drop(guard);

        let logs = dir(data.path());
        assert_eq!(mode(&logs), 0o700);
        let names: Vec<String> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let today = time::OffsetDateTime::now_utc().date();
        assert_eq!(names, [file_name(today)]);
        let file = logs.join(&names[0]);
        assert_eq!(mode(&file), 0o600);

        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let time = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z";
        let pid = std::process::id();
        let first = regex_lite::Regex::new(&format!(
            r#"^{time}  INFO agent\[{pid}\] keyport::scheduler: refresh ran connection="c1" outcome="refreshed"$"#
        ))
        .unwrap();
        assert!(first.is_match(lines[0]), "{}", lines[0]);
        let second = regex_lite::Regex::new(&format!(
            r#"^{time}  WARN agent\[{pid}\] keyport::logging::tests: health\{{connection="c2"\}}: "#
        ))
        .unwrap();
        assert!(second.is_match(lines[1]), "{}", lines[1]);
        // A string field is quoted the Debug way; a message's line break and bidi override are
        // escaped by the line format, so the event stays one line.
        assert!(
            lines[1].ends_with(r#": probe failed: a\u{202e}b\u{a}forged name="evil\u{1b}[2J""#),
            "{}",
            lines[1]
        );
    }
}
