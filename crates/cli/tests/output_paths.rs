//! Hostile output targets: `-o`, `--out` and `--json` pointed at devices,
//! FIFOs, links, read-only files, folders and impossible paths. An output
//! is written in place or refused with a reason; a special file is never
//! replaced by a regular one. These run as root in CI, which is the case
//! that used to break `/dev/null` for the whole machine.

#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;

/// Long enough for a debug build on a loaded machine, short enough that a
/// write blocked on a FIFO fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(60);

fn trellis() -> Command {
    let mut cmd = Command::cargo_bin("trellis").unwrap();
    cmd.timeout(LIMIT);
    cmd
}

fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.assert().failure().code(2).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

fn is_design(bytes: &[u8]) -> bool {
    trellis_model::Document::from_json_bytes(bytes).is_ok()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_target_is_written_in_place_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("design.pipe");
    mkfifo(&fifo);
    let (sent, received) = mpsc::channel();
    let reader_path = fifo.clone();
    // The writer's open blocks until a reader opens the other end.
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = fs::File::open(&reader_path).and_then(|mut f| f.read_to_end(&mut bytes));
        let _ = sent.send(result.map(|_| bytes));
    });
    trellis().args(["demo", "--out"]).arg(&fifo).assert().success();
    let bytes = received.recv_timeout(LIMIT).expect("the reader got the design").unwrap();
    assert!(is_design(&bytes), "the FIFO carried the design: {}", String::from_utf8_lossy(&bytes));
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn dev_null_as_out_or_json_stays_a_character_device() {
    let before = fs::symlink_metadata("/dev/null").unwrap().file_type();
    assert!(before.is_char_device(), "/dev/null was broken before this test ran: `mknod -m 666 /dev/null c 1 3`");
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis().args(["demo", "--out"]).arg(&design).assert().success();
    trellis().args(["demo", "--out", "/dev/null"]).assert().success();
    trellis().arg("info").arg(&design).args(["--json", "/dev/null"]).assert().success();
    trellis().arg("validate").arg(&design).args(["--json", "/dev/null"]).assert().success();
    let meta = fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "/dev/null is still a character device");
    assert_eq!(fs::read("/dev/null").unwrap(), b"", "and still reads empty");
}

#[test]
fn dev_full_reports_the_full_disk_and_stays_a_device() {
    let err = stderr_of(trellis().args(["demo", "--out", "/dev/full"]));
    assert!(err.contains("/dev/full") && err.contains("os error 28"), "{err}");
    assert!(fs::symlink_metadata("/dev/full").unwrap().file_type().is_char_device());
}

#[test]
fn dev_stdout_as_out_writes_the_design_to_standard_output() {
    let out = trellis().args(["demo", "--out", "/dev/stdout"]).assert().success().get_output().clone();
    // What the command says goes to standard error: the stream is the design.
    assert!(is_design(&out.stdout), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote /dev/stdout"));
}

/// Regression: `render -o /dev/stdout` wrote the PNG, then the report
/// ("rendered …") after its end, into the same stream.
#[test]
fn a_png_rendered_to_standard_output_is_the_whole_stream() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("d.trellis.json");
    trellis().arg("new").arg(&design).assert().success();
    let out = trellis()
        .args(["render", "--backend", "cpu", "-o", "/dev/stdout"])
        .arg(&design)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(out.stdout.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(out.stdout.ends_with(b"IEND\xaeB`\x82"), "nothing after the PNG's end: {} bytes", out.stdout.len());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rendered"), "the report on standard error");
}

#[test]
fn dev_stdout_redirected_to_a_file_appends_instead_of_replacing_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    fs::write(&log, "earlier output\n").unwrap();
    let append = fs::OpenOptions::new().append(true).open(&log).unwrap();
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("trellis"))
        .args(["demo", "--out", "/dev/stdout"])
        .stdout(append)
        .status()
        .unwrap();
    assert!(status.success());
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier output\n"), "what the shell appended to is kept: {text}");
    assert!(is_design(&text.as_bytes()["earlier output\n".len()..]), "{text}");
}

#[test]
fn a_symlink_target_is_replaced_and_the_link_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    fs::write(&target, "old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    trellis().args(["demo", "--out"]).arg(&link).assert().success();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real.json"));
    assert!(is_design(&fs::read(&target).unwrap()), "the target holds the new design");
    assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o7777, 0o640, "its mode is kept");
}

#[test]
fn a_dangling_symlink_is_refused_naming_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("nowhere/real.json", &link).unwrap();
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(&link));
    assert!(err.contains("symbolic link to nowhere/real.json, which does not exist"), "{err}");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn a_read_only_file_is_refused_without_force_even_for_root() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locked.json");
    fs::write(&file, "keep me").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(&file));
    assert!(err.contains(&file.display().to_string()) && err.contains("read-only (mode 0444)"), "{err}");
    assert!(err.contains("--force"), "the message says how to go ahead: {err}");
    let err = stderr_of(trellis().args(["demo", "--json"]).arg(&file));
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn a_read_only_file_is_replaced_with_force_keeping_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locked.json");
    fs::write(&file, "old").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    trellis().args(["demo", "--force", "--out"]).arg(&file).assert().success();
    assert!(is_design(&fs::read(&file).unwrap()));
    assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o7777, 0o444);
    trellis().args(["--force", "new"]).arg(&file).assert().success();
    assert_eq!(trellis_model::Document::load(&file).unwrap().len(), 1, "`new --force` wrote an empty design");
    assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o7777, 0o444);
}

#[test]
fn a_missing_folder_is_named_with_the_system_reason() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("missing");
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(folder.join("x.json")));
    let expected = format!("the folder {} does not exist", folder.display());
    assert!(err.contains(&expected) && err.contains("os error 2"), "{err}");
    assert!(!err.contains("temporary file"), "{err}");
}

#[test]
fn a_parent_that_is_a_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    fs::write(&file, "").unwrap();
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(file.join("x.json")));
    let expected = format!("{} is a file, not a folder", file.display());
    assert!(err.contains(&expected) && err.contains("os error 20"), "{err}");
}

#[test]
fn a_300_character_name_is_refused_as_too_long() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.json", "n".repeat(295)));
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(&path));
    assert!(err.contains("the file name is 300 bytes long") && err.contains("os error 36"), "{err}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left behind");
}

#[test]
fn a_name_near_the_limit_still_saves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.json", "n".repeat(250)));
    trellis().args(["demo", "--out"]).arg(&path).assert().success();
    assert!(is_design(&fs::read(&path).unwrap()));
}

#[test]
fn a_folder_as_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = stderr_of(trellis().args(["demo", "--out"]).arg(dir.path()));
    assert!(err.contains("it is a folder"), "{err}");
    let err = stderr_of(trellis().args(["demo", "--json"]).arg(dir.path()));
    assert!(err.contains("it is a folder"), "{err}");
    assert!(fs::metadata(dir.path()).unwrap().is_dir());
}

#[test]
fn a_malformed_input_never_clobbers_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let out = dir.path().join("out.png");
    fs::write(&bad, "{ not json").unwrap();
    fs::write(&out, "previous image").unwrap();
    trellis().arg("render").arg(&bad).arg("-o").arg(&out).assert().failure().code(2);
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous image");
}
