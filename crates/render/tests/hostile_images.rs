//! Hostile image files referenced by a design: huge claimed dimensions,
//! FIFOs, devices, symlinks and paths leading out of the design's folder,
//! sparse giant files, truncated and non-PNG files. Each draws as the
//! missing-image box with a reason, promptly, without a large allocation;
//! the CPU renderer and the GPU atlas share the loader tested here.

use std::path::{Path, PathBuf};

use std::sync::mpsc;
use std::time::Duration;

use tiny_skia::Pixmap;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::{Command, Document, PropKey, PropValue, WidgetKind, WidgetTree};
use trellis_render::{CpuRenderer, DisplayList, ImageError, Theme, View, load_image};

/// Longest a refusal may take: it happens before anything large is read.
const PROMPT: Duration = Duration::from_secs(20);

/// A fresh empty folder for one test, removed with what it holds when the
/// test ends (FIFOs and symlinks included).
fn folder(name: &str) -> Folder {
    let dir = std::env::temp_dir().join(format!("trellis-hostile-images-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Folder(dir)
}

struct Folder(PathBuf);

impl std::ops::Deref for Folder {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The PNG file's CRC-32 (of a chunk's type and data).
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

/// A valid 4x4 opaque red PNG.
fn tiny_png() -> Vec<u8> {
    let mut p = Pixmap::new(4, 4).unwrap();
    p.fill(tiny_skia::Color::from_rgba8(255, 0, 0, 255));
    p.encode_png().unwrap()
}

/// A valid PNG whose header is patched to claim `width`x`height` pixels,
/// its CRC fixed so that a decoder believes it.
fn claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = tiny_png();
    assert_eq!(&png[12..16], b"IHDR");
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// Runs `f` on another thread and fails if it takes longer than [`PROMPT`]
/// (a blocked open on a FIFO, or a read without end).
fn promptly<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(PROMPT).unwrap_or_else(|_| panic!("{what} did not finish within {PROMPT:?}"))
}

/// Draws one image widget referencing `path` with the CPU renderer, its
/// images relative to `dir`; returns the picture and why images were not drawn.
fn draw(dir: &Path, path: &str) -> (Pixmap, Vec<String>) {
    let mut doc = Document::new();
    let root = doc.root();
    let tree = WidgetTree::palette(WidgetKind::Image).at(10.0, 10.0).with(PropKey::Image, PropValue::Text(path.into()));
    doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
    let g = Geometry::new(&doc, FontMeasurer::shared());
    let list = DisplayList::build(&doc, &g, &Theme::LIGHT);
    let view = View {
        origin: Point::new(0.0, 0.0),
        zoom: 1.0,
        scale: 1.0,
        width: 200,
        height: 200,
        background: Theme::LIGHT.canvas,
    };
    let dir = dir.to_owned();
    promptly(path, move || {
        let mut cpu = CpuRenderer::new();
        cpu.base_dir = dir;
        let image = cpu.render(&list, &view).unwrap();
        let problems = cpu.image_problems().iter().map(ToString::to_string).collect();
        (image, problems)
    })
}

/// The picture shows the missing-image box (its diagonal crosses the
/// middle of the widget), and one problem naming `path` says `reason`.
fn assert_missing_box(dir: &Path, path: &str, reason: &str) {
    let (image, problems) = draw(dir, path);
    let p = image.pixel(74, 58).unwrap();
    assert!(p.red() < 200 && p.green() < 200, "{path}: the missing-image box should be drawn: {p:?}");
    assert_eq!(problems.len(), 1, "{path}: {problems:?}");
    assert!(problems[0].contains(path), "{path}: the warning should name the path: {}", problems[0]);
    assert!(problems[0].contains(reason), "{path}: the warning should say {reason:?}: {}", problems[0]);
}

#[test]
fn a_valid_image_is_drawn_and_reports_nothing() {
    let dir = folder("valid");
    std::fs::write(dir.join("red.png"), tiny_png()).unwrap();
    let (image, problems) = draw(&dir, "red.png");
    assert!(problems.is_empty(), "{problems:?}");
    let p = image.pixel(74, 58).unwrap();
    assert!(p.red() > 200 && p.green() < 60, "the red image should be drawn: {p:?}");
}

#[test]
fn huge_claimed_dimensions_are_refused_from_the_header_without_allocating() {
    let dir = folder("huge");
    let png = claiming(100_000, 100_000);
    assert!(png.len() < 100, "a small file claiming 40 GB of pixels");
    std::fs::write(dir.join("bomb.png"), &png).unwrap();
    assert_missing_box(&dir, "bomb.png", "100000x100000 pixels, over the limit");
    // A side within the limit but too many pixels in all.
    std::fs::write(dir.join("wide.png"), claiming(8192, 8192)).unwrap();
    assert!(matches!(load_image(&dir, "wide.png"), Err(ImageError::Dimensions { width: 8192, height: 8192, .. })));
    std::fs::write(dir.join("tall.png"), claiming(1, 16_384)).unwrap();
    assert!(matches!(load_image(&dir, "tall.png"), Err(ImageError::Dimensions { .. })));
}

#[test]
fn an_image_of_no_pixels_is_named_as_empty_not_as_over_the_limit() {
    let dir = folder("empty");
    std::fs::write(dir.join("none.png"), claiming(0, 0)).unwrap();
    assert_missing_box(&dir, "none.png", "0x0 pixels: an image needs at least one pixel each way");
    std::fs::write(dir.join("line.png"), claiming(5, 0)).unwrap();
    let err = load_image(&dir, "line.png").unwrap_err();
    assert!(matches!(err, ImageError::Empty { width: 5, height: 0, .. }), "{err}");
    assert!(!err.to_string().contains("over the limit"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_never_blocks_the_render() {
    let dir = folder("fifo");
    let fifo = dir.join("pipe.png");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    assert_missing_box(&dir, "pipe.png", "a FIFO, not a regular file");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_dev_zero_is_refused_not_read() {
    let dir = folder("zero");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.png")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", dir.join("random.png")).unwrap();
    assert_missing_box(&dir, "zero.png", "leaves the design's folder");
    assert_missing_box(&dir, "random.png", "leaves the design's folder");
    // A device inside the folder is refused for what it is.
    let err = promptly("/dev/zero", || load_image(Path::new("/dev"), "zero").unwrap_err());
    assert!(matches!(err, ImageError::NotRegular { what: "a device", .. }), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_folder_is_refused() {
    let root = folder("symlink-out");
    let design = root.join("design");
    std::fs::create_dir_all(&design).unwrap();
    std::fs::write(root.join("secret.png"), tiny_png()).unwrap();
    std::os::unix::fs::symlink("../secret.png", design.join("link.png")).unwrap();
    assert_missing_box(&design, "link.png", "leaves the design's folder");
    // A symlink that stays inside is followed.
    std::fs::write(design.join("real.png"), tiny_png()).unwrap();
    std::os::unix::fs::symlink("real.png", design.join("alias.png")).unwrap();
    load_image(&design, "alias.png").unwrap();
}

#[test]
fn a_dot_dot_path_leaving_the_folder_is_refused_even_when_the_file_exists() {
    let root = folder("dotdot");
    let design = root.join("design");
    std::fs::create_dir_all(design.join("assets")).unwrap();
    std::fs::write(root.join("outside.png"), tiny_png()).unwrap();
    std::fs::write(design.join("inside.png"), tiny_png()).unwrap();
    for path in ["../outside.png", "assets/../../outside.png", "/etc/passwd"] {
        let err = load_image(&design, path).unwrap_err();
        assert!(matches!(err, ImageError::LeavesFolder { .. }), "{path}: {err}");
        assert_eq!(err.to_string(), format!("image path {path} leaves the design's folder"));
    }
    load_image(&design, "assets/../inside.png").unwrap();
}

#[test]
fn a_sparse_giant_file_is_refused_by_its_size_before_reading() {
    let dir = folder("sparse");
    let file = std::fs::File::create(dir.join("giant.png")).unwrap();
    file.set_len(1 << 30).unwrap();
    drop(file);
    assert_missing_box(&dir, "giant.png", "1073741824 bytes, over the limit");
}

#[test]
fn a_truncated_png_is_a_decode_error() {
    let dir = folder("truncated");
    let png = tiny_png();
    std::fs::write(dir.join("cut.png"), &png[..png.len() / 2]).unwrap();
    assert_missing_box(&dir, "cut.png", "cannot be decoded");
    std::fs::write(dir.join("header-only.png"), &png[..20]).unwrap();
    assert_missing_box(&dir, "header-only.png", "is not a PNG file");
}

#[test]
fn a_file_that_is_not_a_png_is_refused() {
    let dir = folder("not-png");
    std::fs::write(dir.join("notes.png"), b"GIF89a, or a shopping list: not a PNG at all").unwrap();
    assert_missing_box(&dir, "notes.png", "is not a PNG file");
    std::fs::create_dir_all(dir.join("folder.png")).unwrap();
    assert_missing_box(&dir, "folder.png", "a directory, not a regular file");
    assert_missing_box(&dir, "absent.png", "cannot be opened");
}
