//! Scenarios: small scripts of gestures, turned into input events against
//! the live layout. Tests, benchmarks and leak checks use them, so they run
//! exactly the code a user's hand would.
//!
//! One step per line; `#` starts a comment. Widgets are named; points are
//! design coordinates `X,Y`.
//!
//! ```text
//! select NAME [NAME...]
//! click NAME | click X,Y               [shift]
//! drag NAME by DX,DY                   [steps N] [alt] [nosnap]
//! drag NAME to NAME | drag NAME to X,Y [steps N] [alt] [nosnap]
//! resize NAME HANDLE by DX,DY          [steps N] [shift] [alt]
//! marquee X,Y X,Y                      [touching] [shift]
//! palette KIND at X,Y                  [steps N]
//! key [ctrl+][shift+][alt+]KEY         (escape, delete, left, right, up, down, space, or a character)
//! action NAME                          (select_all, delete, duplicate, copy, cut, paste, group, ungroup, undo, redo, ...)
//! wheel X,Y DX,DY                      [ctrl]
//! set NAME[,NAME...] KEY VALUE         (the inspector; VALUE as the file writes it, or plain text)
//! rename NAME to NEW                   (the layers tree)
//! move NAME[,NAME...] into PARENT      [at N]   (the layers tree)
//! ```

use trellis_geometry::Point;
use trellis_model::{Rect, WidgetId, WidgetKind};

use crate::editor::Editor;
use crate::input::{Action, Button, Event, Input, Key, Modifiers};
use crate::output::{Handle, Step};

/// Milliseconds between generated events: one 60 Hz frame.
pub const FRAME_MS: f64 = 1000.0 / 60.0;

/// A parsed scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The steps, in order (comments and blank lines dropped).
    pub steps: Vec<ScenarioStep>,
}

/// Where a click or a drag ends: on a named widget, or at a design point.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The widget of that name (a point on it that hits it, not a child).
    Named(String),
    /// A point in design coordinates.
    At(Point),
}

/// One line of a scenario. Names are widget names; points and distances
/// are in design pixels; `steps` is how many pointer moves a drag takes.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioStep {
    /// Select exactly these widgets, by shift-clicking each.
    Select(Vec<String>),
    /// Press and release without moving.
    Click {
        /// Where.
        at: Target,
        /// Hold shift (add to or take from the selection).
        shift: bool,
    },
    /// Drag a widget by a distance.
    DragBy {
        /// The widget grabbed.
        name: String,
        /// How far right.
        dx: f32,
        /// How far down.
        dy: f32,
        /// Pointer moves between press and release.
        steps: usize,
        /// Hold alt at the press: the drag duplicates.
        alt: bool,
        /// Hold alt while moving: no snapping.
        nosnap: bool,
    },
    /// Drag a widget onto another widget's centre, or to a point.
    DragTo {
        /// The widget grabbed.
        name: String,
        /// Where it is released.
        to: Target,
        /// Pointer moves between press and release.
        steps: usize,
        /// Hold alt at the press: the drag duplicates.
        alt: bool,
        /// Hold alt while moving: no snapping.
        nosnap: bool,
    },
    /// Select a widget and drag one of its handles by a distance.
    Resize {
        /// The widget resized.
        name: String,
        /// The handle dragged.
        handle: Handle,
        /// How far right the handle goes.
        dx: f32,
        /// How far down the handle goes.
        dy: f32,
        /// Pointer moves between press and release.
        steps: usize,
        /// Hold shift: keep the aspect ratio.
        shift: bool,
        /// Hold alt: resize from the centre.
        alt: bool,
    },
    /// Drag a marquee between two points.
    Marquee {
        /// Where the drag starts.
        from: Point,
        /// Where it ends.
        to: Point,
        /// Hold alt: select what the rectangle touches, not only what it holds.
        touching: bool,
        /// Hold shift at the press: add to the selection.
        shift: bool,
    },
    /// Drag a new widget in from the palette (entering at the canvas's left
    /// edge) and drop it at a point.
    Palette {
        /// What to insert.
        kind: WidgetKind,
        /// Where to drop it.
        at: Point,
        /// Pointer moves before the release.
        steps: usize,
    },
    /// Press and release a key.
    Key {
        /// The key.
        key: Key,
        /// The modifiers held.
        modifiers: Modifiers,
    },
    /// Run a menu action.
    Action(Action),
    /// A panel's event (the inspector, the layers tree), which names
    /// widgets and needs no layout: `set`, `rename`, `move ... into`.
    Panel(Input),
    /// Scroll at a point.
    Wheel {
        /// Where the pointer is.
        at: Point,
        /// How far the content moves right, in screen pixels.
        dx: f32,
        /// How far the content moves down, in screen pixels (scrolling up is positive).
        dy: f32,
        /// Hold ctrl: zoom instead of pan.
        ctrl: bool,
    },
}

