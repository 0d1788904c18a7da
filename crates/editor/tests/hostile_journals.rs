//! Hostile journals and scenarios: files that are not what they claim,
//! cut inside a character, endless, huge or damaged. Each is refused with
//! a message naming the line and what was expected, or read as far as it
//! is good, never with unbounded memory or a hang.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use trellis_editor::journal::{DesignSource, JournalError, JournalWriter};
use trellis_editor::replay::{RecoverError, rebuild, recover, replay};
use trellis_editor::scenario::{Scenario, ScenarioError, StepError};
use trellis_editor::{Editor, Event, Input, Settings, Viewport};
use trellis_model::limits::{MAX_JOURNAL_BYTES, MAX_JOURNAL_LINE_BYTES};
use trellis_model::{Command, Document, PropKey, PropValue, WidgetKind, WidgetTree};

/// Records a short session on the demo design; returns the journal's lines.
fn recorded(dir: &Path) -> (PathBuf, Vec<String>) {
    let path = dir.join("good.journal");
    // A fresh recording each time: the writer never replaces a journal.
    let _ = std::fs::remove_file(&path);
    let mut editor = Editor::new(trellis_model::demo_design());
    let journal = JournalWriter::create(
        &path,
        DesignSource::Demo,
        Viewport::default(),
        Settings::default(),
        editor.measurer_id(),
    )
    .unwrap();
    editor.set_journal(journal);
    Scenario::parse("drag save_button by 0,30 steps 5\nclick title_label\nkey delete")
        .unwrap()
        .run(&mut editor, &mut 0.0, &mut |_, _| {})
        .unwrap();
    editor.take_journal().unwrap().finish(editor.doc()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text.lines().map(str::to_owned).collect())
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn replay_error(path: &Path) -> String {
    match replay(path, &mut |_, _| {}) {
        Err(e) => e.to_string(),
        Ok((_, report)) => panic!("expected an error, replayed {report:?}"),
    }
}

#[test]
fn a_last_line_torn_inside_a_multibyte_character_is_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut lines) = recorded(dir.path());
    lines.pop(); // the end record: the session crashed
    let mut bytes = (lines.join("\n") + "\n").into_bytes();
    // "é" is 0xC3 0xA9: the crash kept only its first byte.
    bytes.extend_from_slice(b"{\"record\":\"commit\",\"label\":\"caf\xC3");
    std::fs::write(&path, bytes).unwrap();
    let out = dir.path().join("recovered.trellis.json");
    let (_, report) = recover(&path, &out).expect("a torn last line is only a torn line");
    assert!(report.torn_last_line && !report.ended, "{report:?}");
    assert!(out.exists());
}

#[test]
fn invalid_utf8_before_the_last_line_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = recorded(dir.path());
    let mut bytes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        bytes.extend_from_slice(line.as_bytes());
        if i == 2 {
            bytes.push(0xFF);
        }
        bytes.push(b'\n');
    }
    std::fs::write(&path, bytes).unwrap();
    let message = replay_error(&path);
    assert!(message.contains("line 3") && message.contains("not UTF-8"), "{message}");
}

fn header_error(dir: &Path, edit: impl Fn(&str) -> String) -> String {
    let (path, mut lines) = recorded(dir);
    lines[0] = edit(&lines[0]);
    write_lines(&path, &lines);
    let message = replay_error(&path);
    assert!(message.contains("its first line is not a journal header"), "{message}");
    message
}

#[test]
fn each_bad_header_version_says_what_it_is_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let expected = "expected a whole number from 1 to 4 (this Trellis reads journal versions 1 to 4)";
    for bad in ["-1", "1.5", "\"1\"", "4294967296", "0", "null"] {
        let message = header_error(dir.path(), |h| h.replace("\"version\":4", &format!("\"version\":{bad}")));
        assert!(message.contains(&format!("line 1: the header's version is {bad}; {expected}")), "{bad}: {message}");
    }
    let message = header_error(dir.path(), |_| String::new());
    assert!(message.contains("line 1 is empty"), "{message}");
    let message = header_error(dir.path(), |h| h.replace("\"version\":4,", ""));
    assert!(message.contains("the header has no version"), "{message}");
}

#[test]
fn a_newer_journal_version_asks_to_update_trellis() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut lines) = recorded(dir.path());
    lines[0] = lines[0].replace("\"version\":4", "\"version\":5");
    write_lines(&path, &lines);
    assert!(matches!(replay(&path, &mut |_, _| {}), Err(JournalError::FutureVersion { found: 5, .. })));
}

