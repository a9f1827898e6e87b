//! `keyport logs [--follow] [--lines N]`: the hosts' log (crate::logging), the last lines first,
//! then with `--follow` the lines as they are written, across the daily roll-over, until
//! Ctrl+C, SIGTERM or a closed pipe. Every line is printed with control characters escaped: a
//! line can carry a connection's name or a provider's words.

use super::output::{print, stderr_lines};
use super::Failure;
use crate::logging::{self, read::Tail};
use std::path::Path;
use std::time::Duration;

/// How often `--follow` looks for new lines: a few stat calls a second, no busy loop, and a
/// line shows up within a quarter second of being written.
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Keep printing lines as they are written (Ctrl+C ends)
    #[arg(long, short = 'f')]
    follow: bool,
    /// How many of the last lines to print first
    #[arg(long, short = 'n', value_name = "N", default_value_t = 200)]
    lines: usize,
}

pub fn logs(args: LogsArgs, data_dir: &Path) -> Result<(), Failure> {
    let dir = logging::dir(data_dir);
    let (mut tail, lines) = Tail::last(&dir, args.lines)?;
    if !tail.found() {
        stderr_lines(
            "",
            &format!(
                "no logs yet in {}: they are written by `keyport agent` and the desktop app",
                dir.display()
            ),
        );
    }
    print_lines(&lines)?;
    if !args.follow {
        return Ok(());
    }
    // The default actions of SIGINT and SIGTERM end the process, which is all following needs:
    // nothing is held that must be let go of. A closed pipe ends it on the next line printed.
    loop {
        std::thread::sleep(POLL);
        print_lines(&tail.new_lines()?)?;
    }
}

fn print_lines(lines: &[String]) -> Result<(), Failure> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    print(&text)
}