/// Why a scenario cannot be parsed or run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// A line of the text is not a step.
    #[error("scenario line {line}: {error}")]
    Parse {
        /// The line, from 1, counting comments and blank lines.
        line: usize,
        /// What is wrong with it.
        error: ParseError,
    },
    /// A step cannot be turned into events against the design as it is
    /// when the step's turn comes.
    #[error("scenario {}: {error}", step_place(*step, *line))]
    Step {
        /// The step, from 1 (comments and blank lines are not steps).
        step: usize,
        /// The step's line in the text, from 1, counting comments and
        /// blank lines (when the scenario was parsed with its line numbers).
        line: Option<usize>,
        /// What is wrong with it.
        error: StepError,
    },
}

/// A step the editor refused: it changed nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedStep {
    /// The step, from 1.
    pub step: usize,
    /// Its line, when the scenario was parsed with its line numbers.
    pub line: Option<usize>,
    /// Why, as the status line said it.
    pub status: String,
}

impl std::fmt::Display for RefusedStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} was refused, changing nothing: {}", step_place(self.step, self.line), self.status)
    }
}

/// "line L (step N)" when the line is known, else "step N".
fn step_place(step: usize, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("line {line} (step {step})"),
        None => format!("step {step}"),
    }
}

/// Why a line is not a scenario step, and how to write it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The first word is no step.
    #[error(
        "unknown step '{0}': use select, click, drag, resize, marquee, palette, key, action, wheel, set, rename or move"
    )]
    UnknownStep(String),
    /// The step stops before a word it needs, or has the wrong word where a keyword goes.
    #[error("'{step}' is written {usage}")]
    Usage {
        /// The step's first word.
        step: String,
        /// How the step is written.
        usage: &'static str,
    },
    /// A word that should be a point (or a distance) is not.
    #[error("'{0}' is not a point: write X,Y with two finite numbers")]
    NotAPoint(String),
    /// `steps` is missing its count, or the count is out of range.
    #[error("steps needs a number from 1 to {MAX_STEPS}")]
    Steps,
    /// An unknown resize handle.
    #[error("unknown handle '{0}': use nw, n, ne, e, se, s, sw or w")]
    UnknownHandle(String),
    /// An unknown key modifier.
    #[error("unknown modifier '{0}': use ctrl (or cmd), shift or alt")]
    UnknownModifier(String),
    /// An unknown key name.
    #[error("unknown key '{0}': use escape, delete, backspace, enter, space, left, right, up, down or one character")]
    UnknownKey(String),
    /// An unknown action name.
    #[error("unknown action '{0}': use an action's snake_case name, such as select_all, group or undo")]
    UnknownAction(String),
    /// An unknown widget kind for the palette.
    #[error("unknown widget kind '{0}': use a palette kind such as button, label or panel")]
    UnknownKind(String),
}