#[test]
fn one_flipped_bit_in_the_header_is_not_a_journal_header() {
    let dir = tempfile::tempdir().unwrap();
    let (_, lines) = recorded(dir.path());
    let len = lines[0].len();
    // Every bit of the first 64 bytes and of the last 64: each flip is
    // refused or reads as a header, never panics or misleads.
    for byte in (0..64).chain(len - 64..len) {
        for bit in 0..8 {
            let header = lines[0].clone();
            let mut bytes = header.into_bytes();
            bytes[byte] ^= 1 << bit;
            let path = dir.path().join("flipped.journal");
            let mut file = bytes;
            file.push(b'\n');
            file.extend_from_slice((lines[1..].join("\n") + "\n").as_bytes());
            std::fs::write(&path, file).unwrap();
            if let Err(JournalError::NoHeader { reason, .. }) = replay(&path, &mut |_, _| {}) {
                assert!(reason.starts_with("line 1") || reason.contains("empty"), "{reason}");
            }
        }
    }
    // The flip of `record`'s value names the field.
    let message = header_error(dir.path(), |h| h.replacen("\"header\"", "\"headez\"", 1));
    assert!(message.contains("line 1's \"record\" is \"headez\"; expected \"header\""), "{message}");
}

#[test]
fn a_header_with_an_extra_field_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let message = header_error(dir.path(), |h| h.replacen('{', "{\"extra\":1,", 1));
    assert!(message.contains("unknown field \"extra\""), "{message}");
    let message = header_error(dir.path(), |h| h.replace("{\"from\":\"demo\"}", "{\"from\":\"moon\"}"));
    assert!(message.contains("line 1: the header's design is not valid"), "{message}");
}

#[test]
fn a_record_with_a_field_this_build_does_not_know_names_the_line_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = recorded(dir.path());
    let event = lines.iter().position(|l| l.contains("\"record\":\"event\"")).unwrap();
    let mut edited = lines.clone();
    edited[event] = lines[event].replacen("{", "{\"pressure\":0.5,", 1);
    write_lines(&path, &edited);
    let message = replay_error(&path);
    assert!(message.contains(&format!("line {}: the event record has a field 'pressure'", event + 1)), "{message}");
    // Nested too: an unknown modifier.
    let mut edited = lines.clone();
    let with_modifiers = lines.iter().position(|l| l.contains("\"modifiers\":{}")).unwrap();
    edited[with_modifiers] = lines[with_modifiers].replacen("\"modifiers\":{}", "\"modifiers\":{\"hyper\":true}", 1);
    write_lines(&path, &edited);
    let message = replay_error(&path);
    assert!(message.contains("a field 'modifiers.hyper'"), "{message}");
    let commit = lines.iter().position(|l| l.contains("\"record\":\"commit\"")).unwrap();
    let mut edited = lines.clone();
    edited[commit] = lines[commit].replacen("}", ",\"note\":\"x\"}", 1);
    write_lines(&path, &edited);
    assert!(replay_error(&path).contains("the commit record has a field 'note'"));
    // A modifier written out as not held is known, not extra.
    let mut edited = lines.clone();
    edited[with_modifiers] = lines[with_modifiers].replacen("\"modifiers\":{}", "\"modifiers\":{\"alt\":false}", 1);
    write_lines(&path, &edited);
    assert!(replay(&path, &mut |_, _| {}).is_ok());
    // The journal as written replays.
    write_lines(&path, &lines);
    assert!(replay(&path, &mut |_, _| {}).unwrap().1.verified());
}

/// Journals of version 2 recorded a hash of the whole file text; this build
/// records a hash kept per subtree, and still verifies the old ones.
#[test]
fn a_version_2_journal_still_verifies_with_the_hash_it_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = recorded(dir.path());
    let (editor, _) = replay(&path, &mut |_, _| {}).unwrap();
    // Version 2 journals were written by builds of file format 1.
    let old_hash = format!("{:016x}", editor.doc().full_text_hash_as_format(1));
    let new_hash = format!("{:016x}", editor.doc().content_hash());
    assert_ne!(old_hash, new_hash);
    // Rewrite the journal as version 2 would have: the end record carries the old hash.
    let mut old = lines.clone();
    old[0] = lines[0].replacen("\"version\":4", "\"version\":2", 1);
    assert_ne!(old[0], lines[0], "the header names version 4");
    let end = old.len() - 1;
    old[end] = lines[end].replace(&new_hash, &old_hash);
    old.retain(|l| !l.contains("\"record\":\"commit\""));
    write_lines(&path, &old);
    let (_, report) = replay(&path, &mut |_, _| {}).unwrap();
    assert_eq!(report.version, 2);
    assert!(report.verified(), "{report:?}");
}

#[test]
fn a_bad_record_mid_journal_names_its_line_and_quotes_only_an_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut lines) = recorded(dir.path());
    lines[2] = format!("{{\"record\":\"{}\"}}", "x".repeat(100_000));
    write_lines(&path, &lines);
    let message = replay_error(&path);
    assert!(message.contains("line 3: this line is not a journal record"), "{message}");
    assert!(message.len() < 1000, "the error echoes the line: {} bytes", message.len());
}

