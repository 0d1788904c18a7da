//! The exported page as files: the same design gives the same bytes, a
//! design's texts can never add markup, style or script, and writing an
//! export either replaces the folder whole or leaves it as it was.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod support;
use support::{HOSTILE, demo_with_texts};
use trellis_codegen::html::FONT_PATH;
use trellis_codegen::{ExportError, ExportFile, ExportSource, FileContents, OutputError, export_html, write_export};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Document, Theme};

fn source(dir: Option<&Path>) -> ExportSource {
    ExportSource { file_name: "demo.trellis.json".into(), design_dir: dir.map(Path::to_owned), theme: Theme::LIGHT }
}

fn demo_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        std::fs::write(folder.path().join(name), bytes).expect("writes an image");
    }
    folder
}

fn export(doc: &Document, dir: &Path) -> trellis_codegen::HtmlExport {
    let geometry = Geometry::new(doc, FontMeasurer::shared());
    export_html(doc, &geometry, &source(Some(dir))).expect("exports")
}

#[test]
fn the_same_design_exports_the_same_bytes() {
    let folder = demo_folder();
    let doc = trellis_model::demo_design();
    let a = export(&doc, folder.path());
    let b = export(&trellis_model::demo_design(), folder.path());
    assert_eq!(a.files, b.files);
    let html = a.text("index.html").expect("a page");
    assert!(html.starts_with(trellis_codegen::output_dir::PAGE_SIGNATURE), "{}", &html[..80]);
    assert!(html.contains("from demo.trellis.json"));
    assert!(a.files.iter().any(|f| f.path == Path::new(FONT_PATH)), "the font ships with the page");
    assert!(a.files.iter().any(|f| matches!(f.contents, FileContents::Copy(_))), "the avatar is copied");
    assert_eq!(a.widgets, doc.len());
}

/// The tags and attribute names of a page, in order: what it is made of,
/// without what it says.
fn skeleton(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let mut tag = String::new();
        let mut quoted = false;
        let mut in_value = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '"' => {
                    quoted = !quoted;
                    in_value = quoted;
                }
                '>' if !quoted => {
                    end = i;
                    break;
                }
                _ if in_value => {}
                '=' => {}
                c => tag.push(c),
            }
        }
        out.push(tag.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &rest[end.min(rest.len())..];
    }
    out
}

#[test]
fn hostile_texts_cannot_change_the_page_structure() {
    let folder = demo_folder();
    let hostile = demo_with_texts(|i| HOSTILE[i % HOSTILE.len()].to_owned());
    let benign = demo_with_texts(|_| "plain".to_owned());
    let (h, b) = (export(&hostile, folder.path()), export(&benign, folder.path()));
    let (hh, bh) = (h.text("index.html").expect("a page"), b.text("index.html").expect("a page"));
    assert_eq!(skeleton(hh), skeleton(bh), "the same elements and attributes, whatever the texts say");
    for forbidden in ["<script", "<img src=x", "<b>", "<style", "</title><"] {
        assert!(!hh.contains(forbidden), "{forbidden} reached the page");
    }
    assert_eq!(hh.matches("<!--").count(), 1, "only the header is a comment");
    assert!(!skeleton(hh).iter().any(|t| t.contains("onerror") || t.contains("onmouseover")));
    assert!(!hh.contains('\0'), "NUL is left out");
    assert!(hh.contains("&lt;/script&gt;"), "texts are kept, escaped");
    // The style sheet never holds a text: only its numbers may differ.
    let digits = |s: &str| s.chars().filter(|c| !c.is_ascii_digit() && *c != '.').collect::<String>();
    let (hc, bc) = (h.text("style.css").expect("a sheet"), b.text("style.css").expect("a sheet"));
    assert_eq!(digits(hc), digits(bc));
}

#[test]
fn texts_longer_than_the_model_allows_are_refused_naming_the_field() {
    let mut file: Value = serde_json::from_str(trellis_model::DEMO_JSON).expect("the demo is JSON");
    file["root"]["props"]["text"] = Value::String("x".repeat(1 << 20));
    let err = Document::from_json_bytes(file.to_string().as_bytes()).expect_err("1 MB is over the limit");
    let message = format!("{err:?}");
    assert!(message.contains("text"), "{message}");
}

#[test]
fn an_image_linked_out_of_the_design_folder_is_refused() {
    let outside = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(outside.path().join("secret.png"), b"not for export").expect("writes");
    let folder = demo_folder();
    std::fs::remove_file(folder.path().join("avatar.png")).expect("removes");
    std::os::unix::fs::symlink(outside.path().join("secret.png"), folder.path().join("avatar.png")).expect("links");
    let doc = trellis_model::demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let err = export_html(&doc, &geometry, &source(Some(folder.path()))).expect_err("the link leaves the folder");
    assert!(matches!(err, ExportError::ImageOutsideDesign { .. }), "{err}");
    assert!(err.to_string().contains("avatar_image"), "{err}");
}

