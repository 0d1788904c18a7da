//! The `trellis` binary driven as a user (or CI) drives it: arguments in,
//! tables, JSON files and exit codes out.

use std::fs;

use assert_cmd::Command;

fn trellis() -> Command {
    Command::cargo_bin("trellis").unwrap()
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn the_headless_demo_job_reports_the_design_and_a_clean_round_trip() {
    let output = trellis().arg("demo").output().unwrap();
    assert!(output.status.success());
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("editing session"), "{out}");
    assert!(out.contains("at the peak"), "the counting allocator reports heap use: {out}");
    assert!(out.contains("Insert Button, Move, Resize, Duplicate, Move"), "{out}");
    assert!(out.contains("52 (9 containers)"), "an insert and a duplicate stay after the undo: {out}");
    assert!(out.contains("identical"), "{out}");
    assert!(out.contains("grid"), "the kinds table lists what the demo uses: {out}");
}

#[test]
fn demo_out_writes_a_valid_design_that_info_describes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cards.trellis.json");
    trellis().args(["demo", "--widgets", "500", "--seed", "3", "--out"]).arg(&file).assert().success();
    let json = dir.path().join("info.json");
    let out = stdout(trellis().arg("info").arg(&file).arg("--json").arg(&json));
    assert!(out.contains("500"), "{out}");
    let info: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(info["widgets"], 500);
    assert_eq!(info["format_version"], 2);
    assert!(info["by_kind"]["button"].as_u64().unwrap() > 10);
    // The same seed gives the same design, byte for byte.
    let again = dir.path().join("again.trellis.json");
    trellis().args(["demo", "--widgets", "500", "--seed", "3", "--out"]).arg(&again).assert().success();
    assert_eq!(fs::read(&file).unwrap(), fs::read(&again).unwrap());
}

#[test]
fn info_json_to_standard_output_is_pure_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.trellis.json");
    trellis().args(["demo", "--out"]).arg(&file).assert().success();
    let out = stdout(trellis().arg("info").arg(&file).args(["--json", "-"]));
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(info["widgets"], 50);
    assert_eq!(info["bounds"], serde_json::json!([0.0, 0.0, 1280.0, 800.0]), "the demo fits its window");
}

#[test]
fn validate_exit_code_is_the_verdict_with_one_line_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.trellis.json");
    trellis().arg("new").arg(&good).assert().success();
    trellis().arg("validate").arg(&good).assert().code(0);
    let bad = dir.path().join("bad.trellis.json");
    fs::write(
        &bad,
        r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","children":[
            {"kind":"button","name":"b","props":{"fill":"blue"}},
            {"kind":"rocket","name":"r"}]}}"#,
    )
    .unwrap();
    let out = trellis().arg("validate").arg(&good).arg(&bad).assert().code(1).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    let problem_lines: Vec<_> = out.lines().filter(|l| l.starts_with(&*bad.to_string_lossy())).collect();
    assert_eq!(problem_lines.len(), 2, "{out}");
    assert!(out.contains("root.children[0].props.fill"), "{out}");
    assert!(out.contains("unknown widget kind 'rocket'"), "{out}");
    assert!(out.contains("2 files checked, 1 invalid"), "{out}");
    let json = dir.path().join("report.json");
    trellis().arg("validate").arg(&bad).arg("--json").arg(&json).assert().code(1);
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report[0]["valid"], false);
    assert_eq!(report[0]["problems"].as_array().unwrap().len(), 2);
}

#[test]
fn hostile_files_get_an_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("binary", (0..=255u8).collect()),
        ("deep", "[".repeat(100_000).into_bytes()),
        (
            "not_utf8",
            b"{\"format\":\"trellis\",\"version\":1,\"root\":{\"kind\":\"window\",\"name\":\"\xff\"}}".to_vec(),
        ),
        ("future", br#"{"format":"trellis","version":99,"root":{}}"#.to_vec()),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(name);
        fs::write(&file, bytes).unwrap();
        let output = trellis().arg("validate").arg(&file).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn new_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.trellis.json");
    trellis().arg("new").arg(&file).assert().success();
    let out = trellis().arg("new").arg(&file).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(out).unwrap().contains("--force"));
    trellis().arg("new").arg(&file).arg("--force").assert().success();
}

#[test]
fn unreadable_input_and_bad_arguments_exit_2_with_a_message() {
    let out = trellis().args(["info", "/no/such/file.trellis.json"]).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(out).unwrap().contains("/no/such/file.trellis.json"));
    trellis().args(["demo", "--widgets", "0"]).assert().code(2);
    trellis().args(["demo", "--widgets", "999999999"]).assert().code(2);
}

