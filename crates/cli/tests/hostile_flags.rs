//! Hostile values for the sizes, scales, gates and lab flags: each is
//! refused with exit code 2 and a message naming the flag, quickly, before
//! anything large is allocated or anything blocks.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// Longest a refusal may take: it happens before the run, so a refusal that
/// takes longer means the command allocated or ran first.
const PROMPT: Duration = Duration::from_secs(20);

/// Runs `trellis` with `args`, bounded in time; asserts exit code 2 and that
/// standard error names `flag`; returns standard error.
fn refused(args: &[&str], flag: &str) -> String {
    let started = Instant::now();
    let out = Command::cargo_bin("trellis").unwrap().args(args).timeout(PROMPT).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?} should be refused with exit 2: {err}");
    assert!(err.contains(flag), "{args:?}: the error should name {flag}: {err}");
    assert!(started.elapsed() < PROMPT, "{args:?} took {:?}", started.elapsed());
    err
}

/// A small design file to render.
fn design(dir: &Path) -> String {
    let file = dir.join("d.trellis.json");
    Command::cargo_bin("trellis").unwrap().arg("new").arg(&file).assert().success();
    file.to_str().unwrap().to_owned()
}

/// `bench drag` on a tiny design with no drawing: fast where a flag is accepted.
fn drag(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> =
        ["bench", "drag", "--widgets", "20", "--frames", "2", "--no-render"].map(str::to_owned).to_vec();
    v.extend(extra.iter().map(|s| (*s).to_owned()));
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

const BAD_SIZES: &[&str] = &["10x-5", "x", "0x0", "99999999x2", "1e3x10", "", "800", "+5x5", " 5x5", "16385x1"];

#[test]
fn every_size_flag_refuses_malformed_sizes_with_the_expected_form() {
    let dir = tempfile::tempdir().unwrap();
    let file = design(dir.path());
    let out = dir.path().join("o.png");
    for bad in BAD_SIZES {
        let size = format!("--size={bad}");
        let render = ["render", &file, "-o", out.to_str().unwrap(), "--backend", "cpu", &size];
        let bench_render = ["bench", "render", "--widgets", "20", "--frames", "2", "--backend", "cpu", &size];
        for args in [&render[..], &bench_render[..], &strs(&drag(&[&size]))[..]] {
            let err = refused(args, "--size");
            assert!(err.contains("expected WIDTHxHEIGHT in pixels, each from 1 to 16384, like 1280x800"), "{err}");
            assert!(!err.contains("invalid digit") && !err.contains("empty string"), "{err}");
        }
    }
    assert!(!out.exists());
}

#[test]
fn a_huge_cpu_render_is_refused_before_it_allocates() {
    let dir = tempfile::tempdir().unwrap();
    let file = design(dir.path());
    let out = dir.path().join("o.png");
    let size = "--size=16384x16384";
    for args in [
        &["render", &file, "-o", out.to_str().unwrap(), "--backend", "cpu", size][..],
        &["bench", "render", "--widgets", "20", "--frames", "2", "--backend", "cpu", size][..],
        &["bench", "drag", "--widgets", "20", "--frames", "2", "--backend", "cpu", size][..],
    ] {
        let started = Instant::now();
        let err = refused(args, "--size 16384x16384");
        assert!(err.contains("25165824") && err.contains("MAX_RENDER_PIXELS"), "the limit is named: {err}");
        // 16384x16384 RGBA is 1 GiB: allocating and drawing it takes far longer.
        assert!(started.elapsed() < Duration::from_secs(5), "{args:?} took {:?}", started.elapsed());
    }
    assert!(!out.exists());
}

#[test]
fn render_refuses_hostile_scales_and_a_scale_over_the_pixel_budget() {
    let dir = tempfile::tempdir().unwrap();
    let file = design(dir.path());
    let out = dir.path().join("o.png");
    let out = out.to_str().unwrap();
    for bad in ["nan", "NaN", "inf", "-inf", "0", "-1", "0.1", "100", "8.01"] {
        let scale = format!("--scale={bad}");
        let err = refused(&["render", &file, "-o", out, "--backend", "cpu", &scale], "--scale");
        assert!(err.contains("from 0.25 to 8"), "{err}");
    }
    // In range, but the 1280x800 design at scale 8 is 10240x6400 pixels.
    let err = refused(&["render", &file, "-o", out, "--backend", "cpu", "--scale=8"], "--scale 8");
    assert!(err.contains("MAX_RENDER_PIXELS"), "{err}");
}

#[test]
fn bench_drag_refuses_gates_that_cannot_fail_or_cannot_pass() {
    for flag in ["--budget-ms", "--min-fps"] {
        for bad in ["nan", "NaN", "inf", "infinity", "-1", "0", "-0", "", "8ms"] {
            let gate = format!("{flag}={bad}");
            let err = refused(&strs(&drag(&[&gate])), flag);
            assert!(err.contains("finite number above 0"), "{err}");
        }
    }
}

/// Regression: `bench geometry --samples` sized its sample vectors from the
/// flag: 18446744073709551615 panicked ("capacity overflow"), 10^11
/// aborted allocating 1.6 TB, and 0 silently became 10.
#[test]
fn bench_geometry_refuses_sample_counts_outside_its_range() {
    for bad in ["0", "9", "1000001", "100000000000", "18446744073709551615"] {
        refused(&["bench", "geometry", "--widgets", "100", "--samples", bad], "--samples");
    }
}

/// Regression: `bench drag --demo --widgets 5` ran the demo, ignoring the
/// widgets asked for, and `--parts drag,drag` ran the drag once.
#[test]
fn bench_flags_that_would_be_ignored_are_refused() {
    refused(&["bench", "drag", "--demo", "--widgets", "5", "--no-render"], "--widgets");
    refused(&["bench", "render", "--demo", "--seed", "3"], "--seed");
    refused(&strs(&drag(&["--parts", "drag,drag"])), "'drag' is named twice");
}

#[test]
fn a_heap_profile_into_a_missing_folder_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nodir").join("h.json");
    let err = refused(&strs(&drag(&["--heap-profile", path.to_str().unwrap()])), "--heap-profile");
    assert!(err.contains("nodir") && err.contains("does not exist"), "{err}");
    let err = refused(&strs(&drag(&["--cpu-profile", path.to_str().unwrap()])), "--cpu-profile");
    assert!(err.contains("nodir"), "{err}");
    // Opened fine, but every write fails: dhat only prints that, the size tells.
    let err = refused(&strs(&drag(&["--heap-profile", "/dev/full"])), "--heap-profile /dev/full");
    assert!(err.contains("was not written"), "{err}");
    // A folder is not a file to write.
    let err = refused(&strs(&drag(&["--heap-profile", dir.path().to_str().unwrap()])), "--heap-profile");
    assert!(err.contains("folder"), "{err}");
}

