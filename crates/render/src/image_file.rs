//! Image files referenced by a design, read under limits: the one loader
//! both backends (the CPU rasteriser and the GPU atlas) use, so the rules
//! cannot differ between them.
//!
//! A design is hostile input, and so is every file it names. The loader
//! resolves the path against the design's folder and refuses one that
//! leaves it (after following symlinks); opens without blocking (a FIFO
//! never hangs the open) and refuses anything but a regular file, judged on
//! the opened file; checks the size before reading and reads at most
//! [`MAX_IMAGE_BYTES`]; reads the PNG header and refuses dimensions over
//! [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_DECODED_BYTES`] before decoding.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use tiny_skia::Pixmap;
use trellis_model::limits::{MAX_IMAGE_BYTES, MAX_IMAGE_DECODED_BYTES, MAX_IMAGE_SIDE};

/// Why an image a design references is not drawn (it shows as the
/// missing-image box instead). Each message names the path as the design
/// gives it, and the reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The path is absolute, or climbs out of the design's folder (`../x`,
    /// or a symlink that points outside it).
    #[error("image path {path} leaves the design's folder")]
    LeavesFolder {
        /// The path, as the design gives it.
        path: String,
    },
    /// The file cannot be found or opened.
    #[error("image {path} cannot be opened: {source}")]
    Open {
        /// The path, as the design gives it.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The path names a directory, a FIFO, a device or a socket.
    #[error("image {path} is {what}, not a regular file")]
    NotRegular {
        /// The path, as the design gives it.
        path: String,
        /// What it is ("a directory", "a FIFO", ...).
        what: &'static str,
    },
    /// The file is larger than [`MAX_IMAGE_BYTES`].
    #[error("image {path} is {bytes} bytes, over the limit of {limit} bytes", limit = MAX_IMAGE_BYTES)]
    TooLarge {
        /// The path, as the design gives it.
        path: String,
        /// Its size (or how much was read before giving up), in bytes.
        bytes: u64,
    },
    /// The file could not be read.
    #[error("image {path} cannot be read: {source}")]
    Read {
        /// The path, as the design gives it.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file does not start with a PNG signature and header.
    #[error("image {path} is not a PNG file")]
    NotPng {
        /// The path, as the design gives it.
        path: String,
    },
    /// The PNG header claims a side over [`MAX_IMAGE_SIDE`], or a decoded
    /// size over [`MAX_IMAGE_DECODED_BYTES`].
    #[error("image {path} is {width}x{height} pixels, {}", over_which_limit(*width, *height))]
    Dimensions {
        /// The path, as the design gives it.
        path: String,
        /// The width the header claims.
        width: u32,
        /// The height the header claims.
        height: u32,
    },
    /// The PNG header claims no pixels: a width or a height of 0.
    #[error("image {path} is {width}x{height} pixels: an image needs at least one pixel each way")]
    Empty {
        /// The path, as the design gives it.
        path: String,
        /// The width the header claims.
        width: u32,
        /// The height the header claims.
        height: u32,
    },
    /// The PNG data is damaged, truncated or of a kind not supported.
    #[error("image {path} cannot be decoded: {reason}")]
    Decode {
        /// The path, as the design gives it.
        path: String,
        /// What the decoder said.
        reason: String,
    },
}

/// Loads the PNG image at `path` (relative to `base_dir`, the design's
/// folder) under the limits in [`trellis_model::limits`]. Never blocks on
/// a FIFO, never reads more than [`MAX_IMAGE_BYTES`], never allocates more
/// than [`MAX_IMAGE_DECODED_BYTES`] for pixels.
pub fn load_image(base_dir: &Path, path: &str) -> Result<Pixmap, ImageError> {
    let full = resolve(base_dir, path)?;
    let bytes = read_bounded(&full, path)?;
    let (width, height) = png_size(&bytes).ok_or_else(|| ImageError::NotPng { path: path.to_owned() })?;
    if width == 0 || height == 0 {
        return Err(ImageError::Empty { path: path.to_owned(), width, height });
    }
    if width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || u64::from(width) * u64::from(height) * 4 > MAX_IMAGE_DECODED_BYTES
    {
        return Err(ImageError::Dimensions { path: path.to_owned(), width, height });
    }
    Pixmap::decode_png(&bytes).map_err(|e| ImageError::Decode { path: path.to_owned(), reason: e.to_string() })
}

/// Whether the image at `path` (relative to `base_dir`) is outside the
/// design's folder once its links are followed: what `trellis validate`
/// reports (the design itself cannot tell a link from a file). Reads no
/// image; a path that leads nowhere yet is not outside.
pub fn image_leaves_folder(base_dir: &Path, path: &str) -> bool {
    matches!(resolve(base_dir, path), Err(ImageError::LeavesFolder { .. }))
}

/// Which of the image limits `width` by `height` pixels is over, for the
/// message: both were named where only one was passed.
fn over_which_limit(width: u32, height: u32) -> String {
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        format!("over the limit of {MAX_IMAGE_SIDE} pixels a side")
    } else {
        format!(
            "{} bytes decoded, over the limit of {MAX_IMAGE_DECODED_BYTES} bytes (4096x4096 pixels)",
            u64::from(width) * u64::from(height) * 4
        )
    }
}