#[test]
fn bench_geometry_reports_every_query_and_writes_json_with_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("geometry.json");
    let output = trellis()
        .args(["bench", "geometry", "--widgets", "2000", "--samples", "200", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = String::from_utf8(output.stdout).unwrap();
    for row in ["hit test", "drop target", "marquee", "snap", "full layout", "moving one absolute card"] {
        assert!(out.contains(row), "missing {row}: {out}");
    }
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["figures"]["widgets"], 2000);
    assert!(report["machine"]["cpus"].as_u64().unwrap() >= 1);
    for q in report["figures"]["queries"].as_array().unwrap() {
        assert_eq!(q["mismatches"], 0, "the index and the scan agree: {q}");
        assert!(q["index"]["median_ns"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn bench_geometry_refuses_a_design_larger_than_the_limit() {
    trellis().args(["bench", "geometry", "--widgets", "300000"]).assert().code(2);
}

const SCENARIO: &str = "\
drag save_button by 0,40 steps 30
click title_label
key delete
palette checkbox at 300,400 steps 10
drag back_button by 20,300 steps 30 nosnap
resize search_input e by 40,0
key ctrl+z
set save_button,back_button fill \"#336699\"
rename save_button to store_button
move store_button into sidebar at 0
set page_title text Settings, renamed
";

#[test]
fn run_writes_a_journal_that_replay_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("session.scenario");
    fs::write(&scenario, SCENARIO).unwrap();
    let journal = dir.path().join("session.journal");
    let out = dir.path().join("after.trellis.json");
    let output =
        trellis().arg("run").arg(&scenario).arg("--journal").arg(&journal).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("commands committed"), "{stdout}");
    let replayed = dir.path().join("replayed.trellis.json");
    let json = dir.path().join("replay.json");
    trellis()
        .arg("replay")
        .arg(&journal)
        .arg("--verify")
        .arg("--out")
        .arg(&replayed)
        .arg("--json")
        .arg(&json)
        .assert()
        .code(0);
    assert_eq!(fs::read(&out).unwrap(), fs::read(&replayed).unwrap(), "replay rebuilds the very same design");
    // The panels' steps (inspector, layers tree) landed, in the journal too.
    let saved = trellis_model::Document::load(&out).unwrap();
    let store = saved.find("store_button").expect("renamed");
    assert_eq!(saved.children(saved.find("sidebar").unwrap())[0], store);
    assert_eq!(saved.widget(store).unwrap().color(trellis_model::PropKey::Fill).unwrap().to_string(), "#336699");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["ended"], true);
    assert!(report["commits"].as_u64().unwrap() >= 5);
    // Tampering with a recorded hash makes --verify fail.
    let text = fs::read_to_string(&journal).unwrap();
    let line = text.lines().find(|l| l.contains("\"record\":\"commit\"")).unwrap();
    let tampered = text.replacen(line, &line.replace("\"hash\":\"", "\"hash\":\"0"), 1);
    fs::write(&journal, tampered).unwrap();
    trellis().arg("replay").arg(&journal).arg("--verify").assert().code(1);
}

#[test]
fn a_killed_session_is_recovered_from_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("long.scenario");
    // Many committed steps, slowly, so the kill lands mid-session.
    let mut script = String::new();
    for i in 0..40 {
        script.push_str(&format!("drag save_button by {},{} steps 4 nosnap\n", if i % 2 == 0 { 10 } else { -10 }, 5));
    }
    fs::write(&scenario, script).unwrap();
    let journal = dir.path().join("crash.journal");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("trellis"))
        .arg("run")
        .arg(&scenario)
        .arg("--journal")
        .arg(&journal)
        .args(["--step-delay-ms", "15"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a few commits to reach the journal, then kill without warning.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let commits = fs::read_to_string(&journal).map(|t| t.matches("\"record\":\"commit\"").count()).unwrap_or(0);
        if commits >= 5 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the session made no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let text = fs::read_to_string(&journal).unwrap();
    assert!(!text.contains("\"record\":\"end\""), "the session was killed before it ended");
    let last_hash = text
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["record"] == "commit")
        .map(|v| v["hash"].as_str().unwrap().to_owned())
        .unwrap();
    let out = dir.path().join("recovered.trellis.json");
    let output = trellis().arg("recover").arg(&journal).arg("-o").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("had not ended"));
    // The recovered design is the last committed one.
    let json = dir.path().join("info.json");
    trellis().arg("info").arg(&out).arg("--json").arg(&json).assert().success();
    let info: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(info["content_hash"], last_hash);
}

#[test]
fn bench_drag_runs_the_session_end_to_end_and_writes_json_svg_and_a_trace() {
    let dir = tempfile::tempdir().unwrap();
    let (json, svg, trace) =
        (dir.path().join("drag.json"), dir.path().join("drag.svg"), dir.path().join("drag.trace.json"));
    let output = trellis()
        .args(["bench", "drag", "--widgets", "400", "--frames", "12", "--size", "640x400", "--json"])
        .arg(&json)
        .arg("--svg")
        .arg(&svg)
        .arg("--trace")
        .arg(&trace)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    for phase in ["event", "layout", "display list", "encode and submit", "gpu", "wait"] {
        assert!(text.contains(phase), "the table has the {phase} phase: {text}");
    }
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["widgets"], 400);
    assert!(report["machine"]["cpus"].as_u64().unwrap() >= 1);
    assert!(report["backend"].is_string() && report["adapter"].is_string());
    let records = report["records"].as_array().unwrap();
    assert_eq!(records.len() as u64, report["stats"]["frames"].as_u64().unwrap());
    let drag = report["parts"].as_array().unwrap().iter().find(|p| p["part"] == "drag").unwrap();
    assert_eq!(drag["frames"], 14, "press, 12 moves, release");
    assert!(report["commits"].as_u64().unwrap() >= 3, "the drop, the drag and the resize commit");
    // The heap when the frames start, and its peak over them.
    let (loaded, peak) =
        (report["heap_after_load_bytes"].as_u64().unwrap(), report["heap_frames_peak_bytes"].as_u64().unwrap());
    assert!(loaded > 0 && peak >= loaded, "after load {loaded}, peak over the frames {peak}");
    if gpu_required() {
        assert!(records.iter().any(|r| r["gpu_ns"].as_u64().is_some_and(|ns| ns > 0)), "GPU time is measured");
    }
    // The chart is one SVG document with a bar per frame.
    let svg = fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.matches("<title>frame ").count() >= records.len());
    // The trace is Chrome's trace-event JSON: complete events and counters.
    let trace: serde_json::Value = serde_json::from_slice(&fs::read(&trace).unwrap()).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    assert_eq!(
        events.iter().filter(|e| e["ph"] == "X" && e["name"].as_str().unwrap().starts_with("frame ")).count(),
        records.len()
    );
    assert!(events.iter().any(|e| e["ph"] == "X" && e["name"] == "layout"));
    assert!(events.iter().any(|e| e["ph"] == "C" && e["name"] == "fps"));
    assert!(events.iter().any(|e| e["ph"] == "C" && e["name"] == "heap_bytes"));
    for e in events.iter().filter(|e| e["ph"] == "X") {
        assert!(e["ts"].as_f64().unwrap() >= 0.0 && e["dur"].as_f64().unwrap() >= 0.0);
    }
    // Comparing with itself gives ratios of one; an impossible budget fails.
    let again = trellis()
        .args(["bench", "drag", "--widgets", "400", "--frames", "4", "--no-render", "--compare"])
        .arg(&json)
        .args(["--budget-ms", "0.000001"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "a missed budget is a failing verdict");
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("now / before") && text.contains("FAIL: frame p99"), "{text}");
    trellis()
        .args(["bench", "drag", "--widgets", "400", "--frames", "4", "--no-render", "--min-fps", "1"])
        .assert()
        .success();
    trellis().args(["bench", "drag", "--frames", "4", "--compare", "Cargo.toml"]).assert().code(2);
}

