//! The drag benchmark behind `trellis bench drag`: the CPU time of one drag
//! frame (event handling, model update, layout, hit test, drop target,
//! snapping, damage and overlays) through the very code the app runs.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use trellis_geometry::benchmark::Summary;
use trellis_model::generate;

use crate::journal::{DesignSource, JournalWriter};
use crate::scenario::{Scenario, ScenarioStep};
use crate::{Editor, Input, Settings, Viewport};

/// One design size measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DragFigures {
    pub widgets: usize,
    /// Every pointer move of the drag: one frame each.
    pub frame: Summary,
    /// Pressing on the widget, and releasing it (the drop commits).
    pub press_ns: f64,
    pub release_ns: f64,
    /// Undo steps the drag recorded (one).
    pub commits: usize,
    /// Whether the drag ended where it should (the widget moved).
    pub moved: bool,
}

/// Drags a card across the canvas, over other cards, in `frames` steps.
pub fn run(widgets: usize, seed: u64, frames: usize, journal: Option<&Path>) -> std::io::Result<DragFigures> {
    let doc = generate(widgets, seed);
    let mut editor = Editor::new(doc);
    if let Some(path) = journal {
        let source = DesignSource::Generated { widgets, seed };
        editor.set_journal(JournalWriter::create(path, source, Viewport::default(), Settings::default())?);
    }
    // A card near the middle, dragged right and down across its neighbours.
    let cards = editor.doc().children(editor.doc().root()).len();
    let name = format!("card_{}", cards / 2);
    let start = editor.doc().find(&name).and_then(|id| editor.geometry().rect(id));
    let step = ScenarioStep::DragBy { name, dx: 650.0, dy: 275.0, steps: frames.max(2), alt: false, nosnap: false };
    let scenario = Scenario { steps: vec![step] };
    let mut moves = Vec::with_capacity(frames);
    let (mut press_ns, mut release_ns, mut commits) = (0.0, 0.0, 0);
    let mut clock = 0.0;
    let mut last = Instant::now();
    let mut timed = |event: &crate::Event, step: &crate::Step| {
        // Timed from the end of the previous event to the end of this one:
        // the scenario makes the event in between (a few pointer coordinates).
        let spent = last.elapsed();
        match event.input {
            Input::PointerMove { .. } => moves.push(spent),
            Input::PointerDown { .. } => press_ns = spent.as_secs_f64() * 1e9,
            Input::PointerUp { .. } => release_ns = spent.as_secs_f64() * 1e9,
            _ => {}
        }
        commits += usize::from(step.committed.is_some());
        last = Instant::now();
    };
    scenario.run(&mut editor, &mut clock, &mut timed).map_err(|e| std::io::Error::other(e.to_string()))?;
    let moved = start.is_some_and(|s| {
        editor.selection().first().and_then(|id| editor.geometry().rect(*id)).is_some_and(|now| now.x != s.x)
    });
    if let Some(j) = editor.take_journal() {
        j.finish(editor.doc())?;
    }
    Ok(DragFigures {
        widgets: editor.doc().len(),
        frame: Summary::of(&mut moves),
        press_ns,
        release_ns,
        commits,
        moved,
    })
}
