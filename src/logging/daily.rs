//! The daily log files, owner-only from their first byte.
//!
//! tracing-appender rolls to a new file each UTC day and removes the oldest, but it creates each
//! file with the process's umask (0644 under the usual 022), and it cannot be told otherwise.
//! It opens a file that already exists as it is, though (appending, never re-creating), so this
//! writer creates each day's file 0600 just before the appender opens it: at start, and on the
//! first write of a new day, the write on which the appender rolls. Chmod-ing the appender's file
//! afterwards instead would leave it readable by others between its creation and the chmod, and
//! would miss the roll-over inside the appender. Two things back this up: the logs dir is 0700
//! (nobody else can reach a file in it whatever its mode), and the file is tightened after its
//! creation too, which catches the one race left, the appender's clock passing midnight a moment
//! before this writer's.

use super::{file_name, LoggingError, KEEP_DAYS, PREFIX};
use crate::files;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use time::Date;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

pub(super) struct PrivateDaily {
    appender: RollingFileAppender,
    dir: PathBuf,
    /// The day whose file was last made owner-only.
    day: Date,
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

impl PrivateDaily {
    pub(super) fn open(dir: &Path) -> Result<PrivateDaily, LoggingError> {
        let day = today();
        let path = dir.join(file_name(day));
        let failed = |detail: String| LoggingError::File {
            path: path.display().to_string(),
            detail,
        };
        prepare(&path).map_err(|err| failed(err.kind().to_string()))?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(PREFIX)
            // The appender counts the day's file among the kept ones before it opens it when the
            // file exists already, as it always does here, and then keeps one fewer than asked.
            .max_log_files(KEEP_DAYS + 1)
            .build(dir)
            .map_err(|err| failed(err.to_string()))?;
        Ok(PrivateDaily {
            appender,
            dir: dir.to_path_buf(),
            day,
        })
    }
}

impl Write for PrivateDaily {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let day = today();
        if day != self.day {
            // Failing here keeps the line out of a file the appender would create with the
            // umask's mode; the next line tries again.
            prepare(&self.dir.join(file_name(day)))?;
            self.day = day;
        }
        self.appender.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.appender.flush()
    }
}

/// Creates the log file at `path` owner-only unless it exists, and tightens it if it does.
fn prepare(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, files::FILE_MODE);
    options.open(path)?;
    files::tighten_file(path).map_err(io::Error::other)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_days_file_is_owner_only_before_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = PrivateDaily::open(dir.path()).unwrap();
        let path = dir.path().join(file_name(today()));
        assert_eq!(mode(&path), 0o600);
        // As if the day had just turned and the appender had made the file with the umask.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        writer.day = today().previous_day().unwrap();
        writer.write_all(b"first line\n").unwrap();
        writer.flush().unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(writer.day, today());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first line\n");
    }

    #[test]
    fn a_week_of_files_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut day = today();
        let mut old = Vec::new();
        for _ in 0..10 {
            day = day.previous_day().unwrap();
            old.push(file_name(day));
        }
        // Oldest first, so their creation times are in the order of their days.
        for name in old.iter().rev() {
            std::fs::write(dir.path().join(name), "old\n").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let _writer = PrivateDaily::open(dir.path()).unwrap();
        let mut kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        kept.sort();
        let mut expected: Vec<String> = old[..KEEP_DAYS - 1].to_vec();
        expected.push(file_name(today()));
        expected.sort();
        assert_eq!(kept, expected);
    }
}
