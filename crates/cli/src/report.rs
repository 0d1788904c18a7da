//! What every report command shares: tables, JSON output, verdicts.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

/// The outcome of a command that ran: the exit code CI gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
}

/// A table with the project's look, with a header row.
pub fn table(header: &[&str]) -> Table {
    let mut t = bare_table();
    t.set_header(header.iter().copied());
    t
}

/// A two-column table of names and values, without a header row.
pub fn key_values(rows: impl IntoIterator<Item = (String, String)>) -> Table {
    let mut t = bare_table();
    for (k, v) in rows {
        t.add_row(vec![k, v]);
    }
    t
}

fn bare_table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if !t.is_tty() {
        // Logs and CI have no terminal width; keep lines readable there too.
        t.set_width(110);
    }
    t
}

/// Writes `value` as pretty JSON to `path`, or to standard output for `-`.
pub fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("encoding the JSON report")?;
    text.push('\n');
    if path.as_os_str() == "-" {
        std::io::stdout().write_all(text.as_bytes()).context("writing the JSON report to standard output")?;
        return Ok(());
    }
    trellis_model::write_atomically(path, |out| out.write_all(text.as_bytes()))
        .with_context(|| format!("writing the JSON report to {}", path.display()))
}

/// Prints the table unless the JSON goes to standard output.
pub fn print_table(table: &Table, json: Option<&Path>) {
    if json.is_none_or(|p| p.as_os_str() != "-") {
        say_line(format_args!("{table}"));
    }
}

/// Prints one line to standard output. A reader that went away (`| head`)
/// ends the program quietly instead of with a panic.
pub fn say_line(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        std::process::exit(if e.kind() == std::io::ErrorKind::BrokenPipe { 0 } else { 2 });
    }
}

/// `println!` for report output: see [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => { $crate::report::say_line(format_args!($($arg)*)) };
}
pub(crate) use say;

/// A line on standard error that never fails the run: whoever started us
/// may have stopped listening (`eprintln!` would panic on a closed pipe).
pub fn note(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
