//! Random designs for the export tests: a window holding nested
//! containers of every layout and leaves of every kind, with random
//! values of every layout property. The same seed gives the same design
//! on every machine.

use serde_json::{Map, Value, json};
use trellis_model::{Document, PropKey, WidgetKind};

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same design on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        // Whole and half pixels, as designs have them.
        (lo + (self.below(((hi - lo) * 2.0) as u64 + 1) as f32) / 2.0).min(hi)
    }
}

const WORDS: &[&str] = &[
    "Save",
    "Cancel",
    "Settings",
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "Account",
    "notifications",
    "Preferences",
    "WWW",
    "il",
    "Ünïcödé",
    "long-hyphenated-word",
    "12,345.67",
    "e-mail",
];

fn words(d: &mut Dice, most: u64) -> String {
    let n = d.below(most + 1);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(if d.chance(5) { '\n' } else { ' ' });
        }
        s.push_str(d.pick::<&str>(WORDS));
    }
    s
}

/// A random design: a window holding nested containers of every layout
/// and leaves of every kind, with random values of every layout property.
pub fn random_design(seed: u64) -> Document {
    let mut d = Dice(seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut counter = 0usize;
    let root = widget(&mut d, WidgetKind::Window, None, 0, &mut counter);
    let file = json!({ "format": "trellis", "version": 2, "root": root });
    Document::from_json_bytes(file.to_string().as_bytes()).expect("a random design is valid")
}

fn widget(
    d: &mut Dice,
    kind: WidgetKind,
    parent: Option<(WidgetKind, &str)>,
    depth: usize,
    counter: &mut usize,
) -> Value {
    *counter += 1;
    let name = format!("{}_{}", kind.as_str(), counter);
    let mut props = Map::new();
    let mut put = |key: PropKey, v: Value| {
        if kind.has(key) {
            props.insert(key.name().to_owned(), v);
        }
    };
    let leaf = !kind.is_container();
    let layout = match kind {
        WidgetKind::Row => "row",
        WidgetKind::Column => "column",
        WidgetKind::Grid => "grid",
        WidgetKind::Tabs => "absolute",
        _ => *d.pick(&["absolute", "row", "column", "grid"]),
    };
    if kind == WidgetKind::Window {
        if d.chance(50) {
            put(PropKey::Width, json!(d.range(300.0, 1200.0)));
            put(PropKey::Height, json!(d.range(200.0, 800.0)));
        }
    } else {
        let sized = if leaf { 40 } else { 30 };
        if d.chance(sized) {
            put(PropKey::Width, json!(d.range(0.0, 320.0)));
        }
        if d.chance(sized) {
            put(PropKey::Height, json!(d.range(0.0, 160.0)));
        }
        for (min, max, hi) in
            [(PropKey::MinWidth, PropKey::MaxWidth, 300.0), (PropKey::MinHeight, PropKey::MaxHeight, 150.0)]
        {
            let low = d.chance(12).then(|| d.range(0.0, hi / 2.0));
            if let Some(v) = low {
                put(min, json!(v));
            }
            if d.chance(12) {
                put(max, json!(d.range(low.unwrap_or(0.0), hi)));
            }
        }
    }
    if let Some((pkind, playout)) = parent {
        if pkind == WidgetKind::Tabs || playout == "absolute" {
            put(PropKey::X, json!(d.range(-20.0, 300.0)));
            put(PropKey::Y, json!(d.range(-10.0, 200.0)));
        } else {
            if d.chance(35) {
                put(PropKey::Grow, json!(d.range(0.0, 3.0)));
            }
            if d.chance(25) {
                put(PropKey::Shrink, json!(d.range(0.0, 2.0)));
            }
            if d.chance(25) {
                put(PropKey::AlignSelf, json!(d.pick(&["auto", "start", "center", "end", "stretch"])));
            }
            if playout == "grid" {
                if d.chance(30) {
                    put(PropKey::GridColumn, json!(d.below(4)));
                }
                if d.chance(30) {
                    put(PropKey::GridRow, json!(d.below(3)));
                }
                if d.chance(20) {
                    put(PropKey::ColumnSpan, json!(1 + d.below(3)));
                }
                if d.chance(20) {
                    put(PropKey::RowSpan, json!(1 + d.below(2)));
                }
            }
        }
    }
    if kind.has(PropKey::Layout) {
        put(PropKey::Layout, json!(layout));
    }
    if kind.has(PropKey::Gap) {
        if d.chance(50) {
            put(PropKey::Gap, json!(d.range(0.0, 16.0)));
        }
        if d.chance(50) {
            put(PropKey::Padding, json!(d.range(0.0, 20.0)));
        }
        if d.chance(60) {
            put(PropKey::AlignItems, json!(d.pick(&["start", "center", "end", "stretch"])));
        }
        if d.chance(50) {
            put(
                PropKey::JustifyContent,
                json!(d.pick(&["start", "center", "end", "space_between", "space_around", "space_evenly"])),
            );
        }
        if d.chance(30) {
            put(PropKey::Wrap, json!(true));
        }
    }
    if kind.has(PropKey::GridColumns) || layout == "grid" {
        let track = |d: &mut Dice| match d.below(3) {
            0 => format!("{}px", d.range(20.0, 160.0)),
            1 => format!("{}fr", 1 + d.below(3)),
            _ => "auto".to_owned(),
        };
        if d.chance(80) {
            let n = 1 + d.below(4);
            put(PropKey::GridColumns, json!((0..n).map(|_| track(d)).collect::<Vec<_>>().join(" ")));
        }
        if d.chance(40) {
            let n = 1 + d.below(3);
            put(PropKey::GridRows, json!((0..n).map(|_| track(d)).collect::<Vec<_>>().join(" ")));
        }
    }
    if d.chance(20) {
        put(PropKey::BorderWidth, json!(d.range(0.0, 4.0)));
    }
    if d.chance(30) {
        put(PropKey::FontSize, json!(*d.pick(&[9.0, 11.0, 12.0, 13.0, 16.0, 18.0, 24.0, 31.5])));
    }
    if kind != WidgetKind::Window && d.chance(8) {
        put(PropKey::Visible, json!(false));
    }
    if kind.has(PropKey::Text) && d.chance(85) {
        let most = if kind == WidgetKind::Label { 14 } else { 4 };
        put(PropKey::Text, json!(words(d, most)));
    }
    if kind.has(PropKey::Placeholder) && d.chance(50) {
        put(PropKey::Placeholder, json!(words(d, 3)));
    }
    if kind.has(PropKey::Items) {
        let n = d.below(5) + u64::from(kind == WidgetKind::Tabs);
        let items: Vec<String> = (0..n).map(|_| words(d, 2)).collect();
        put(PropKey::Selected, json!(d.below(n + 1) as i64 - 1));
        put(PropKey::Items, json!(items));
    }
    if kind.has(PropKey::TextAlign) && d.chance(30) {
        put(PropKey::TextAlign, json!(d.pick(&["start", "center", "end"])));
    }
    let mut node = Map::new();
    node.insert("kind".into(), json!(kind.as_str()));
    node.insert("name".into(), json!(name));
    node.insert("props".into(), Value::Object(props));
    if kind.is_container() && depth < 4 {
        let n = d.below(if depth == 0 { 7 } else { 5 });
        let children: Vec<Value> = (0..n)
            .map(|_| {
                let child = if d.chance(35) && depth < 3 {
                    *d.pick(&[
                        WidgetKind::Panel,
                        WidgetKind::Row,
                        WidgetKind::Column,
                        WidgetKind::Grid,
                        WidgetKind::ScrollArea,
                        WidgetKind::Tabs,
                    ])
                } else {
                    *d.pick(&WidgetKind::ALL[1..])
                };
                widget(d, child, Some((kind, layout)), depth + 1, counter)
            })
            .collect();
        node.insert("children".into(), Value::Array(children));
    }
    Value::Object(node)
}