/// Why a step cannot be turned into events against the current design.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StepError {
    /// No widget has the name.
    #[error("no widget called '{0}': check the name against the design's widget names")]
    UnknownWidget(String),
    /// The widget lies wholly outside what its scroll areas show, so no
    /// pointer can reach it.
    #[error(
        "'{0}' is scrolled out of view, so a pointer cannot reach it: bring it into view first, or use another widget"
    )]
    NotVisible(String),
    /// The widget is hidden (itself, by an ancestor, or on a tab page that
    /// is not the one shown), so no pointer can reach it.
    #[error(
        "'{0}' is hidden (itself, by a container, or on a tab page that is not shown), so a pointer cannot reach it: \
         show it first (for a tab page, click its tab), or use another widget"
    )]
    Hidden(String),
}

/// The most pointer moves one step may take.
const MAX_STEPS: usize = 100_000;

impl Scenario {
    /// Parses a scenario's text (the syntax is in the module docs).
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Self::parse_with_lines(text).map(|(scenario, _)| scenario)
    }

    /// Parses a scenario's text, returning with it each step's line number
    /// (from 1, counting comments and blank lines), for
    /// [`Scenario::run_with_lines`] to name the line a failing step is on.
    pub fn parse_with_lines(text: &str) -> Result<(Scenario, Vec<usize>), ScenarioError> {
        let mut steps = Vec::new();
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = without_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            steps.push(parse_step(line).map_err(|error| ScenarioError::Parse { line: i + 1, error })?);
            lines.push(i + 1);
        }
        Ok((Scenario { steps }, lines))
    }

    /// Runs every step through `editor`, calling `on_event` with each event
    /// and its step (a benchmark times them).
    pub fn run(
        &self,
        editor: &mut Editor,
        clock: &mut f64,
        on_event: &mut dyn FnMut(&Event, &Step),
    ) -> Result<(), ScenarioError> {
        self.run_with_lines(&[], editor, clock, on_event).map(|_| ())
    }

    /// As [`Scenario::run`], with each step's line number from
    /// [`Scenario::parse_with_lines`], so an error names the line. A step
    /// that cannot be turned into events stops the run before any of its
    /// events is sent: the steps before it are done, nothing of it is.
    /// Returns the steps the editor refused (a value out of range, a name
    /// taken: [`Step::refused`]), which changed nothing; the run goes on
    /// past them, as the app's session would.
    pub fn run_with_lines(
        &self,
        lines: &[usize],
        editor: &mut Editor,
        clock: &mut f64,
        on_event: &mut dyn FnMut(&Event, &Step),
    ) -> Result<Vec<RefusedStep>, ScenarioError> {
        let mut refused = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let events = events_for(editor, step).map_err(|error| ScenarioError::Step {
                step: i + 1,
                line: lines.get(i).copied(),
                error,
            })?;
            for input in events {
                *clock += FRAME_MS;
                let event = Event { t: *clock, input };
                let out = editor.handle(&event);
                on_event(&event, &out);
                if out.refused {
                    refused.push(RefusedStep { step: i + 1, line: lines.get(i).copied(), status: out.status.clone() });
                }
            }
        }
        Ok(refused)
    }
}

fn flag(words: &[&str], name: &str) -> bool {
    words.contains(&name)
}

fn steps_of(words: &[&str], default: usize) -> Result<usize, ParseError> {
    match words.iter().position(|w| *w == "steps") {
        Some(i) => words
            .get(i + 1)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=MAX_STEPS).contains(n))
            .ok_or(ParseError::Steps),
        None => Ok(default),
    }
}

fn point(text: &str) -> Result<Point, ParseError> {
    let not_a_point = || ParseError::NotAPoint(text.to_owned());
    let (x, y) = text.split_once(',').ok_or_else(not_a_point)?;
    let num = |v: &str| v.trim().parse::<f32>().ok().filter(|v| v.is_finite()).ok_or_else(not_a_point);
    Ok(Point::new(num(x)?, num(y)?))
}

fn target(text: &str) -> Target {
    point(text).map_or_else(|_| Target::Named(text.to_owned()), Target::At)
}