#[test]
fn a_2_mib_single_line_is_refused_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.journal");
    // As the first line: not a header (headers may be long, they embed a design).
    std::fs::write(&path, "a".repeat(2 * 1024 * 1024)).unwrap();
    let message = replay_error(&path);
    assert!(message.contains("its first line is not a journal header"), "{message}");
    assert!(message.contains("(2097152 bytes)") && message.len() < 500, "{} bytes: {message}", message.len());
    // After the header: longer than any record.
    let (path, mut lines) = recorded(dir.path());
    lines.insert(1, "a".repeat(2 * 1024 * 1024));
    write_lines(&path, &lines);
    let message = replay_error(&path);
    assert!(message.contains(&format!("line 2 is longer than {MAX_JOURNAL_LINE_BYTES} bytes")), "{message}");
    assert!(message.len() < 500, "{} bytes", message.len());
}

#[test]
fn a_sparse_2_gib_journal_is_refused_before_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.journal");
    std::fs::File::create(&path).unwrap().set_len(2 * 1024 * 1024 * 1024).unwrap();
    let Err(err) = replay(&path, &mut |_, _| {}) else { panic!("a 2 GiB journal is read") };
    assert!(matches!(err, JournalError::TooLarge { limit: MAX_JOURNAL_BYTES, .. }), "{err}");
}

#[cfg(unix)]
#[test]
fn dev_zero_and_a_fifo_are_refused_without_hanging() {
    let message = replay_error(Path::new("/dev/zero"));
    assert!(message.contains("not a regular file"), "{message}");
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.journal");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(replay(&fifo, &mut |_, _| {}).err().map(|e| e.to_string()));
    });
    let message = rx.recv_timeout(Duration::from_secs(10)).expect("opening a FIFO with no writer hangs").unwrap();
    assert!(message.contains("not a regular file"), "{message}");
}

#[test]
fn recovery_refuses_a_journal_whose_hashes_do_not_reproduce_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = recorded(dir.path());
    let first_commit = lines.iter().position(|l| l.contains("\"record\":\"commit\"")).unwrap();
    let altered: Vec<String> = lines
        .iter()
        .map(|l| match l.find("\"hash\":\"") {
            Some(at) => format!("{}\"hash\":\"0000000000000000\"}}", &l[..at]),
            None => l.clone(),
        })
        .collect();
    write_lines(&path, &altered);
    let out = dir.path().join("out.trellis.json");
    let err = recover(&path, &out).unwrap_err();
    let RecoverError::Diverged { divergence, .. } = &err else { panic!("{err}") };
    assert_eq!(divergence.line, first_commit + 1, "{err}");
    assert!(err.to_string().contains(&format!("line {}", first_commit + 1)), "{err}");
    assert!(!out.exists(), "nothing is saved");
    assert!(rebuild(&path).unwrap().2.is_some());
}

#[test]
fn recovery_refuses_a_journal_whose_starting_design_was_swapped() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut lines) = recorded(dir.path());
    lines[0] = lines[0].replace("{\"from\":\"demo\"}", "{\"from\":\"generated\",\"widgets\":2,\"seed\":1}");
    write_lines(&path, &lines);
    let out = dir.path().join("out.trellis.json");
    assert!(matches!(recover(&path, &out), Err(RecoverError::Diverged { .. })));
    assert!(!out.exists());
}

#[test]
fn a_step_on_a_widget_on_an_inactive_tab_page_says_so_and_edits_nothing() {
    let mut doc = Document::new();
    let root = doc.root();
    let insert = |doc: &mut Document, parent, tree| {
        doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0]
    };
    let tabs = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Tabs).named("tabs"));
    insert(&mut doc, tabs, WidgetTree::palette(WidgetKind::Panel).named("page_one"));
    let page_two = insert(&mut doc, tabs, WidgetTree::palette(WidgetKind::Panel).named("page_two"));
    insert(
        &mut doc,
        page_two,
        WidgetTree::palette(WidgetKind::Button).named("behind").with(PropKey::Text, PropValue::Text("hidden".into())),
    );
    let mut editor = Editor::new(doc);
    let before = editor.doc().content_hash();
    let text = "# the second page is not shown\n\ndrag behind by 10,10\nkey delete";
    let (script, lines) = Scenario::parse_with_lines(text).unwrap();
    let err = script.run_with_lines(&lines, &mut editor, &mut 0.0, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::Step { step: 1, line: Some(3), error: StepError::Hidden(n) } if n == "behind"),
        "{err}"
    );
    assert!(err.to_string().starts_with("scenario line 3 (step 1): 'behind' is hidden"), "{err}");
    assert_eq!(editor.doc().content_hash(), before, "nothing was edited");
}

