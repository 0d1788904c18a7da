//! Where the app keeps what outlives a window: the journal of each running
//! session (so a crash loses nothing committed) and the recent files.
//!
//! A session is two files in `sessions/`: `ID.journal`, written
//! continuously, and `ID.json`, naming the process and the design file.
//! A clean end removes both; a journal whose process is gone is a crashed
//! session, offered for recovery at the next start.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The app's state folder.
#[derive(Clone, Debug)]
pub struct SessionDir {
    root: PathBuf,
}

/// The most recent files the menu lists.
const MAX_RECENT: usize = 10;

/// The most bytes of a session description read (it is a few lines).
const MAX_INFO_BYTES: u64 = 64 * 1024;

/// One session's files and what it edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The process that wrote it.
    pub pid: u32,
    /// The design file it edited, if it had one.
    pub file: Option<PathBuf>,
    /// The journal.
    #[serde(skip)]
    pub journal: PathBuf,
    /// Commits the journal holds (counted when found as an orphan).
    #[serde(skip)]
    pub commits: usize,
}

impl SessionDir {
    /// `TRELLIS_STATE_DIR`, else `$XDG_STATE_HOME/trellis`, else
    /// `~/.local/state/trellis`; `None` if none can be named.
    pub fn from_env() -> Option<SessionDir> {
        let root = std::env::var_os("TRELLIS_STATE_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_STATE_HOME").map(|d| PathBuf::from(d).join("trellis")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state/trellis")))?;
        Some(SessionDir { root })
    }

    /// A state folder at `root`.
    pub fn at(root: PathBuf) -> SessionDir {
        SessionDir { root }
    }

    fn sessions(&self) -> PathBuf {
        self.root.join("sessions")
    }

    /// Starts a session's files for a design from `file`.
    pub fn create(&self, file: Option<&Path>) -> Result<SessionInfo, String> {
        let dir = self.sessions();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let id = format!("{pid}-{nanos}");
        let file = file.map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.to_owned()));
        let info = SessionInfo { pid, file, journal: dir.join(format!("{id}.journal")), commits: 0 };
        let text = serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?;
        write_own_file(&dir.join(format!("{id}.json")), text.as_bytes())?;
        Ok(info)
    }

    /// Sessions whose process is gone and whose journal holds committed
    /// edits: what a crash left unsaved. Sessions with nothing committed
    /// are removed on the way.
    pub fn orphans(&self) -> Vec<SessionInfo> {
        let Ok(entries) = std::fs::read_dir(self.sessions()) else { return Vec::new() };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Some(mut info) = read_info(&path) else { continue };
            if info.pid == std::process::id() || process_alive(info.pid) {
                continue;
            }
            info.journal = path.with_extension("journal");
            info.commits = count_commits(&info.journal);
            if info.commits == 0 {
                info.remove();
            } else {
                found.push(info);
            }
        }
        found.sort_by(|a, b| a.journal.cmp(&b.journal));
        found
    }

    /// Where the bundled demo's images are written for the editor to draw.
    pub fn demo_assets(&self) -> PathBuf {
        self.root.join("demo")
    }

    /// The recent files, newest first.
    pub fn recent_files(&self) -> Vec<PathBuf> {
        let path = self.root.join("recent.json");
        let text = match open_regular(&path) {
            Some(f) => {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_INFO_BYTES), &mut s);
                s
            }
            None => return Vec::new(),
        };
        let mut files: Vec<PathBuf> = serde_json::from_str(&text).unwrap_or_default();
        files.truncate(MAX_RECENT);
        files
    }

    /// Where each design was last exported.
    pub fn last_exports(&self) -> Vec<crate::exports::LastExport> {
        let Some(f) = open_regular(&self.root.join("exports.json")) else { return Vec::new() };
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_INFO_BYTES), &mut text);
        let mut exports: Vec<crate::exports::LastExport> = serde_json::from_str(&text).unwrap_or_default();
        exports.truncate(crate::exports::MAX_REMEMBERED);
        exports
    }

    /// Remembers where each design was last exported (best effort).
    pub fn save_last_exports(&self, exports: &[crate::exports::LastExport]) {
        if std::fs::create_dir_all(&self.root).is_err() {
            return;
        }
        let kept = &exports[..exports.len().min(crate::exports::MAX_REMEMBERED)];
        if let Ok(text) = serde_json::to_string_pretty(kept) {
            let _ = write_own_file(&self.root.join("exports.json"), text.as_bytes());
        }
    }

    /// Remembers the recent files (best effort: a failure loses only the list).
    pub fn save_recent_files(&self, files: &[PathBuf]) {
        if std::fs::create_dir_all(&self.root).is_err() {
            return;
        }
        if let Ok(text) = serde_json::to_string_pretty(&files[..files.len().min(MAX_RECENT)]) {
            let _ = write_own_file(&self.root.join("recent.json"), text.as_bytes());
        }
    }
}

