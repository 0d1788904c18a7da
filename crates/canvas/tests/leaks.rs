//! Frames of an editing session leave nothing behind: cycles of a drag
//! and its undo, each drawn by the canvas, keep every live object and the
//! heap flat (`trellis_diag::assert_no_leaks`).

use trellis_canvas::Canvas;
use trellis_diag::{CountingAllocator, assert_no_leaks};
use trellis_editor::scenario::Scenario;
use trellis_editor::{Action, Editor, Event, Input};
use trellis_render::{Renderer, Theme};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[test]
fn drag_and_undo_frames_leave_no_live_object_and_no_heap_behind() {
    // The CPU rasteriser: the same canvas code, no adapter needed.
    let mut canvas = Canvas::new(
        Editor::new(trellis_model::generate(200, 2)),
        Some(Renderer::Cpu(Default::default())),
        Theme::LIGHT,
    );
    let mut clock = 0.0;
    canvas.frame(&Event { t: clock, input: Input::Viewport { width: 480.0, height: 320.0, scale: 1.0 } }).unwrap();
    let drag = Scenario::parse("drag card_3 by 40,20 steps 6 nosnap").unwrap();
    let mut events = Vec::new();
    let cell = std::cell::RefCell::new(canvas);
    assert_no_leaks(
        "a drag and its undo, drawn",
        60,
        30,
        |_| {
            let mut canvas = cell.borrow_mut();
            events.clear();
            // The scenario's events, made against the canvas's own editor
            // state, then drawn one frame each.
            let mut scratch = Editor::new(
                trellis_model::Document::from_json_bytes(canvas.editor().doc().to_json_string().as_bytes()).unwrap(),
            );
            scratch.handle(&Event { t: clock, input: Input::Viewport { width: 480.0, height: 320.0, scale: 1.0 } });
            drag.run(&mut scratch, &mut clock, &mut |e, _| events.push(e.clone())).unwrap();
            drop(scratch);
            for e in &events {
                canvas.frame(e).unwrap();
            }
            clock += 16.0;
            canvas.frame(&Event { t: clock, input: Input::Action(Action::Undo) }).unwrap();
        },
        || {
            let canvas = cell.borrow();
            let mut kinds = canvas.editor().doc().live_counts().kinds();
            kinds.push(("display items".into(), canvas.display_list().items.len()));
            kinds
        },
    );
}
