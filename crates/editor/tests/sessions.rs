//! Whole sessions: random event streams, undo after gestures, the journal,
//! deterministic replay and recovery from a cut-off journal.

use std::io::Write;
use std::sync::Arc;

use proptest::prelude::*;
use trellis_editor::journal::{DesignSource, JournalError, JournalWriter};
use trellis_editor::replay::{recover, recover_with, replay, replay_with};
use trellis_editor::scenario::Scenario;
use trellis_editor::{Action, Button, Editor, Event, Input, Key, Modifiers, SelectMode, Settings, Viewport};
use trellis_geometry::{FixedAdvanceMeasurer, FontMeasurer, TextMeasurer};
use trellis_model::{Document, WidgetKind, generate};

fn input() -> impl Strategy<Value = Input> {
    let pos = (-50.0f32..1350.0, -50.0f32..850.0);
    let modifiers =
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(shift, ctrl, alt)| Modifiers { shift, ctrl, alt });
    let button = prop_oneof![8 => Just(Button::Primary), 1 => Just(Button::Middle), 1 => Just(Button::Secondary)];
    let key = prop_oneof![
        Just(Key::Escape),
        Just(Key::Delete),
        Just(Key::Left),
        Just(Key::Down),
        Just(Key::Space),
        prop::sample::select(vec!['a', 'c', 'v', 'x', 'd', 'g', 'z', 'y', '[', ']', 'l', 'h', '0', '1'])
            .prop_map(Key::Char),
    ];
    let action = prop_oneof![
        Just(Action::SelectAll),
        Just(Action::Undo),
        Just(Action::Redo),
        Just(Action::Group),
        Just(Action::Ungroup),
        Just(Action::DistributeHorizontally),
        Just(Action::Align(trellis_editor::AlignTo::Bottom)),
        Just(Action::ZoomToFit),
        Just(Action::SetGrid(Some(8.0))),
    ];
    // The panels' events, by the generated design's names (and one that is
    // not there), with values of every kind, some invalid.
    let name = prop::sample::select(vec![
        "card_0",
        "card_1",
        "card_2",
        "card_3",
        "label_1",
        "label_4",
        "button_2",
        "row",
        "main_window",
        "nobody",
    ])
    .prop_map(str::to_owned);
    let names = prop::collection::vec(name.clone(), 0..3);
    let mode = prop::sample::select(vec![SelectMode::Replace, SelectMode::Add, SelectMode::Toggle]);
    let prop_key =
        prop::sample::select(vec!["x", "width", "fill", "text", "visible", "locked", "opacity", "layout", "bogus"]);
    let value = prop_oneof![
        (-100.0f64..500.0).prop_map(|v| serde_json::json!(v)),
        Just(serde_json::json!("#ff0000")),
        Just(serde_json::Value::Null),
        Just(serde_json::json!("auto")),
        Just(serde_json::json!(true)),
        Just(serde_json::json!("column")),
    ];
    let new_name = prop::sample::select(vec!["renamed", "card_1", "bad name!", ""]).prop_map(str::to_owned);
    let panels = prop_oneof![
        (names.clone(), mode).prop_map(|(names, mode)| Input::Select { names, mode }),
        (names.clone(), prop_key, value).prop_map(|(names, key, value)| Input::SetProperty {
            names,
            key: key.to_owned(),
            value
        }),
        (name.clone(), new_name).prop_map(|(name, to)| Input::Rename { name, to }),
        (names, name, prop::option::of(0usize..5)).prop_map(|(names, parent, index)| Input::MoveTo {
            names,
            parent,
            index
        }),
        (any::<bool>(), 0.0f32..20.0).prop_map(|(snapping, snap_threshold_px)| Input::Settings(Settings {
            snapping,
            snap_threshold_px,
            ..Settings::default()
        })),
    ];
    prop_oneof![
        3 => panels,
        4 => (pos.clone(), button.clone(), modifiers.clone()).prop_map(|((x, y), button, modifiers)| Input::PointerDown { x, y, button, modifiers }),
        10 => (pos.clone(), modifiers.clone()).prop_map(|((x, y), modifiers)| Input::PointerMove { x, y, modifiers }),
        4 => (pos.clone(), button, modifiers.clone()).prop_map(|((x, y), button, modifiers)| Input::PointerUp { x, y, button, modifiers }),
        1 => (pos.clone(), -200.0f32..200.0, -200.0f32..200.0, modifiers.clone()).prop_map(|((x, y), dx, dy, modifiers)| Input::Wheel { x, y, dx, dy, modifiers }),
        2 => (key.clone(), modifiers.clone()).prop_map(|(key, modifiers)| Input::KeyDown { key, modifiers }),
        1 => (key, modifiers).prop_map(|(key, modifiers)| Input::KeyUp { key, modifiers }),
        1 => prop::sample::select(WidgetKind::ALL.to_vec()).prop_map(|kind| Input::PaletteDrag { kind }),
        1 => action.prop_map(Input::Action),
        1 => (100.0f32..2000.0, 100.0f32..1200.0, 0.5f32..3.0).prop_map(|(width, height, scale)| Input::Viewport { width, height, scale }),
    ]
}