/// `bench drag --parts` runs a subset of the session, pan and zoom
/// included; each part has its row and its allocations per frame.
#[test]
fn bench_drag_runs_the_parts_asked_for_with_pan_and_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("parts.json");
    let output = trellis()
        .args(["bench", "drag", "--widgets", "400", "--size", "640x400"])
        .args(["--parts", "pan,zoom,select-all-move,set-property-1000,paste-1000,delete-1000", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    let parts: Vec<(&str, u64)> = report["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["part"].as_str().unwrap(), p["frames"].as_u64().unwrap()))
        .collect();
    // Zoom steps too dear to draw whole on a software adapter are shown
    // resampled at once, then drawn exactly in frames after the part's
    // inputs, which count in the part; the part ends with nothing stale.
    let records = report["records"].as_array().unwrap();
    let zoom_frames = parts[1].1 as usize;
    assert!(parts[1].0 == "zoom" && zoom_frames >= 30, "{parts:?}");
    let zoom = &records[60..60 + zoom_frames];
    assert_eq!(zoom.last().unwrap()["stale_pixels"], 0, "the zoom part ends drawn exactly");
    if report["adapter"].as_str().unwrap().contains("llvmpipe") {
        assert!(zoom.iter().any(|r| r["resampled"] == true), "lavapipe resamples the dearest zoom steps");
    }
    let mut parts = parts;
    parts[1].1 = 30;
    assert_eq!(
        parts,
        [
            ("pan", 60),
            ("zoom", 30),
            ("select-all-move", 22),
            ("set-property-1000", 1),
            ("paste-1000", 3),
            ("delete-1000", 2)
        ]
    );
    assert_eq!(report["commits"], 13, "ten nudges, the property, the paste and the delete commit");
    for p in report["parts"].as_array().unwrap() {
        assert_eq!(p["allocations"].as_array().unwrap().len() as u64, p["frames"].as_u64().unwrap());
        // Its slowest frame, phase by phase: the record that set its max.
        let slowest = &p["slowest"];
        let total = slowest["total_ms"].as_f64().unwrap();
        assert!((total - p["max_ms"].as_f64().unwrap()).abs() < 1e-9, "{p}");
        let record = records.iter().find(|r| r["index"] == slowest["index"]).expect("the slowest frame is a record");
        assert!((record["total_ns"].as_f64().unwrap() / 1e6 - total).abs() < 1e-9, "{p}");
        let phases: Vec<(&str, Option<f64>)> = slowest["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ph| (ph["phase"].as_str().unwrap(), ph["ms"].as_f64()))
            .collect();
        let names: Vec<&str> = phases.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["event", "layout", "display list", "encode and submit", "gpu", "wait"], "{p}");
        // Its copies from texture to texture, where the GPU renderer drew.
        let moved = record["copied_pixels"].as_u64().unwrap();
        let copies = moved + record["composed_pixels"].as_u64().unwrap();
        if report["backend"] == "cpu" {
            assert!(slowest["texture_copy_pixels"].is_null(), "the CPU rasteriser copies no texture: {p}");
        } else {
            assert_eq!(slowest["texture_copy_pixels"].as_u64(), Some(copies), "{p}");
            if p["part"] == "pan" {
                // A pan by whole pixels moves the whole canvas by a copy.
                assert_eq!(moved, 640 * 400, "{p}");
            }
        }
        let outside_gpu: f64 = phases.iter().filter(|(n, _)| *n != "gpu").map(|(_, ms)| ms.unwrap()).sum();
        assert!(outside_gpu <= total + 1e-6, "the phases lie within the frame: {p}");
        for ((_, ms), key) in
            phases.iter().zip(["event_ns", "layout_ns", "display_list_ns", "encode_ns", "gpu_ns", "wait_ns"])
        {
            // The GPU's time is none where the adapter cannot time it.
            assert_eq!(ms.map(|ms| (ms * 1e6).round()), record[key].as_f64(), "{key} of {p}");
        }
    }
    assert!(text.contains("Each part's slowest frame, phase by phase"), "{text}");

    let output = trellis().args(["bench", "drag", "--widgets", "400", "--parts", "drag,spin"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("there is no part 'spin'") && err.contains("palette drop, drag"), "{err}");
}

/// `trellis bench drag` with `args`, its `--json` report read back.
fn drag_bench_report(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("drag.json");
    let output = trellis().args(["bench", "drag"]).args(args).arg("--json").arg(&json).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&fs::read(&json).unwrap()).unwrap()
}

/// The part of a `bench drag` report named `name`.
fn report_part(report: &serde_json::Value, name: &str) -> serde_json::Value {
    report["parts"].as_array().unwrap().iter().find(|p| p["part"] == name).unwrap().clone()
}

/// A part's counts a frame under `key` (`allocations`, `own_allocations`).
fn frame_counts(part: &serde_json::Value, key: &str) -> Vec<u64> {
    part[key].as_array().unwrap().iter().map(|a| a.as_u64().unwrap()).collect()
}

/// Asserts that every steady frame of a drag (all but the press, the
/// move that starts the gesture, whose state is made then, and the drop,
/// a commit) allocates at most 16 times, and the middle one at most
/// `median`.
fn assert_steady_drag_frames_within_the_bound(counts: &[u64], median: u64) {
    let moves = &counts[3..counts.len() - 1];
    assert!(moves.iter().all(|n| *n <= 16), "a drag frame allocated more than 16 times: {counts:?}");
    let mut sorted = moves.to_vec();
    sorted.sort_unstable();
    assert!(sorted[sorted.len() / 2] <= median, "most drag frames allocate nothing: {counts:?}");
}

/// The editor core's drag, pan and zoom frames allocate a handful of
/// times on the standard 10,000-widget design (a free card dragged): a
/// count, the same every run, so this gates it (`bench drag --no-render`;
/// the renderer's frames add wgpu's own allocations, about 75 a frame, and
/// a widget dragged inside a layout still allocates 60 to 90 times).
#[test]
fn editor_core_drag_and_pan_frames_allocate_little() {
    let report = drag_bench_report(&["--frames", "60", "--no-render", "--parts", "drag,pan,zoom"]);
    let part = |name: &str| report_part(&report, name);
    let (drag, pan, zoom) = (part("drag"), part("pan"), part("zoom"));
    eprintln!("drag allocations: {}", drag["allocations"]);
    assert!(drag["allocations_median"].as_u64().unwrap() <= 16, "drag frames: {}", drag["allocations"]);
    assert!(pan["allocations_max"].as_u64().unwrap() <= 8, "pan frames: {}", pan["allocations"]);
    assert!(zoom["allocations_max"].as_u64().unwrap() <= 8, "zoom frames: {}", zoom["allocations"]);
}

/// At 100,000 widgets the dragged card and its contents enter new cells
/// of the spatial index every frame; a bucket with no free place grew as
/// they entered, 3 to 24 allocations a drag frame. Widgets moving onto a
/// full bucket are now held loose, so every drag frame between the
/// gesture's start and the drop stays within the bound of 16 and most
/// allocate nothing. A count, the same every run but for the journal's
/// writer thread: kept waiting while tests run beside it, it hands back
/// the lines' buffers late, which its pool of 64 absorbs.
#[test]
fn a_drag_at_100000_widgets_allocates_within_the_bound_every_frame() {
    let report = drag_bench_report(&["--widgets", "100000", "--frames", "60", "--no-render", "--parts", "drag"]);
    let all = frame_counts(&report_part(&report, "drag"), "allocations");
    assert_steady_drag_frames_within_the_bound(&all, 1);
}

/// Trellis's own allocations in a rendered frame (those outside the
/// renderer's calls into wgpu and glyphon): the drag's moves, the pan's
/// and the zoom's steps allocate none of the lists a frame works in
/// (they are handed back and kept), within the issue's bound of 16 a
/// frame; wgpu 30's own, about ninety a frame, are counted apart. A
/// count, the same every run, so this gates it. Skips where no GPU
/// adapter is present (unless `TRELLIS_REQUIRE_GPU=1`).
#[test]
fn rendered_drag_pan_and_zoom_frames_allocate_little_of_their_own() {
    let report = drag_bench_report(&["--frames", "60", "--parts", "drag,pan,zoom"]);
    if report["backend"] == "cpu" {
        assert!(!gpu_required(), "TRELLIS_REQUIRE_GPU=1 but the benchmark drew on the CPU rasteriser");
        eprintln!("skipped: no GPU adapter on this machine");
        return;
    }
    let drag = report_part(&report, "drag");
    let own = frame_counts(&drag, "own_allocations");
    let all = frame_counts(&drag, "allocations");
    eprintln!("a drag frame's own allocations: {own:?}; all: {all:?}");
    assert_steady_drag_frames_within_the_bound(&own, 2);
    assert!(own.iter().zip(&all).all(|(o, a)| o <= a), "Trellis's own are among all: {own:?} {all:?}");
    for name in ["pan", "zoom"] {
        let p = report_part(&report, name);
        assert!(p["own_allocations_max"].as_u64().unwrap() <= 16, "{name} frames: {}", p["own_allocations"]);
    }
}

#[test]
fn bench_drag_runs_on_the_bundled_demo() {
    let output = trellis().args(["bench", "drag", "--demo", "--frames", "8", "--json", "-"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["design"], "the bundled demo");
}

#[test]
fn a_broken_scenario_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.scenario");
    fs::write(&scenario, "click save_button\nfly away\n").unwrap();
    let out = trellis().arg("run").arg(&scenario).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(out).unwrap().contains("scenario line 2: unknown step 'fly'"));
}

#[test]
fn gpu_lists_adapters_and_says_which_draws() {
    let output = trellis().args(["gpu", "--json", "-"]).output().unwrap();
    let probe: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let required = std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1");
    if probe["chosen"] == "cpu" {
        assert!(!required, "TRELLIS_REQUIRE_GPU=1 but no adapter works: {probe}");
        assert_eq!(output.status.code(), Some(1), "no working adapter is a failing verdict");
        eprintln!("skipped: no GPU adapter on this machine");
        return;
    }
    assert_eq!(output.status.code(), Some(0));
    let chosen = &probe["adapters"][probe["adapter"].as_u64().unwrap() as usize];
    assert_eq!(chosen["device"], serde_json::json!({"Ok": null}));
    if chosen["software"] == true {
        assert!(probe["reason"].as_str().unwrap().contains("GPU acceleration not active"));
        trellis().args(["gpu", "--require-hardware"]).assert().code(1);
    }
    // Forcing the CPU rasteriser is honoured and not a failure.
    let out = trellis().arg("gpu").env("TRELLIS_BACKEND", "cpu").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Chosen: cpu"));
    trellis().arg("gpu").env("TRELLIS_BACKEND", "glide").assert().code(2);
}

#[test]
fn render_draws_a_design_to_png_in_either_theme() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis().args(["demo", "--out"]).arg(&design).assert().success();
    for theme in ["light", "dark"] {
        let png = dir.path().join(format!("{theme}.png"));
        trellis()
            .arg("render")
            .arg(&design)
            .arg("-o")
            .arg(&png)
            .args(["--size", "640x400", "--theme", theme])
            .assert()
            .success();
        let bytes = fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // Width and height from the IHDR chunk.
        assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 640);
        assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 400);
    }
    let hi = dir.path().join("hi.png");
    trellis().arg("render").arg(&design).arg("-o").arg(&hi).args(["--scale", "2"]).assert().success();
    let bytes = fs::read(&hi).unwrap();
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 2560, "scale 2 doubles the default size");
    for bad in [&["--size", "0x10"][..], &["--theme", "purple"], &["--scale", "100"], &["--backend", "glide"]] {
        trellis().arg("render").arg(&design).arg("-o").arg(dir.path().join("x.png")).args(bad).assert().code(2);
    }
}