fn handle(text: &str) -> Result<Handle, ParseError> {
    Ok(match text {
        "nw" | "top_left" => Handle::TopLeft,
        "n" | "top" => Handle::Top,
        "ne" | "top_right" => Handle::TopRight,
        "e" | "right" => Handle::Right,
        "se" | "bottom_right" => Handle::BottomRight,
        "s" | "bottom" => Handle::Bottom,
        "sw" | "bottom_left" => Handle::BottomLeft,
        "w" | "left" => Handle::Left,
        other => return Err(ParseError::UnknownHandle(other.to_owned())),
    })
}

fn parse_key(spec: &str) -> Result<(Key, Modifiers), ParseError> {
    let mut modifiers = Modifiers::NONE;
    let mut parts: Vec<&str> = spec.split('+').collect();
    let key = parts.pop().unwrap_or("");
    for m in parts {
        match m {
            "ctrl" | "cmd" => modifiers.ctrl = true,
            "shift" => modifiers.shift = true,
            "alt" => modifiers.alt = true,
            other => return Err(ParseError::UnknownModifier(other.to_owned())),
        }
    }
    let key = match key {
        "escape" | "esc" => Key::Escape,
        "delete" => Key::Delete,
        "backspace" => Key::Backspace,
        "enter" => Key::Enter,
        "space" => Key::Space,
        "left" => Key::Left,
        "right" => Key::Right,
        "up" => Key::Up,
        "down" => Key::Down,
        k if k.chars().count() == 1 => Key::Char(k.chars().next().expect("one char").to_ascii_lowercase()),
        other => return Err(ParseError::UnknownKey(other.to_owned())),
    };
    Ok((key, modifiers))
}

fn parse_action(name: &str) -> Result<Action, ParseError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| ParseError::UnknownAction(name.to_owned()))
}

/// How each step is written, for a line that leaves out a word or puts
/// the wrong one where a keyword goes.
fn usage(step: &str) -> &'static str {
    match step {
        "click" => "click NAME | click X,Y [shift]",
        "drag" => "drag NAME by DX,DY | drag NAME to NAME | drag NAME to X,Y [steps N] [alt] [nosnap]",
        "resize" => "resize NAME HANDLE by DX,DY [steps N] [shift] [alt]",
        "marquee" => "marquee X,Y X,Y [touching] [shift]",
        "palette" => "palette KIND at X,Y [steps N]",
        "key" => "key [ctrl+][shift+][alt+]KEY",
        "action" => "action NAME",
        "wheel" => "wheel X,Y DX,DY [ctrl]",
        "set" => "set NAME[,NAME...] KEY VALUE",
        "rename" => "rename NAME to NEW",
        "move" => "move NAME[,NAME...] into PARENT [at N]",
        "insert" => "insert KIND [into PARENT [at N]]",
        _ => "select NAME [NAME...]",
    }
}