#[test]
fn a_missing_image_is_a_warning_and_the_page_is_still_written() {
    let empty = tempfile::tempdir().expect("a temporary folder");
    let page = export(&trellis_model::demo_design(), empty.path());
    assert_eq!(page.warnings.len(), 1, "{:?}", page.warnings);
    assert!(page.warnings[0].contains("avatar.png"));
    assert!(!page.text("index.html").expect("a page").contains("src=\"images/"));
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("lists").map(|e| e.expect("an entry").file_name().into()).collect();
    out.sort();
    out
}

#[test]
fn an_export_replaces_an_earlier_export_whole_and_nothing_else() {
    let folder = demo_folder();
    let parent = tempfile::tempdir().expect("a temporary folder");
    let out = parent.path().join("page");
    let page = export(&trellis_model::demo_design(), folder.path());
    write_export(&page.files, &out, |_| ()).expect("a new folder");
    std::fs::write(out.join("images/stale.png"), b"left by an older export").expect("writes");
    write_export(&page.files, &out, |_| ()).expect("an earlier export is replaced");
    assert!(!out.join("images/stale.png").exists(), "replaced whole");
    assert_eq!(files_in(parent.path()), vec![PathBuf::from("page")], "no staging folder left behind");
    // A file a user put beside the page makes it a folder Trellis does not own.
    std::fs::write(out.join("design.trellis.json"), b"{}").expect("writes");
    let err = write_export(&page.files, &out, |_| ()).expect_err("not only an export any more");
    assert!(matches!(err, OutputError::ForeignFolder { .. }), "{err}");
    assert!(out.join("design.trellis.json").is_file(), "kept");
    // Something put in the folder while the check ran is not lost either.
    std::fs::remove_file(out.join("design.trellis.json")).expect("removes");
    let err = write_export(&page.files, &out, |_| std::fs::write(out.join("notes.txt"), b"mine").expect("writes"))
        .expect_err("refused at the rename");
    assert!(matches!(err, OutputError::ForeignFolder { .. }), "{err}");
    assert_eq!(std::fs::read(out.join("notes.txt")).expect("kept"), b"mine");
    std::fs::remove_file(out.join("notes.txt")).expect("removes");
    assert_eq!(files_in(parent.path()), vec![PathBuf::from("page")], "no staging folder left behind");

    let foreign = parent.path().join("mine");
    std::fs::create_dir(&foreign).expect("creates");
    std::fs::write(foreign.join("notes.txt"), b"mine").expect("writes");
    let err = write_export(&page.files, &foreign, |_| ()).expect_err("not Trellis's folder");
    assert!(matches!(err, OutputError::ForeignFolder { .. }), "{err}");
    assert_eq!(std::fs::read(foreign.join("notes.txt")).expect("kept"), b"mine");

    let file = parent.path().join("a-file");
    std::fs::write(&file, b"x").expect("writes");
    assert!(matches!(write_export(&page.files, &file, |_| ()), Err(OutputError::NotAFolder { .. })));
}

#[cfg(unix)]
#[test]
fn an_export_to_a_symbolic_link_names_the_link_and_leaves_both_as_they_were() {
    let parent = tempfile::tempdir().expect("a temporary folder");
    let folder = demo_folder();
    let page = export(&trellis_model::demo_design(), folder.path());
    let real = parent.path().join("real");
    std::fs::create_dir(&real).expect("creates");
    let link = parent.path().join("link");
    // A relative target, as `ln -s real link` makes: named from where
    // the command runs, not from the link's folder.
    std::os::unix::fs::symlink("real", &link).expect("links");
    let err = write_export(&page.files, &link, |_| ()).expect_err("a link is not replaced");
    assert!(matches!(err, OutputError::SymbolicLink { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("symbolic link") && message.contains(&real.display().to_string()), "{message}");
    assert!(std::fs::symlink_metadata(&link).expect("kept").file_type().is_symlink());
    assert!(files_in(&real).is_empty(), "nothing written through the link");
}

#[test]
fn an_export_makes_the_folders_above_its_target() {
    let parent = tempfile::tempdir().expect("a temporary folder");
    let out = parent.path().join("site/v2/page");
    let folder = demo_folder();
    let page = export(&trellis_model::demo_design(), folder.path());
    write_export(&page.files, &out, |_| ()).expect("the folders above are made");
    assert!(out.join("index.html").is_file());
    assert_eq!(files_in(&parent.path().join("site/v2")), vec![PathBuf::from("page")]);
}

#[test]
fn a_failed_export_leaves_no_half_written_folder() {
    let parent = tempfile::tempdir().expect("a temporary folder");
    let out = parent.path().join("page");
    let files = vec![
        ExportFile { path: "index.html".into(), contents: FileContents::Bytes(b"<!DOCTYPE html>".to_vec()) },
        ExportFile { path: "images/1-gone.png".into(), contents: FileContents::Copy(parent.path().join("gone.png")) },
    ];
    let err = write_export(&files, &out, |_| ()).expect_err("the copy fails");
    assert!(err.to_string().contains("gone.png"), "{err}");
    assert!(!out.exists(), "nothing at the target");
    assert!(files_in(parent.path()).is_empty(), "no staging folder left behind");
}