fn events(inputs: Vec<Input>) -> Vec<Event> {
    inputs.into_iter().enumerate().map(|(i, input)| Event { t: i as f64 * 16.0, input }).collect()
}

fn check_valid(doc: &Document) {
    let text = doc.to_json_string();
    let again = Document::from_json_bytes(text.as_bytes()).expect("whatever the events, the design stays loadable");
    assert_eq!(again.to_json_string(), text);
}

proptest! {
    // `PROPTEST_CASES` where set: a hunt for rarer cases by hand.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]

    #[test]
    fn random_event_streams_never_panic_and_leave_a_valid_design(
        widgets in 2usize..200,
        seed in any::<u64>(),
        inputs in prop::collection::vec(input(), 1..150),
    ) {
        let mut editor = Editor::new(generate(widgets, seed));
        for e in events(inputs) {
            editor.handle(&e);
        }
        editor.handle(&Event { t: 1e9, input: Input::KeyDown { key: Key::Escape, modifiers: Modifiers::default() } });
        check_valid(editor.doc());
        // The layout agrees with a fresh one.
        let fresh = trellis_geometry::Geometry::without_memo(editor.doc(), trellis_geometry::FontMeasurer::shared());
        for w in editor.doc().iter() {
            prop_assert_eq!(editor.geometry().rect(w.id()), fresh.rect(w.id()));
        }
    }

    #[test]
    fn replaying_the_same_events_gives_the_same_design(
        widgets in 2usize..150,
        seed in any::<u64>(),
        inputs in prop::collection::vec(input(), 1..120),
    ) {
        let events = events(inputs);
        let run = || {
            let mut editor = Editor::new(generate(widgets, seed));
            for e in &events {
                editor.handle(e);
            }
            editor.doc().content_hash()
        };
        prop_assert_eq!(run(), run());
    }

    #[test]
    fn undo_after_any_gesture_restores_the_design(
        seed in any::<u64>(),
        inputs in prop::collection::vec(input(), 1..60),
    ) {
        let mut editor = Editor::new(generate(120, seed));
        let mut before = editor.doc().to_json_string();
        for e in events(inputs) {
            // The state when no gesture is under way is where undo must return.
            if !editor.is_busy() {
                before = editor.doc().to_json_string();
            }
            let step = editor.handle(&e);
            if step.committed.is_some() {
                let after = editor.doc().to_json_string();
                editor.handle(&Event { t: e.t, input: Input::Action(Action::Undo) });
                prop_assert_eq!(editor.doc().to_json_string(), before.clone(), "undo after {:?}", step.committed);
                editor.handle(&Event { t: e.t, input: Input::Action(Action::Redo) });
                prop_assert_eq!(editor.doc().to_json_string(), after, "redo gives back the gesture's result");
            }
        }
    }
}

const SCRIPT: &str = "
drag card_1 by 120,40 steps 120
click card_2
key ctrl+d
palette button at 300,200
marquee 0,0 700,300
key delete
action undo
resize card_3 se by 30,20
drag card_4 to card_5 steps 40
";

