//! The performance lab's options shared by the long-running commands
//! (`bench drag`, `leakcheck`, later the app): a CPU profile, a heap
//! profile and the debug endpoint, started before the run and finished
//! after it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use trellis_canvas::FrameRecord;
use trellis_diag::{CountingAllocator, HeapProfile};

use crate::cpu_profile::CpuProfile;
use crate::debug_endpoint::{self, DebugState, Shared};
use crate::report::{note, say};

#[derive(clap::Args, Debug, Default)]
pub struct LabOptions {
    /// Write a sampled CPU profile of the run (pprof protobuf) to FILE, and a flamegraph to FILE.svg.
    #[arg(long, value_name = "FILE")]
    pub cpu_profile: Option<PathBuf>,
    /// Write a dhat heap profile of the run to FILE (opens in dh_view).
    #[arg(long, value_name = "FILE")]
    pub heap_profile: Option<PathBuf>,
    /// Serve /debug/stats, /debug/pprof/profile?seconds=N, /debug/trace?seconds=N and /metrics on ADDR
    /// (loopback only, e.g. 127.0.0.1:6060; port 0 picks one and says which).
    #[arg(long, value_name = "ADDR")]
    pub debug_addr: Option<String>,
    /// Allow --debug-addr on an address other than loopback.
    #[arg(long)]
    pub debug_allow_remote: bool,
    /// Keep the debug endpoint answering this many seconds after the run.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub debug_wait: u64,
}

/// The lab's running parts.
#[derive(Debug)]
pub struct Lab {
    started: std::time::Instant,
    cpu: Option<(CpuProfile, PathBuf)>,
    /// The profile, the scratch file dhat writes, and the target.
    heap: Option<(HeapProfile, tempfile::TempPath, PathBuf)>,
    debug: Option<Shared>,
    wait: u64,
}

impl Lab {
    pub fn start(o: &LabOptions, command: &str) -> anyhow::Result<Lab> {
        // The profiles' paths are checked before anything runs: a profile
        // that cannot be written should cost nothing, not a whole run.
        if let Some(path) = &o.cpu_profile {
            writable_folder(path, "--cpu-profile")?;
            refuse_read_only(path, "--cpu-profile")?;
        }
        // dhat writes its file itself, as the profiler drops, and a crash
        // or a kill would leave it half written: it writes into a scratch
        // file in the temporary folder, copied to the target by the same
        // safe writer as every output once it is whole. The target is never
        // emptied up front, and a failed run leaves it as it was.
        let heap_scratch = match &o.heap_profile {
            Some(path) => {
                let folder = writable_folder(path, "--heap-profile")?;
                refuse_read_only(path, "--heap-profile")?;
                // A device or FIFO is written in place; anything else gets
                // a new file in the folder, which must take one.
                let in_place = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
                if !in_place {
                    tempfile::Builder::new().prefix(".trellis-probe-").tempfile_in(&folder).with_context(|| {
                        format!(
                            "--heap-profile {}: cannot create a file in {}; pass a writable path",
                            path.display(),
                            folder.display()
                        )
                    })?;
                }
                let scratch = tempfile::Builder::new()
                    .prefix("trellis-heap-")
                    .suffix(".json")
                    .tempfile()
                    .context("--heap-profile: cannot create a scratch file in the temporary folder (TMPDIR)")?;
                Some(scratch.into_temp_path())
            }
            None => None,
        };
        let mut lab =
            Lab { started: std::time::Instant::now(), cpu: None, heap: None, debug: None, wait: o.debug_wait };
        if let Some(addr) = &o.debug_addr {
            let addr = debug_endpoint::parse_addr(addr, o.debug_allow_remote)?;
            let mut state = DebugState::default();
            state.command = command.to_owned();
            let shared = Arc::new(Mutex::new(state));
            let bound = debug_endpoint::serve(addr, Arc::clone(&shared))?;
            // On standard error, at once: a script waiting for it must not wait for the run.
            note(format_args!("debug endpoint: http://{bound}/debug/stats"));
            lab.debug = Some(shared);
        }
        if let (Some(path), Some(scratch)) = (&o.heap_profile, heap_scratch) {
            lab.heap = Some((HeapProfile::start(&scratch), scratch, path.clone()));
        }
        if let Some(path) = &o.cpu_profile {
            lab.cpu = Some((CpuProfile::start()?, path.clone()));
        }
        Ok(lab)
    }

    /// Says what draws, for `/debug/stats`.
    pub fn set_renderer(&self, adapter: &str, backend: &str) {
        if let Some(s) = &self.debug
            && let Ok(mut s) = s.lock()
        {
            s.adapter = adapter.to_owned();
            s.backend = backend.to_owned();
        }
    }

    /// Whether the debug endpoint is serving (and wants frames and counts).
    pub fn is_serving(&self) -> bool {
        self.debug.is_some()
    }

