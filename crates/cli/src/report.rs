//! What every report command shares: tables, JSON output, verdicts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;
use trellis_model::{Document, SaveOptions};

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

/// `--force` is global: the writers sit deep inside each command, and
/// threading one flag through all of them would touch every signature.
static FORCE: AtomicBool = AtomicBool::new(false);

/// Records `--force` for every output the command writes.
pub fn set_force(force: bool) {
    FORCE.store(force, Ordering::Relaxed);
}

/// How every output is saved: read-only files are replaced only with `--force`.
pub fn save_options() -> SaveOptions {
    SaveOptions { force: FORCE.load(Ordering::Relaxed) }
}

/// The names of standard output as a path.
const STDOUT_PATHS: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

/// Sends what the command says to standard error from the start when any
/// argument names standard output as a path (`-o /dev/stdout`, `--json
/// /dev/stdout`, `--trace=/dev/fd/1`): a table said before the output is
/// written would otherwise land in the same stream.
pub fn watch_for_stdout_outputs(args: impl IntoIterator<Item = std::ffi::OsString>) {
    let named = |arg: &std::ffi::OsString| {
        let text = arg.to_string_lossy();
        let value = text.split_once('=').map_or(&*text, |(_, v)| v);
        STDOUT_PATHS.contains(&value)
    };
    if args.into_iter().any(|a| named(&a)) {
        STDOUT_TAKEN.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `/dev/stdout` and its aliases name this process's own standard output
/// (or error), which may be a file the shell opened (`> log`, `>> log`):
/// writing through the open stream keeps the shell's offset and append
/// mode and the order of lines, where following the link and replacing the
/// file would lose what was already written to it.
fn own_stream(path: &Path) -> Option<Box<dyn Write>> {
    let name = path.to_str()?;
    match name {
        _ if STDOUT_PATHS.contains(&name) => {
            STDOUT_TAKEN.store(true, std::sync::atomic::Ordering::Relaxed);
            Some(Box::new(std::io::stdout().lock()))
        }
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => Some(Box::new(std::io::stderr().lock())),
        _ => None,
    }
}

/// An output goes to standard output (`-o /dev/stdout`): what the command
/// says goes to standard error, where it cannot corrupt the stream (a PNG
/// with the report after its end).
static STDOUT_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes an output file (a design, a report, an image, a trace) by the
/// rules of [`trellis_model::write_file`], with `--force` applied.
pub fn write_output(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    if let Some(mut stream) = own_stream(path) {
        write(&mut stream)
            .and_then(|()| stream.flush())
            .with_context(|| format!("cannot write to {}", path.display()))?;
        return Ok(());
    }
    trellis_model::write_file(path, save_options(), write)?;
    Ok(())
}

/// An output of a command, as [`refuse_clashing_files`] checks it.
#[derive(Clone, Copy, Debug)]
pub struct Output<'a> {
    /// The argument naming it (`--json`).
    pub flag: &'static str,
    pub path: &'a Path,
    /// A file written as every output is ([`write_output`]): what is there
    /// and the folder it goes in are checked up front, and it may not be
    /// an input. `false` for an export's `-o`, which may be a folder, whose
    /// folders are made, and whose writer refuses to replace the design or
    /// any file it did not write: compared with the other outputs only.
    pub file: bool,
}

/// Whether `path` names a stream rather than a file (`-`, `/dev/stdout`).
fn is_stream(path: &Path) -> bool {
    path.as_os_str() == "-"
        || path
            .to_str()
            .is_some_and(|p| STDOUT_PATHS.contains(&p) || matches!(p, "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2"))
}

/// The file `path` names, as the system knows it (device and inode,
/// through links), where it is a regular file.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| (meta.dev(), meta.ino()))
}

/// Whether `a` and `b` are one regular file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    identity(a).is_some_and(|id| identity(b) == Some(id))
}