#[test]
fn a_journal_replays_to_the_same_design_verifying_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.journal");
    let mut editor = Editor::new(generate(300, 3));
    editor.set_journal(
        JournalWriter::create(
            &path,
            DesignSource::Generated { widgets: 300, seed: 3 },
            Viewport::default(),
            Settings::default(),
            editor.measurer_id(),
        )
        .unwrap(),
    );
    let mut clock = 0.0;
    Scenario::parse(SCRIPT).unwrap().run(&mut editor, &mut clock, &mut |_, _| {}).unwrap();
    let hash = format!("{:016x}", editor.doc().content_hash());
    editor.take_journal().unwrap().finish(editor.doc()).unwrap();
    let (replayed, report) = replay(&path, &mut |_, _| {}).unwrap();
    assert!(report.ended && report.verified(), "{report:?}");
    assert_eq!(report.commits, 6, "drag, duplicate, palette, delete, resize, drag into a card: {report:?}");
    assert_eq!(report.final_hash, hash);
    assert_eq!(replayed.doc().to_json_string(), editor.doc().to_json_string());
}

/// An editor on the demo design, journaling to `path`.
fn journaled_demo(path: &std::path::Path) -> Editor {
    let mut editor = Editor::new(trellis_model::demo_design());
    let journal =
        JournalWriter::create(path, DesignSource::Demo, Viewport::default(), Settings::default(), editor.measurer_id())
            .unwrap();
    editor.set_journal(journal);
    editor
}

#[test]
fn a_journal_cut_mid_line_recovers_the_last_committed_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crashed.journal");
    let mut editor = journaled_demo(&path);
    let mut clock = 0.0;
    Scenario::parse("drag save_button by 0,30 steps 20\nclick title_label\nkey delete")
        .unwrap()
        .run(&mut editor, &mut clock, &mut |_, _| {})
        .unwrap();
    let committed = editor.doc().to_json_string();
    // A gesture in progress when the process dies.
    let r = editor.geometry().rect(editor.doc().find("back_button").unwrap()).unwrap();
    editor.handle(&Event {
        t: clock + 16.0,
        input: Input::PointerDown { x: r.x + 2.0, y: r.y + 2.0, button: Button::Primary, modifiers: Modifiers::NONE },
    });
    editor.handle(&Event {
        t: clock + 32.0,
        input: Input::PointerMove { x: r.x + 200.0, y: r.y + 300.0, modifiers: Modifiers::NONE },
    });
    editor.take_journal().unwrap().flush();
    // Simulate the crash: no end record, and a line torn in half.
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(br#"{"record":"event","t":99.0,"type":"pointer_mo"#).unwrap();
    drop(f);
    let out = dir.path().join("recovered.trellis.json");
    let (doc, report) = recover(&path, &out).unwrap();
    assert!(report.torn_last_line && !report.ended, "{report:?}");
    assert_eq!(doc.to_json_string(), committed, "the unfinished drag is dropped, every commit kept");
    assert_eq!(Document::load(&out).unwrap().to_json_string(), committed);
}

