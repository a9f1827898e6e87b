//! One event, one line: time, level, host and pid, target, spans, message and fields, with
//! every control and bidirectional character escaped (see the module above for the layout).

use crate::catalog::text::escape;
use std::fmt::{self, Write as _};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields};
use tracing_subscriber::fmt::{FmtContext, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

const TIME_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// The line format of a host: its name and pid are fixed for the process, so they are written
/// once here rather than per event.
pub(super) struct Line {
    host_and_pid: String,
}

impl Line {
    pub(super) fn new(host: &str) -> Line {
        Line {
            host_and_pid: format!("{}[{}]", escape(host, &[]), std::process::id()),
        }
    }
}

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: format::Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        // A clock the `time` crate cannot format (before year 0) still gets its line.
        let now = time::OffsetDateTime::now_utc()
            .format(TIME_FORMAT)
            .unwrap_or_default();
        // Spans and fields are gathered first: they carry text from outside (names, providers'
        // words) that is escaped as a whole before it reaches the file.
        let mut rest = String::new();
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                rest.push_str(span.name());
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>() {
                    if !fields.is_empty() {
                        write!(rest, "{{{fields}}}")?;
                    }
                }
                rest.push_str(": ");
            }
        }
        ctx.format_fields(format::Writer::new(&mut rest), event)?;
        writeln!(
            writer,
            "{now} {:>5} {} {}: {}",
            meta.level().as_str(),
            self.host_and_pid,
            escape(meta.target(), &[]),
            escape(&rest, &[])
        )
    }
}
