//! Reading the logs back: the last lines across the daily files, then the lines written since,
//! following a new day's file when the writers roll over (what `keyport logs [--follow]` shows).
//!
//! Only complete lines are returned: a line still being written is returned once its line break
//! is there. Every log file is opened without following a link and must be a regular file: a
//! FIFO would block the reader, a device would never end, and a link could point anywhere.

use super::day_of;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use time::Date;

/// How far back from a file's end the first lines are looked for, at most: lines are short,
/// and a file without line breaks must not be read whole into memory.
const MAX_TAIL_BYTES: u64 = 16 * 1024 * 1024;
/// How much is read at a time, backwards from the end.
const CHUNK: u64 = 64 * 1024;
/// A "line" this long without a break is returned in pieces, so following never holds more.
const MAX_LINE: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    #[error("{path} is a symbolic link, not a log file Keyport wrote (logs are never read through links); remove it")]
    Symlink { path: String },
    #[error("{path} is not a regular file (a FIFO, device, socket or directory), not a log file Keyport wrote; remove it")]
    NotRegular { path: String },
    #[error("{path} could not be read ({detail})")]
    Io { path: String, detail: String },
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> ReadError + '_ {
    move |err| ReadError::Io {
        path: path.display().to_string(),
        detail: err.kind().to_string(),
    }
}

/// The log files in `dir`, oldest first; none when `dir` does not exist.
fn log_files(dir: &Path) -> Result<Vec<(Date, PathBuf)>, ReadError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(io_error(dir)(err)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(dir))?;
        if let Some(day) = entry.file_name().to_str().and_then(day_of) {
            files.push((day, entry.path()));
        }
    }
    files.sort();
    Ok(files)
}

/// Opens a log file for reading, refusing links and anything but a regular file.
fn open(path: &Path) -> Result<File, ReadError> {
    let shown = || path.display().to_string();
    let is_link =
        || std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    if is_link() {
        return Err(ReadError::Symlink { path: shown() });
    }
    let mut options = OpenOptions::new();
    options.read(true);
    // Not following a link closes the gap since the check above; not blocking lets a FIFO
    // (which would wait for a writer) be opened and refused by the type check below.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let file = options.open(path).map_err(|err| {
        if is_link() {
            ReadError::Symlink { path: shown() }
        } else {
            io_error(path)(err)
        }
    })?;
    if !file.metadata().map_err(io_error(path))?.is_file() {
        return Err(ReadError::NotRegular { path: shown() });
    }
    Ok(file)
}

/// The last `n` complete lines of `file` (of `len` bytes), oldest first, and the offset just
/// after the last complete line.
fn last_lines(
    file: &mut File,
    path: &Path,
    len: u64,
    n: usize,
) -> Result<(Vec<String>, u64), ReadError> {
    // Chunks read backwards from the end, last first, until they hold n + 1 line breaks (the
    // one before the first line wanted), the file's start, or the bound.
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut start = len;
    let mut breaks = 0;
    while start > 0 && breaks <= n && len - start < MAX_TAIL_BYTES {
        let step = CHUNK.min(start);
        start -= step;
        let mut chunk = vec![0; step as usize];
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.read_exact(&mut chunk))
            .map_err(io_error(path))?;
        breaks += chunk.iter().filter(|&&b| b == b'\n').count();
        chunks.push(chunk);
    }
    let bytes: Vec<u8> = chunks.into_iter().rev().flatten().collect();
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut lines: Vec<&[u8]> = bytes[..complete].split(|&b| b == b'\n').collect();
    // The piece after the last break is empty (it is the incomplete line, kept out); the piece
    // before the first break is the end of a line that started further back, unless the file
    // starts there.
    lines.pop();
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(n);
    let lines = lines[skip..]
        .iter()
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect();
    Ok((lines, start + complete as u64))
}

/// The file being followed and how far it has been read.
struct Current {
    day: Date,
    path: PathBuf,
    file: File,
    offset: u64,
}

/// The logs of one data dir, read from the end and then followed.
pub struct Tail {
    dir: PathBuf,
    current: Option<Current>,
    /// The start of a line whose break has not been written yet.
    pending: Vec<u8>,
}

impl Tail {
    /// The last `n` lines across the log files in `dir`, oldest first, and a tail that goes on
    /// from just after them.
    pub fn last(dir: &Path, n: usize) -> Result<(Tail, Vec<String>), ReadError> {
        let mut tail = Tail {
            dir: dir.to_path_buf(),
            current: None,
            pending: Vec::new(),
        };
        let mut parts: Vec<Vec<String>> = Vec::new();
        let mut wanted = n;
        for (day, path) in log_files(dir)?.into_iter().rev() {
            if tail.current.is_some() && wanted == 0 {
                break;
            }
            let mut file = open(&path)?;
            let len = file.metadata().map_err(io_error(&path))?.len();
            let (lines, end) = last_lines(&mut file, &path, len, wanted)?;
            wanted -= lines.len();
            parts.push(lines);
            if tail.current.is_none() {
                tail.current = Some(Current {
                    day,
                    path,
                    file,
                    offset: end,
                });
            }
        }
        Ok((tail, parts.into_iter().rev().flatten().collect()))
    }