fn parse_step(line: &str) -> Result<ScenarioStep, ParseError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let wrong = || ParseError::Usage { step: words[0].to_owned(), usage: usage(words[0]) };
    let need = |i: usize| words.get(i).copied().ok_or_else(wrong);
    Ok(match words[0] {
        "select" => ScenarioStep::Select(words[1..].iter().map(|w| (*w).to_owned()).collect()),
        "click" => ScenarioStep::Click { at: target(need(1)?), shift: flag(&words, "shift") },
        "drag" => {
            let name = need(1)?.to_owned();
            let (alt, nosnap) = (flag(&words, "alt"), flag(&words, "nosnap"));
            let steps = steps_of(&words, 30)?;
            match need(2)? {
                "by" => {
                    let d = point(need(3)?)?;
                    ScenarioStep::DragBy { name, dx: d.x, dy: d.y, steps, alt, nosnap }
                }
                "to" => ScenarioStep::DragTo { name, to: target(need(3)?), steps, alt, nosnap },
                _ => return Err(wrong()),
            }
        }
        "resize" => {
            if need(3)? != "by" {
                return Err(wrong());
            }
            let d = point(need(4)?)?;
            ScenarioStep::Resize {
                name: need(1)?.to_owned(),
                handle: handle(need(2)?)?,
                dx: d.x,
                dy: d.y,
                steps: steps_of(&words, 20)?,
                shift: flag(&words, "shift"),
                alt: flag(&words, "alt"),
            }
        }
        "marquee" => ScenarioStep::Marquee {
            from: point(need(1)?)?,
            to: point(need(2)?)?,
            touching: flag(&words, "touching"),
            shift: flag(&words, "shift"),
        },
        "palette" => {
            let kind = WidgetKind::parse(need(1)?).ok_or_else(|| ParseError::UnknownKind(words[1].to_owned()))?;
            if need(2)? != "at" {
                return Err(wrong());
            }
            ScenarioStep::Palette { kind, at: point(need(3)?)?, steps: steps_of(&words, 20)? }
        }
        "key" => {
            let (key, modifiers) = parse_key(need(1)?)?;
            ScenarioStep::Key { key, modifiers }
        }
        "action" => ScenarioStep::Action(parse_action(need(1)?)?),
        "wheel" => {
            let d = point(need(2)?)?;
            ScenarioStep::Wheel { at: point(need(1)?)?, dx: d.x, dy: d.y, ctrl: flag(&words, "ctrl") }
        }
        "set" => {
            let (names, key) = (need(1)?, need(2)?);
            need(3)?;
            // The value is the rest of the line: JSON as the file writes it
            // (`120`, `"#336699"`, `null`), or else plain text.
            let start = words[3].as_ptr() as usize - line.as_ptr() as usize;
            let rest = line[start..].trim();
            let value = serde_json::from_str(rest).unwrap_or_else(|_| serde_json::Value::String(rest.to_owned()));
            ScenarioStep::Panel(Input::SetProperty { names: list(names), key: key.to_owned(), value })
        }
        "rename" => {
            if need(2)? != "to" || words.len() != 4 {
                return Err(wrong());
            }
            ScenarioStep::Panel(Input::Rename { name: need(1)?.to_owned(), to: need(3)?.to_owned() })
        }
        "move" => {
            if need(2)? != "into" {
                return Err(wrong());
            }
            let index = match (words.get(4), words.get(5)) {
                (None, _) => None,
                (Some(&"at"), Some(n)) => Some(n.parse().map_err(|_| wrong())?),
                _ => return Err(wrong()),
            };
            ScenarioStep::Panel(Input::MoveTo { names: list(need(1)?), parent: need(3)?.to_owned(), index })
        }
        "insert" => {
            let kind = WidgetKind::parse(need(1)?).ok_or_else(|| ParseError::UnknownKind(words[1].to_owned()))?;
            let (parent, index) = match (words.get(2), words.get(3), words.get(4), words.get(5)) {
                (None, ..) => (None, None),
                (Some(&"into"), Some(p), None, _) => (Some((*p).to_owned()), None),
                (Some(&"into"), Some(p), Some(&"at"), Some(n)) if words.len() == 6 => {
                    (Some((*p).to_owned()), Some(n.parse().map_err(|_| wrong())?))
                }
                _ => return Err(wrong()),
            };
            ScenarioStep::Panel(Input::Insert { kind, parent, index })
        }
        other => return Err(ParseError::UnknownStep(other.to_owned())),
    })
}

/// The line before its comment: a `#` at the start of a word, outside a
/// quoted string (`set a fill "#336699"` keeps its colour).
fn without_comment(raw: &str) -> &str {
    let mut quoted = false;
    let mut previous = ' ';
    for (i, c) in raw.char_indices() {
        match c {
            '"' if previous != '\\' => quoted = !quoted,
            '#' if !quoted && previous.is_whitespace() => return &raw[..i],
            _ => {}
        }
        previous = c;
    }
    raw
}

