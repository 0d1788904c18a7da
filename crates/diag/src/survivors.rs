//! Where a growing heap's bytes were allocated: the allocation sites whose
//! blocks outlive the cycle that made them, as MemLab's retainer traces and
//! LeakCanary's leak traces name the culprit of a leak.
//!
//! A dhat heap profile records every allocation of the measured cycles with
//! its backtrace. At the end, each site has allocated `total` bytes over the
//! cycles and still holds `live` of them. A site that rebuilds the current
//! state every cycle (a display list, a frame's buffers) holds at most one
//! cycle's worth, `total / cycles`; what a site holds beyond that outlived
//! its cycle. Sites that hold a block for every other cycle or more come
//! first (what a leak leaves behind as the cycles go), then the rest, each
//! by those surviving bytes: a buffer that grew once to a new high-water
//! mark during the profiled cycles (a GPU driver's staging memory for a
//! larger upload, a table that doubled) holds one large block, and would
//! otherwise outrank the leak.
//!
//! The profile is switched on inside the [`CountingAllocator`], so it needs
//! that allocator installed as the global allocator; dhat's own bookkeeping
//! is counted by it too, which is why attribution is a run of its own and
//! never part of a leak verdict.
//!
//! [`CountingAllocator`]: crate::CountingAllocator

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::alloc::HeapProfile;

/// The source folders of Trellis's crates, as dhat writes a frame's file
/// (its last three components): a frame in one of them is Trellis's code.
const TRELLIS_FOLDERS: &[&str] =
    &["cli/src/", "model/src/", "geometry/src/", "render/src/", "editor/src/", "canvas/src/", "diag/src/"];

/// The counting allocator's own file: every recorded stack passes through it,
/// and what is above it is the allocator's machinery.
const ALLOCATOR_FILE: &str = "diag/src/alloc.rs";

/// An allocation site whose blocks outlived the cycles that made them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurvivingSite {
    /// Bytes the site still held at the end beyond one cycle's worth of its
    /// allocations: what outlived its cycle.
    pub surviving_bytes: f64,
    /// Bytes and blocks the site held at the end.
    pub live_bytes: u64,
    /// Blocks the site held at the end.
    pub live_blocks: u64,
    /// Bytes the site allocated over the profiled cycles.
    pub total_bytes: u64,
    /// The call stack that allocated, innermost first, without the
    /// allocator's own frames: `function (file:line)`.
    pub frames: Vec<String>,
}

impl SurvivingSite {
    /// The innermost frame in Trellis's own code, or the innermost frame
    /// when none is: the place to start reading.
    pub fn site(&self) -> &str {
        self.frames
            .iter()
            .find(|f| is_trellis(f))
            .or_else(|| self.frames.first())
            .map_or("(no symbols)", |s| s.as_str())
    }
}

/// Why attribution could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttributionError {
    /// dhat allows one profile at a time.
    #[error("a heap profile (--heap-profile) is already recording; run without it to attribute the growth")]
    ProfileRunning,
    /// The profile could not be written or read back.
    #[error("reading the heap profile {path}: {source}; check that the temporary directory is writable")]
    Io {
        /// The profile's temporary file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The profile was not dhat's JSON.
    #[error("the heap profile {path} is not dhat's format: {source}")]
    Format {
        /// The profile's temporary file.
        path: PathBuf,
        /// What did not parse.
        source: serde_json::Error,
    },
}

/// Runs `cycles` (which must run `count` cycles) under a heap profile and
/// returns the `most` sites whose allocations outlived their cycle, most
/// surviving bytes first. Sites holding less than `min_bytes` beyond one
/// cycle's worth are left out.
pub fn surviving_sites(
    count: usize,
    most: usize,
    min_bytes: f64,
    cycles: impl FnOnce(),
) -> Result<Vec<SurvivingSite>, AttributionError> {
    if HeapProfile::is_recording() {
        return Err(AttributionError::ProfileRunning);
    }
    let path = std::env::temp_dir().join(format!(
        "trellis-attribution-{}-{}.json",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    ));
    {
        // Deep stacks: a site is named by its caller in Trellis, which can
        // sit under a dozen frames of collections and serde.
        let _profile = HeapProfile::start_with_depth(&path, 40);
        cycles();
    }
    let text = std::fs::read(&path).map_err(|source| AttributionError::Io { path: path.clone(), source });
    let _ = std::fs::remove_file(&path);
    let profile: Profile =
        serde_json::from_slice(&text?).map_err(|source| AttributionError::Format { path: path.clone(), source })?;
    Ok(rank(&profile, count, most, min_bytes))
}

