//! Leak checks of the editor: cycles of an action and its undo must leave
//! no live object and no heap growth behind; planted leaks must be caught
//! and named.

use trellis_diag::{CountingAllocator, Growth, check_cycles};
use trellis_editor::scenario::Scenario;
use trellis_editor::{Action, Editor, Event, Input};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The allocator counts the whole process: leak checks must not share it
/// with another test running at the same time.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn live(editor: &Editor) -> Vec<(String, usize)> {
    let mut kinds = editor.doc().live_counts().kinds();
    kinds.push(("laid-out widgets".into(), editor.geometry().len()));
    kinds
}

/// Runs `script` then undo, `cycles` times after a warm-up.
fn cycles_of(script: &str, plant: &mut dyn FnMut(&mut Editor)) -> Growth {
    let editor = std::cell::RefCell::new(Editor::new(trellis_model::generate(300, 4)));
    let scenario = Scenario::parse(script).unwrap();
    let mut clock = 0.0;
    check_cycles(
        120,
        30,
        |_| {
            let mut e = editor.borrow_mut();
            scenario.run(&mut e, &mut clock, &mut |_, _| {}).unwrap();
            e.handle(&Event { t: clock, input: Input::Action(Action::Undo) });
            plant(&mut e);
        },
        || live(&editor.borrow()),
    )
}

#[test]
fn editing_cycles_leave_nothing_behind() {
    let _alone = ALONE.lock().unwrap_or_else(|p| p.into_inner());
    let scenarios = [
        ("drag", "drag card_3 by 50,30 steps 10 nosnap"),
        ("insert", "palette slider at 500,400 steps 5"),
        ("resize", "resize card_2 se by 30,20 steps 5"),
        ("reparent", "drag card_1 to card_6 steps 10"),
        ("duplicate", "click card_4\nkey ctrl+d"),
        ("copy and paste", "click card_5\nkey ctrl+c\nkey ctrl+v"),
    ];
    for (name, script) in scenarios {
        let growth = cycles_of(script, &mut |_| {});
        assert!(growth.is_clean(), "{name} leaks {:?}: {growth:#?}", growth.leaking);
    }
}

#[test]
fn planted_leaks_are_caught_and_named() {
    let _alone = ALONE.lock().unwrap_or_else(|p| p.into_inner());
    let script = "drag card_3 by 50,30 steps 10 nosnap";
    // A subscription nobody drops.
    let growth = cycles_of(script, &mut |e| std::mem::forget(e.doc().subscribe()));
    assert!(growth.leaking.contains(&"subscriptions".to_owned()), "{growth:#?}");
    // Undo steps that are never undone: the history grows.
    let growth = cycles_of(script, &mut |e| {
        e.handle(&Event { t: 0.0, input: Input::Action(Action::Redo) });
    });
    assert!(growth.leaking.contains(&"undo entries".to_owned()), "{growth:#?}");
    // Memory held outside any counted object shows as heap growth.
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    let growth = cycles_of(script, &mut |_| hoard.push(vec![1; 4096]));
    assert!(growth.leaking.contains(&"heap".to_owned()), "{growth:#?}");
    assert!(growth.heap_bytes_per_cycle > 4000.0, "{growth:#?}");
}

/// A nudge of everything allocates nothing per moved widget: one command
/// moves them all, and each one's old place, kept for undo, is held
/// inline in its inverse operation. It made two allocations a widget
/// (11,112 a nudge at 100,000 widgets), slow ones, from the memory the
/// nudge before had freed. The count is the same every run, but for the
/// test harness's own threads, so it is held to a bound with room for
/// those (a nudge here makes about 90).
#[test]
fn a_nudge_of_everything_allocates_nothing_per_widget_moved() {
    let _alone = ALONE.lock().unwrap_or_else(|p| p.into_inner());
    let mut e = Editor::new(trellis_model::generate(30_000, 4));
    let scenario = Scenario::parse("action select_all\nkey shift+right").unwrap();
    let mut clock = 0.0;
    scenario.run(&mut e, &mut clock, &mut |_, _| {}).unwrap();
    let places = |e: &Editor| -> Vec<f32> {
        let doc = e.doc();
        doc.children(doc.root()).iter().map(|id| doc.widget(*id).unwrap().number(trellis_model::PropKey::X)).collect()
    };
    let before = places(&e);
    let nudge = Scenario::parse("key shift+right").unwrap();
    let counted = CountingAllocator::snapshot().allocations;
    nudge.run(&mut e, &mut clock, &mut |_, _| {}).unwrap();
    let made = CountingAllocator::snapshot().allocations - counted;
    let moved = before.len();
    eprintln!("{made} allocations for {moved} widgets moved");
    assert!(moved > 1_000, "{moved} widgets moved");
    assert!(made < moved as u64 / 4, "{made} allocations for {moved} widgets moved");
    // It moved every widget, as one undo step that puts each one back.
    let after = places(&e);
    assert!(before.iter().zip(&after).all(|(b, a)| *a == *b + 10.0), "every widget 10 px to the right");
    assert_eq!(e.doc().undo_label(), Some("Nudge"));
    e.handle(&Event { t: clock, input: Input::Action(Action::Undo) });
    assert_eq!(places(&e), before, "undo puts every widget back");
}