impl SessionInfo {
    /// Replays the journal's committed edits into the design they made.
    pub fn rebuild(&self) -> Result<trellis_model::Document, String> {
        let (doc, _, divergence) = trellis_editor::replay::rebuild(&self.journal).map_err(|e| e.to_string())?;
        match divergence {
            None => Ok(doc),
            Some(d) => Err(format!(
                "{} line {}: the replay does not reproduce {} ({} recorded, {} replayed)",
                self.journal.display(),
                d.line,
                d.what,
                d.recorded,
                d.replayed
            )),
        }
    }

    /// Whether recovering would bring back anything: a session whose
    /// edits all reached its file (saved, then crashed) is removed instead.
    pub fn holds_unsaved_work(&self) -> bool {
        let saved = self.file.as_deref().and_then(|f| crate::load_regular(f).ok());
        match (self.rebuild(), saved) {
            (Ok(doc), Some(file)) if doc.content_hash() == file.content_hash() => {
                self.remove();
                false
            }
            _ => true,
        }
    }

    /// The session saves to `file` from now on (save as).
    pub fn retarget(&mut self, file: &Path) {
        self.file = Some(std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned()));
        let info = self.journal.with_extension("json");
        if let Ok(text) = serde_json::to_string_pretty(self) {
            let _ = write_own_file(&info, text.as_bytes());
        }
    }

    /// Removes the session's files.
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.journal);
        let _ = std::fs::remove_file(self.journal.with_extension("json"));
    }
}

/// Writes a file the app keeps for itself (sessions, recent files, the
/// demo's images, the UI map): atomically, and never into a FIFO or a
/// device someone put in its place (a FIFO would block the window).
pub(crate) fn write_own_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(format!("{} is not a regular file; remove it", path.display()));
    }
    trellis_model::write_atomically(path, |w| w.write_all(bytes)).map_err(|e| e.to_string())
}

/// Opens `path` only if it is a regular file: a FIFO someone left in the
/// state folder must not block the start, nor a device feed it forever.
fn open_regular(path: &Path) -> Option<std::fs::File> {
    std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    std::fs::File::open(path).ok()
}

fn read_info(path: &Path) -> Option<SessionInfo> {
    let f = open_regular(path)?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_INFO_BYTES), &mut text).ok()?;
    serde_json::from_str(&text).ok()
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Commit records in a journal (a quick scan, no replay, in fixed-size
/// chunks: a journal with no line breaks is read, never held whole).
fn count_commits(journal: &Path) -> usize {
    const MARK: &[u8] = b"\"record\":\"commit\"";
    let Some(mut f) = open_regular(journal) else { return 0 };
    let mut buf = vec![0u8; 64 * 1024];
    // The chunk keeps the mark's length less one from the chunk before, so
    // that a mark across two reads is seen once.
    let keep = MARK.len() - 1;
    let (mut held, mut count) = (0usize, 0usize);
    loop {
        let n = match std::io::Read::read(&mut f, &mut buf[held..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let end = held + n;
        count += buf[..end].windows(MARK.len()).filter(|w| *w == MARK).count();
        held = keep.min(end);
        buf.copy_within(end - held..end, 0);
    }
    count
}