/// The parts of dhat's JSON that attribution reads.
#[derive(Deserialize)]
struct Profile {
    pps: Vec<ProgramPoint>,
    ftbl: Vec<String>,
}

#[derive(Deserialize)]
struct ProgramPoint {
    tb: u64,
    #[serde(default)]
    eb: Option<u64>,
    #[serde(default)]
    ebk: Option<u64>,
    fs: Vec<usize>,
}

fn rank(profile: &Profile, cycles: usize, most: usize, min_bytes: f64) -> Vec<SurvivingSite> {
    let mut sites: Vec<SurvivingSite> = profile
        .pps
        .iter()
        .filter_map(|pp| {
            let live = pp.eb.unwrap_or(0);
            let surviving = live as f64 - pp.tb as f64 / cycles.max(1) as f64;
            (surviving >= min_bytes && surviving > 0.0).then(|| SurvivingSite {
                surviving_bytes: surviving,
                live_bytes: live,
                live_blocks: pp.ebk.unwrap_or(0),
                total_bytes: pp.tb,
                frames: frames(profile, &pp.fs),
            })
        })
        .collect();
    let accumulates = |s: &SurvivingSite| s.live_blocks.saturating_mul(2) >= cycles as u64;
    sites.sort_by(|a, b| {
        accumulates(b).cmp(&accumulates(a)).then_with(|| b.surviving_bytes.total_cmp(&a.surviving_bytes))
    });
    sites.truncate(most);
    sites
}

/// A backtrace's frames below the allocator, each shortened to
/// `function (file:line)`.
fn frames(profile: &Profile, indices: &[usize]) -> Vec<String> {
    let all: Vec<String> = indices.iter().filter_map(|&i| profile.ftbl.get(i)).map(|f| shorten(f)).collect();
    // Everything down to the counting allocator, and the standard
    // library's allocation functions right below it, is machinery.
    let below = all.iter().rposition(|f| f.contains(ALLOCATOR_FILE)).map_or(0, |i| i + 1);
    all[below..].iter().skip_while(|f| is_allocation_shim(f)).cloned().collect()
}

/// Whether a shortened frame is the standard library's way into the global
/// allocator: `__rust_alloc` and its kin (generated where the binary
/// declares its `#[global_allocator]`, so they carry that file's name) and
/// `alloc::alloc`'s functions.
fn is_allocation_shim(frame: &str) -> bool {
    let (function, place) = frame.rsplit_once(" (").unwrap_or((frame, ""));
    function.starts_with("__r") || place.starts_with("alloc/src/alloc.rs")
}

/// Whether a shortened frame is in Trellis's own code: a function of one of
/// its crates, or a line in one of their files (inlined frames carry no
/// crate path in their names).
fn is_trellis(frame: &str) -> bool {
    let (function, place) = frame.rsplit_once(" (").unwrap_or((frame, ""));
    if is_allocation_shim(frame) {
        return false;
    }
    (function.starts_with("trellis") || function.starts_with("<trellis"))
        || TRELLIS_FOLDERS.iter().any(|d| place.starts_with(d) && !place.starts_with(ALLOCATOR_FILE))
}