#[test]
fn a_file_that_is_not_a_journal_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.journal");
    std::fs::write(&path, "hello\n").unwrap();
    let err = replay(&path, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("not a Trellis journal"), "{err}");
    let header = format!(
        "{{\"record\":\"header\",\"version\":2,\"design\":{{\"from\":\"demo\"}},\"viewport\":{{\"width\":1280,\"height\":800,\"scale\":1,\"zoom\":1,\"origin\":{{\"x\":0,\"y\":0}}}},\"settings\":{{\"snapping\":true,\"grid\":null,\"snap_threshold_px\":6,\"drag_threshold_px\":3,\"trail_ms\":250}},\"measurer\":\"{}\"}}",
        FontMeasurer::shared().id()
    );
    std::fs::write(&path, format!("{header}\ngarbage\n{{\"record\":\"end\",\"hash\":\"0\"}}\n")).unwrap();
    let err = replay(&path, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

/// Records `script` on the demo design with `measurer`, ending cleanly;
/// returns the final design's hash.
fn record(path: &std::path::Path, measurer: FixedAdvanceMeasurer, script: &str) -> String {
    let mut editor = Editor::with_measurer(trellis_model::demo_design(), Arc::new(measurer));
    let journal =
        JournalWriter::create(path, DesignSource::Demo, Viewport::default(), Settings::default(), editor.measurer_id())
            .unwrap();
    editor.set_journal(journal);
    let mut clock = 0.0;
    Scenario::parse(script).unwrap().run(&mut editor, &mut clock, &mut |_, _| {}).unwrap();
    editor.take_journal().unwrap().finish(editor.doc()).unwrap();
    format!("{:016x}", editor.doc().content_hash())
}

/// Text set wider than the default measurer sets it: labels and buttons
/// sized by their text land elsewhere.
const WIDE: FixedAdvanceMeasurer = FixedAdvanceMeasurer { advance: 0.75, line_height: 1.25 };

#[test]
fn a_journal_recorded_with_one_measurer_is_refused_by_a_replay_with_another() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.journal");
    record(&path, WIDE, "drag save_button by 0,30 steps 10\nclick title_label\nkey delete");
    let err = replay_with(&path, Arc::new(FixedAdvanceMeasurer::default()), &mut |_, _| {}).unwrap_err();
    let JournalError::MeasurerMismatch { recorded, replaying, .. } = &err else {
        panic!("expected a measurer mismatch, got {err}");
    };
    assert_eq!(
        (recorded.as_str(), replaying.as_str()),
        (WIDE.id().as_str(), FixedAdvanceMeasurer::default().id().as_str())
    );
    let message = err.to_string();
    assert!(message.contains(&WIDE.id()) && message.contains(&FixedAdvanceMeasurer::default().id()), "{message}");
    assert!(
        recover_with(&path, &dir.path().join("out.trellis.json"), Arc::new(FixedAdvanceMeasurer::default())).is_err(),
        "recovery refuses it too"
    );
}

#[test]
fn a_replay_takes_the_measurer_its_journal_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.journal");
    let hash = record(&path, WIDE, "drag save_button by 0,30 steps 10\nclick title_label\nkey delete");
    let (editor, report) = replay(&path, &mut |_, _| {}).unwrap();
    assert!(report.ended && report.verified(), "{report:?}");
    assert_eq!((report.final_hash, editor.measurer_id()), (hash, WIDE.id().as_str()));
    let out = dir.path().join("out.trellis.json");
    recover(&path, &out).unwrap();
    assert!(out.exists());
}

#[test]
fn a_journal_from_before_labels_wrapped_is_refused_naming_its_measurer() {
    // Recorded when the fixed-advance measurer set every label on one line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.journal");
    record(&path, FixedAdvanceMeasurer::default(), "click title_label");
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.replace(&FixedAdvanceMeasurer::default().id(), trellis_geometry::LEGACY_FIXED_ADVANCE_ID);
    assert_ne!(old, text);
    std::fs::write(&path, old).unwrap();
    let err = replay(&path, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, JournalError::UnknownMeasurer { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("fixed-advance/1") && message.contains("open the design file"), "{message}");
    assert!(recover(&path, &dir.path().join("out.trellis.json")).is_err());
}

#[test]
fn a_journal_replays_with_the_measurer_it_was_recorded_with() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.journal");
    let hash = record(&path, WIDE, "drag save_button by 0,30 steps 10\nclick title_label\nkey delete");
    let (editor, report) = replay_with(&path, Arc::new(WIDE), &mut |_, _| {}).unwrap();
    assert!(report.ended && report.verified(), "{report:?}");
    assert_eq!(report.final_hash, hash);
    assert_eq!(editor.measurer_id(), WIDE.id());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.lines().next().unwrap().contains(&format!("\"measurer\":\"{}\"", WIDE.id())), "the header names it");
}

#[test]
#[should_panic(expected = "measurer")]
fn a_journal_created_for_another_measurer_is_not_attached() {
    let dir = tempfile::tempdir().unwrap();
    let mut editor = Editor::new(trellis_model::demo_design());
    let journal = JournalWriter::create(
        &dir.path().join("x.journal"),
        DesignSource::Demo,
        Viewport::default(),
        Settings::default(),
        &WIDE.id(),
    )
    .unwrap();
    editor.set_journal(journal);
}

