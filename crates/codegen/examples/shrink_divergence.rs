//! Shrinks a design that lays out differently in Chromium to a few widgets
//! that still do, so the layout rule behind the divergence can be named and
//! fixed (and the result kept as a regression test).
//!
//! ```text
//! cargo run -p trellis-codegen --example shrink_divergence -- IN.trellis.json OUT.trellis.json
//! ```
//!
//! Each round tries, for every widget, deleting it, replacing it by its
//! children, and resetting each of its properties; every candidate of a
//! round is laid out in one browser run, and the first that still
//! diverges is kept. It stops when no candidate diverges. Needs Chromium
//! (as `--verify` does).

use std::path::{Path, PathBuf};

use trellis_codegen::browser::{self, Verification};
use trellis_codegen::{Browser, ExportSource, export_html, write_export};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Command, Document, Theme, WidgetId};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: shrink_divergence IN.trellis.json OUT.trellis.json");
        std::process::exit(2);
    };
    let browser = Browser::find().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut doc = Document::load(Path::new(input)).unwrap_or_else(|e| {
        eprintln!("{input}: {e}");
        std::process::exit(2)
    });
    let first = check(&browser, std::slice::from_ref(&doc)).remove(0);
    if first.passed() {
        eprintln!("{input} lays out within tolerance: nothing to shrink");
        std::process::exit(1);
    }
    loop {
        // Reloaded, so that copies made from its file form share its ids.
        doc = reload(&doc);
        let json = doc.to_json_string();
        let copy = || Document::from_json_bytes(json.as_bytes()).expect("a design reloads");
        let apply = |commands: Vec<Command>| {
            let mut next = copy();
            let ok = commands.into_iter().all(|c| next.execute(c).is_ok());
            (ok && next.to_json_string() != json).then_some(next)
        };
        let mut kept = None;
        for batch in candidates(&doc).chunks(160) {
            let (commands, docs): (Vec<Command>, Vec<Document>) =
                batch.iter().filter_map(|c| apply(vec![c.clone()]).map(|d| (c.clone(), d))).unzip();
            let results = check(&browser, &docs);
            let diverging: Vec<usize> = (0..docs.len()).filter(|i| !results[*i].passed()).collect();
            let Some(&first) = diverging.first() else { continue };
            // Deleting every widget whose deletion alone keeps the
            // divergence often keeps it too, and saves many rounds.
            let deletions: Vec<WidgetId> = diverging
                .iter()
                .filter_map(|i| match &commands[*i] {
                    Command::Delete { ids } => Some(ids[0]),
                    _ => None,
                })
                .collect();
            if deletions.len() > 1
                && let Some(all) = apply(vec![Command::Delete { ids: deletions }])
                && !check(&browser, std::slice::from_ref(&all))[0].passed()
            {
                kept = Some(all);
            } else {
                kept = docs.into_iter().nth(first);
            }
            break;
        }
        match kept {
            Some(smaller) => {
                doc = smaller;
                eprintln!("{} widgets", doc.len());
            }
            None => break,
        }
    }
    std::fs::write(output, doc.to_json_string()).expect("writes the shrunk design");
    // Every widget's two boxes, the diverging ones marked.
    let v = check(&browser, std::slice::from_ref(&doc)).remove(0);
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    for id in browser::document_order(&doc) {
        let w = doc.widget(id).expect("listed");
        let over = v.widgets.iter().find(|d| d.widget == w.name());
        let mark = if over.is_some() { "OVER" } else { "    " };
        let browser_box = over.map_or(String::new(), |d| format!(" browser {:?}", d.browser));
        println!("{mark} {} ({}): trellis {:?}{browser_box}", w.name(), w.kind().as_str(), geometry.rect(id));
    }
}

/// Every one-step simplification of `doc`, biggest first.
fn candidates(doc: &Document) -> Vec<Command> {
    let mut out = Vec::new();
    let mut ids = browser::document_order(doc);
    ids.retain(|id| *id != doc.root());
    for id in &ids {
        out.push(Command::Delete { ids: vec![*id] });
    }
    for id in &ids {
        if !doc.children(*id).is_empty() {
            out.push(Command::Ungroup { id: *id });
        }
    }
    for id in browser::document_order(doc) {
        for (key, _) in doc.widget(id).expect("listed").props().iter() {
            out.push(Command::SetProperty { ids: vec![id], key, value: None });
        }
    }
    out
}

fn check(browser: &Browser, docs: &[Document]) -> Vec<Verification> {
    let root = tempfile::tempdir().expect("a temporary folder");
    let images = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        std::fs::write(images.path().join(name), bytes).expect("writes an image");
    }
    let mut pages: Vec<(PathBuf, (u32, u32))> = Vec::new();
    let mut geometries = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let geometry = Geometry::new(doc, FontMeasurer::shared());
        let source = ExportSource {
            file_name: "shrink.trellis.json".into(),
            design_dir: Some(images.path().to_owned()),
            theme: Theme::LIGHT,
        };
        let dir = root.path().join(format!("page{i}"));
        let page = export_html(doc, &geometry, &source).expect("exports");
        write_export(&page.files, &dir, |_| ()).expect("writes");
        let b = geometry.bounds();
        let window = (b.right().ceil().clamp(1.0, 4096.0) as u32, b.bottom().ceil().clamp(1.0, 4096.0) as u32);
        pages.push((dir, window));
        geometries.push(geometry);
    }
    let boxes = browser.boxes_of_pages(&pages).expect("the browser lays the pages out");
    docs.iter()
        .zip(&geometries)
        .zip(&boxes)
        .map(|((doc, g), b)| browser::verify(doc, g, b).expect("one element per widget"))
        .collect()
}

fn reload(doc: &Document) -> Document {
    Document::from_json_bytes(doc.to_json_string().as_bytes()).expect("a design reloads")
}