/// dhat writes its profile itself; the target is only ever written whole,
/// by the same writer as every output, and never emptied up front.
#[test]
fn a_heap_profile_never_empties_or_replaces_a_read_only_target() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kept.json");
    std::fs::write(&path, "an earlier profile").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = refused(&strs(&drag(&["--heap-profile", path.to_str().unwrap()])), "--heap-profile");
    assert!(err.contains("read-only") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "an earlier profile");
    // A run that fails after the profiler started leaves the old profile whole.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let missing = dir.path().join("missing-report.json");
    refused(
        &strs(&drag(&["--heap-profile", path.to_str().unwrap(), "--compare", missing.to_str().unwrap()])),
        "--compare",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "an earlier profile");
    // No scratch file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn compare_refuses_devices_fifos_and_oversized_files_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(&strs(&drag(&["--compare", "/dev/zero"])), "--compare /dev/zero");
    assert!(err.contains("not a regular file"), "{err}");

    // Opening a FIFO with no writer would block: the timeout in `refused` bounds it.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let err = refused(&strs(&drag(&["--compare", fifo.to_str().unwrap()])), "--compare");
    assert!(err.contains("not a regular file"), "{err}");

    // Sparse: a byte over the limit takes no disk.
    let big = dir.path().join("big.json");
    std::fs::File::create(&big).unwrap().set_len(64 * 1024 * 1024 + 1).unwrap();
    let err = refused(&strs(&drag(&["--compare", big.to_str().unwrap()])), "--compare");
    assert!(err.contains("67108864") && err.contains("MAX_REPORT_BYTES"), "{err}");

    let missing = dir.path().join("missing.json");
    refused(&strs(&drag(&["--compare", missing.to_str().unwrap()])), "--compare");
    let text = dir.path().join("text.json");
    std::fs::write(&text, "not json").unwrap();
    let err = refused(&strs(&drag(&["--compare", text.to_str().unwrap()])), "--compare");
    assert!(err.contains("not a `bench drag --json` report"), "{err}");
}