/// An image drawn less than this many device pixels high or wide is
/// drawn as a rectangle of its mean colour ([`mean_colour`]), on both
/// backends: its picture would be a few rows of sampled texels, no more
/// telling than its colour, and on a software rasteriser the pipeline
/// that samples it made a full redraw of the 10,000-widget benchmark
/// design with the whole design in view (images 3.6 pixels high there)
/// 17.8 to 18.4 ms against 13.3 to 13.6 ms drawn flat (13.6 to 14.0 ms
/// with them missing; this 2-core VM's lavapipe).
pub const IMAGE_DETAIL_PX: f32 = 4.0;

/// Whether an image `w` by `h` device pixels is drawn as its mean colour.
pub(crate) fn drawn_as_mean_colour(w: f32, h: f32) -> bool {
    w.min(h) < IMAGE_DETAIL_PX
}

/// The mean colour of an image's pixels, straight alpha: what its pixels
/// average to where it is drawn too small to show them.
pub(crate) fn mean_colour(img: &Pixmap) -> trellis_model::Color {
    let mut sum = [0u64; 4];
    for p in img.pixels() {
        // Premultiplied, so that a transparent pixel adds no colour.
        sum[0] += u64::from(p.red());
        sum[1] += u64::from(p.green());
        sum[2] += u64::from(p.blue());
        sum[3] += u64::from(p.alpha());
    }
    let alpha = sum[3];
    if alpha == 0 {
        return trellis_model::Color::rgba(0, 0, 0, 0);
    }
    let n = img.pixels().len().max(1) as u64;
    let straight = |c: u64| ((c * 255 + alpha / 2) / alpha).min(255) as u8;
    let a = ((alpha + n / 2) / n).min(255) as u8;
    trellis_model::Color::rgba(straight(sum[0]), straight(sum[1]), straight(sum[2]), a)
}

/// Writes a warning for an image that will draw as the missing-image box
/// to standard error, where `trellis render` and the app's log show it,
/// naming the widget so that the user knows which one to fix.
pub(crate) fn report_image_problem(widget: &str, problem: &ImageError) {
    eprintln!("warning: image widget '{widget}': {problem}; it is drawn as the missing-image box");
}

/// What became of each image a design names (its pixels or its place in
/// the atlas; `None` when it could not be drawn), by the folder its path
/// is relative to and the path as written (`img//a.png` is an entry of its
/// own beside `img/a.png`: the same file, read once for each spelling).
/// Looking one up allocates nothing and hashes the path's bytes once: the
/// images of every moved widget are looked up in the frame that moves
/// them, and hashing the folder and the path component by component, as
/// paths hash, was a third of making a nudged card's instances.
#[derive(Debug)]
pub(crate) struct ImageTable<T> {
    /// A design's images are all relative to its folder, and a session
    /// opens a few: each folder is found by comparing bytes.
    by_folder: Vec<(PathBuf, FastMap<Box<str>, T>)>,
}

