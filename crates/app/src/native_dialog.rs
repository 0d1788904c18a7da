//! The desktop's own file dialog, where the desktop offers one: `kdialog`
//! on KDE, `zenity` elsewhere (GNOME and most GTK desktops, and KDE
//! without kdialog). It runs as a child process on a thread of its own,
//! so the window goes on drawing while it is open; its answer wakes the
//! window. Without a desktop session (no `XDG_CURRENT_DESKTOP`, as under
//! Xvfb) or without either program, the editor uses its in-app dialog.
//! `TRELLIS_FILE_DIALOG=builtin` always uses the in-app dialog, `native`
//! uses a program found on `PATH` even without a desktop session.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use crate::file_watch::Waker;
use crate::ui::FileDialogMode;

/// The most a dialog program may print: one path (Linux's longest is
/// 4 KiB); more is not a path, and is not read.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// Which program asks, and how its command line is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogProgram {
    /// GNOME's `zenity` (or a program that takes its arguments).
    Zenity,
    /// KDE's `kdialog`.
    Kdialog,
}

/// A dialog program found on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeDialogTool {
    /// How to call it.
    pub program: DialogProgram,
    /// Where it is.
    pub path: PathBuf,
}

impl NativeDialogTool {
    /// The desktop's dialog program, as the environment says (see the
    /// module's notes), or `None` for the in-app dialog.
    pub fn from_env() -> Option<NativeDialogTool> {
        let choice = std::env::var("TRELLIS_FILE_DIALOG").unwrap_or_default();
        if choice == "builtin" {
            return None;
        }
        let desktop = std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default();
        if choice != "native" && desktop.is_empty() {
            return None;
        }
        let kde = desktop.to_ascii_uppercase().contains("KDE");
        let order = if kde {
            [("kdialog", DialogProgram::Kdialog), ("zenity", DialogProgram::Zenity)]
        } else {
            [("zenity", DialogProgram::Zenity), ("kdialog", DialogProgram::Kdialog)]
        };
        order.into_iter().find_map(|(name, program)| on_path(name).map(|path| NativeDialogTool { program, path }))
    }

    /// The arguments that ask to open or save a design, starting in `dir`.
    fn arguments(&self, mode: FileDialogMode, dir: &Path) -> Vec<String> {
        let dir = dir.display().to_string();
        match (self.program, mode) {
            (DialogProgram::Zenity, FileDialogMode::Open) => vec![
                "--file-selection".into(),
                "--title=Open a design".into(),
                format!("--filename={dir}/"),
                "--file-filter=Trellis designs | *.trellis.json".into(),
                "--file-filter=All files | *".into(),
            ],
            (DialogProgram::Zenity, FileDialogMode::Save) => vec![
                "--file-selection".into(),
                "--save".into(),
                "--confirm-overwrite".into(),
                "--title=Save the design".into(),
                format!("--filename={dir}/design.trellis.json"),
                "--file-filter=Trellis designs | *.trellis.json".into(),
            ],
            (DialogProgram::Kdialog, FileDialogMode::Open) => vec![
                "--title".into(),
                "Open a design".into(),
                "--getopenfilename".into(),
                dir,
                "*.trellis.json|Trellis designs".into(),
            ],
            // For an export, `dir` is the proposed path itself.
            (DialogProgram::Zenity, FileDialogMode::Export(target)) => vec![
                "--file-selection".into(),
                "--save".into(),
                "--confirm-overwrite".into(),
                format!("--title=Export as {}", target.label()),
                format!("--filename={dir}"),
            ],
            (DialogProgram::Kdialog, FileDialogMode::Export(target)) => {
                vec!["--title".into(), format!("Export as {}", target.label()), "--getsavefilename".into(), dir]
            }
            (DialogProgram::Kdialog, FileDialogMode::Save) => vec![
                "--title".into(),
                "Save the design".into(),
                "--getsavefilename".into(),
                format!("{dir}/design.trellis.json"),
                "*.trellis.json|Trellis designs".into(),
            ],
        }
    }

    /// Opens the dialog; its answer comes through [`NativeDialog::answer`],
    /// and `wake` is called when it does.
    pub(crate) fn ask(&self, mode: FileDialogMode, dir: &Path, wake: Option<Waker>) -> NativeDialog {
        let (tx, answers) = channel();
        let (path, args) = (self.path.clone(), self.arguments(mode, dir));
        let process = Arc::new(Mutex::new(Process::default()));
        let shared = process.clone();
        let spawned = std::thread::Builder::new().name("file dialog".into()).spawn(move || {
            let answer = run(&path, &args, &shared);
            if shared.lock().unwrap_or_else(PoisonError::into_inner).closed {
                return;
            }
            let _ = tx.send(answer);
            if let Some(wake) = wake {
                wake();
            }
        });
        let early = spawned.err().map(|e| Answer::Failed(format!("could not start a thread for the dialog: {e}")));
        NativeDialog { mode, answers, early, process }
    }
}