/// `a,b,c` as names.
fn list(names: &str) -> Vec<String> {
    names.split(',').filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

fn find(editor: &Editor, name: &str) -> Result<WidgetId, StepError> {
    editor.doc().find(name).ok_or_else(|| StepError::UnknownWidget(name.to_owned()))
}

fn rect_of(editor: &Editor, name: &str) -> Result<Rect, StepError> {
    let id = find(editor, name)?;
    if editor.geometry().is_hidden(id) {
        return Err(StepError::Hidden(name.to_owned()));
    }
    editor.geometry().visible_rect(id).ok_or_else(|| StepError::NotVisible(name.to_owned()))
}

/// A point inside `r` that hits `id` itself rather than one of its children.
fn grab_point(editor: &Editor, id: WidgetId, r: Rect) -> Point {
    let candidates = [(0.5, 0.5), (0.05, 0.05), (0.95, 0.05), (0.05, 0.95), (0.95, 0.95), (0.5, 0.02), (0.02, 0.5)];
    candidates
        .iter()
        .map(|(fx, fy)| Point::new(r.x + r.w * fx, r.y + r.h * fy))
        .find(|p| editor.geometry().hit_test(*p) == Some(id))
        .unwrap_or(Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0))
}

fn screen(editor: &Editor, p: Point) -> (f32, f32) {
    let s = editor.viewport().to_screen(p);
    (s.x, s.y)
}

fn path(editor: &Editor, from: Point, to: Point, steps: usize, modifiers: Modifiers) -> Vec<Input> {
    (1..=steps)
        .map(|i| {
            let f = i as f32 / steps as f32;
            let (x, y) = screen(editor, Point::new(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f));
            Input::PointerMove { x, y, modifiers }
        })
        .collect()
}

fn press_drag_release(
    editor: &Editor,
    from: Point,
    to: Point,
    steps: usize,
    down: Modifiers,
    during: Modifiers,
) -> Vec<Input> {
    let (x0, y0) = screen(editor, from);
    let (x1, y1) = screen(editor, to);
    let mut events = vec![Input::PointerDown { x: x0, y: y0, button: Button::Primary, modifiers: down }];
    events.extend(path(editor, from, to, steps, during));
    events.push(Input::PointerUp { x: x1, y: y1, button: Button::Primary, modifiers: during });
    events
}

