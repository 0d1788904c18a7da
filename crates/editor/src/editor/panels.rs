//! The events the app's panels send: the layers tree's selection, renames
//! and moves, the inspector's property edits, the settings dialog. They
//! name widgets as the design does, so a journal of them replays in any
//! session that starts from the same design; a name that does not resolve
//! or a value the model refuses is reported in the step's status and
//! changes nothing.

use trellis_model::{Command, PropKey, WidgetId, WidgetKind, WidgetTree, value_from_file_json};

use super::Editor;
use crate::input::SelectMode;
use crate::output::Step;
use crate::settings::Settings;

impl Editor {
    /// The ids of `names`, or the status that says which does not resolve.
    fn resolve(&self, names: &[String]) -> Result<Vec<WidgetId>, String> {
        names.iter().map(|name| self.doc.find(name).ok_or_else(|| format!("no widget is named '{name}'"))).collect()
    }

    /// Panels edit nothing while the canvas has a gesture under way: its
    /// transaction is open, and an edit would land inside it.
    fn panel_refused_while_busy(&self, step: &mut Step) -> bool {
        if self.is_busy() {
            step.refuse("finish the gesture first");
        }
        self.is_busy()
    }

    pub(super) fn select_names(&mut self, names: &[String], mode: SelectMode, step: &mut Step) {
        if self.panel_refused_while_busy(step) {
            return;
        }
        let ids = match self.resolve(names) {
            Ok(ids) => ids,
            Err(status) => return step.refuse(status),
        };
        let root = self.doc.root();
        let ids = ids.into_iter().filter(|id| *id != root);
        match mode {
            SelectMode::Replace => self.selection = ids.collect(),
            SelectMode::Add => {
                for id in ids {
                    if !self.selection.contains(&id) {
                        self.selection.push(id);
                    }
                }
            }
            SelectMode::Toggle => {
                for id in ids {
                    match self.selection.iter().position(|s| *s == id) {
                        Some(i) => {
                            self.selection.remove(i);
                        }
                        None => self.selection.push(id),
                    }
                }
            }
        }
    }

    pub(super) fn set_property(&mut self, names: &[String], key: &str, value: &serde_json::Value, step: &mut Step) {
        if self.panel_refused_while_busy(step) {
            return;
        }
        let Some(key) = PropKey::parse(key) else {
            return step.refuse(format!("'{key}' is not a property"));
        };
        let value = match value_from_file_json(key, value) {
            Ok(v) => v,
            Err(e) => return step.refuse(e.to_string()),
        };
        let ids = match self.resolve(names) {
            Ok(ids) if !ids.is_empty() => ids,
            Ok(_) => return step.refuse("no widget to set it on"),
            Err(status) => return step.refuse(status),
        };
        if let Err(e) = self.doc.execute(Command::SetProperty { ids, key, value }) {
            step.refuse(e.to_string());
        }
    }

    pub(super) fn rename(&mut self, name: &str, to: &str, step: &mut Step) {
        if self.panel_refused_while_busy(step) {
            return;
        }
        let id = match self.resolve(&[name.to_owned()]) {
            Ok(ids) => ids[0],
            Err(status) => return step.refuse(status),
        };
        if let Err(e) = self.doc.execute(Command::Rename { id, name: to.to_owned() }) {
            step.refuse(e.to_string());
        }
    }

    pub(super) fn move_to(&mut self, names: &[String], parent: &str, index: Option<usize>, step: &mut Step) {
        if self.panel_refused_while_busy(step) {
            return;
        }
        let (ids, parent) = match (self.resolve(names), self.resolve(&[parent.to_owned()])) {
            (Ok(ids), Ok(parent)) if !ids.is_empty() => (ids, parent[0]),
            (Ok(_), Ok(_)) => return step.refuse("no widget to move"),
            (Err(status), _) | (_, Err(status)) => return step.refuse(status),
        };
        if let Err(e) = self.doc.execute(Command::Move { ids, parent, index }) {
            step.refuse(e.to_string());
        }
    }

    pub(super) fn insert(&mut self, kind: WidgetKind, parent: Option<&str>, index: Option<usize>, step: &mut Step) {
        if self.panel_refused_while_busy(step) {
            return;
        }
        let parent = match parent {
            Some(name) => match self.resolve(&[name.to_owned()]) {
                Ok(ids) => ids[0],
                Err(status) => return step.refuse(status),
            },
            None => self.insertion_container(),
        };
        let Some(container) = self.doc.widget(parent) else {
            return step.refuse("no container to insert into");
        };
        if !container.kind().is_container() {
            return step.refuse(format!(
                "cannot insert into '{}': a {} holds no widgets",
                container.name(),
                container.kind()
            ));
        }
        let mut tree = WidgetTree::palette(kind);
        if container.layout() == trellis_model::LayoutMode::Absolute {
            // Placed widgets cascade, so that inserted ones do not stack
            // exactly on each other.
            let offset = 16.0 + 24.0 * (container.children().len() % 8) as f32;
            tree = tree.at(offset, offset);
        }
        match self.doc.execute(Command::Insert { parent, index, tree }) {
            Ok(out) => self.selection = out.created,
            Err(e) => step.refuse(format!("cannot insert a {kind} there: {e}")),
        }
    }

    /// Where a palette click inserts: the selected container, or the
    /// selected widget's container, or the window.
    fn insertion_container(&self) -> WidgetId {
        let root = self.doc.root();
        let Some(&first) = self.selection.first() else { return root };
        match self.doc.widget(first) {
            Some(w) if w.kind().is_container() => first,
            Some(w) => w.parent().unwrap_or(root),
            None => root,
        }
    }

    pub(super) fn set_settings(&mut self, settings: &Settings, step: &mut Step) {
        match settings.problem() {
            Some(field) => {
                step.refuse(format!("settings: {field} must be a finite number of at least 0 (grid: above 0)"));
            }
            None => self.settings = settings.clone(),
        }
    }
}