#[test]
fn sane_values_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let heap = dir.path().join("h.json");
    let out = Command::cargo_bin("trellis")
        .unwrap()
        .args(strs(&drag(&["--size=640x400", "--budget-ms", "100000", "--min-fps", "0.001", "--json"])))
        .arg(&report)
        .arg("--heap-profile")
        .arg(&heap)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(&heap).unwrap().len() > 0);
    let out = Command::cargo_bin("trellis")
        .unwrap()
        .args(strs(&drag(&["--compare", report.to_str().unwrap()])))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("now / before"));
}

/// Regression test for outputs that replaced what the command reads or
/// another output, each with exit 0: `render d.json -o d.json` (the design
/// became a PNG), `validate --json` through a link to the design,
/// `recover j.jsonl -o j.jsonl` (the crash journal, so the recovery could
/// not be tried again) and `export -o e.rs --json e.rs`. Each is refused
/// before anything is written, and every file is as it was.
#[test]
fn an_output_that_is_an_input_or_another_output_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = design(dir.path());
    let before = std::fs::read(&d).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&d, &link).unwrap();
    let link = link.to_str().unwrap();
    let journal = dir.path().join("j.jsonl");
    std::fs::write(&journal, "{}\n").unwrap();
    let journal = journal.to_str().unwrap();
    let code = dir.path().join("e.rs");
    let code = code.to_str().unwrap();
    refused(&["render", &d, "-o", &d], "that is the design this command reads");
    refused(&["validate", &d, "--json", link], "--json");
    refused(&["info", link, "--json", &d], "writing it would replace it");
    refused(&["recover", journal, "-o", journal], "that is the journal this command reads");
    refused(&["export", &d, "--to", "egui", "-o", code, "--json", code], "are the same file");
    assert_eq!(std::fs::read(&d).unwrap(), before, "the design is as it was");
    assert_eq!(std::fs::read(journal).unwrap(), b"{}\n", "the journal is as it was");
    assert!(!Path::new(code).exists(), "nothing was exported");
    // An output into a folder that does not exist, or onto a folder, is
    // refused before the run, not after it.
    let missing = dir.path().join("no/such/folder/report.json");
    refused(&["bench", "drag", "--widgets", "400", "--json", missing.to_str().unwrap()], "does not exist");
    refused(&["bench", "render", "--widgets", "400", "--json", dir.path().to_str().unwrap()], "is a folder");
    // A scenario may save its design over the one it started from.
    let scenario = dir.path().join("s.scenario");
    std::fs::write(&scenario, "select save_button\n").unwrap();
    let design_path = dir.path().join("in-place.json");
    std::fs::write(&design_path, crate_demo()).unwrap();
    Command::cargo_bin("trellis")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .arg("--design")
        .arg(&design_path)
        .arg("-o")
        .arg(&design_path)
        .assert()
        .success();
}

/// Regression test for `render -o FIFO` and a journal on a FIFO waiting
/// forever for a reader: each is refused at once with what to do.
#[test]
fn an_output_or_a_journal_on_a_fifo_no_one_reads_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = design(dir.path());
    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    let err = refused(&["validate", &d, "--json", fifo], "no process is reading");
    assert!(err.contains("start its reader first"), "{err}");
    let scenario = dir.path().join("s.scenario");
    std::fs::write(&scenario, "click save_button\n").unwrap();
    refused(&["run", scenario.to_str().unwrap(), "--journal", fifo, "--force"], "not a regular file");
}

/// Regression test for a panic: `bench geometry --widgets 1` (the window
/// alone, no widget for the queries to pick) indexed an empty list.
#[test]
fn bench_geometry_refuses_a_design_of_the_window_alone() {
    refused(&["bench", "geometry", "--widgets", "1", "--samples", "10"], "--widgets must be from 2");
}

/// Regression test: a report of a file whose name is not UTF-8 was not
/// written at all ("path contains invalid UTF-8 characters"); it names
/// the file with the bytes it cannot show replaced.
#[test]
fn a_report_names_a_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = design(dir.path());
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"bad\xff.json"));
    std::fs::copy(&d, &odd).unwrap();
    let report = dir.path().join("v.json");
    let out =
        Command::cargo_bin("trellis").unwrap().arg("validate").arg(&odd).arg("--json").arg(&report).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(json.to_string().contains("bad\u{fffd}.json"), "{json}");
}

/// The bundled demo as a design file's text.
fn crate_demo() -> Vec<u8> {
    Command::cargo_bin("trellis").unwrap().args(["demo", "--out", "/dev/stdout"]).output().unwrap().stdout
}
