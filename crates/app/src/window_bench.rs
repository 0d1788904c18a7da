//! `trellis bench window`: the real editor window, every panel showing,
//! played a session of input at a fixed rate through the window's own
//! input path, every frame presented (each part's first input waits for
//! a frame to show it before the part's others follow); then two seconds
//! of idling, in which an editor must draw nothing.
//!
//! Asked to compare with a bare egui window, it first measures both frame
//! rates under one policy, as fast as each can repaint: the editor over
//! the session's drag fed one input per presented frame (then undone),
//! and right after, a bare egui window of the same size repainting
//! continuously. The session's own rate cannot pass its input's 120 Hz,
//! so it is not the one compared.

use std::time::{Duration, Instant};

use egui::Pos2;
use trellis_editor::{Editor, Input};
use trellis_model::Document;
use trellis_render::BackendKind;

use crate::ui::FrameSample;
use crate::window::{Driver, Shell};
use crate::workbench::Workbench;
use crate::{AppError, check_display, run_shell};

/// What to play: the events that set the view up (not measured), then the
/// session's, each with the part of the session it belongs to.
#[derive(Clone, Debug, Default)]
pub struct BenchPlan {
    /// Unmeasured inputs that set the view up.
    pub setup: Vec<Input>,
    /// The measured inputs, in canvas coordinates, with their part.
    pub events: Vec<(&'static str, Input)>,
    /// Inputs per second.
    pub rate_hz: f64,
    /// A drag fed one input per presented frame before the session, to
    /// measure how fast the editor can draw (then undone); empty for none.
    pub capacity: Vec<Input>,
}

/// One presented frame of the session.
#[derive(Clone, Copy, Debug)]
pub struct BenchFrame {
    /// The part of the session its newest input belongs to.
    pub part: &'static str,
    /// Its phases.
    pub sample: FrameSample,
    /// From the oldest input it showed to its present, in milliseconds.
    pub latency_ms: f64,
}

/// What the window benchmark measured.
#[derive(Clone, Debug, Default)]
pub struct WindowBenchReport {
    /// Every frame presented while the session played.
    pub frames: Vec<BenchFrame>,
    /// Frames drawn during two idle seconds (should be 0).
    pub idle_frames: u64,
    /// The adapter and backend.
    pub adapter: String,
    /// A software rasteriser drew.
    pub software: bool,
    /// The canvas's size in points.
    pub canvas: (f32, f32),
    /// The window's size in pixels.
    pub window: (u32, u32),
    /// Whether frames were composed by copies (else egui drew every frame).
    pub composes_by_copy: bool,
    /// Times egui's registration of the canvas was pointed at another
    /// texture over the run (`Presenter::canvas_repoints`).
    pub canvas_repoints: u64,
    /// The bare egui window's frame rate, when compared.
    pub bare_fps: Option<f64>,
    /// The editor's frame rate over a drag fed one input per frame, when
    /// compared with the bare window.
    pub capacity_fps: Option<f64>,
    /// Frames that drag took.
    pub capacity_frames: u64,
    /// Those frames' phases.
    pub capacity_samples: Vec<FrameSample>,
    /// How long the session took to play, in seconds.
    pub session_s: f64,
    /// Waits for the editor to have nothing left to draw (after the
    /// setup, after the full-rate drag, after the session), or for a frame
    /// to show a part's first input, that ran out of time: should be 0,
    /// or a redraw the window never drew was pending.
    pub settle_timeouts: u64,
}

/// How long the capacity drag waits for a frame to show an input before
/// it feeds the next anyway (an input that changed nothing on screen).
const CAPACITY_FRAME_WAIT: Duration = Duration::from_millis(100);

/// How long the bare window repaints.
const BARE_SECONDS: Duration = Duration::from_secs(2);

/// The longest a part's first input waits for a frame to show it before
/// the part's other inputs follow anyway.
const PART_START_WAIT: Duration = Duration::from_secs(2);

/// What makes a plan once the canvas's size is known.
pub type PlanMaker = Box<dyn FnOnce(f32, f32, &Editor) -> BenchPlan>;

enum Phase {
    Warmup {
        since_frame: u64,
    },
    /// `shown`: the frame count when the last input was fed, at `fed_at`.
    Capacity {
        next: usize,
        shown: u64,
        fed_at: Instant,
        started: Option<Instant>,
    },
    /// Until the undo of the capacity drag is shown and the editor has
    /// nothing left to draw (or `until`).
    Undo {
        since_frame: u64,
        until: Instant,
    },
    /// `start`: when event 0 was due, moved later by each wait at a part's
    /// first input that outlasted the rate; `began`: when the session
    /// began. `held`: the frame count when a part's first input was fed,
    /// and until when to wait for a frame to show it.
    Playing {
        start: Instant,
        began: Instant,
        next: usize,
        held: Option<(u64, Instant)>,
    },
    /// After the capacity drag (`then_play`) or after the session; after
    /// the session, past `until`, also until the editor has nothing left
    /// to draw (or `drained_by`).
    Settle {
        until: Instant,
        then_play: bool,
        drained_by: Option<Instant>,
    },
    Idle {
        from_frame: u64,
        until: Instant,
    },
    Bare {
        frames: u64,
        until: Option<Instant>,
        started: Option<Instant>,
    },
    Done,
}

struct BenchDriver {
    plan: Option<PlanMaker>,
    events: Vec<(&'static str, Input)>,
    capacity: Vec<Input>,
    rate: f64,
    phase: Phase,
    part: &'static str,
    compare_bare: bool,
    report: std::rc::Rc<std::cell::RefCell<WindowBenchReport>>,
    /// How long the warm-up waits for the setup's view to be drawn.
    warmup_until: Option<Instant>,
}

impl BenchDriver {
    fn inject(shell: &mut Shell, input: Input) {
        let origin = shell.canvas_rect.min;
        let at = |x: f32, y: f32| Pos2::new(origin.x + x, origin.y + y);
        match input {
            Input::PointerMove { x, y, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.pointer_moved(at(x, y));
            }
            Input::PointerDown { x, y, button, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.pointer_moved(at(x, y));
                shell.pointer_button(button, true);
            }
            Input::PointerUp { x, y, button, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.pointer_moved(at(x, y));
                shell.pointer_button(button, false);
            }
            // As winit's wheel reaches the window: over the canvas, it
            // scrolls or zooms it, and the panels follow throttled.
            Input::Wheel { x, y, dx, dy, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.pointer_moved(at(x, y));
                shell.wheel(dx, dy);
            }
            Input::KeyDown { key, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.key(key, true);
            }
            Input::KeyUp { key, modifiers } => {
                shell.set_modifiers(modifiers);
                shell.key(key, false);
            }
            other => shell.send(other),
        }
    }
}

impl Driver for BenchDriver {
    fn drive(&mut self, shell: &mut Shell) -> Option<Instant> {
        let now = Instant::now();
        match &mut self.phase {
            Phase::Warmup { since_frame } => {
                // A few frames for the panels to settle and the canvas to get its size.
                if shell.frames < 1 || !shell.canvas_rect.is_positive() {
                    return Some(now + Duration::from_millis(20));
                }
                if let Some(make) = self.plan.take() {
                    let vp = *shell.wb.editor().viewport();
                    let plan = make(vp.width, vp.height, shell.wb.editor());
                    for input in plan.setup {
                        shell.send(input);
                    }
                    self.events = plan.events;
                    self.capacity = if self.compare_bare { plan.capacity } else { Vec::new() };
                    self.rate = plan.rate_hz.max(1.0);
                    *since_frame = shell.frames;
                    return Some(now + Duration::from_millis(300));
                }
                if shell.frames <= *since_frame {
                    return Some(now + Duration::from_millis(20));
                }
                // The setup's view drawn whole before the session starts
                // (a zoom to fit may be drawn exactly over several frames).
                if shell.frame_due(Duration::ZERO).is_some() {
                    let until = *self.warmup_until.get_or_insert(now + Duration::from_secs(5));
                    if now < until {
                        return Some(now + Duration::from_millis(20));
                    }
                    self.report.borrow_mut().settle_timeouts += 1;
                }
                let mut r = self.report.borrow_mut();
                r.canvas = (shell.canvas_rect.width(), shell.canvas_rect.height());
                drop(r);
                self.phase = if !self.capacity.is_empty() {
                    Phase::Capacity { next: 0, shown: shell.frames, fed_at: now, started: None }
                } else if self.compare_bare {
                    // No drag to play here: the bare window alone, no ratio.
                    Phase::Bare { frames: 0, until: None, started: None }
                } else {
                    Phase::Playing { start: now, began: now, next: 0, held: None }
                };
                Some(now)
            }
            Phase::Capacity { next, shown, fed_at, started } => {
                // The next input once a frame showed the last one, or, if
                // none did (it changed nothing on screen), after a while.
                let waited = now.duration_since(*fed_at) >= CAPACITY_FRAME_WAIT;
                if *next > 0 && shell.frames == *shown && !waited {
                    return Some(*fed_at + CAPACITY_FRAME_WAIT);
                }
                let start = *started.get_or_insert(now);
                if *next < self.capacity.len() {
                    Self::inject(shell, self.capacity[*next].clone());
                    *next += 1;
                    *shown = shell.frames;
                    *fed_at = now;
                    return Some(now + CAPACITY_FRAME_WAIT);
                }
                let secs = now.duration_since(start).as_secs_f64();
                let mut r = self.report.borrow_mut();
                let frames = r.capacity_samples.len() as u64;
                r.capacity_frames = frames;
                r.capacity_fps = Some(frames as f64 / secs.max(1e-9));
                drop(r);
                // The session starts from the design as it was, nothing selected.
                shell.send(Input::Action(trellis_editor::Action::Undo));
                shell.send(Input::Select { names: Vec::new(), mode: trellis_editor::SelectMode::Replace });
                self.phase = Phase::Undo { since_frame: shell.frames, until: now + Duration::from_secs(2) };
                Some(now + Duration::from_millis(20))
            }
            Phase::Undo { since_frame, until } => {
                let settled = shell.frames > *since_frame && shell.frame_due(Duration::ZERO).is_none();
                if !settled && now < *until {
                    return Some(now + Duration::from_millis(20));
                }
                if !settled {
                    self.report.borrow_mut().settle_timeouts += 1;
                }
                // The bare window right after, so that both rates come
                // from the same moment of a shared machine.
                self.phase = Phase::Bare { frames: 0, until: None, started: None };
                Some(now)
            }
            Phase::Playing { start, began, next, held } => {
                let interval = 1.0 / self.rate;
                if let Some((since_frame, until)) = *held {
                    if shell.frames <= since_frame && now < until {
                        // `presented` calls again as soon as a frame is.
                        return Some(until);
                    }
                    *held = None;
                    if shell.frames <= since_frame {
                        // No frame showed it: a redraw the window never drew.
                        self.report.borrow_mut().settle_timeouts += 1;
                    }
                    // The part's other inputs follow at the rate, from now
                    // when the wait outlasted it; never sooner than it.
                    if let Some(moved) = now.checked_sub(Duration::from_secs_f64(*next as f64 * interval)) {
                        *start = (*start).max(moved);
                    }
                }
                while *next < self.events.len() && start.elapsed().as_secs_f64() >= *next as f64 * interval {
                    let (part, input) = self.events[*next].clone();
                    let first_of_part = *next == 0 || self.events[*next - 1].0 != part;
                    self.part = part;
                    Self::inject(shell, input);
                    *next += 1;
                    // A part's first input is shown before its others
                    // come, as a hand starts a gesture and then follows
                    // what it sees: fed at the rate alone, a build slower
                    // than the rate showed the select-all and the nudges
                    // after it in one frame, so no frame showed the
                    // selection before it moved
                    // (`a_nudge_of_everything_in_the_window_shades_no_panel_again_whole`).
                    if first_of_part && self.events.get(*next).is_some_and(|(p, _)| *p == part) {
                        let until = now + PART_START_WAIT;
                        *held = Some((shell.frames, until));
                        return Some(until);
                    }
                }
                if *next >= self.events.len() {
                    self.report.borrow_mut().session_s = began.elapsed().as_secs_f64();
                    self.phase = Phase::Settle {
                        until: now + Duration::from_millis(500),
                        then_play: false,
                        drained_by: Some(now + Duration::from_secs(5)),
                    };
                    return Some(now + Duration::from_millis(500));
                }
                Some(*start + Duration::from_secs_f64(*next as f64 * interval))
            }
            Phase::Settle { until, then_play, drained_by } => {
                if now < *until {
                    return Some(*until);
                }
                if *then_play {
                    self.phase = Phase::Playing { start: now, began: now, next: 0, held: None };
                    return Some(now);
                }
                // The canvas may still be drawing exactly what the session
                // moved by copies (past the half second at 100,000 widgets
                // on a loaded machine, which the idle seconds then counted):
                // they start once the editor has nothing left to draw, as
                // the session does.
                if let Some(limit) = *drained_by
                    && shell.frame_due(Duration::ZERO).is_some()
                {
                    if now < limit {
                        return Some(now + Duration::from_millis(20));
                    }
                    self.report.borrow_mut().settle_timeouts += 1;
                }
                self.part = "idle";
                let until = now + Duration::from_secs(2);
                self.phase = Phase::Idle { from_frame: shell.frames, until };
                Some(until)
            }
            Phase::Idle { from_frame, until } => {
                if now < *until {
                    return Some(*until);
                }
                self.report.borrow_mut().idle_frames = shell.frames - *from_frame;
                self.phase = Phase::Done;
                None
            }
            Phase::Bare { frames, until, started } => {
                let start = *started.get_or_insert(now);
                let end = *until.get_or_insert(start + BARE_SECONDS);
                if now < end {
                    shell.bare_egui_frame();
                    *frames += 1;
                    return Some(now);
                }
                let secs = now.duration_since(start).as_secs_f64();
                self.report.borrow_mut().bare_fps = Some(*frames as f64 / secs.max(1e-9));
                // The editor shows itself again before its session.
                shell.egui_due_now();
                self.phase =
                    Phase::Settle { until: now + Duration::from_millis(300), then_play: true, drained_by: None };
                Some(now + Duration::from_millis(300))
            }
            Phase::Done => None,
        }
    }

