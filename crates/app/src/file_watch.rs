//! Noticing that another program changed the open design file (`notify`).
//! The folder is watched, not the file: editors and `git checkout`
//! replace files by rename, which a watch on the old file would miss.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::SystemTime;

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// Watches alive now: a live-object kind of the leak check (each holds a
/// thread and an inotify descriptor).
static LIVE_WATCHES: AtomicUsize = AtomicUsize::new(0);

/// How many file watches are alive.
pub fn live_watches() -> usize {
    LIVE_WATCHES.load(Ordering::Relaxed)
}

/// Called from the watcher's thread when the folder changed: wakes the
/// event loop, so that an idle editor notices.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A watch on one file.
pub struct FileWatch {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    file: PathBuf,
    /// What the file was when the app last read or wrote it.
    known: Option<Fingerprint>,
}

impl std::fmt::Debug for FileWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWatch").field("file", &self.file).finish_non_exhaustive()
    }
}

/// What a watch knew of its file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KnownState(Option<Fingerprint>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
}

fn fingerprint(path: &Path) -> Option<Fingerprint> {
    let m = std::fs::metadata(path).ok()?;
    Some(Fingerprint { len: m.len(), modified: m.modified().ok() })
}

impl FileWatch {
    /// Watches `file`'s folder for changes to `file`, calling `wake` on
    /// each change.
    pub fn new(file: &Path, wake: Option<Waker>) -> notify::Result<FileWatch> {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
        let (tx, events) = channel();
        let watched = file.clone();
        let mut watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
            // Only the file's own changes wake the window: a busy folder
            // (Downloads) must not keep an idle editor drawing.
            let ours = e.as_ref().is_ok_and(|e| e.paths.contains(&watched));
            let _ = tx.send(e);
            if ours && let Some(wake) = &wake {
                wake();
            }
        })?;
        let folder = file.parent().map_or_else(|| PathBuf::from("."), Path::to_owned);
        watcher.watch(&folder, RecursiveMode::NonRecursive)?;
        let known = fingerprint(&file);
        LIVE_WATCHES.fetch_add(1, Ordering::Relaxed);
        Ok(FileWatch { _watcher: watcher, events, file, known })
    }

    /// What the file was when last read or written here, and a change
    /// not yet noticed: carried over when the watch is made again.
    pub(crate) fn known(&self) -> KnownState {
        KnownState(self.known)
    }

    /// Takes what an earlier watch of the same file knew.
    pub(crate) fn carry(&mut self, state: KnownState) {
        self.known = state.0;
    }

    /// The app wrote the file itself: that change is not news.
    pub fn saved_now(&mut self) {
        while self.events.try_recv().is_ok() {}
        self.known = fingerprint(&self.file);
    }

    /// Whether the file changed since the app last read or wrote it.
    pub fn changed(&mut self) -> bool {
        let mut touched = false;
        while let Ok(event) = self.events.try_recv() {
            if let Ok(e) = event {
                touched |= e.paths.iter().any(|p| p == &self.file);
            }
        }
        if !touched {
            return false;
        }
        let now = fingerprint(&self.file);
        if now != self.known {
            self.known = now;
            return true;
        }
        false
    }
}

impl Drop for FileWatch {
    fn drop(&mut self) {
        LIVE_WATCHES.fetch_sub(1, Ordering::Relaxed);
    }
}