/// What the app's panels do (the layers tree selects, renames and moves,
/// the inspector sets properties, the settings dialog) goes through events
/// that name widgets, so a journal of an app session replays exactly.
#[test]
fn a_session_of_panel_edits_replays_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panels.journal");
    let mut editor = journaled_demo(&path);
    let mut t = 0.0;
    let mut send = |editor: &mut Editor, input: Input| {
        t += 16.0;
        editor.handle(&Event { t, input })
    };
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let selected = |editor: &Editor| {
        editor.selection().iter().map(|id| editor.doc().widget(*id).unwrap().name().to_owned()).collect::<Vec<_>>()
    };

    send(&mut editor, Input::Select { names: names(&["save_button", "back_button"]), mode: SelectMode::Replace });
    assert_eq!(selected(&editor), ["save_button", "back_button"]);
    let step = send(
        &mut editor,
        Input::SetProperty {
            names: names(&["save_button", "back_button"]),
            key: "fill".into(),
            value: serde_json::json!("#336699"),
        },
    );
    assert!(step.committed.is_some(), "one undo step for both: {}", step.status);
    for name in ["save_button", "back_button"] {
        let w = editor.doc().widget(editor.doc().find(name).unwrap()).unwrap();
        assert_eq!(w.color(trellis_model::PropKey::Fill).unwrap().to_string(), "#336699");
    }
    // Refused with the validator's words; nothing changes, nothing commits.
    let before = editor.doc().content_hash();
    let step = send(
        &mut editor,
        Input::SetProperty { names: names(&["save_button"]), key: "opacity".into(), value: serde_json::json!(7) },
    );
    assert!(step.committed.is_none() && step.status.contains("opacity"), "{}", step.status);
    let step = send(&mut editor, Input::Rename { name: "nobody".into(), to: "x".into() });
    assert_eq!(step.status, "no widget is named 'nobody'");
    assert_eq!(editor.doc().content_hash(), before);

    send(&mut editor, Input::Rename { name: "save_button".into(), to: "store_button".into() });
    let step =
        send(&mut editor, Input::MoveTo { names: names(&["store_button"]), parent: "toolbar".into(), index: Some(0) });
    assert!(step.committed.is_some(), "{}", step.status);
    let toolbar = editor.doc().find("toolbar").unwrap();
    assert_eq!(editor.doc().children(toolbar)[0], editor.doc().find("store_button").unwrap());
    send(&mut editor, Input::Settings(Settings { snapping: false, ..Settings::default() }));
    assert!(!editor.settings().snapping);
    let step = send(&mut editor, Input::Settings(Settings { trail_ms: -1.0, ..Settings::default() }));
    assert!(step.status.contains("trail_ms") && !editor.settings().snapping, "{}", step.status);
    // A NaN is refused before the journal, which could not hold it.
    let step = send(&mut editor, Input::Settings(Settings { trail_ms: f32::NAN, ..Settings::default() }));
    assert!(step.status.contains("not finite") && !editor.settings().snapping, "{}", step.status);
    let step = send(&mut editor, Input::PointerMove { x: f32::INFINITY, y: 0.0, modifiers: Modifiers::NONE });
    assert!(step.status.contains("not finite"), "{}", step.status);
    send(&mut editor, Input::Select { names: names(&["back_button", "title_label"]), mode: SelectMode::Toggle });
    send(&mut editor, Input::Action(Action::Undo));
    editor.take_journal().unwrap().finish(editor.doc()).unwrap();

    let (replayed, report) = replay(&path, &mut |_, _| {}).unwrap();
    assert!(report.ended && report.verified(), "{report:?}");
    assert_eq!(report.commits, 3, "fill, rename, move (the undo is an event, not a commit): {report:?}");
    assert_eq!(replayed.doc().to_json_string(), editor.doc().to_json_string());
    assert_eq!(selected(&replayed), selected(&editor));
    assert_eq!(replayed.settings(), editor.settings());
}