fn gpu_required() -> bool {
    std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1")
}

#[test]
fn render_draws_on_each_forced_backend_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis().args(["demo", "--out"]).arg(&design).assert().success();
    for backend in ["vulkan", "gl", "cpu"] {
        let png = dir.path().join(format!("{backend}.png"));
        let out = trellis()
            .arg("render")
            .arg(&design)
            .arg("-o")
            .arg(&png)
            .args(["--size", "320x200", "--backend", backend])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if out.status.code() == Some(2) && backend != "cpu" {
            assert!(!gpu_required(), "TRELLIS_REQUIRE_GPU=1 but --backend {backend} failed: {text}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("trellis gpu"), "the error says what to do");
            eprintln!("skipped: no {backend} adapter here");
            continue;
        }
        assert!(out.status.success(), "--backend {backend}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains(&format!("on {backend}")), "{text}");
        assert_eq!(&fs::read(&png).unwrap()[1..4], b"PNG");
    }
}

#[test]
fn a_machine_without_a_working_adapter_falls_back_to_the_cpu_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis().args(["demo", "--out"]).arg(&design).assert().success();
    let png = dir.path().join("fallback.png");
    // The loaders find no Vulkan driver and no EGL vendor: no adapter at all.
    let out = trellis()
        .arg("render")
        .arg(&design)
        .arg("-o")
        .arg(&png)
        .args(["--size", "320x200"])
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/vendor.json")
        .env_remove("TRELLIS_BACKEND")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("drawing with the CPU rasteriser"), "{stderr}");
    assert!(stdout.contains("CPU rasteriser (tiny-skia) on cpu"), "{stdout}");
    assert!(stdout.contains("GPU acceleration not active"), "{stdout}");
    assert_eq!(&fs::read(&png).unwrap()[1..4], b"PNG");
}

