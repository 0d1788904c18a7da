//! The `.trellis.json` format: canonical output, strict validation with
//! every problem reported, limits, migration, atomic saves.

use std::fs;

use trellis_model::{
    Command, Document, LoadError, PropKey, PropValue, WidgetKind, WidgetTree, demo_design, generate, limits,
};

fn fixture(name: &str) -> Vec<u8> {
    fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn problems(bytes: &[u8]) -> Vec<String> {
    match Document::from_json_bytes(bytes) {
        Ok(_) => panic!("expected the file to be refused"),
        Err(e) => e.problems(),
    }
}

#[test]
fn the_bundled_demo_is_valid_canonical_and_realistic() {
    let doc = demo_design();
    assert!((40..=60).contains(&doc.len()), "{} widgets", doc.len());
    let kinds: std::collections::HashSet<_> = doc.iter().map(|w| w.kind()).collect();
    for needed in [WidgetKind::Row, WidgetKind::Column, WidgetKind::Grid, WidgetKind::Tabs, WidgetKind::ScrollArea] {
        assert!(kinds.contains(&needed), "the demo shows a {needed}");
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let path = format!("{}/assets/demo.trellis.json", env!("CARGO_MANIFEST_DIR"));
        fs::write(path, doc.to_json_string()).unwrap();
        return;
    }
    assert_eq!(
        doc.to_json_string(),
        trellis_model::DEMO_JSON,
        "the bundled file is in canonical form (UPDATE_EXPECT=1 rewrites it)"
    );
}

#[test]
fn output_is_stable_and_a_one_widget_edit_is_a_small_diff() {
    let mut doc = demo_design();
    let before = doc.to_json_string();
    assert_eq!(before, doc.to_json_string());
    let id = doc.find("save_button").unwrap();
    doc.execute(Command::SetProperty {
        ids: vec![id],
        key: PropKey::Text,
        value: Some(PropValue::Text("Save all".into())),
    })
    .unwrap();
    let after = doc.to_json_string();
    let changed: Vec<_> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(!before.contains("/home/") && !before.contains("\"time"), "no absolute paths, no timestamps");
}

#[test]
fn version_0_files_migrate_to_version_1_then_2() {
    // Version 0 to 1: the version-1 file written by the build of that format.
    let v1 = Document::from_json_bytes_before_v2(&fixture("login_v0.json")).unwrap();
    let expected = String::from_utf8(fixture("login_v1.trellis.json")).unwrap();
    assert_eq!(v1.to_json_string().replacen("\"version\": 2", "\"version\": 1", 1), expected);
    // Then to 2, as that version-1 file migrates.
    let doc = Document::from_json_bytes(&fixture("login_v0.json")).unwrap();
    assert_eq!(doc.to_json_string(), Document::from_json_bytes(expected.as_bytes()).unwrap().to_json_string());
    let input = doc.widget(doc.find("user_input").unwrap()).unwrap();
    assert_eq!(input.kind(), WidgetKind::TextInput);
}

#[test]
fn a_broken_version_0_file_is_refused_with_the_path() {
    let bad = br#"{"trellis_version": 0, "root": {"type": "Window", "id": "w", "children": [{"type": "Button", "id": "b", "rect": [1, 2]}]}}"#;
    let err = Document::from_json_bytes(bad).unwrap_err();
    assert!(err.to_string().contains("root.children[0]") && err.to_string().contains("rect"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once_with_its_path_and_reason() {
    let found = problems(&fixture("many_problems.trellis.json"));
    let expect = [
        ("root.props.width", "outside the allowed range"),
        ("root.children[0].kind", "unknown widget kind 'gizmo'"),
        ("root.children[1].props.fill", "'red' is not a colour"),
        ("root.children[1].props.font_size", "9000 is outside the allowed range 1 to 512"),
        ("root.children[2].name", "already used by root.children[1]"),
        ("root.children[2].children", "a label cannot hold children"),
        ("root.children[3].name", "must start with a letter"),
        ("root.children[3].props.opacity", "expected a number"),
        ("root.children[3].props.items", "a panel has no property 'items'"),
        ("root.children[4].props.image", "absolute path"),
        ("root.children[5].props.value", "outside min 0 to max 100"),
        ("root.children[6].props.selected", "only 2 items"),
    ];
    for (path, reason) in expect {
        assert!(
            found.iter().any(|p| p.starts_with(path) && p.contains(reason)),
            "no problem at {path} saying {reason:?} in:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(found.len(), expect.len(), "{}", found.join("\n"));
}

#[test]
fn a_property_given_twice_is_reported_not_silently_overwritten() {
    let json = br#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","props":{"text":"a","text":"b","bogus":1}}}"#;
    let found = problems(json);
    assert!(found.iter().any(|p| p.contains("props.text") && p.contains("given twice")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("props.bogus") && p.contains("unknown property")), "{found:?}");
}

#[test]
fn a_field_given_twice_is_refused_with_its_place_not_silently_overwritten() {
    // Given twice, the design's version, its root or a widget's kind
    // loaded as the last one said.
    let cases: [(&[u8], &str); 6] = [
        // Each sends the typed reading to the careful one first (a
        // version of the wrong type, an unknown field, format 0), which
        // read a JSON value and kept the last.
        (br#"{"format":"trellis","version":"2","root":{"kind":"window","name":"w"},"version":2}"#, "\"version\""),
        (
            br#"{"format":"trellis","version":2,"root":{"kind":"window","name":"w","bogus":1},"root":{"kind":"window","name":"v"}}"#,
            "\"root\"",
        ),
        (br#"{"trellis_version":0,"trellis_version":0,"root":{"type":"window","id":"w"}}"#, "\"trellis_version\""),
        (br#"{"version":99,"format":"trellis","version":2,"root":{"kind":"window","name":"w"}}"#, "\"version\""),
        (
            br#"{"format":"trellis","version":2,"root":{"kind":"window","name":"w"},"root":{"kind":"window","name":"v"}}"#,
            "\"root\"",
        ),
        (
            br#"{"format":"trellis","version":2,"root":{"kind":"window","name":"w","children":[{"kind":"button","kind":"label","name":"b"}]}}"#,
            "\"kind\"",
        ),
    ];
    for (json, field) in cases {
        let found = problems(json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(field) && found[0].contains("given twice") && found[0].contains("line 1"),
            "{found:?}"
        );
    }
}

#[test]
fn a_root_that_is_not_an_object_says_what_a_widget_is_not_a_type_name() {
    let found = problems(br#"{"format":"trellis","version":2,"root":null}"#);
    assert!(found[0].contains("root") && found[0].contains("expected a widget: an object with \"kind\""), "{found:?}");
    assert!(!found[0].contains("RawWidget"), "{found:?}");
    let found = problems(br#"{"format":"trellis","version":2,"root":{"kind":"window","name":"w","children":[7]}}"#);
    assert!(found[0].contains("expected a widget") && !found[0].contains("Raw"), "{found:?}");
}

#[test]
fn non_finite_and_negative_sizes_are_refused() {
    let doc = |props: &str| {
        format!(r#"{{"format":"trellis","version":1,"root":{{"kind":"window","name":"w","props":{props}}}}}"#)
    };
    assert!(problems(doc(r#"{"height": -1}"#).as_bytes())[0].contains("outside the allowed range"));
    // JSON cannot spell infinity; a number too large for the type is refused as such.
    let err = problems(doc(r#"{"width": 1e999}"#).as_bytes());
    assert!(err[0].contains("line 1"), "{err:?}");
    assert!(problems(doc(r#"{"width": 3e38}"#).as_bytes())[0].contains("outside the allowed range"));
    assert!(problems(doc(r#"{"width": 1e300}"#).as_bytes())[0].contains("finite"));
}

#[test]
fn wrong_format_future_versions_and_malformed_json_get_clear_errors() {
    let err = Document::from_json_bytes(br#"{"format":"trellis","version":7,"root":{}}"#).unwrap_err();
    assert!(matches!(err, LoadError::FutureVersion { found: 7, supported: 2 }));
    assert!(err.to_string().contains("update Trellis"));
    let err = Document::from_json_bytes(br#"{"hello": "world"}"#).unwrap_err();
    assert!(matches!(err, LoadError::NotTrellis), "{err}");
    let err = Document::from_json_bytes(b"{\"format\": \"trellis\",\n \"version\": 1,\n \"root\": {").unwrap_err();
    assert!(matches!(err, LoadError::Syntax { line: 3, .. }), "{err}");
    // Regression: a byte order mark was "expected value", which said nothing of why.
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend_from_slice(trellis_model::demo_design().to_json_string().as_bytes());
    let err = Document::from_json_bytes(&marked).unwrap_err().to_string();
    assert!(err.contains("byte order mark; save it as UTF-8 without one"), "{err}");
    let err = Document::from_json_bytes(
        br#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","colour":"x"}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("root") && err.to_string().contains("unknown field `colour`"), "{err}");
    let err = Document::from_json_bytes(
        br#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","children":[{"name":"b"}]}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("root.children[0]") && err.to_string().contains("kind"), "{err}");
}

#[test]
fn limits_are_enforced_without_crashing() {
    // Nesting far past the limit: refused, no stack overflow.
    let mut deep = String::from(r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","children":["#);
    for i in 0..5000 {
        deep.push_str(&format!(r#"{{"kind":"panel","name":"p{i}","children":["#));
    }
    let err = Document::from_json_bytes(deep.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("nested too deeply"), "{err}");
    // Just past the depth limit but within what the parser takes: refused with the path.
    let mut nested = WidgetTree::bare(WidgetKind::Label).named("leaf");
    for i in 0..limits::MAX_DEPTH {
        nested = WidgetTree::bare(WidgetKind::Panel).named(format!("p{i}")).child(nested);
    }
    let mut json = String::from(r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","children":["#);
    json.push_str(&tree_json(&nested));
    json.push_str("]}}");
    let err = Document::from_json_bytes(json.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("nested deeper than the limit of 32"), "{err}");
    // A string over the limit.
    let long = "x".repeat(limits::MAX_STRING_BYTES + 1);
    let json = format!(
        r#"{{"format":"trellis","version":1,"root":{{"kind":"window","name":"w","props":{{"text":"{long}"}}}}}}"#
    );
    assert!(problems(json.as_bytes())[0].contains("longer than the limit"));
    // A file over the size limit is refused before parsing.
    let huge = vec![b' '; limits::MAX_FILE_BYTES as usize + 1];
    assert!(matches!(Document::from_json_bytes(&huge).unwrap_err(), LoadError::TooLarge { .. }));
}

fn tree_json(t: &WidgetTree) -> String {
    let children: Vec<String> = t.children.iter().map(tree_json).collect();
    format!(r#"{{"kind":"{}","name":"{}","children":[{}]}}"#, t.kind, t.name.as_deref().unwrap(), children.join(","))
}

#[test]
fn too_many_widgets_are_refused() {
    let mut json = String::from(r#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","children":["#);
    for i in 0..=limits::MAX_WIDGETS {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(r#"{{"kind":"spacer","name":"s{i}"}}"#));
    }
    json.push_str("]}}");
    let err = Document::from_json_bytes(json.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("more than 250000 widgets"), "{err}");
}

#[test]
fn save_then_load_gives_the_same_design_and_loading_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.trellis.json");
    let mut doc = generate(2_000, 11);
    doc.save(&path).unwrap();
    assert!(!doc.is_modified());
    let bytes = fs::read(&path).unwrap();
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let loaded = Document::load(&path).unwrap();
    assert_eq!(loaded.to_json_string(), doc.to_json_string());
    assert_eq!(loaded.content_hash(), doc.content_hash());
    assert_eq!(fs::read(&path).unwrap(), bytes);
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn a_failed_save_leaves_the_old_file_intact_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("design.trellis.json");
    let mut doc = demo_design();
    doc.save(&path).unwrap();
    let old = fs::read(&path).unwrap();
    // The writer fails half way, as a full disk would.
    let err = trellis_model::write_atomically(&path, |out: &mut dyn std::io::Write| {
        out.write_all(b"{\"format\": \"trellis\", \"vers")?;
        Err(std::io::Error::other("disk full"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("disk full"));
    assert_eq!(fs::read(&path).unwrap(), old);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn saving_into_a_missing_directory_fails_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/x.trellis.json");
    let err = Document::new().save(&path).unwrap_err();
    assert!(err.to_string().contains("no/such/dir"), "{err}");
}

#[cfg(unix)]
#[test]
fn saving_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.trellis.json");
    let link = dir.path().join("link.trellis.json");
    Document::new().save(&target).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    demo_design().save(&link).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(Document::load(&target).unwrap().len(), demo_design().len());
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_unless_forced_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.trellis.json");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let err = demo_design().save(&path).unwrap_err();
    assert!(matches!(err, trellis_model::SaveError::ReadOnly { mode: 0o444, .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "old");
    demo_design().save_with(&path, trellis_model::SaveOptions::forced()).unwrap();
    assert_eq!(Document::load(&path).unwrap().len(), demo_design().len());
    assert_eq!(mode(&path), 0o444);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permission_bits() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.trellis.json");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).unwrap();
    demo_design().save(&path).unwrap();
    assert_eq!(mode(&path), 0o664);
}

#[cfg(unix)]
#[test]
fn a_character_device_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    demo_design().save(std::path::Path::new("/dev/null")).unwrap();
    assert!(fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
    let err = demo_design().save(std::path::Path::new("/dev/full")).unwrap_err();
    assert!(matches!(err, trellis_model::SaveError::InPlace { .. }), "{err}");
    assert!(fs::symlink_metadata("/dev/full").unwrap().file_type().is_char_device());
}

#[test]
fn impossible_paths_say_which_part_is_wrong_and_why() {
    use trellis_model::SaveError;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let err = demo_design().save(&missing.join("x.json")).unwrap_err();
    assert!(matches!(&err, SaveError::MissingFolder { folder, .. } if *folder == missing), "{err}");
    assert!(err.to_string().contains("No such file or directory"), "the system's reason is kept: {err}");

    let file = dir.path().join("plain");
    fs::write(&file, "").unwrap();
    let err = demo_design().save(&file.join("deeper/x.json")).unwrap_err();
    assert!(matches!(&err, SaveError::ParentNotAFolder { parent, .. } if *parent == file), "{err}");

    let err = demo_design().save(&dir.path().join("n".repeat(300))).unwrap_err();
    assert!(matches!(err, SaveError::NameTooLong { length: 300, .. }), "{err}");

    let err = demo_design().save(dir.path()).unwrap_err();
    assert!(matches!(err, SaveError::IsAFolder { .. }), "{err}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "nothing but the plain file is left");
}

#[test]
fn a_name_near_the_system_limit_leaves_room_for_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.trellis.json", "n".repeat(240)));
    demo_design().save(&path).unwrap();
    assert_eq!(Document::load(&path).unwrap().len(), demo_design().len());
}

/// Editor events carry property values as the file writes them; reading
/// one back gives the same value, with the loader's checks.
#[test]
fn a_property_value_round_trips_through_its_file_json() {
    use trellis_model::{PropKey, PropValue, Track, value_from_file_json, value_to_json};
    let values = [
        (PropKey::Width, PropValue::Number(120.5)),
        (PropKey::Fill, PropValue::Color(trellis_model::Color::parse_hex("#336699cc").unwrap())),
        (PropKey::Text, PropValue::Text("a \"quoted\" text".into())),
        (PropKey::Visible, PropValue::Bool(false)),
        (PropKey::Items, PropValue::Items(vec!["one".into(), "two".into()])),
        (PropKey::GridColumns, PropValue::Tracks(vec![Track::Px(100.0), Track::Fr(1.0), Track::Auto])),
    ];
    for (key, value) in values {
        let json = value_to_json(&value);
        assert_eq!(value_from_file_json(key, &json), Ok(Some(value)), "{key:?} as {json}");
    }
    assert_eq!(value_from_file_json(PropKey::Width, &serde_json::Value::Null), Ok(None));
    let err = value_from_file_json(PropKey::Opacity, &serde_json::json!(7)).unwrap_err();
    assert!(err.to_string().starts_with("opacity: "), "{err}");
    let err = value_from_file_json(PropKey::Fill, &serde_json::json!(3)).unwrap_err();
    assert!(err.to_string().contains("expected"), "{err}");
}

/// Format 2 lays out as CSS: a flowed item's automatic minimum comes from
/// its content. In format 1 it was the item's explicit size, so a version-1
/// file gets that size as its minimum on its row's or column's main axis,
/// and looks the same. Labels (they wrap) and items with a minimum are
/// left alone; a maximum clamps the minimum, as it clamped the size.
#[test]
fn a_version_1_file_gets_its_flowed_items_explicit_sizes_as_minimums() {
    let v1 = br#"{"format":"trellis","version":1,"root":{"kind":"window","name":"w","props":{"layout":"row","width":400,"height":300},"children":[
        {"kind":"button","name":"fixed","props":{"width":120,"height":30}},
        {"kind":"button","name":"auto","props":{"text":"Auto"}},
        {"kind":"label","name":"wrapping","props":{"width":100}},
        {"kind":"button","name":"has_min","props":{"width":120,"min_width":50}},
        {"kind":"button","name":"clamped","props":{"width":120,"max_width":80}},
        {"kind":"panel","name":"placed","props":{"width":90,"height":60}},
        {"kind":"row","name":"flowing","props":{"width":100},"children":[
            {"kind":"checkbox","name":"in_row","props":{"width":70,"height":20}}]},
        {"kind":"column","name":"col","children":[
            {"kind":"button","name":"in_column","props":{"width":70,"height":40}}]},
        {"kind":"grid","name":"grid","props":{"grid_columns":"1fr 1fr"},"children":[
            {"kind":"button","name":"in_grid","props":{"width":30,"height":20}}]},
        {"kind":"panel","name":"absolute","children":[
            {"kind":"button","name":"placed_child","props":{"x":5,"y":5,"width":50,"height":20}}]}]}}"#;
    let (doc, version) = Document::from_json_bytes_versioned(v1).unwrap();
    assert_eq!(version, 1);
    let min = |name: &str| {
        let w = doc.widget(doc.find(name).unwrap()).unwrap();
        (w.length(PropKey::MinWidth), w.length(PropKey::MinHeight))
    };
    assert_eq!(min("fixed"), (Some(120.0), None), "a row applies it to the width");
    assert_eq!(min("auto"), (None, None), "no explicit size, nothing to keep");
    assert_eq!(min("wrapping"), (None, None), "labels wrap instead");
    assert_eq!(min("has_min"), (Some(50.0), None), "a minimum of its own stays");
    assert_eq!(min("clamped"), (Some(80.0), None), "the maximum clamps it");
    assert_eq!(min("placed"), (Some(90.0), None), "a container placing its children is sized by them");
    assert_eq!(min("flowing"), (None, None), "a row sizes itself from its items");
    assert_eq!(min("in_row"), (Some(70.0), None));
    assert_eq!(min("in_column"), (None, Some(40.0)), "a column applies it to the height");
    assert_eq!(min("in_grid"), (None, None), "a grid sized it by its explicit size in both versions");
    assert_eq!(min("placed_child"), (None, None), "placed children do not flow");
    // Saved as version 2, and read back unchanged.
    let text = doc.to_json_string();
    assert!(text.contains("\"version\": 2"), "{}", &text[..60]);
    let (again, version) = Document::from_json_bytes_versioned(text.as_bytes()).unwrap();
    assert_eq!(version, 2);
    assert_eq!(again.to_json_string(), text);
    // Journals recorded before format 2 replay from the design unmigrated.
    let before = Document::from_json_bytes_before_v2(v1).unwrap();
    assert_eq!(before.widget(before.find("fixed").unwrap()).unwrap().length(PropKey::MinWidth), None);
}
