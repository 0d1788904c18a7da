//! The geometry benchmark behind `trellis bench geometry`: every query
//! timed through the index and through a linear scan in the same run, plus
//! full and incremental layout, on a generated design.
//!
//! Figures are per query, timed one by one with a monotonic clock; the
//! clock's own cost (measured in the same run) is subtracted. Compare the
//! index and the scan as a ratio: both run on the same machine, at the same
//! moment. Random points over a large design miss the processor's caches
//! on every query; points along a pointer path (what a drag asks) do not,
//! and both are reported.

use std::sync::Arc;
use std::time::{Duration, Instant};

use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetId, WidgetKind, generate};

use crate::measure::{FontMeasurer, TextMeasurer};
use crate::query::{Marquee, Point, SnapQuery};
use crate::{Geometry, QueryCache};

/// Median and tail of a set of timings.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Timings summarised.
    pub samples: usize,
    /// The median, in nanoseconds.
    pub median_ns: f64,
    /// The 99th percentile, in nanoseconds.
    pub p99_ns: f64,
    /// The slowest, in nanoseconds.
    pub max_ns: f64,
}

impl Summary {
    /// The summary of `times` as measured (sorts them in place).
    pub fn of(times: &mut [Duration]) -> Self {
        Self::net_of(times, Duration::ZERO)
    }

    /// The summary of `times` less `overhead` each (never below zero).
    pub fn net_of(times: &mut [Duration], overhead: Duration) -> Self {
        if times.is_empty() {
            return Self::default();
        }
        times.sort_unstable();
        let at = |q: f64| {
            times[((times.len() - 1) as f64 * q).round() as usize].saturating_sub(overhead).as_secs_f64() * 1e9
        };
        Self { samples: times.len(), median_ns: at(0.5), p99_ns: at(0.99), max_ns: at(1.0) }
    }
}

/// What timing nothing costs: the clock's own price.
fn timer_overhead() -> Duration {
    let mut empty: Vec<Duration> = (0..20_000).map(|_| time(|| ()).1).collect();
    empty.sort_unstable();
    empty[empty.len() / 2]
}

/// One query measured both ways.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct QueryFigures {
    /// Which query, as the report names it.
    pub query: &'static str,
    /// Timings through the spatial index.
    pub index: Summary,
    /// Timings of the linear scan (the reference).
    pub linear: Summary,
    /// Linear median over index median.
    pub speedup: f64,
    /// Queries where the index and the scan disagreed (must be 0).
    pub mismatches: usize,
}

/// Everything `trellis bench geometry` reports.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GeometryFigures {
    /// Widgets in the generated design (the window included).
    pub widgets: usize,
    /// The seed the design and the inputs were generated from.
    pub seed: u64,
    /// Median cost of reading the clock twice, subtracted from every timing.
    pub timer_overhead_ns: f64,
    /// Each query, through the index and by scanning.
    pub queries: Vec<QueryFigures>,
    /// A hit test repeated along a drag path, through [`QueryCache`].
    pub cached_hit_test: Summary,
    /// The share of those hit tests the cache answered (0 to 1).
    pub cache_hit_rate: f64,
    /// The text measurer every layout here used ([`TextMeasurer::id`]):
    /// the real one, shaping with the bundled font.
    pub measurer: String,
    /// Building the whole layout and index from the document, with the
    /// measurements of its texts remembered from an earlier layout (as
    /// after the first frame of a session).
    pub full_layout: Summary,
    /// The same with a measurer that remembers nothing yet: every distinct
    /// text of the design is shaped (as when a design is opened).
    pub full_layout_cold_text: Summary,
    /// The same with every island computed by taffy (the island memo off).
    pub full_layout_without_memo: Summary,
    /// `Geometry::update` after moving one absolutely placed card.
    pub move_one_absolute: Summary,
    /// `Geometry::update` after resizing one child of a row.
    pub resize_row_child: Summary,
    /// `Geometry::update` after giving a card's title label a text never
    /// measured before (shaped, then laid out again with its card).
    pub text_edit: Summary,
}