/// The events of one step, computed against the editor's current layout
/// (so run each step's events before computing the next step's).
pub fn events_for(editor: &Editor, step: &ScenarioStep) -> Result<Vec<Input>, StepError> {
    Ok(match step {
        ScenarioStep::Panel(input) => {
            let names: Vec<&String> = match input {
                Input::SetProperty { names, .. } => names.iter().collect(),
                Input::Rename { name, .. } => vec![name],
                Input::MoveTo { names, parent, .. } => names.iter().chain([parent]).collect(),
                _ => Vec::new(),
            };
            for name in names {
                find(editor, name)?;
            }
            vec![input.clone()]
        }
        ScenarioStep::Select(names) => {
            let ids = names.iter().map(|n| find(editor, n)).collect::<Result<Vec<_>, _>>()?;
            let mut events = vec![Input::Action(Action::ClearSelection)];
            for (name, id) in names.iter().zip(ids) {
                let r = rect_of(editor, name)?;
                let (x, y) = screen(editor, grab_point(editor, id, r));
                let m = Modifiers::SHIFT;
                events.push(Input::PointerDown { x, y, button: Button::Primary, modifiers: m });
                events.push(Input::PointerUp { x, y, button: Button::Primary, modifiers: m });
            }
            events
        }
        ScenarioStep::Click { at, shift } => {
            let p = match at {
                Target::At(p) => *p,
                Target::Named(n) => grab_point(editor, find(editor, n)?, rect_of(editor, n)?),
            };
            let (x, y) = screen(editor, p);
            let modifiers = if *shift { Modifiers::SHIFT } else { Modifiers::NONE };
            vec![
                Input::PointerDown { x, y, button: Button::Primary, modifiers },
                Input::PointerUp { x, y, button: Button::Primary, modifiers },
            ]
        }
        ScenarioStep::DragBy { name, dx, dy, steps, alt, nosnap } => {
            let id = find(editor, name)?;
            let from = grab_point(editor, id, rect_of(editor, name)?);
            let to = Point::new(from.x + dx, from.y + dy);
            let during = Modifiers { alt: *nosnap, ..Modifiers::NONE };
            press_drag_release(editor, from, to, *steps, Modifiers { alt: *alt, ..Modifiers::NONE }, during)
        }
        ScenarioStep::DragTo { name, to, steps, alt, nosnap } => {
            let id = find(editor, name)?;
            let from = grab_point(editor, id, rect_of(editor, name)?);
            let to = match to {
                Target::At(p) => *p,
                Target::Named(n) => {
                    let r = rect_of(editor, n)?;
                    Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
                }
            };
            let during = Modifiers { alt: *nosnap, ..Modifiers::NONE };
            press_drag_release(editor, from, to, *steps, Modifiers { alt: *alt, ..Modifiers::NONE }, during)
        }
        ScenarioStep::Resize { name, handle, dx, dy, steps, shift, alt } => {
            let r = rect_of(editor, name)?;
            let mut events = events_for(editor, &ScenarioStep::Select(vec![name.clone()]))?;
            let from = handle.anchor(&r);
            let modifiers = Modifiers { shift: *shift, alt: *alt, ctrl: false };
            events.extend(press_drag_release(
                editor,
                from,
                Point::new(from.x + dx, from.y + dy),
                *steps,
                modifiers,
                modifiers,
            ));
            events
        }
        ScenarioStep::Marquee { from, to, touching, shift } => {
            let down = Modifiers { shift: *shift, ..Modifiers::NONE };
            let during = Modifiers { alt: *touching, ..Modifiers::NONE };
            press_drag_release(editor, *from, *to, 10, down, during)
        }
        ScenarioStep::Palette { kind, at, steps } => {
            // The drag comes in from the canvas's left edge.
            let start = editor.viewport().to_design(0.0, screen(editor, *at).1);
            let mut events = vec![Input::PaletteDrag { kind: *kind }];
            events.extend(path(editor, start, *at, *steps, Modifiers::NONE));
            let (x, y) = screen(editor, *at);
            events.push(Input::PointerUp { x, y, button: Button::Primary, modifiers: Modifiers::NONE });
            events
        }
        ScenarioStep::Key { key, modifiers } => {
            vec![Input::KeyDown { key: *key, modifiers: *modifiers }, Input::KeyUp { key: *key, modifiers: *modifiers }]
        }
        ScenarioStep::Action(a) => vec![Input::Action(a.clone())],
        ScenarioStep::Wheel { at, dx, dy, ctrl } => {
            let (x, y) = screen(editor, *at);
            vec![Input::Wheel { x, y, dx: *dx, dy: *dy, modifiers: Modifiers { ctrl: *ctrl, ..Modifiers::NONE } }]
        }
    })
}

#[cfg(test)]
mod tests {
    use trellis_model::{Command, Document, PropKey, PropValue, WidgetTree};

    use super::*;

