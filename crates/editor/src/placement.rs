//! Which widgets a gesture or an action moves by their `x`/`y`, and which
//! of a selection move on their own. Gestures and actions both ask, so the
//! answers live with neither.

use std::collections::HashSet;

use trellis_model::{Document, LayoutMode, WidgetId, WidgetKind};

/// Whether `container` places its children by a layout (row, column, grid)
/// rather than by their `x`/`y`. Tabs show one child at a time where it is.
pub(crate) fn lays_out_children(doc: &Document, container: WidgetId) -> bool {
    doc.widget(container).is_some_and(|w| w.kind() != WidgetKind::Tabs && w.layout() != LayoutMode::Absolute)
}

/// Whether `id`'s parent lays it out: moving it changes its order, and its
/// `x`/`y` mean nothing.
pub(crate) fn is_flowed(doc: &Document, id: WidgetId) -> bool {
    doc.parent(id).is_some_and(|p| lays_out_children(doc, p))
}

/// The widgets of `ids` whose ancestors are not also listed, in order,
/// each once: moving or copying an ancestor already takes its descendants
/// along, and a widget named twice (`select a a`) moves once.
pub(crate) fn top_level(doc: &Document, ids: &[WidgetId]) -> Vec<WidgetId> {
    let mut set: HashSet<WidgetId, foldhash::fast::RandomState> = HashSet::default();
    set.extend(ids.iter().copied());
    // A selection names each widget once unless it was typed twice
    // (`select a a`): only then are the widgets listed so far kept.
    let mut repeated = (set.len() < ids.len()).then(HashSet::<WidgetId, foldhash::fast::RandomState>::default);
    // Each widget's parent is a wait on memory (5,556 of them in a nudge
    // of everything at 100,000 widgets) unless its node is fetched ahead.
    let nodes = doc.node_addresses();
    ids.iter()
        .enumerate()
        .filter(|(k, id)| {
            if let (Some(at), Some(far)) = (&nodes, ids.get(k + 2 * trellis_model::FETCH_AHEAD)) {
                Document::prefetch_node(at, *far);
            }
            if let Some(seen) = &mut repeated
                && !seen.insert(**id)
            {
                return false;
            }
            let mut at = doc.parent(**id);
            while let Some(a) = at {
                if set.contains(&a) {
                    return false;
                }
                at = doc.parent(a);
            }
            true
        })
        .map(|(_, id)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use trellis_model::{Command, WidgetTree};

    use super::*;

    fn insert(doc: &mut Document, parent: WidgetId, kind: WidgetKind) -> WidgetId {
        doc.execute(Command::Insert { parent, index: None, tree: WidgetTree::palette(kind) }).unwrap().created[0]
    }

    #[test]
    fn a_row_flows_its_children_and_a_panel_does_not() {
        let mut doc = Document::new();
        let root = doc.root();
        let row = insert(&mut doc, root, WidgetKind::Row);
        let in_row = insert(&mut doc, row, WidgetKind::Button);
        let panel = insert(&mut doc, root, WidgetKind::Panel);
        let in_panel = insert(&mut doc, panel, WidgetKind::Button);
        assert!(is_flowed(&doc, in_row));
        assert!(!is_flowed(&doc, in_panel));
        assert!(!is_flowed(&doc, root), "the window has no parent to lay it out");
    }

    #[test]
    fn top_level_drops_widgets_whose_ancestor_is_listed() {
        let mut doc = Document::new();
        let root = doc.root();
        let panel = insert(&mut doc, root, WidgetKind::Panel);
        let inner = insert(&mut doc, panel, WidgetKind::Button);
        let loose = insert(&mut doc, root, WidgetKind::Label);
        assert_eq!(top_level(&doc, &[inner, panel, loose]), [panel, loose]);
        assert_eq!(top_level(&doc, &[inner, loose]), [inner, loose]);
        // A widget named twice is listed once, where it was first named.
        assert_eq!(top_level(&doc, &[loose, inner, panel, loose, panel]), [loose, panel]);
    }
}