/// A map hashed with a seeded fast hasher: looked up every frame, by keys
/// a design chooses.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

impl<T> Default for ImageTable<T> {
    fn default() -> Self {
        Self { by_folder: Vec::new() }
    }
}

impl<T> ImageTable<T> {
    fn folder(&self, base_dir: &Path) -> Option<&FastMap<Box<str>, T>> {
        self.by_folder.iter().find(|(dir, _)| dir.as_os_str() == base_dir.as_os_str()).map(|(_, images)| images)
    }

    pub(crate) fn get(&self, base_dir: &Path, path: &str) -> Option<&T> {
        self.folder(base_dir)?.get(path)
    }

    pub(crate) fn insert(&mut self, base_dir: &Path, path: &str, value: T) {
        let at = match self.by_folder.iter().position(|(dir, _)| dir.as_os_str() == base_dir.as_os_str()) {
            Some(at) => at,
            None => {
                self.by_folder.push((base_dir.to_path_buf(), FastMap::default()));
                self.by_folder.len() - 1
            }
        };
        self.by_folder[at].1.insert(path.into(), value);
    }

    /// How many images, over every folder.
    pub(crate) fn len(&self) -> usize {
        self.by_folder.iter().map(|(_, images)| images.len()).sum()
    }

    pub(crate) fn clear(&mut self) {
        self.by_folder.clear();
    }
}

/// The file `path` names inside `base_dir`, symlinks followed; refused when
/// it is absolute or leaves the folder.
fn resolve(base_dir: &Path, path: &str) -> Result<PathBuf, ImageError> {
    let leaves = || ImageError::LeavesFolder { path: path.to_owned() };
    let relative = Path::new(path);
    // Lexically first: `../x` is refused even where it does not exist.
    let mut depth = 0usize;
    for part in relative.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1).ok_or_else(leaves)?,
            Component::RootDir | Component::Prefix(_) => return Err(leaves()),
        }
    }
    if path.contains('\\') && path.split(['/', '\\']).any(|p| p == "..") {
        return Err(leaves());
    }
    let open_err = |source| ImageError::Open { path: path.to_owned(), source };
    // An empty folder (a design named without one) is the working directory.
    let base_dir = if base_dir.as_os_str().is_empty() { Path::new(".") } else { base_dir };
    let base = base_dir.canonicalize().map_err(open_err)?;
    let full = base.join(relative).canonicalize().map_err(open_err)?;
    if !full.starts_with(&base) {
        return Err(leaves());
    }
    Ok(full)
}

/// What a file that is not regular is, for messages.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// `O_NONBLOCK` where its value is known without the libc crate: opening a
/// FIFO with it returns at once instead of waiting for a writer.
#[cfg(unix)]
fn nonblock_flag() -> Option<i32> {
    if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )) {
        return Some(0x0004);
    }
    if cfg!(all(
        any(target_os = "linux", target_os = "android"),
        any(
            target_arch = "x86",
            target_arch = "x86_64",
            target_arch = "arm",
            target_arch = "aarch64",
            target_arch = "riscv32",
            target_arch = "riscv64",
            target_arch = "powerpc",
            target_arch = "powerpc64",
            target_arch = "s390x",
            target_arch = "loongarch64"
        )
    )) {
        return Some(0o4000);
    }
    None
}

/// Opens `full` for reading without blocking on a FIFO where the flag is
/// known (elsewhere the type is checked on the path first).
fn open(full: &Path, path: &str) -> Result<File, ImageError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if let Some(flag) = nonblock_flag() {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(flag);
    }
    // Checked on the path too, so that where the flag is not known a FIFO
    // is still refused before the open could block.
    let meta = std::fs::metadata(full).map_err(|source| ImageError::Open { path: path.to_owned(), source })?;
    if !meta.is_file() {
        return Err(ImageError::NotRegular { path: path.to_owned(), what: kind_of(meta.file_type()) });
    }
    options.open(full).map_err(|source| ImageError::Open { path: path.to_owned(), source })
}

