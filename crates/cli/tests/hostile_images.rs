//! Hostile image files referenced by a design, through `trellis render` and
//! `trellis validate`: each render finishes promptly with exit code 0, the
//! image drawn as the missing-image box and a warning on standard error
//! naming the path and the reason; a path leaving the design's folder is a
//! validation error naming the widget, the path and the reason.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// Longest a render of a one-widget design may take: a blocked open on a
/// FIFO or a read of /dev/zero would take forever.
const PROMPT: Duration = Duration::from_secs(30);

/// Writes `d.trellis.json` in `dir`: a window holding one image widget,
/// `hero_image`, showing `image`.
fn design(dir: &Path, image: &str) {
    let json = serde_json::json!({
        "format": "trellis",
        "version": 1,
        "root": {
            "kind": "window",
            "name": "main_window",
            "props": { "width": 400.0, "height": 300.0, "text": "Hostile" },
            "children": [{
                "kind": "image",
                "name": "hero_image",
                "props": { "x": 10.0, "y": 10.0, "width": 100.0, "height": 80.0, "image": image }
            }]
        }
    });
    std::fs::write(dir.join("d.trellis.json"), serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

/// A valid 4x4 PNG.
fn tiny_png() -> Vec<u8> {
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&4u32.to_be_bytes());
    ihdr.extend_from_slice(&4u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(&mut png, b"IHDR", &ihdr);
    // Four rows of filter byte 0 and four red pixels, in a stored deflate block.
    let raw: Vec<u8> = (0..4).flat_map(|_| std::iter::once(0).chain([255, 0, 0].repeat(4))).collect();
    let len = raw.len() as u16;
    let mut z = vec![0x78, 0x01, 1];
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// [`tiny_png`] with its header claiming `width`x`height`, CRC fixed.
fn claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = tiny_png();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// Renders `d.trellis.json` from inside `dir` (the design named without a
/// folder) on the CPU; asserts exit code 0 within [`PROMPT`]; returns
/// standard error.
fn render(dir: &Path) -> String {
    let started = Instant::now();
    let out = Command::cargo_bin("trellis")
        .unwrap()
        .current_dir(dir)
        .args(["render", "d.trellis.json", "-o", "out.png", "--backend", "cpu"])
        .timeout(PROMPT)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "render should draw the missing-image box and succeed: {err}");
    assert!(started.elapsed() < PROMPT, "render took {:?}", started.elapsed());
    assert_eq!(&std::fs::read(dir.join("out.png")).unwrap()[1..4], b"PNG");
    err
}

/// Renders a design showing `image` and asserts a warning naming it, its
/// widget and `reason`.
fn render_warns(dir: &Path, image: &str, reason: &str) {
    design(dir, image);
    let err = render(dir);
    let line = err.lines().find(|l| l.starts_with("warning: ") && l.contains(image));
    let line = line.unwrap_or_else(|| panic!("{image}: a warning should name the image: {err}"));
    assert!(line.contains(reason), "{image}: the warning should say {reason:?}: {line}");
    assert!(line.contains("missing-image box"), "{line}");
    assert!(line.contains("image widget 'hero_image'"), "the warning should name the widget: {line}");
}

#[test]
fn render_survives_a_png_claiming_100000x100000_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = claiming(100_000, 100_000);
    assert!(bomb.len() < 200, "a small file claiming 40 GB of pixels");
    std::fs::write(dir.path().join("bomb.png"), bomb).unwrap();
    render_warns(dir.path(), "bomb.png", "100000x100000 pixels, over the limit of 8192 pixels a side");
}

#[test]
fn render_draws_a_valid_image_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("red.png"), tiny_png()).unwrap();
    design(dir.path(), "red.png");
    let err = render(dir.path());
    assert!(!err.contains("warning: image"), "{err}");
}

#[cfg(unix)]
#[test]
fn render_does_not_hang_on_a_fifo_image() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("mkfifo").arg(dir.path().join("pipe.png")).status().unwrap();
    assert!(made.success());
    render_warns(dir.path(), "pipe.png", "is a FIFO, not a regular file");
}

#[cfg(unix)]
#[test]
fn render_does_not_read_a_symlink_to_dev_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.png")).unwrap();
    render_warns(dir.path(), "zero.png", "leaves the design's folder");
}

#[test]
fn render_refuses_a_sparse_1_gib_image_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::File::create(dir.path().join("giant.png")).unwrap().set_len(1 << 30).unwrap();
    render_warns(dir.path(), "giant.png", "1073741824 bytes, over the limit of 33554432 bytes");
}

#[test]
fn render_warns_on_truncated_and_non_png_images() {
    let dir = tempfile::tempdir().unwrap();
    let png = tiny_png();
    std::fs::write(dir.path().join("cut.png"), &png[..png.len() - 20]).unwrap();
    render_warns(dir.path(), "cut.png", "cannot be decoded");
    std::fs::write(dir.path().join("text.png"), "not a picture").unwrap();
    render_warns(dir.path(), "text.png", "is not a PNG file");
}

#[test]
fn validate_reports_an_image_path_leaving_the_designs_folder() {
    let dir = tempfile::tempdir().unwrap();
    design(dir.path(), "../../etc/x");
    let out =
        Command::cargo_bin("trellis").unwrap().arg("validate").arg(dir.path().join("d.trellis.json")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("hero_image"), "the widget should be named: {text}");
    assert!(text.contains("image path ../../etc/x leaves the design's folder"), "{text}");
    // Render refuses the design as the loader does, naming the same.
    let out = Command::cargo_bin("trellis")
        .unwrap()
        .current_dir(dir.path())
        .args(["render", "d.trellis.json", "-o", "out.png", "--backend", "cpu"])
        .timeout(PROMPT)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("hero_image") && err.contains("leaves the design's folder"), "{err}");
}

/// Regression test: `validate` called a design valid whose image was a
/// link leading out of its folder (to /etc/passwd, to /dev/zero), which
/// `render` then refused to read. It names the widget and the path; a
/// link within the folder, and an image not there yet, are fine.
#[test]
fn validate_reports_an_image_that_is_a_link_leading_out_of_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    for (target, leaves) in [("/etc/passwd", true), ("/dev/zero", true), ("inside.png", false)] {
        let link = dir.path().join("hero.png");
        let _ = std::fs::remove_file(&link);
        std::fs::write(dir.path().join("inside.png"), tiny_png()).unwrap();
        std::os::unix::fs::symlink(target, &link).unwrap();
        design(dir.path(), "hero.png");
        let out = Command::cargo_bin("trellis")
            .unwrap()
            .arg("validate")
            .arg(dir.path().join("d.trellis.json"))
            .timeout(PROMPT)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        if leaves {
            assert_eq!(out.status.code(), Some(1), "{target}: {text}");
            assert!(text.contains("hero_image") && text.contains("leads out of the design's folder"), "{text}");
        } else {
            assert_eq!(out.status.code(), Some(0), "{target}: {text}");
        }
    }
    design(dir.path(), "not-there-yet.png");
    Command::cargo_bin("trellis").unwrap().arg("validate").arg(dir.path().join("d.trellis.json")).assert().success();
}
