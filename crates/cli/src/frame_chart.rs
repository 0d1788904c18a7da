//! A chart of frame times by phase, as a standalone SVG file: one stacked
//! bar per frame, the budget as a line, a legend. Opens in any browser.

use std::fmt::Write;

use trellis_canvas::FrameRecord;

const COLOURS: [&str; 6] = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#9c9c9c"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The chart of `records`, with `budget_ms` drawn across it.
pub fn svg(records: &[FrameRecord], budget_ms: f64, title: &str) -> String {
    let (w, h, left, top, bottom) = (960.0f64, 420.0f64, 56.0f64, 40.0f64, 60.0f64);
    let plot_w = w - left - 16.0;
    let plot_h = h - top - bottom;
    let longest = records.iter().map(|r| r.total_ns as f64 / 1e6).fold(budget_ms * 1.2, f64::max);
    // A round top for the axis: 1, 2 or 5 times a power of ten.
    let mut top_ms = 10f64.powf(longest.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if top_ms * m >= longest {
            top_ms *= m;
            break;
        }
    }
    let y = |ms: f64| top + plot_h - ms / top_ms * plot_h;
    let bar = plot_w / records.len().max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = write!(s, r#"<text x="{left}" y="22" font-size="14">Frame time by phase: {}</text>"#, escape(title));
    for i in 0..=4 {
        let ms = top_ms * f64::from(i) / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y0:.1}" y2="{y0:.1}" stroke="#e5e5e5"/><text x="{}" y="{:.1}" text-anchor="end">{ms:.1} ms</text>"##,
            left + plot_w,
            left - 6.0,
            y(ms) + 4.0,
            y0 = y(ms)
        );
    }
    for (i, r) in records.iter().enumerate() {
        let x = left + i as f64 * bar;
        let mut at = 0.0;
        let accounted: u64 = r.phases().iter().filter(|(n, _)| *n != "gpu").map(|(_, v)| v).sum();
        let mut parts: Vec<(usize, f64)> = r
            .phases()
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| *n != "gpu")
            .map(|(k, (_, v))| (k, *v as f64 / 1e6))
            .collect();
        // Uninstrumented time (between phases) shows in grey on top.
        parts.push((5, r.total_ns.saturating_sub(accounted) as f64 / 1e6));
        for (k, ms) in parts {
            if ms <= 0.0 {
                continue;
            }
            let colour = if k == 5 && r.phases()[5].1 == 0 { "#cccccc" } else { COLOURS[k.min(5)] };
            let _ = write!(
                s,
                r#"<rect x="{x:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}"><title>frame {}: {} {ms:.3} ms</title></rect>"#,
                y(at + ms),
                (bar - 0.5).max(0.5),
                (ms / top_ms * plot_h).max(0.0),
                r.index,
                r.phases().get(k).map_or("other", |p| p.0)
            );
            at += ms;
        }
    }
    let _ = write!(
        s,
        r##"<line x1="{left}" x2="{}" y1="{b:.1}" y2="{b:.1}" stroke="#d00" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" fill="#d00" text-anchor="end">budget {budget_ms:.1} ms</text>"##,
        left + plot_w,
        left + plot_w,
        y(budget_ms) - 4.0,
        b = y(budget_ms)
    );
    let names = ["event", "layout", "display list", "encode and submit", "gpu", "wait"];
    for (k, name) in names.iter().enumerate().filter(|(k, _)| *k != 4) {
        let x = left + (k as f64) * 150.0;
        let ly = h - 20.0;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{}" y="{ly:.1}">{name}</text>"#,
            ly - 10.0,
            COLOURS[k],
            x + 16.0
        );
    }
    let _ = write!(s, r#"<text x="{left}" y="{:.1}">frames (one bar each)</text>"#, h - 38.0);
    s.push_str("</svg>\n");
    s
}