#[test]
fn bench_render_compares_full_and_damage_limited_redraw_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("render.json");
    let out = trellis()
        .args(["bench", "render", "--widgets", "600", "--frames", "6", "--size", "480x300", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("damage-limited") && text.contains("Full redraw / damage-limited"), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["widgets"], 600);
    assert_eq!(report["damage_limited"]["frame"]["samples"], 6);
    assert_eq!(report["full"]["frame"]["samples"], 6);
    assert!(report["damage_limited"]["redrawn_share"].as_f64().unwrap() < 0.5);
    assert!((report["full"]["redrawn_share"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert!(report["machine"]["cpus"].as_u64().unwrap() >= 1);
    if gpu_required() {
        assert_ne!(report["backend"], "cpu", "CI draws on its software Vulkan adapter");
    }
    assert!(report["refining"].is_null(), "a drag never resamples");
    // Zoom steps too dear to draw whole on a software adapter are shown
    // resampled, then drawn exactly over frames of their own: timed too.
    let out = trellis()
        .args([
            "bench",
            "render",
            "--widgets",
            "2000",
            "--frames",
            "6",
            "--size",
            "640x400",
            "--view",
            "zoom",
            "--json",
        ])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    if report["adapter"].as_str().unwrap().contains("llvmpipe") {
        assert!(report["refining"]["frame"]["samples"].as_u64().unwrap() >= 6, "{report}");
        assert!(report["refining_frames_median"].as_u64().unwrap() >= 1, "{report}");
    }
    trellis().args(["bench", "render", "--widgets", "0"]).assert().code(2);
    trellis().args(["bench", "render", "--size", "nope"]).assert().code(2);
}

/// Regression: `bench render --view drag` dragged a widget of a design
/// that reaches the coordinates' limit past it, and failed blaming the
/// design ("'e0'.x: 1166666.6 is outside the allowed range"), though the
/// design is valid. The drag now stops at the limit.
#[test]
fn bench_render_drags_within_the_coordinates_a_design_may_hold() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("far.trellis.json");
    let label = |name: &str, at: f64| serde_json::json!({"kind": "label", "name": name, "props": {"x": at, "y": at, "width": 100.0, "height": 20.0, "text": "far"}});
    let doc = serde_json::json!({
        "format": "trellis", "version": 2,
        "root": {"kind": "window", "name": "win", "props": {"width": 1_000_000.0, "height": 1_000_000.0},
                 "children": [label("near", 0.0), label("middle", 500_000.0), label("edge", 999_000.0)]}
    });
    fs::write(&design, doc.to_string()).unwrap();
    trellis().arg("validate").arg(&design).assert().success();
    let out = trellis()
        .args([
            "bench",
            "render",
            "--backend",
            "cpu",
            "--frames",
            "2",
            "--size",
            "320x200",
            "--view",
            "drag",
            "--design",
        ])
        .arg(&design)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `bench render` measures any design, as `bench drag` does: the bundled
/// demo (images included: nothing is drawn as a missing image), or a
/// design file, whose images load from its folder. The drag moves a
/// widget the window places at its x and y (the demo's toolbar, its
/// smallest), so each step redraws some of the canvas and not all of it;
/// a window that lays its widgets out has none to drag, and says to pan
/// or zoom instead, which work.
#[test]
fn bench_render_measures_the_demo_and_a_design_file() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("render.json");
    let out = trellis()
        .args(["bench", "render", "--demo", "--frames", "3", "--size", "480x300", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("cannot be opened"), "the demo's images are found: {stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    let described = format!("the bundled demo ({} widgets)", trellis_model::demo_design().len());
    assert!(text.contains(&described), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["design"], "the bundled demo");
    assert_eq!(report["widgets"], trellis_model::demo_design().len());
    assert_eq!(report["full"]["frame"]["samples"], 3);
    // The toolbar moved: some of the canvas redrawn each step, not all.
    let share = report["damage_limited"]["redrawn_share"].as_f64().unwrap();
    assert!(share > 0.02 && share < 0.3, "{report}");

    let design = dir.path().join("faded.trellis.json");
    let mut doc = trellis_model::demo_design();
    let ids: Vec<_> = doc.iter().map(|w| w.id()).filter(|id| *id != doc.root()).collect();
    for id in ids {
        let opacity = vec![(trellis_model::PropKey::Opacity, Some(trellis_model::PropValue::Number(0.8)))];
        if doc.widget(id).unwrap().kind().has(trellis_model::PropKey::Opacity) {
            doc.execute(trellis_model::Command::SetProperties { id, values: opacity }).unwrap();
        }
    }
    doc.save(&design).unwrap();
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let out = trellis()
        .args(["bench", "render", "--frames", "3", "--size", "480x300", "--json"])
        .arg(&json)
        .arg("--design")
        .arg(&design)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("cannot be opened"), "images load from the design's folder: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["design"], design.display().to_string());
    assert_eq!(report["full"]["frame"]["samples"], 3);

    // A window that lays out its widgets: nothing moves by its x and y.
    let column = dir.path().join("column.trellis.json");
    let mut doc = trellis_model::demo_design();
    let root = doc.root();
    let layout = vec![(
        trellis_model::PropKey::Layout,
        Some(trellis_model::PropValue::Layout(trellis_model::LayoutMode::Column)),
    )];
    doc.execute(trellis_model::Command::SetProperties { id: root, values: layout }).unwrap();
    doc.save(&column).unwrap();
    let out = trellis()
        .args(["bench", "render", "--frames", "2", "--size", "480x300", "--design"])
        .arg(&column)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("column.trellis.json") && stderr.contains("--view pan"), "{stderr}");
    let out = trellis()
        .args(["bench", "render", "--frames", "2", "--size", "480x300", "--view", "pan", "--design"])
        .arg(&column)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A file that is missing or not a design is named, with the reason.
    let missing = dir.path().join("missing.trellis.json");
    let broken = dir.path().join("broken.trellis.json");
    fs::write(&broken, "{\"format\": \"trellis\"").unwrap();
    for (file, reason) in [(&missing, "No such file"), (&broken, "not valid JSON")] {
        let out = trellis().args(["bench", "render", "--design"]).arg(file).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&file.display().to_string()) && stderr.contains(reason), "{stderr}");
    }
    trellis().args(["bench", "render", "--demo", "--design"]).arg(&design).assert().code(2);
}

/// A GET over plain HTTP/1.0: status code and body.
fn http_get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response to {path}: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

#[test]
fn the_debug_endpoint_answers_on_loopback_and_refuses_other_addresses() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["bench", "drag", "--widgets", "300", "--frames", "400", "--size", "320x200"])
        .args(["--debug-addr", "127.0.0.1:0", "--debug-wait", "60"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Standard error is read to its end in the background, so the child
    // never writes into a closed pipe.
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("debug endpoint: http://") {
                let _ = tx.send(rest.trim_end_matches("/debug/stats").to_owned());
            }
        }
    });
    let addr = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the endpoint says where it listens");
    // Frames arrive as the benchmark runs.
    let mut stats = serde_json::Value::Null;
    for _ in 0..100 {
        let (status, body) = http_get(&addr, "/debug/stats");
        assert_eq!(status, 200);
        stats = serde_json::from_slice(&body).unwrap();
        if stats["frames_kept"].as_u64().unwrap() > 0 && stats["live_objects"]["widgets"].is_u64() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(stats["command"], "bench drag");
    assert!(stats["stats"]["p99_ms"].as_f64().unwrap() > 0.0, "{stats}");
    assert!(stats["heap_bytes"].as_u64().unwrap() > 0);
    assert!(stats["live_objects"]["widgets"].as_u64().unwrap() >= 300, "{stats}");
    let (status, metrics) = http_get(&addr, "/metrics");
    assert_eq!(status, 200);
    let metrics = String::from_utf8(metrics).unwrap();
    for name in [
        "trellis_heap_bytes ",
        "trellis_fps ",
        "trellis_frame_seconds{quantile=\"0.99\"}",
        "trellis_live_objects{kind=\"widgets\"}",
    ] {
        assert!(metrics.contains(name), "{name} missing from:\n{metrics}");
    }
    let (status, trace) = http_get(&addr, "/debug/trace?seconds=1");
    assert_eq!(status, 200);
    let trace: serde_json::Value = serde_json::from_slice(&trace).unwrap();
    assert!(trace["traceEvents"].is_array());
    let (status, profile) = http_get(&addr, "/debug/pprof/profile?seconds=1");
    assert_eq!(status, 200);
    assert!(!profile.is_empty(), "a pprof protobuf");
    assert_eq!(http_get(&addr, "/debug/trace?seconds=999").0, 400);
    assert_eq!(http_get(&addr, "/nothing").0, 404);
    // Regression: every request got a thread of its own, however many were
    // held open (2,000 traces, 4,000 threads). Past eight in flight, a
    // request is answered 503 at once.
    // Each held eight seconds: on a loaded machine (the test suite runs
    // beside it) the eight may take a while to be accepted, so the ninth
    // is asked for until the endpoint is busy, well within that time. The
    // requests before have given their slots back first (a slot is kept
    // while the endpoint drains what a client still sends, up to a second).
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let held: Vec<_> = (0..8)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || http_get(&addr, "/debug/trace?seconds=8").0)
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let busy = (0..20).any(|_| {
        let status = http_get(&addr, "/debug/stats").0;
        if status != 503 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        status == 503
    });
    assert!(busy, "a ninth request is answered 503 while eight are answered");
    assert!(held.into_iter().all(|h| h.join().unwrap() == 200), "the eight are answered");
    // A slot is given back just after its answer is sent: allow it a moment.
    let again = (0..40).any(|_| {
        let answered = http_get(&addr, "/debug/stats").0 == 200;
        if !answered {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        answered
    });
    assert!(again, "answered again once they are done");
    // Regression: a header line of any length was read into memory. One
    // without end is answered 431 after 16 KiB, and the endpoint answers on.
    {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        stream.write_all(b"GET /debug/stats HTTP/1.1\r\nX-Long: ").unwrap();
        // Sent until the endpoint answers and closes (a write then fails).
        let chunk = vec![b'a'; 4096];
        for _ in 0..64 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    }
    assert_eq!(http_get(&addr, "/debug/stats").0, 200, "answered after a request too large");
    child.kill().unwrap();
    child.wait().unwrap();

    let out = trellis()
        .args(["bench", "drag", "--no-render", "--frames", "4", "--debug-addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback address"));
}