    fn presented(&mut self, _shell: &Shell, sample: &FrameSample, latency_ns: u64) -> Option<Instant> {
        if let Phase::Capacity { started, .. } = self.phase {
            // From the first input fed: an earlier frame shows none of them.
            if started.is_some() {
                self.report.borrow_mut().capacity_samples.push(*sample);
            }
            // The next input at once, as a continuously repainting app would.
            return Some(Instant::now());
        }
        // Frames that show the session's input: while it plays, and those
        // that present its last inputs after.
        let showing_input = matches!(self.phase, Phase::Settle { then_play: false, .. }) && latency_ns > 0;
        if matches!(self.phase, Phase::Playing { .. }) || showing_input {
            self.report.borrow_mut().frames.push(BenchFrame {
                part: self.part,
                sample: *sample,
                latency_ms: latency_ns as f64 / 1e6,
            });
        }
        // A part's first input shown: its other inputs may follow now.
        matches!(self.phase, Phase::Playing { held: Some(_), .. }).then(Instant::now)
    }
}

/// Opens the editor window on `doc` at `size` pixels, (with
/// `compare_bare`) measures its rate against a bare egui window's, plays
/// the plan `make_plan` makes for the canvas's size and idles two seconds.
pub fn bench_window(
    doc: Document,
    base_dir: Option<std::path::PathBuf>,
    size: (u32, u32),
    backend: Option<BackendKind>,
    make_plan: PlanMaker,
    compare_bare: bool,
) -> Result<WindowBenchReport, AppError> {
    check_display()?;
    let report = std::rc::Rc::new(std::cell::RefCell::new(WindowBenchReport { window: size, ..Default::default() }));
    let driver = BenchDriver {
        plan: Some(make_plan),
        events: Vec::new(),
        capacity: Vec::new(),
        rate: 120.0,
        phase: Phase::Warmup { since_frame: 0 },
        part: "setup",
        compare_bare,
        report: report.clone(),
        warmup_until: None,
    };
    let mut wb = Workbench::new(doc, None, None, None);
    if let Some(dir) = base_dir {
        wb.set_base_dir(dir);
    }
    let shell = Shell::new(wb, backend, size, Some(Box::new(driver)));
    let info = std::rc::Rc::new(std::cell::RefCell::new((String::new(), false, false, 0)));
    let seen = info.clone();
    run_shell_with(shell, move |s| {
        let (copies, repoints) = s.presenter().map_or((false, 0), |p| (p.composes_by_copy, p.canvas_repoints));
        *seen.borrow_mut() = (s.hud.adapter.clone(), s.hud.software, copies, repoints);
    })?;
    let mut r = report.borrow().clone();
    let (adapter, software, copies, repoints) = info.borrow().clone();
    r.adapter = adapter;
    r.software = software;
    r.composes_by_copy = copies;
    r.canvas_repoints = repoints;
    Ok(r)
}

fn run_shell_with(shell: Shell, at_end: impl FnOnce(&Shell) + 'static) -> Result<(), AppError> {
    let mut shell = shell;
    shell.at_end = Some(Box::new(at_end));
    run_shell(shell)
}
