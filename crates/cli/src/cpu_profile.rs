//! Sampled CPU profiles (pprof-rs): a pprof protobuf file that `go tool
//! pprof` and Perfetto open, and a flamegraph SVG beside it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use pprof::protos::Message;

/// Samples per second: a prime, so that sampling does not beat in step with
/// a periodic workload.
const FREQUENCY: i32 = 997;

/// Libraries the sampler must not unwind through from a signal handler
/// (their frames lack what a safe unwind needs).
const BLOCKLIST: &[&str] = &["libc", "libgcc", "pthread", "vdso"];

/// A running profile of the whole process.
pub struct CpuProfile {
    guard: pprof::ProfilerGuard<'static>,
}

impl std::fmt::Debug for CpuProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CpuProfile")
    }
}

/// What a finished profile wrote.
#[derive(Debug)]
pub struct Written {
    pub profile: PathBuf,
    pub flamegraph: PathBuf,
    pub samples: usize,
}

impl CpuProfile {
    pub fn start() -> anyhow::Result<Self> {
        let guard = pprof::ProfilerGuardBuilder::default()
            .frequency(FREQUENCY)
            .blocklist(BLOCKLIST)
            .build()
            .context("starting the CPU profiler (is another profile running?)")?;
        Ok(CpuProfile { guard })
    }

    /// The profile so far as pprof protobuf bytes, and its sample count.
    pub fn protobuf(&self) -> anyhow::Result<(Vec<u8>, usize)> {
        let report = self.guard.report().build().context("building the CPU profile")?;
        let samples = report.data.values().sum::<isize>().max(0) as usize;
        let profile = report.pprof().context("encoding the CPU profile")?;
        let mut bytes = Vec::new();
        profile.write_to_vec(&mut bytes).context("encoding the CPU profile")?;
        Ok((bytes, samples))
    }

    /// Stops and writes `path` (pprof protobuf) and `path` with `.svg` added (a flamegraph).
    pub fn finish(self, path: &Path) -> anyhow::Result<Written> {
        let report = self.guard.report().build().context("building the CPU profile")?;
        let samples = report.data.values().sum::<isize>().max(0) as usize;
        let profile = report.pprof().context("encoding the CPU profile")?;
        let mut bytes = Vec::new();
        profile.write_to_vec(&mut bytes).context("encoding the CPU profile")?;
        crate::report::write_output(path, |out| out.write_all(&bytes))
            .with_context(|| format!("writing {}", path.display()))?;
        let mut svg = path.as_os_str().to_owned();
        svg.push(".svg");
        let flamegraph = PathBuf::from(svg);
        let mut image = Vec::new();
        report.flamegraph(&mut image).context("drawing the flamegraph")?;
        crate::report::write_output(&flamegraph, |out| out.write_all(&image))
            .with_context(|| format!("writing {}", flamegraph.display()))?;
        Ok(Written { profile: path.to_owned(), flamegraph, samples })
    }
}