/// The dialog's process, shared by the thread that waits for it and the
/// window that may close it first.
#[derive(Debug, Default)]
struct Process {
    child: Option<std::process::Child>,
    /// The window no longer wants an answer (it quit, or the dialog was
    /// dropped): the program is not started, or is killed.
    closed: bool,
}

/// How often the dialog's thread looks whether the program ended, once it
/// closed its output.
const EXIT_POLL: std::time::Duration = std::time::Duration::from_millis(5);

/// Runs the dialog program and reads its answer (bounded).
fn run(program: &Path, args: &[String], process: &Mutex<Process>) -> Answer {
    let lock = || process.lock().unwrap_or_else(PoisonError::into_inner);
    let (stdout, stderr) = {
        let mut p = lock();
        if p.closed {
            return Answer::Cancelled;
        }
        let child =
            Command::new(program).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => return Answer::Failed(format!("{} could not start: {e}", program.display())),
        };
        let pipes = (child.stdout.take(), child.stderr.take());
        p.child = Some(child);
        pipes
    };
    // Standard error is drained on its own thread (GTK can write a lot of
    // warnings there; a full pipe would block the program before it
    // answers), keeping its first bytes for a failure's message.
    let errors = stderr.map(|mut stderr| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let _ = (&mut stderr).take(MAX_ANSWER_BYTES).read_to_end(&mut kept);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            kept
        })
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = stdout {
        let _ = (&mut stdout).take(MAX_ANSWER_BYTES).read_to_end(&mut out);
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    }
    let err = errors.and_then(|t| t.join().ok()).unwrap_or_default();
    // Waited for in steps, not in one blocking wait under the lock: the
    // window may kill it meanwhile (std's `Child` never signals a process
    // it has already reaped, so a reused process id is safe).
    let status = loop {
        let waited = lock().child.as_mut().map(|c| c.try_wait());
        match waited {
            Some(Ok(Some(status))) => break status,
            Some(Ok(None)) => std::thread::sleep(EXIT_POLL),
            Some(Err(e)) => return Answer::Failed(format!("{} did not finish: {e}", program.display())),
            None => return Answer::Cancelled,
        }
    };
    let err_text = String::from_utf8_lossy(&err);
    match status.code() {
        Some(0) => {
            // The path as bytes: a file name need not be UTF-8.
            while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                out.pop();
            }
            if out.is_empty() || out.contains(&b'\n') {
                Answer::Cancelled
            } else {
                use std::os::unix::ffi::OsStringExt;
                Answer::Chosen(PathBuf::from(std::ffi::OsString::from_vec(out)))
            }
        }
        // GTK exits 1 too when it cannot open the display: that is no answer.
        Some(1) if err_text.contains("cannot open display") => {
            Answer::Failed(format!("{} could not open the display: {}", program.display(), err_text.trim()))
        }
        // Both programs exit 1 when the user cancels.
        Some(1) => Answer::Cancelled,
        _ => Answer::Failed(format!("{} ended with {status}: {}", program.display(), err_text.trim())),
    }
}

/// A program named `name` on `PATH`, if there is one.
fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

/// What the dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// This file.
    Chosen(PathBuf),
    /// The user closed it.
    Cancelled,
    /// The program could not ask (it is broken, or no display took it).
    Failed(String),
}

/// A native dialog that is open.
#[derive(Debug)]
pub(crate) struct NativeDialog {
    /// Open or save.
    pub mode: FileDialogMode,
    answers: Receiver<Answer>,
    early: Option<Answer>,
    process: Arc<Mutex<Process>>,
}

impl Drop for NativeDialog {
    /// A dialog the window no longer waits for is closed with it: quitting
    /// the editor does not leave the desktop's dialog on screen.
    fn drop(&mut self) {
        let mut p = self.process.lock().unwrap_or_else(PoisonError::into_inner);
        p.closed = true;
        if let Some(child) = p.child.as_mut() {
            let _ = child.kill();
        }
    }
}

impl NativeDialog {
    /// The answer, once there is one.
    pub fn answer(&mut self) -> Option<Answer> {
        if let Some(a) = self.early.take() {
            return Some(a);
        }
        match self.answers.try_recv() {
            Ok(a) => Some(a),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Answer::Failed("the dialog's thread ended without an answer".into()))
            }
        }
    }
}