/// dhat writes `0xADDR: function (file:line:col)`, the file cut to its last
/// three components; keeps `function (file:line)`.
fn shorten(frame: &str) -> String {
    let body = frame.split_once(": ").map_or(frame, |(_, rest)| rest);
    match body.rfind(" (") {
        Some(i) if body.ends_with(')') => {
            let (function, place) = (&body[..i], &body[i + 2..body.len() - 1]);
            // Drop the column: the line is what a reader looks for.
            let place = match place.rsplit_once(':') {
                Some((head, col)) if head.contains(':') && col.chars().all(|c| c.is_ascii_digit()) => head,
                _ => place,
            };
            format!("{function} ({place})")
        }
        _ => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(pps: Vec<ProgramPoint>) -> Profile {
        Profile {
            pps,
            ftbl: vec![
                "[root]".to_owned(),
                "0x1: alloc (dhat-0.3.3/src/lib.rs:1176:9)".to_owned(),
                "0x2: alloc (diag/src/alloc.rs:108:34)".to_owned(),
                "0x3: alloc (alloc/src/alloc.rs:95:9)".to_owned(),
                "0x4: push<(u32, trellis_model::document::Rect)> (src/vec/mod.rs:992:22)".to_owned(),
                "0x5: set (geometry/src/spatial.rs:143:66)".to_owned(),
                "0x6: trellis_geometry::layout::Geometry::new (src/layout/mod.rs:209:9)".to_owned(),
                "0x7: text (src/gpu/text.rs:12:5)".to_owned(),
                "0x8: __rust_alloc (cli/src/main.rs:33:1)".to_owned(),
            ],
        }
    }

    #[test]
    fn a_site_holding_one_cycle_of_state_is_not_a_survivor_and_a_growing_one_is() {
        let p = profile(vec![
            // Rebuilt each of 100 cycles, holding the last: not a survivor.
            ProgramPoint { tb: 100_000, eb: Some(1_000), ebk: Some(10), fs: vec![1, 2, 3, 7] },
            // Keeps every 32-byte block it ever made.
            ProgramPoint { tb: 3_200, eb: Some(3_200), ebk: Some(100), fs: vec![1, 2, 8, 3, 4, 5, 6] },
        ]);
        let sites = rank(&p, 100, 3, 1.0);
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].live_blocks, 100);
        assert!((sites[0].surviving_bytes - 3_168.0).abs() < 1e-9);
        assert_eq!(
            sites[0].frames,
            vec![
                "push<(u32, trellis_model::document::Rect)> (src/vec/mod.rs:992)",
                "set (geometry/src/spatial.rs:143)",
                "trellis_geometry::layout::Geometry::new (src/layout/mod.rs:209)",
            ]
        );
        assert_eq!(sites[0].site(), "set (geometry/src/spatial.rs:143)", "not the standard library's push");
    }

    #[test]
    fn a_site_leaving_a_block_every_cycle_outranks_one_large_block_that_grew_once() {
        let p = profile(vec![
            // A buffer that grew once to 160 KiB during the profiled cycles.
            ProgramPoint { tb: 164_000, eb: Some(164_000), ebk: Some(1), fs: vec![1, 2, 3, 7] },
            // A 32-byte block left every cycle.
            ProgramPoint { tb: 3_200, eb: Some(3_200), ebk: Some(100), fs: vec![1, 2, 8, 3, 4, 5, 6] },
        ]);
        let sites = rank(&p, 100, 3, 1.0);
        assert_eq!(sites.len(), 2, "both are listed");
        assert_eq!(sites[0].live_blocks, 100, "the leak first");
        assert_eq!(sites[1].live_blocks, 1);
    }

    #[test]
    fn a_frame_is_trellis_by_its_crate_path_or_its_file() {
        assert!(is_trellis("trellis::leak_command::plant_heap_block (cli/src/leak_command.rs:230)"));
        assert!(is_trellis("solve_island (geometry/src/layout/islands.rs:100)"));
        assert!(!is_trellis("push<(u32, trellis_model::document::Rect)> (src/vec/mod.rs:992)"));
        assert!(!is_trellis("alloc (diag/src/alloc.rs:108)"));
        // Release builds enter the allocator through a shim named after the binary's file.
        assert!(!is_trellis("__rust_alloc_zeroed (cli/src/main.rs:33)"));
        assert_eq!(
            shorten("0x9: new (wgpu-core-30.0.2/src/resource.rs:1273:41)"),
            "new (wgpu-core-30.0.2/src/resource.rs:1273)"
        );
    }
}