    fn parse_error(text: &str) -> (usize, ParseError) {
        match Scenario::parse(text) {
            Err(ScenarioError::Parse { line, error }) => (line, error),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn panel_steps_parse_values_as_the_file_writes_them() {
        let script = "set a,b fill \"#336699\"   # a colour, then a comment\n\
                      set a width 120\n\
                      set a width null\n\
                      set title text Hello, world\n\
                      rename a to c\n\
                      move a,b into row at 2\n\
                      move a into row";
        let steps = Scenario::parse(script).unwrap().steps;
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let set = |names: Vec<String>, key: &str, value| {
            ScenarioStep::Panel(Input::SetProperty { names, key: key.into(), value })
        };
        assert_eq!(steps[0], set(names(&["a", "b"]), "fill", serde_json::json!("#336699")));
        assert_eq!(steps[1], set(names(&["a"]), "width", serde_json::json!(120)));
        assert_eq!(steps[2], set(names(&["a"]), "width", serde_json::Value::Null));
        assert_eq!(steps[3], set(names(&["title"]), "text", serde_json::json!("Hello, world")));
        assert_eq!(steps[4], ScenarioStep::Panel(Input::Rename { name: "a".into(), to: "c".into() }));
        assert_eq!(
            steps[5],
            ScenarioStep::Panel(Input::MoveTo { names: names(&["a", "b"]), parent: "row".into(), index: Some(2) })
        );
        assert_eq!(
            steps[6],
            ScenarioStep::Panel(Input::MoveTo { names: names(&["a"]), parent: "row".into(), index: None })
        );
        for bad in ["set a fill", "rename a b", "rename a to", "move a row", "move a into row at x"] {
            let (_, e) = parse_error(bad);
            assert!(matches!(e, ParseError::Usage { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn parse_errors_name_the_line_and_what_to_write() {
        assert_eq!(parse_error("# a comment\n\njump a"), (3, ParseError::UnknownStep("jump".into())));
        let (_, error) = parse_error("resize a se to 1,2");
        assert_eq!(error, ParseError::Usage { step: "resize".into(), usage: usage("resize") });
        assert!(error.to_string().contains("resize NAME HANDLE by DX,DY"), "{error}");
        assert_eq!(parse_error("drag a").1, ParseError::Usage { step: "drag".into(), usage: usage("drag") });
        assert_eq!(parse_error("drag a by 1;2").1, ParseError::NotAPoint("1;2".into()));
        assert_eq!(parse_error("drag a by 1,2 steps 0").1, ParseError::Steps);
        assert_eq!(parse_error("resize a middle by 1,2").1, ParseError::UnknownHandle("middle".into()));
        assert_eq!(parse_error("key hyper+a").1, ParseError::UnknownModifier("hyper".into()));
        assert_eq!(parse_error("key f13").1, ParseError::UnknownKey("f13".into()));
        assert_eq!(parse_error("action fly").1, ParseError::UnknownAction("fly".into()));
        assert_eq!(parse_error("palette gizmo at 1,2").1, ParseError::UnknownKind("gizmo".into()));
    }

    #[test]
    fn a_step_on_a_missing_or_scrolled_away_widget_says_which_and_why() {
        let mut doc = Document::new();
        let root = doc.root();
        let mut insert = |parent, tree| doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0];
        let size = |tree: WidgetTree, w: f32, h: f32| {
            tree.with(PropKey::Width, PropValue::Number(w)).with(PropKey::Height, PropValue::Number(h))
        };
        let scroll = insert(root, size(WidgetTree::palette(WidgetKind::ScrollArea), 100.0, 100.0));
        // Far outside the scroll area's view, whether it stacks its children or places them.
        insert(scroll, size(WidgetTree::palette(WidgetKind::Spacer), 10.0, 1000.0));
        insert(scroll, WidgetTree::palette(WidgetKind::Button).named("ghost").at(500.0, 500.0));
        let editor = Editor::new(doc);
        let click = |name: &str| ScenarioStep::Click { at: Target::Named(name.into()), shift: false };
        assert_eq!(events_for(&editor, &click("nobody")), Err(StepError::UnknownWidget("nobody".into())));
        assert_eq!(events_for(&editor, &click("ghost")), Err(StepError::NotVisible("ghost".into())));
        let select = ScenarioStep::Select(vec!["ghost".into()]);
        assert_eq!(events_for(&editor, &select), Err(StepError::NotVisible("ghost".into())));
        let mut editor = editor;
        let (script, lines) = Scenario::parse_with_lines("\n# comments are not steps\nclick ghost").unwrap();
        let err = script.run_with_lines(&lines, &mut editor, &mut 0.0, &mut |_, _| {}).unwrap_err();
        assert_eq!(err.to_string(), format!("scenario line 3 (step 1): {}", StepError::NotVisible("ghost".into())));
        let err = script.run(&mut editor, &mut 0.0, &mut |_, _| {}).unwrap_err();
        assert_eq!(err.to_string(), format!("scenario step 1: {}", StepError::NotVisible("ghost".into())));
    }
}