    /// Records a finished frame, re-timed on the lab's clock (a command may
    /// run several canvases, each counting from its own start).
    pub fn frame(&self, record: &FrameRecord) {
        if let Some(s) = &self.debug
            && let Ok(mut s) = s.lock()
        {
            let mut r = *record;
            r.start_ms = self.started.elapsed().as_secs_f64() * 1e3 - r.total_ns as f64 / 1e6;
            s.push_frame(r, CountingAllocator::snapshot().bytes_in_use);
        }
    }

    /// Records the live-object counts.
    pub fn live(&self, kinds: &[(String, usize)]) {
        if let Some(s) = &self.debug
            && let Ok(mut s) = s.lock()
        {
            s.live.clear();
            s.live.extend(kinds.iter().cloned());
        }
    }

    /// Stops the profiles (writing their files) and lets the endpoint
    /// answer for the time asked.
    pub fn finish(self) -> anyhow::Result<()> {
        if let Some((cpu, path)) = self.cpu {
            let w = cpu.finish(&path)?;
            say!(
                "CPU profile: {} samples in {} (pprof), flamegraph in {}",
                w.samples,
                w.profile.display(),
                w.flamegraph.display()
            );
        }
        if let Some((heap, scratch, path)) = self.heap {
            // dhat writes the file as the profiler drops, and only prints
            // (does not return) a failure: the file's size says whether it did.
            drop(heap);
            let profile = match std::fs::read(&scratch) {
                Ok(bytes) if !bytes.is_empty() => bytes,
                Ok(_) => bail!(
                    "--heap-profile {}: the heap profile was not written (dhat wrote nothing; its reason is above)",
                    path.display()
                ),
                Err(e) => bail!("--heap-profile {}: the heap profile was not written ({e})", path.display()),
            };
            crate::report::write_output(&path, |out| out.write_all(&profile))
                .with_context(|| format!("--heap-profile {}: the heap profile was not written", path.display()))?;
            drop(scratch);
            say!("Heap profile in {} (open it in dh_view)", path.display());
        }
        if self.debug.is_some() && self.wait > 0 {
            note(format_args!("debug endpoint: answering for {} more seconds", self.wait));
            std::thread::sleep(std::time::Duration::from_secs(self.wait));
        }
        Ok(())
    }
}

/// Refuses a profile path whose folder is missing or is not a folder,
/// naming the flag and the folder.
fn writable_folder(path: &Path, flag: &str) -> anyhow::Result<PathBuf> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        bail!(
            "{flag} {}: the folder {} does not exist (or is not a folder); create it first or pass another path",
            path.display(),
            folder.display()
        );
    }
    if path.is_dir() {
        bail!("{flag} {}: is a folder; pass a file path inside it", path.display());
    }
    Ok(folder.to_owned())
}

/// Refuses, before the run, a read-only profile target the writer would
/// refuse after it (unless `--force`): a profile should not cost a run
/// and then not be written.
fn refuse_read_only(path: &Path, flag: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
        && meta.permissions().readonly()
        && !crate::report::save_options().force
    {
        bail!(
            "{flag} {}: the file is read-only (mode {:04o}); make it writable, or add --force to replace it keeping its permissions",
            path.display(),
            meta.permissions().mode() & 0o7777
        );
    }
    Ok(())
}

/// Every live-object kind of an editing session and its renderer: the
/// registry `leakcheck` checks and `/debug/stats` shows.
pub fn live_objects(
    editor: &trellis_editor::Editor,
    renderer: Option<&trellis_render::Renderer>,
) -> Vec<(String, usize)> {
    let mut v = editor.doc().live_counts().kinds();
    v.push(("laid-out widgets".to_owned(), editor.geometry().len()));
    v.push(("layout memo entries".to_owned(), editor.geometry().memo_entries()));
    // Shared by every editor of the process, and bounded: it levels off.
    v.push(("text measurements".to_owned(), editor.geometry().measurer().remembered()));
    if let Some(j) = editor.journal() {
        // Written out first: what is still queued after a flush is held for good.
        j.flush();
        v.push(("journal lines queued".to_owned(), j.pending()));
    }
    if let Some(trellis_render::Renderer::Gpu(g)) = renderer {
        let o = g.live_objects();
        let n = |x: isize| usize::try_from(x).unwrap_or(0);
        v.extend([
            ("GPU buffers".to_owned(), n(o.buffers)),
            ("GPU buffer bytes".to_owned(), n(o.buffer_bytes)),
            ("GPU texture bytes".to_owned(), n(o.texture_bytes)),
            ("GPU texture views".to_owned(), n(o.texture_views)),
            ("GPU bind groups".to_owned(), n(o.bind_groups)),
            ("GPU pipelines".to_owned(), n(o.pipelines)),
            ("shaped texts".to_owned(), o.shaped_texts),
            ("atlas images".to_owned(), o.atlas_images),
            ("text renderers".to_owned(), o.text_renderers),
        ]);
    }
    v
}