/// Refuses, before a command does anything, an output it could not write
/// (what [`trellis_model::check_output_path`] refuses, as the save would:
/// a benchmark's report into a missing folder was refused after its run),
/// an output that is one of its inputs, and two outputs that are one file:
/// the output would replace what the command reads (a design, a journal it
/// recovers from), or the second output the first. Files are compared as
/// the system knows them (device and inode, through links); outputs not
/// yet made by where they would be. Streams (`-`, `/dev/stdout`) and
/// special files (`/dev/null`, a FIFO) are not files to lose.
pub fn refuse_clashing_files(inputs: &[(&str, &Path)], outputs: &[Output<'_>]) -> anyhow::Result<()> {
    // Where an output not made yet would be: its folder as the system
    // resolves it, and its name.
    let place = |path: &Path| -> Option<PathBuf> {
        let folder = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(folder).ok()?.join(path.file_name()?))
    };
    for (k, out) in outputs.iter().enumerate() {
        let (flag, path) = (out.flag, out.path);
        if is_stream(path) {
            continue;
        }
        if out.file {
            trellis_model::check_output_path(path, save_options()).with_context(|| flag.to_owned())?;
        }
        let out_id = identity(path);
        if out.file
            && let Some(id) = out_id
            && let Some((what, input)) = inputs.iter().find(|(_, i)| identity(i) == Some(id))
        {
            bail!(
                "{flag} {}: that is {what} this command reads ({}); writing it would replace it. Choose another output file",
                path.display(),
                input.display()
            );
        }
        for other in &outputs[..k] {
            if is_stream(other.path) {
                continue;
            }
            let same = match (out_id, identity(other.path)) {
                (Some(a), Some(b)) => a == b,
                _ => std::fs::metadata(path).is_err() && place(path).is_some_and(|p| place(other.path) == Some(p)),
            };
            if same {
                bail!(
                    "{} {} and {flag} {} are the same file: one output would overwrite the other. \
                     Give each its own file",
                    other.flag,
                    other.path.display(),
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// Serializes a path as text, bytes that are not UTF-8 replaced by `�`: a
/// report names its files whatever their names (serde refuses such a
/// path, and the whole report was lost).
pub fn path_text<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// [`path_text`] of a path that may be absent.
pub fn optional_path_text<S: serde::Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => s.serialize_some(&*p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

/// Saves a design to `path` by the rules of [`write_output`].
pub fn save_design(doc: &mut Document, path: &Path) -> anyhow::Result<()> {
    if own_stream(path).is_some() {
        return write_output(path, |out| doc.write_json(out));
    }
    doc.save_with(path, save_options())?;
    Ok(())
}

/// Writes `value` as pretty JSON to `path`, or to standard output for `-`.
pub fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("encoding the JSON report")?;
    text.push('\n');
    if path.as_os_str() == "-" {
        std::io::stdout().write_all(text.as_bytes()).context("writing the JSON report to standard output")?;
        return Ok(());
    }
    write_output(path, |out| out.write_all(text.as_bytes())).context("writing the JSON report")
}

/// Prints the table unless the JSON goes to standard output.
pub fn print_table(table: &Table, json: Option<&Path>) {
    if json.is_none_or(|p| p.as_os_str() != "-") {
        say_line(format_args!("{table}"));
    }
}

/// Prints one line to standard output (to standard error once an output
/// went to standard output). A reader that went away (`| head`)
/// ends the program quietly instead of with a panic.
pub fn say_line(line: std::fmt::Arguments<'_>) {
    let written = if STDOUT_TAKEN.load(std::sync::atomic::Ordering::Relaxed) {
        writeln!(std::io::stderr().lock(), "{line}")
    } else {
        writeln!(std::io::stdout().lock(), "{line}")
    };
    if let Err(e) = written {
        std::process::exit(if e.kind() == std::io::ErrorKind::BrokenPipe { 0 } else { 2 });
    }
}

/// `println!` for report output: see [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => { $crate::report::say_line(format_args!($($arg)*)) };
}
pub(crate) use say;

/// An error and its causes on one line, as `{:#}` joins them, but with a
/// cause left out when the message before it already ends with its text:
/// library errors name their cause in their own message too, so the
/// plain chain would say "No such file" twice.
pub fn error_chain(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let said = cause.to_string();
        if text.is_empty() {
            text = said;
        } else if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
    }
    text
}

/// `text` with its control characters escaped as Rust writes them
/// (`\u{1b}`), so that a name or value quoted from a hostile file cannot
/// move the cursor, clear the terminal or colour what follows; line breaks
/// kept where `lines` (an error listing a design's problems, one a line).
pub fn printable(text: &str, lines: bool) -> String {
    text.chars()
        .map(|c| if c.is_control() && !(lines && c == '\n') { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

/// The most characters a line of an error or a problem keeps: room for a
/// path of 4,096 bytes and what is said of it.
pub const MAX_LINE_CHARS: usize = 8192;

/// `text` with every line past [`MAX_LINE_CHARS`] characters cut there and
/// ended with "… (N bytes)": a message quoting a hostile file (a widget
/// named with ten megabytes) said all of it, twice, on standard error and
/// in the JSON report.
pub fn bounded_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(64 * 1024));
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        match line.char_indices().nth(MAX_LINE_CHARS) {
            Some((cut, _)) => {
                out.push_str(&line[..cut]);
                out.push_str(&format!("… ({} bytes)", line.len()));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// A line on standard error that never fails the run: whoever started us
/// may have stopped listening (`eprintln!` would panic on a closed pipe).
pub fn note(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;

    /// Regression test: an error quoting a widget named with ten megabytes
    /// said all of it (twice) on standard error and in the JSON report.
    #[test]
    fn a_line_of_an_error_is_cut_and_says_how_long_it_was() {
        let name = "N".repeat(3_000_000);
        let message = format!("duplicate name '{name}'\nsecond line\n'{name}' again");
        let cut = super::bounded_lines(&message);
        let lines: Vec<&str> = cut.lines().collect();
        assert_eq!(lines.len(), 3, "{}", &cut[..200]);
        assert!(lines[0].starts_with("duplicate name 'NNN"));
        assert!(lines[0].ends_with(&format!("… ({} bytes)", name.len() + 17)), "{}", lines[0]);
        assert_eq!(lines[1], "second line");
        assert!(cut.len() < 2 * (super::MAX_LINE_CHARS + 40) + 20, "{} bytes", cut.len());
        // Short lines, and characters of several bytes, are kept whole.
        assert_eq!(super::bounded_lines("é\nok"), "é\nok");
        let long = "é".repeat(super::MAX_LINE_CHARS + 10);
        assert_eq!(
            super::bounded_lines(&long),
            format!("{}… ({} bytes)", "é".repeat(super::MAX_LINE_CHARS), long.len())
        );
    }

    #[test]
    fn a_cause_the_message_already_names_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        #[derive(Debug, thiserror::Error)]
        #[error("cannot read x: {source}")]
        struct Read {
            source: std::io::Error,
        }
        let e = anyhow::Error::new(Read { source: io }).context("loading the design");
        assert_eq!(super::error_chain(&e), "loading the design: cannot read x: No such file");
        let plain: anyhow::Result<()> = Err(anyhow::anyhow!("inner")).context("outer");
        assert_eq!(super::error_chain(&plain.unwrap_err()), "outer: inner");
    }
}