/// How many samples to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Samples {
    /// Queries timed through the index, per query.
    pub index: usize,
    /// Queries timed by linear scan, per query (the scan is slow).
    pub linear: usize,
    /// Full layouts timed, with and without the memo each.
    pub layouts: usize,
    /// Incremental updates timed, per kind of edit.
    pub updates: usize,
}

impl Default for Samples {
    fn default() -> Self {
        Self { index: 20_000, linear: 200, layouts: 5, updates: 300 }
    }
}

/// A design, its layout, and deterministic random inputs.
pub struct Fixture {
    /// The generated design.
    pub doc: Document,
    /// Its layout, kept up to date by the benchmark after each edit.
    pub geometry: Geometry,
    /// Every widget but the window (the benchmark never deletes any).
    widgets: Vec<WidgetId>,
    cards: Vec<WidgetId>,
    rng: u64,
    /// The next nudge of everything, in design pixels (alternates).
    nudge: f32,
}

impl std::fmt::Debug for Fixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixture").field("widgets", &self.doc.len()).finish()
    }
}

impl Fixture {
    /// Generates a design of about `widgets` widgets from `seed` and lays it out.
    pub fn new(widgets: usize, seed: u64) -> Self {
        let doc = generate(widgets, seed);
        let geometry = Geometry::new(&doc, FontMeasurer::shared());
        let widgets = doc.iter().filter(|w| w.parent().is_some()).map(|w| w.id()).collect();
        let cards = doc.children(doc.root()).to_vec();
        Self { doc, geometry, widgets, cards, rng: seed ^ 0x5851_f42d_4c95_7f2d, nudge: 1.0 }
    }

    fn next(&mut self) -> f32 {
        self.rng = self.rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.rng >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A random point in the design.
    pub fn point(&mut self) -> Point {
        let b = self.geometry.bounds();
        Point::new(b.x + self.next() * b.w, b.y + self.next() * b.h)
    }

    /// A random widget that is not the window.
    pub fn widget(&mut self) -> WidgetId {
        let i = (self.next() * self.widgets.len() as f32) as usize;
        self.widgets[i.min(self.widgets.len() - 1)]
    }

    /// A random card (a panel placed absolutely on the window).
    pub fn card(&mut self) -> WidgetId {
        let i = (self.next() * self.cards.len() as f32) as usize;
        self.cards[i.min(self.cards.len() - 1)]
    }

    /// A 400 by 300 marquee at a random point.
    pub fn marquee_rect(&mut self) -> Rect {
        let p = self.point();
        Rect::new(p.x, p.y, 400.0, 300.0)
    }

    /// A snap query: a card dragged a little from where it is.
    pub fn snap_inputs(&mut self) -> (Rect, WidgetId) {
        let card = self.card();
        let r = self.geometry.rect(card).expect("cards are laid out");
        let (dx, dy) = (self.next() * 40.0 - 20.0, self.next() * 40.0 - 20.0);
        (Rect::new(r.x + dx, r.y + dy, r.w, r.h), card)
    }

    /// Moves a random card by a small step (through the model, as a drag does).
    pub fn move_a_card(&mut self) {
        let card = self.card();
        let (dx, dy) = (self.next() * 10.0 - 5.0, self.next() * 10.0 - 5.0);
        let w = self.doc.widget(card).expect("a card");
        let (x, y) = (w.number(PropKey::X) + dx, w.number(PropKey::Y) + dy);
        self.doc
            .execute(Command::SetProperties {
                id: card,
                values: vec![(PropKey::X, Some(PropValue::Number(x))), (PropKey::Y, Some(PropValue::Number(y)))],
            })
            .expect("a valid move");
    }

    /// Moves every top-level widget one design pixel right, then back on
    /// the next call: a nudge of everything (select all, an arrow key), as
    /// one commit.
    pub fn nudge_everything(&mut self) {
        let step = self.nudge;
        self.nudge = -step;
        let moves = self
            .cards
            .iter()
            .map(|&id| {
                let x = self.doc.widget(id).expect("a card").number(PropKey::X) + step;
                Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(x)))] }
            })
            .collect();
        self.doc.execute_all("nudge", moves).expect("a valid nudge");
    }

    /// Resizes the first child of a random card's header row.
    pub fn resize_a_row_child(&mut self) {
        let card = self.card();
        let Some(row) = self.doc.children(card).first().copied() else { return };
        let Some(child) = self.doc.children(row).first().copied() else { return };
        let width = 60.0 + self.next() * 80.0;
        self.doc
            .execute(Command::SetProperty {
                ids: vec![child],
                key: PropKey::Width,
                value: Some(PropValue::Number(width)),
            })
            .expect("a valid width");
    }

    /// Gives the first label of a random card a text not measured before.
    pub fn edit_a_text(&mut self, n: usize) {
        let card = self.card();
        let Some(label) = self
            .doc
            .descendants(card)
            .into_iter()
            .find(|id| self.doc.widget(*id).is_some_and(|w| w.kind() == WidgetKind::Label))
        else {
            return;
        };
        self.doc
            .execute(Command::SetProperty {
                ids: vec![label],
                key: PropKey::Text,
                value: Some(PropValue::Text(format!("Renamed card {n}, edit {}", self.rng % 1000))),
            })
            .expect("a valid text");
    }

    /// A leaf to drag (a button if one comes up).
    fn dragged(&mut self) -> WidgetId {
        for _ in 0..20 {
            let w = self.widget();
            if self.doc.widget(w).is_some_and(|w| w.kind() == WidgetKind::Button) {
                return w;
            }
        }
        self.widget()
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = std::hint::black_box(f());
    (out, start.elapsed())
}