#[test]
fn journal_writer_create_leaves_an_existing_journal_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = recorded(dir.path());
    let err =
        JournalWriter::create(&path, DesignSource::Demo, Viewport::default(), Settings::default(), "x").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.flush().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), lines.len());
}

/// A journal of version 3 was recorded by a build of file format 1: it
/// embedded its design as format 1 and hashed every commit as format 1.
/// Format 2 migrates a version-1 file's flowed items (a fixed-size button
/// in a row gets its width as its minimum); the replay starts from the
/// design as the session had it, without that migration, and reads what it
/// pasted from the system clipboard (format-1 text) as it did, so the
/// hashes it recorded still match. The design it rebuilds for recovery is
/// then migrated, as the file opened now would be.
#[test]
fn a_version_3_journal_of_a_format_1_design_replays_as_its_session_had_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.journal");
    let v1 = r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","props":{"layout":"row","width":300,"height":200},"children":[
        {"kind":"button","name":"ok","props":{"text":"OK","width":120,"height":30}},
        {"kind":"button","name":"cancel","props":{"text":"Cancel","width":120,"height":30}}]}}"#;
    let as_recorded = Document::from_json_bytes_before_v2(v1.as_bytes()).unwrap();
    let min_width = |d: &Document| d.widget(d.find("ok").unwrap()).unwrap().length(PropKey::MinWidth);
    assert_eq!(min_width(&as_recorded), None, "the design as a format-1 session had it");
    assert_eq!(min_width(&Document::from_json_bytes(v1.as_bytes()).unwrap()), Some(120.0), "format 2 migrates it");

    // A session of two commits, journaled by this build; each commit's
    // hash as this build and as format 1 computes it.
    let steps = ["set ok text Fine", "set cancel text Back"];
    let mut editor = Editor::new(as_recorded);
    let journal = JournalWriter::create(
        &path,
        DesignSource::Embedded { json: v1.to_owned() },
        Viewport::default(),
        Settings::default(),
        editor.measurer_id(),
    )
    .unwrap();
    editor.set_journal(journal);
    let mut hashes = Vec::new();
    let mut clock = 0.0;
    for step in steps {
        Scenario::parse(step).unwrap().run(&mut editor, &mut clock, &mut |_, _| {}).unwrap();
        hashes.push((editor.doc().content_hash(), editor.doc().content_hash_as_format(1)));
    }
    // A row with a sized button, copied by a format-1 build, pasted on the window.
    let clip = r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"clip","children":[
        {"kind":"row","name":"pasted_row","props":{"width":100},"children":[
            {"kind":"button","name":"pasted","props":{"text":"P","width":80,"height":30}}]}]}}"#;
    editor.handle(&Event { t: clock + 16.0, input: Input::PasteText { text: clip.to_owned() } });
    let pasted = |d: &Document| d.widget(d.find("pasted").unwrap()).unwrap().length(PropKey::MinWidth);
    assert_eq!(pasted(editor.doc()), Some(80.0), "this build migrates a format-1 paste");
    // What the format-1 session had: the paste unmigrated.
    let mut then = Editor::new(Document::from_json_bytes_before_v2(v1.as_bytes()).unwrap());
    let mut t = 0.0;
    for step in steps {
        Scenario::parse(step).unwrap().run(&mut then, &mut t, &mut |_, _| {}).unwrap();
    }
    let unmigrated = Document::from_json_bytes_before_v2(clip.as_bytes()).unwrap();
    then.handle(&Event { t: t + 16.0, input: Input::PasteText { text: unmigrated.to_json_string() } });
    assert_eq!(pasted(then.doc()), None);
    hashes.push((editor.doc().content_hash(), then.doc().content_hash_as_format(1)));
    editor.take_journal().unwrap().finish(editor.doc()).unwrap();

    // The journal as a format-1 build wrote it: version 3, format-1 hashes.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0] = lines[0].replacen("\"version\":4", "\"version\":3", 1);
    assert!(lines[0].contains("\"version\":3"), "{}", lines[0]);
    for line in lines.iter_mut().skip(1) {
        for (now, then) in &hashes {
            *line = line.replace(&format!("{now:016x}"), &format!("{then:016x}"));
        }
    }
    write_lines(&path, &lines);
    let (replayed, report) = replay(&path, &mut |_, _| {}).unwrap();
    assert_eq!(report.version, 3);
    assert!(report.verified(), "{report:?}");
    assert_eq!(min_width(replayed.doc()), None, "replayed without the migration");
    assert_eq!(pasted(replayed.doc()), None, "the paste read as the session read it");
    // Rebuilt for recovery: verified, then migrated as the file would be.
    let (rebuilt, _, divergence) = rebuild(&path).unwrap();
    assert_eq!(divergence, None);
    assert_eq!((min_width(&rebuilt), pasted(&rebuilt)), (Some(120.0), Some(80.0)));
}