#[test]
fn cpu_and_heap_profiles_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let (cpu, heap) = (dir.path().join("cpu.pb"), dir.path().join("heap.json"));
    let out = trellis()
        .args(["bench", "drag", "--widgets", "300", "--frames", "20", "--size", "320x200", "--cpu-profile"])
        .arg(&cpu)
        .arg("--heap-profile")
        .arg(&heap)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::metadata(&cpu).unwrap().len() > 0, "a pprof protobuf");
    let svg = fs::read_to_string(dir.path().join("cpu.pb.svg")).unwrap();
    assert!(svg.contains("<svg"), "a flamegraph");
    let dhat: serde_json::Value = serde_json::from_slice(&fs::read(&heap).unwrap()).unwrap();
    assert!(
        dhat["dhatFileVersion"].is_number() && dhat["pps"].as_array().is_some_and(|p| !p.is_empty()),
        "a dhat profile"
    );
}

/// The demo ships with its images: written out, it renders with its avatar,
/// and drawn from memory by the benchmark, too. No missing-image warning.
#[test]
fn the_demo_is_written_and_drawn_with_its_images() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis().arg("demo").arg("-o").arg(&design).assert().success();
    let avatar = fs::read(dir.path().join("avatar.png")).expect("the avatar is written beside the demo");
    assert_eq!(avatar, trellis_model::DEMO_IMAGES[0].1);
    let png = dir.path().join("demo.png");
    let out = trellis().args(["render", "--backend", "cpu", "-o"]).arg(&png).arg(&design).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("warning"), "{err}");
    // An avatar of the user's own is never replaced.
    fs::write(dir.path().join("avatar.png"), b"mine").unwrap();
    let out = trellis().arg("--force").arg("demo").arg("-o").arg(&design).output().unwrap();
    assert!(out.status.success());
    assert_eq!(fs::read(dir.path().join("avatar.png")).unwrap(), b"mine");
    assert!(String::from_utf8_lossy(&out.stderr).contains("left as it is"));
    let out = trellis()
        .args(["bench", "drag", "--demo", "--frames", "2", "--size", "320x200", "--backend", "cpu"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("missing-image"), "{err}");
}

