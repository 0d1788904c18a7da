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
    pub steps: Vec<ScenarioStep>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Named(String),
    At(Point),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioStep {
    Select(Vec<String>),
    Click { at: Target, shift: bool },
    DragBy { name: String, dx: f32, dy: f32, steps: usize, alt: bool, nosnap: bool },
    DragTo { name: String, to: Target, steps: usize, alt: bool, nosnap: bool },
    Resize { name: String, handle: Handle, dx: f32, dy: f32, steps: usize, shift: bool, alt: bool },
    Marquee { from: Point, to: Point, touching: bool, shift: bool },
    Palette { kind: WidgetKind, at: Point, steps: usize },
    Key { key: Key, modifiers: Modifiers },
    Action(Action),
    Wheel { at: Point, dx: f32, dy: f32, ctrl: bool },
}

#[derive(Debug, thiserror::Error)]
#[error("scenario line {line}: {message}")]
pub struct ScenarioError {
    pub line: usize,
    pub message: String,
}

impl Scenario {
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let mut steps = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |message: String| ScenarioError { line: i + 1, message };
            steps.push(parse_step(line).map_err(err)?);
        }
        Ok(Scenario { steps })
    }

    /// Runs every step through `editor`, calling `on_event` with each event
    /// and its step (a benchmark times them).
    pub fn run(
        &self,
        editor: &mut Editor,
        clock: &mut f64,
        on_event: &mut dyn FnMut(&Event, &Step),
    ) -> Result<(), ScenarioError> {
        for (i, step) in self.steps.iter().enumerate() {
            let events = events_for(editor, step).map_err(|message| ScenarioError { line: i + 1, message })?;
            for input in events {
                *clock += FRAME_MS;
                let event = Event { t: *clock, input };
                let out = editor.handle(&event);
                on_event(&event, &out);
            }
        }
        Ok(())
    }
}

fn flag(words: &[&str], name: &str) -> bool {
    words.contains(&name)
}

fn steps_of(words: &[&str], default: usize) -> Result<usize, String> {
    match words.iter().position(|w| *w == "steps") {
        Some(i) => words
            .get(i + 1)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| "steps needs a number from 1 to 100000".into()),
        None => Ok(default),
    }
}

fn point(text: &str) -> Result<Point, String> {
    let (x, y) = text.split_once(',').ok_or_else(|| format!("'{text}' is not a point X,Y"))?;
    let num = |v: &str| {
        v.trim().parse::<f32>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("'{text}' is not a point X,Y"))
    };
    Ok(Point::new(num(x)?, num(y)?))
}

fn target(text: &str) -> Target {
    point(text).map_or_else(|_| Target::Named(text.to_owned()), Target::At)
}

fn handle(text: &str) -> Result<Handle, String> {
    Ok(match text {
        "nw" | "top_left" => Handle::TopLeft,
        "n" | "top" => Handle::Top,
        "ne" | "top_right" => Handle::TopRight,
        "e" | "right" => Handle::Right,
        "se" | "bottom_right" => Handle::BottomRight,
        "s" | "bottom" => Handle::Bottom,
        "sw" | "bottom_left" => Handle::BottomLeft,
        "w" | "left" => Handle::Left,
        other => return Err(format!("unknown handle '{other}': use nw, n, ne, e, se, s, sw or w")),
    })
}

fn parse_key(spec: &str) -> Result<(Key, Modifiers), String> {
    let mut modifiers = Modifiers::NONE;
    let mut parts: Vec<&str> = spec.split('+').collect();
    let key = parts.pop().unwrap_or("");
    for m in parts {
        match m {
            "ctrl" | "cmd" => modifiers.ctrl = true,
            "shift" => modifiers.shift = true,
            "alt" => modifiers.alt = true,
            other => return Err(format!("unknown modifier '{other}'")),
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
        other => return Err(format!("unknown key '{other}'")),
    };
    Ok((key, modifiers))
}

fn parse_action(name: &str) -> Result<Action, String> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| format!("unknown action '{name}'"))
}

fn parse_step(line: &str) -> Result<ScenarioStep, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let need = |i: usize| words.get(i).copied().ok_or_else(|| format!("'{}' needs more words", words[0]));
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
                other => return Err(format!("drag needs 'by' or 'to', not '{other}'")),
            }
        }
        "resize" => {
            if need(3)? != "by" {
                return Err("resize NAME HANDLE by DX,DY".into());
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
            let kind = WidgetKind::parse(need(1)?).ok_or_else(|| format!("unknown widget kind '{}'", words[1]))?;
            if need(2)? != "at" {
                return Err("palette KIND at X,Y".into());
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
        other => return Err(format!("unknown step '{other}'")),
    })
}

fn find(editor: &Editor, name: &str) -> Result<WidgetId, String> {
    editor.doc().find(name).ok_or_else(|| format!("no widget called '{name}'"))
}

fn rect_of(editor: &Editor, name: &str) -> Result<Rect, String> {
    let id = find(editor, name)?;
    editor.geometry().visible_rect(id).ok_or_else(|| format!("'{name}' is not visible"))
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

/// The events of one step, computed against the editor's current layout.
pub fn events_for(editor: &Editor, step: &ScenarioStep) -> Result<Vec<Input>, String> {
    Ok(match step {
        ScenarioStep::Select(names) => {
            let ids = names.iter().map(|n| find(editor, n)).collect::<Result<Vec<_>, _>>()?;
            let mut events = vec![Input::Action(Action::ClearSelection)];
            for id in ids {
                let r = editor.geometry().visible_rect(id).ok_or("a widget to select is not visible")?;
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