    /// Whether there was any log file to read yet.
    pub fn found(&self) -> bool {
        self.current.is_some()
    }

    /// The lines written since the last call, in order, those of a new day's file after the
    /// rest of the previous day's.
    pub fn new_lines(&mut self) -> Result<Vec<String>, ReadError> {
        let mut lines = Vec::new();
        loop {
            if let Some(current) = &mut self.current {
                read_new(current, &mut self.pending, &mut lines)?;
            }
            let current_day = self.current.as_ref().map(|c| c.day);
            let newer = log_files(&self.dir)?
                .into_iter()
                .find(|(day, _)| current_day.is_none_or(|current| *day > current));
            let Some((day, path)) = newer else {
                return Ok(lines);
            };
            // Nothing more comes to the old file once a newer one exists, so its unfinished
            // line, if any, is as complete as it will get.
            if !self.pending.is_empty() {
                lines.push(take_line(&mut self.pending));
            }
            let file = open(&path)?;
            self.current = Some(Current {
                day,
                path,
                file,
                offset: 0,
            });
        }
    }
}

/// Reads what `current` gained since its offset into `lines`, keeping an unfinished line in
/// `pending`.
fn read_new(
    current: &mut Current,
    pending: &mut Vec<u8>,
    lines: &mut Vec<String>,
) -> Result<(), ReadError> {
    let path = current.path.as_path();
    let len = current.file.metadata().map_err(io_error(path))?.len();
    if len < current.offset {
        // Truncated under us: what is there now is new.
        current.offset = 0;
        pending.clear();
    }
    if len == current.offset {
        return Ok(());
    }
    let mut added = Vec::new();
    current
        .file
        .seek(SeekFrom::Start(current.offset))
        .and_then(|_| {
            (&mut current.file)
                .take(len - current.offset)
                .read_to_end(&mut added)
        })
        .map_err(io_error(path))?;
    current.offset += added.len() as u64;
    for piece in added.split_inclusive(|&b| b == b'\n') {
        pending.extend_from_slice(piece);
        if pending.last() == Some(&b'\n') {
            pending.pop();
            lines.push(take_line(pending));
        } else if pending.len() >= MAX_LINE {
            lines.push(take_line(pending));
        }
    }
    Ok(())
}

fn take_line(pending: &mut Vec<u8>) -> String {
    let line = String::from_utf8_lossy(pending).into_owned();
    pending.clear();
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::file_name;
    use std::io::Write;

    fn day(n: u8) -> Date {
        Date::from_calendar_date(2026, time::Month::March, n).unwrap()
    }

    fn append(dir: &Path, day: Date, text: &str) {
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(dir.join(file_name(day)))
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn the_last_lines_span_files_and_skip_an_unfinished_one() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), day(1), "a\nb\n");
        append(dir.path(), day(2), "c\nd\npartial");
        std::fs::write(dir.path().join("notes.txt"), "not a log\n").unwrap();
        let (_, lines) = Tail::last(dir.path(), 3).unwrap();
        assert_eq!(lines, ["b", "c", "d"]);
        let (_, lines) = Tail::last(dir.path(), 100).unwrap();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        let (tail, lines) = Tail::last(dir.path(), 0).unwrap();
        assert!(lines.is_empty() && tail.found());
    }

    #[test]
    fn lines_longer_than_a_chunk_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(3 * CHUNK as usize + 17);
        append(dir.path(), day(1), &format!("first\n{long}\nlast\n"));
        let (_, lines) = Tail::last(dir.path(), 2).unwrap();
        assert_eq!(lines, [long.as_str(), "last"]);
        let (_, lines) = Tail::last(dir.path(), 3).unwrap();
        assert_eq!(lines, ["first", long.as_str(), "last"]);
    }

    #[test]
    fn following_finishes_lines_and_moves_to_the_next_day() {
        let dir = tempfile::tempdir().unwrap();
        let (mut tail, lines) = Tail::last(dir.path(), 10).unwrap();
        assert!(lines.is_empty() && !tail.found());
        append(dir.path(), day(1), "one\ntw");
        assert_eq!(tail.new_lines().unwrap(), ["one"]);
        assert!(tail.new_lines().unwrap().is_empty());
        append(dir.path(), day(1), "o\n");
        assert_eq!(tail.new_lines().unwrap(), ["two"]);
        append(dir.path(), day(1), "three\n");
        append(dir.path(), day(2), "four\n");
        assert_eq!(tail.new_lines().unwrap(), ["three", "four"]);
        assert!(tail.new_lines().unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "secret\n").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(file_name(day(1)))).unwrap();
        assert!(matches!(
            Tail::last(dir.path(), 10),
            Err(ReadError::Symlink { .. })
        ));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join(file_name(day(1)));
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = Tail::last(dir.path(), 10).err().unwrap();
        assert!(matches!(err, ReadError::NotRegular { .. }), "{err}");
    }
}