/// Runs the whole benchmark. `progress(step, steps)` is called as it goes.
pub fn run(
    widgets: usize,
    seed: u64,
    samples: Samples,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> GeometryFigures {
    let steps = 9;
    progress("generating the design and laying it out", 0, steps);
    let mut full = Vec::new();
    let mut fx = Fixture::new(widgets, seed);
    let mut full_without_memo = Vec::new();
    let mut full_cold = Vec::new();
    for _ in 0..samples.layouts {
        let (_, t) = time(|| Geometry::new(&fx.doc, FontMeasurer::shared()));
        full.push(t);
        let (_, t) = time(|| Geometry::without_memo(&fx.doc, FontMeasurer::shared()));
        full_without_memo.push(t);
        let cold: Arc<dyn TextMeasurer> = Arc::new(FontMeasurer::default());
        let (_, t) = time(|| Geometry::new(&fx.doc, cold));
        full_cold.push(t);
    }
    let mut queries = Vec::new();
    let overhead = timer_overhead();

    progress("hit test", 1, steps);
    let hit = |fx: &Fixture, p: &Point, linear: bool| {
        if linear { fx.geometry.hit_test_linear(*p) } else { fx.geometry.hit_test(*p) }
    };
    queries.push(measure_query(&mut fx, "hit test (random points)", samples, overhead, |fx| fx.point(), hit));
    let mut walk = fx.point();
    let pointer_path = |fx: &mut Fixture| {
        walk = Point::new(walk.x + fx.next() * 6.0 - 3.0, walk.y + fx.next() * 6.0 - 3.0);
        walk
    };
    queries.push(measure_query(&mut fx, "hit test (along a pointer path)", samples, overhead, pointer_path, hit));

    progress("drop target", 2, steps);
    let drop = |fx: &Fixture, (p, d): &(Point, WidgetId), linear: bool| {
        if linear {
            fx.geometry.drop_target_linear(&fx.doc, *p, &[*d])
        } else {
            fx.geometry.drop_target(&fx.doc, *p, &[*d])
        }
    };
    queries.push(measure_query(&mut fx, "drop target", samples, overhead, |fx| (fx.point(), fx.dragged()), drop));

    progress("marquee", 3, steps);
    let marquee = |fx: &Fixture, r: &Rect, linear: bool| {
        if linear {
            fx.geometry.marquee_linear(*r, Marquee::Touching)
        } else {
            fx.geometry.marquee(*r, Marquee::Touching)
        }
    };
    queries.push(measure_query(
        &mut fx,
        "marquee (touching 400x300)",
        samples,
        overhead,
        |fx| fx.marquee_rect(),
        marquee,
    ));

    progress("snap", 4, steps);
    let root = fx.doc.root();
    let snap = |fx: &Fixture, (rect, card): &(Rect, WidgetId), linear: bool| {
        let q = SnapQuery {
            rect: *rect,
            moving: std::slice::from_ref(card),
            parent: root,
            threshold_px: 8.0,
            zoom: 1.0,
            grid: Some(8.0),
        };
        if linear { fx.geometry.snap_linear(&fx.doc, &q) } else { fx.geometry.snap(&fx.doc, &q) }
    };
    queries.push(measure_query(&mut fx, "snap", samples, overhead, |fx| fx.snap_inputs(), snap));

    progress("cached hit test along a drag", 5, steps);
    let mut cache = QueryCache::new();
    let mut cached = Vec::with_capacity(samples.index);
    let mut p = fx.point();
    for i in 0..samples.index {
        if i % 120 == 0 {
            p = fx.point();
        }
        p = Point::new(p.x + fx.next() * 6.0 - 3.0, p.y + fx.next() * 6.0 - 3.0);
        let (_, t) = time(|| cache.hit_test(&fx.geometry, p));
        cached.push(t);
    }
    let cache_hit_rate = cache.hits as f64 / (cache.hits + cache.misses).max(1) as f64;

    progress("incremental layout: moving one absolute card", 6, steps);
    let mut moves = Vec::with_capacity(samples.updates);
    for _ in 0..samples.updates {
        fx.move_a_card();
        let (_, t) = time(|| fx.geometry.update(&fx.doc));
        moves.push(t);
    }
    progress("incremental layout: resizing a child of a row", 7, steps);
    let mut resizes = Vec::with_capacity(samples.updates);
    for _ in 0..samples.updates {
        fx.resize_a_row_child();
        let (_, t) = time(|| fx.geometry.update(&fx.doc));
        resizes.push(t);
    }
    progress("incremental layout: a new text in a card's title", 8, steps);
    let mut texts = Vec::with_capacity(samples.updates);
    for i in 0..samples.updates {
        fx.edit_a_text(i);
        let (_, t) = time(|| fx.geometry.update(&fx.doc));
        texts.push(t);
    }
    progress("done", steps, steps);
    GeometryFigures {
        widgets: fx.doc.len(),
        seed,
        queries,
        timer_overhead_ns: overhead.as_secs_f64() * 1e9,
        cached_hit_test: Summary::net_of(&mut cached, overhead),
        cache_hit_rate,
        measurer: fx.geometry.measurer().id(),
        full_layout: Summary::of(&mut full),
        full_layout_cold_text: Summary::of(&mut full_cold),
        full_layout_without_memo: Summary::of(&mut full_without_memo),
        move_one_absolute: Summary::net_of(&mut moves, overhead),
        resize_row_child: Summary::net_of(&mut resizes, overhead),
        text_edit: Summary::net_of(&mut texts, overhead),
    }
}

fn measure_query<I, O: PartialEq>(
    fx: &mut Fixture,
    name: &'static str,
    samples: Samples,
    overhead: Duration,
    mut input: impl FnMut(&mut Fixture) -> I,
    query: impl Fn(&Fixture, &I, bool) -> O,
) -> QueryFigures {
    let mut index = Vec::with_capacity(samples.index);
    for _ in 0..samples.index {
        let i = input(fx);
        index.push(time(|| query(fx, &i, false)).1);
    }
    let mut linear = Vec::with_capacity(samples.linear);
    let mut mismatches = 0;
    for _ in 0..samples.linear {
        let i = input(fx);
        let (slow, t) = time(|| query(fx, &i, true));
        linear.push(t);
        if query(fx, &i, false) != slow {
            mismatches += 1;
        }
    }
    let (index, linear) = (Summary::net_of(&mut index, overhead), Summary::net_of(&mut linear, overhead));
    QueryFigures { query: name, speedup: linear.median_ns / index.median_ns.max(1.0), index, linear, mismatches }
}
