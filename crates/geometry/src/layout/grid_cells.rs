//! Where CSS grid puts each item of a grid: its cell, from the items'
//! lines and spans alone (placement never depends on sizes). The Slint
//! export writes every item's cell out from here, and the layout reads
//! which tracks an item spans (see `Geometry::grid_min_content_width`).

use trellis_model::{Document, PropKey, WidgetRef};

/// Each child's cell (row, column), from 0, placed as CSS grid places
/// items in row order: explicit lines first, then the items locked to a
/// row, then each automatic item in the first free cells after the
/// previous one. Hidden children take no cell.
pub fn grid_cells(doc: &Document, grid: &WidgetRef<'_>) -> Vec<(usize, usize)> {
    let template = grid.tracks(PropKey::GridColumns).len();
    let items: Vec<_> = grid.children().iter().filter_map(|c| doc.widget(*c)).collect();
    // The implicit columns: as many as an item's line and span reach, or
    // its span alone where it is placed automatically. Hidden items are
    // not in the grid at all (`display: none`).
    let reach = items.iter().filter(|c| c.flag(PropKey::Visible)).map(|c| {
        let (col, span) = (c.int(PropKey::GridColumn).max(0), c.int(PropKey::ColumnSpan).max(1));
        (if col > 0 { col - 1 + span } else { span }) as usize
    });
    let columns = template.max(reach.max().unwrap_or(0)).max(1);
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let occupy = |taken: &mut Vec<Vec<bool>>, row: usize, col: usize, rs: usize, cs: usize| {
        for r in row..row + rs {
            while taken.len() <= r {
                taken.push(vec![false; columns]);
            }
            for cell in &mut taken[r][col.min(columns)..(col + cs).min(columns)] {
                *cell = true;
            }
        }
    };
    let fits = |taken: &Vec<Vec<bool>>, row: usize, col: usize, rs: usize, cs: usize| {
        col + cs <= columns
            && (row..row + rs).all(|r| (col..col + cs).all(|c| taken.get(r).is_none_or(|cells| !cells[c])))
    };
    let mut cells = vec![(0, 0); items.len()];
    let mut automatic = Vec::new();
    for (i, c) in items.iter().enumerate() {
        let (row, col) = (c.int(PropKey::GridRow), c.int(PropKey::GridColumn));
        let (rs, cs) =
            (c.int(PropKey::RowSpan).max(1) as usize, (c.int(PropKey::ColumnSpan).max(1) as usize).min(columns));
        if !c.flag(PropKey::Visible) {
            continue;
        }
        if row > 0 && col > 0 {
            cells[i] = (row as usize - 1, col as usize - 1);
            occupy(&mut taken, row as usize - 1, col as usize - 1, rs, cs);
        } else {
            automatic.push((i, row, col, rs, cs));
        }
    }
    // Items locked to a row are placed before the fully automatic ones,
    // and move no cursor.
    automatic.sort_by_key(|&(_, row, ..)| row == 0);
    let (mut cursor_row, mut cursor_col) = (0usize, 0usize);
    for (i, row, col, rs, cs) in automatic {
        let cell = if row > 0 {
            // Locked to a row: the first columns free in it.
            let r = row as usize - 1;
            (0..=columns - cs).find(|c| fits(&taken, r, *c, rs, cs)).map_or((r, 0), |c| (r, c))
        } else if col > 0 {
            // Locked to a column: the first row from the cursor where it
            // fits, on the next row when the column is behind the cursor.
            let c = col as usize - 1;
            let mut r = cursor_row + usize::from(c < cursor_col);
            while !fits(&taken, r, c, rs, cs) {
                r += 1;
            }
            (r, c)
        } else {
            let (mut r, mut c) = (cursor_row, cursor_col);
            loop {
                if c + cs > columns {
                    (r, c) = (r + 1, 0);
                } else if fits(&taken, r, c, rs, cs) {
                    break (r, c);
                } else {
                    c += 1;
                }
            }
        };
        occupy(&mut taken, cell.0, cell.1, rs, cs);
        if row == 0 {
            cursor_row = cell.0;
            cursor_col = cell.1 + cs;
        }
        cells[i] = cell;
    }
    cells
}

/// The most items a grid may have, and the furthest line an item's
/// position and span may reach, for the layout to place its items itself
/// ([`small_grid_cells`]). Placement costs up to the items times the
/// cells they cover; the layout asks for it while taffy measures, so
/// beyond these it leaves the Chromium refinements that need placement
/// (taffy alone places such a grid) rather than let a hostile design cost
/// that for every measurement.
pub const MOST_ITEMS_PLACED: usize = 64;