/// Regression: `demo --out` read whatever was at `avatar.png` beside it to
/// compare it with the demo's: a FIFO hung it, a link to `/dev/zero` read
/// until memory ran out, and a folder failed it after the design was
/// written. Anything there that is not a regular file of the image's size
/// is now left as it is, unread, with a note.
#[cfg(unix)]
#[test]
fn demo_out_never_reads_a_fifo_device_or_folder_where_its_avatar_goes() {
    let prompt = std::time::Duration::from_secs(20);
    for what in ["fifo", "dev-zero", "folder", "dangling"] {
        let dir = tempfile::tempdir().unwrap();
        let avatar = dir.path().join("avatar.png");
        match what {
            "fifo" => assert!(std::process::Command::new("mkfifo").arg(&avatar).status().unwrap().success()),
            "dev-zero" => std::os::unix::fs::symlink("/dev/zero", &avatar).unwrap(),
            "folder" => fs::create_dir(&avatar).unwrap(),
            _ => std::os::unix::fs::symlink(dir.path().join("gone.png"), &avatar).unwrap(),
        }
        let design = dir.path().join("demo.trellis.json");
        let started = std::time::Instant::now();
        let out = trellis().arg("demo").arg("-o").arg(&design).timeout(prompt).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{what}: {err}");
        assert!(started.elapsed() < prompt, "{what}: took {:?}", started.elapsed());
        assert!(err.contains("left as it is"), "{what}: {err}");
        assert!(fs::symlink_metadata(&avatar).is_ok(), "{what}: left where it was");
        if what == "dev-zero" {
            // A link leading out of the design's folder, which validate reports.
            let out = trellis().arg("validate").arg(&design).assert().code(1).get_output().stdout.clone();
            assert!(String::from_utf8_lossy(&out).contains("leads out of the design's folder"), "{what}");
        } else {
            trellis().arg("validate").arg(&design).assert().success();
        }
    }
}