/// The whole file, at most [`MAX_IMAGE_BYTES`] of it, judged on the opened
/// file (not the path, which may have changed since).
fn read_bounded(full: &Path, path: &str) -> Result<Vec<u8>, ImageError> {
    let file = open(full, path)?;
    let meta = file.metadata().map_err(|source| ImageError::Read { path: path.to_owned(), source })?;
    if !meta.is_file() {
        return Err(ImageError::NotRegular { path: path.to_owned(), what: kind_of(meta.file_type()) });
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(ImageError::TooLarge { path: path.to_owned(), bytes: meta.len() });
    }
    // The file may grow after the check: read one byte past the limit to tell.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_IMAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ImageError::Read { path: path.to_owned(), source })?;
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(ImageError::TooLarge { path: path.to_owned(), bytes: bytes.len() as u64 });
    }
    Ok(bytes)
}

/// The width and height a PNG's header (IHDR, the first chunk) claims, or
/// `None` when the bytes do not start like a PNG.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    if bytes.len() < 24 || bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((word(16), word(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Transparent pixels add no colour; the alpha is the share covered.
    #[test]
    fn the_mean_colour_is_the_covered_pixels_colour_at_their_share() {
        let mut img = Pixmap::new(4, 4).unwrap();
        img.fill(tiny_skia::Color::from_rgba8(200, 100, 0, 255));
        let mut half = img.clone();
        for y in 0..4 {
            for x in 0..2 {
                half.pixels_mut()[y * 4 + x] = tiny_skia::PremultipliedColorU8::TRANSPARENT;
            }
        }
        assert_eq!(mean_colour(&img), trellis_model::Color::rgba(200, 100, 0, 255));
        assert_eq!(mean_colour(&half), trellis_model::Color::rgba(200, 100, 0, 128));
        assert_eq!(mean_colour(&Pixmap::new(2, 2).unwrap()).a, 0);
        assert!(drawn_as_mean_colour(100.0, 3.9) && !drawn_as_mean_colour(4.0, 4.0));
    }

    #[test]
    fn an_image_is_found_by_its_folder_and_its_path_as_written() {
        let mut table = ImageTable::default();
        table.insert(Path::new("/designs/a"), "icon.png", 1);
        table.insert(Path::new("/designs/b"), "icon.png", 2);
        table.insert(Path::new("/designs/a"), "img/logo.png", 3);
        assert_eq!(table.get(Path::new("/designs/a"), "icon.png"), Some(&1));
        assert_eq!(table.get(Path::new("/designs/b"), "icon.png"), Some(&2), "another folder's file");
        assert_eq!(table.get(Path::new("/designs/c"), "icon.png"), None);
        assert_eq!(table.get(Path::new("/designs/a"), "img//logo.png"), None, "the same file, spelt otherwise");
        table.insert(Path::new("/designs/a"), "img//logo.png", 4);
        assert_eq!(table.get(Path::new("/designs/a"), "img/logo.png"), Some(&3));
        assert_eq!(table.get(Path::new("/designs/a"), "img//logo.png"), Some(&4));
        assert_eq!(table.len(), 4);
        table.clear();
        assert_eq!((table.len(), table.get(Path::new("/designs/a"), "icon.png")), (0, None));
    }

    #[test]
    fn paths_climbing_out_lexically_are_refused_before_touching_the_disk() {
        let base = Path::new("/nonexistent-trellis-base");
        for p in ["../x.png", "a/../../x.png", "/etc/passwd", "./../x.png"] {
            assert!(matches!(resolve(base, p), Err(ImageError::LeavesFolder { .. })), "{p}");
        }
        assert!(matches!(resolve(base, "a/../x.png"), Err(ImageError::Open { .. })));
    }

    #[test]
    fn png_size_reads_the_header_and_rejects_other_bytes() {
        let mut b = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 13];
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&100_000u32.to_be_bytes());
        b.extend_from_slice(&7u32.to_be_bytes());
        assert_eq!(png_size(&b), Some((100_000, 7)));
        assert_eq!(png_size(b"GIF89a not a png at all, no"), None);
        assert_eq!(png_size(&b[..20]), None);
    }
}
