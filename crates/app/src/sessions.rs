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
        trellis_model::write_atomically(&dir.join(format!("{id}.json")), |w| w.write_all(text.as_bytes()))
            .map_err(|e| e.to_string())?;
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
        let text = match std::fs::File::open(&path) {
            Ok(f) => {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_INFO_BYTES), &mut s);
                s
            }
            Err(_) => return Vec::new(),
        };
        let mut files: Vec<PathBuf> = serde_json::from_str(&text).unwrap_or_default();
        files.truncate(MAX_RECENT);
        files
    }

    /// Remembers the recent files (best effort: a failure loses only the list).
    pub fn save_recent_files(&self, files: &[PathBuf]) {
        if std::fs::create_dir_all(&self.root).is_err() {
            return;
        }
        if let Ok(text) = serde_json::to_string_pretty(&files[..files.len().min(MAX_RECENT)]) {
            let _ = trellis_model::write_atomically(&self.root.join("recent.json"), |w| w.write_all(text.as_bytes()));
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
        let saved = self.file.as_deref().and_then(|f| trellis_model::Document::load(f).ok());
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
            let _ = trellis_model::write_atomically(&info, |w| w.write_all(text.as_bytes()));
        }
    }

    /// Removes the session's files.
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.journal);
        let _ = std::fs::remove_file(self.journal.with_extension("json"));
    }
}

fn read_info(path: &Path) -> Option<SessionInfo> {
    let f = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_INFO_BYTES), &mut text).ok()?;
    serde_json::from_str(&text).ok()
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Commit records in a journal (a quick scan, no replay).
fn count_commits(journal: &Path) -> usize {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open(journal) else { return 0 };
    std::io::BufReader::new(f)
        .split(b'\n')
        .map_while(Result::ok)
        .filter(|line| line.windows(17).any(|w| w == b"\"record\":\"commit\""))
        .count()
}