/// Regression: the benchmark's marquee started inside the design, on a
/// widget, so the gesture moved that widget (a commit, a reparent at
/// 100,000 widgets) instead of drawing a marquee, and its undo and redo
/// undid and redid that move. It starts on empty canvas now.
#[test]
fn the_bench_marquee_starts_on_empty_canvas_and_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("marquee.json");
    // A card reaching past the window's top-left corner, where the
    // marquee would otherwise start.
    let overhang = dir.path().join("overhang.trellis.json");
    let mut doc = trellis_model::generate(200, 1);
    let card = doc.children(doc.root())[0];
    doc.execute(trellis_model::Command::SetFrame {
        id: card,
        frame: trellis_model::Rect::new(-300.0, -300.0, 400.0, 400.0),
    })
    .unwrap();
    doc.save(&overhang).unwrap();
    let overhang = overhang.to_str().unwrap();
    for design in [&["--demo"][..], &["--widgets", "2000"], &["--design", overhang]] {
        trellis()
            .args(["bench", "drag", "--parts", "marquee", "--no-render", "--json"])
            .arg(&json)
            .args(design)
            .assert()
            .success();
        let report: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
        assert_eq!(report["commits"], 0, "{design:?}: the marquee committed an edit");
        assert_eq!(report["parts"][0]["frames"], 12, "{design:?}: press, ten moves, release");
    }
}

/// Regression: a name or value quoted from a hostile design was printed
/// as it was: escape sequences in it could clear the terminal or colour
/// a forged "valid" line. Control characters are now shown escaped.
#[test]
fn control_characters_from_a_design_are_never_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("esc.trellis.json");
    let text = r##"{"format":"trellis","version":2,"root":{"kind":"window","name":"w\u001b[2J\u001b[31mFAKE","props":{"fill":"#ffffff\u0000"},"children":[{"kind":"button","name":"b\nFORGED: valid","children":[]}]}}"##;
    fs::write(&design, text).unwrap();
    for command in ["validate", "info", "render"] {
        let mut cmd = trellis();
        cmd.arg(command).arg(&design);
        if command == "render" {
            cmd.args(["--backend", "cpu", "-o"]).arg(dir.path().join("x.png"));
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "{command}: the design is invalid");
        for stream in [&out.stdout, &out.stderr] {
            assert!(!stream.iter().any(|b| *b == 0x1b || *b == 0), "{command}: {}", String::from_utf8_lossy(stream));
        }
        let said = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("\\u{1b}"), "{command}: shown escaped: {said}");
        // A line break in a name cannot start a line of its own.
        assert!(!said.lines().any(|l| l.starts_with("FORGED")), "{command}: {said}");
        assert!(said.contains("b\\nFORGED"), "{command}: the name shown escaped: {said}");
    }
}