/// [`grid_cells`] for a grid within [`MOST_ITEMS_PLACED`]; `None` beyond.
pub(crate) fn small_grid_cells(doc: &Document, grid: &WidgetRef<'_>) -> Option<Vec<(usize, usize)>> {
    let children = grid.children();
    if children.len() > MOST_ITEMS_PLACED {
        return None;
    }
    let limit = MOST_ITEMS_PLACED as i32;
    let reach = |line: PropKey, span: PropKey, c: &WidgetRef<'_>| c.int(line).max(0) + c.int(span).max(1) <= limit;
    let small = children
        .iter()
        .filter_map(|c| doc.widget(*c))
        .all(|c| reach(PropKey::GridColumn, PropKey::ColumnSpan, &c) && reach(PropKey::GridRow, PropKey::RowSpan, &c));
    small.then(|| grid_cells(doc, grid))
}

#[cfg(test)]
mod tests {
    use trellis_model::{Command, PropValue, WidgetKind, WidgetTree};

    use super::*;

    fn grid_of(children: usize, span: i32) -> Document {
        let mut doc = Document::new();
        let root = doc.root();
        let mut grid = WidgetTree::bare(WidgetKind::Grid);
        for _ in 0..children {
            grid = grid.child(WidgetTree::bare(WidgetKind::Panel).with(PropKey::ColumnSpan, PropValue::Int(span)));
        }
        doc.execute(Command::Insert { parent: root, index: None, tree: grid }).unwrap();
        doc
    }

    /// A grid with these column tracks and items, each given as its
    /// (grid_row, grid_column, column_span, visible): its cells.
    fn cells(columns: &str, items: &[(i32, i32, i32, bool)]) -> Vec<(usize, usize)> {
        let mut doc = Document::new();
        let root = doc.root();
        let tracks = trellis_model::Track::parse_template(columns).unwrap();
        let mut grid = WidgetTree::bare(WidgetKind::Grid).with(PropKey::GridColumns, PropValue::Tracks(tracks));
        for &(row, column, span, visible) in items {
            grid = grid.child(
                WidgetTree::bare(WidgetKind::Panel)
                    .with(PropKey::GridRow, PropValue::Int(row))
                    .with(PropKey::GridColumn, PropValue::Int(column))
                    .with(PropKey::ColumnSpan, PropValue::Int(span))
                    .with(PropKey::Visible, PropValue::Bool(visible)),
            );
        }
        doc.execute(Command::Insert { parent: root, index: None, tree: grid }).unwrap();
        let grid = doc.widget(doc.children(root)[0]).unwrap();
        grid_cells(&doc, &grid)
    }

    /// As taffy and Chromium place them (found in review): a hidden item
    /// adds no column, an automatic item's span adds as many columns as it
    /// spans, and items locked to a row go before the automatic ones.
    #[test]
    fn items_are_placed_as_css_places_them() {
        let hidden_far_right =
            cells("1fr auto", &[(0, 4, 1, false), (0, 0, 1, true), (0, 0, 1, true), (0, 0, 2, true)]);
        assert_eq!(hidden_far_right[1..], [(0, 0), (0, 1), (1, 0)]);
        let wide_first = cells("1fr auto", &[(0, 0, 3, true), (0, 0, 1, true), (0, 0, 2, true)]);
        assert_eq!(wide_first, [(0, 0), (1, 0), (1, 1)], "three columns");
        let row_locked_second = cells("auto auto 1fr", &[(0, 0, 1, true), (1, 0, 2, true)]);
        assert_eq!(row_locked_second, [(0, 2), (0, 0)]);
    }

    #[test]
    fn only_a_grid_within_the_bounds_is_placed_by_the_layout() {
        let placed = |doc: &Document| {
            let grid = doc.widget(doc.children(doc.root())[0]).unwrap();
            small_grid_cells(doc, &grid).map(|cells| cells.len())
        };
        assert_eq!(placed(&grid_of(MOST_ITEMS_PLACED, 2)), Some(MOST_ITEMS_PLACED));
        assert_eq!(placed(&grid_of(MOST_ITEMS_PLACED + 1, 1)), None, "too many items");
        assert_eq!(placed(&grid_of(3, MOST_ITEMS_PLACED as i32)), Some(3));
        assert_eq!(placed(&grid_of(3, MOST_ITEMS_PLACED as i32 + 1)), None, "a span too far");
    }
}
