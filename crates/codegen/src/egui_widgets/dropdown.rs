/// A dropdown as the canvas draws it: exactly its box, a field showing
/// the chosen item (or the placeholder, muted) on one line 8 points in,
/// cut 32 points before the right edge, and a chevron 14 points from it.
/// A click opens the list of `items` below it, egui's menu popup as its
/// combo box opens one; choosing sets `selected` and marks the response
/// changed. egui's own combo box is at least its padding, an ellipsis and
/// its icon wide, where the canvas's may be narrower.
pub(crate) fn dropdown(
    ui: &mut egui::Ui,
    selected: &mut Option<usize>,
    items: &[&str],
    placeholder: &str,
    size: f32,
    color: egui::Color32,
) -> egui::Response {
    let (rect, mut response) = ui.allocate_exact_size(ui.available_size(), egui::Sense::click());
    let shown = match selected.and_then(|i| items.get(i)) {
        Some(item) => egui::RichText::new(*item).color(color),
        None => egui::RichText::new(placeholder).color(ui.visuals().weak_text_color()),
    };
    let galley = egui::WidgetText::from(shown.size(size)).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        (rect.width() - 32.0).max(0.0),
        egui::TextStyle::Button,
    );
    let enabled = ui.is_enabled();
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::new(egui::Role::ComboBox);
        info.enabled = enabled;
        info.current_text_value = Some(galley.text().to_owned());
        info
    });
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let state = ui.style().interact(&response);
        let painter = ui.painter();
        let outline = if response.hovered() || response.has_focus() { state.bg_stroke.color } else { visuals.widgets.inactive.bg_stroke.color };
        painter.rect(rect, 4.0, visuals.extreme_bg_color, egui::Stroke::new(1.0, outline), egui::StrokeKind::Inside);
        let at = egui::pos2(rect.left() + 8.0, rect.center().y - galley.size().y / 2.0);
        painter.with_clip_rect(rect.intersect(ui.clip_rect())).galley(at, galley, visuals.text_color());
        let tip = egui::pos2(rect.right() - 14.0, rect.center().y + 2.0);
        let chevron = vec![tip + egui::vec2(-4.0, -4.0), tip, tip + egui::vec2(4.0, -4.0)];
        painter.line(chevron, egui::Stroke::new(1.5, visuals.weak_text_color()));
    }
    let before = *selected;
    // Styled as egui's combo box styles its list, not as a menu.
    let popup = egui::Popup::menu(&response).width(rect.width()).style(egui::style::StyleModifier::default());
    let list = popup.get_id();
    let shown = popup.show(|ui| {
        egui::ScrollArea::vertical().max_height(ui.spacing().combo_height).show(ui, |ui| {
            // A narrow dropdown's list still shows whole items.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            for (i, item) in items.iter().enumerate() {
                ui.selectable_value(selected, Some(i), egui::RichText::new(*item).size(size));
            }
        });
    });
    if shown.is_some() {
        // A screen reader hears the open list as a list box, as egui's combo box's.
        ui.ctx().accesskit_node_builder(list, |node| node.set_role(egui::accesskit::Role::ListBox));
    }
    if *selected != before {
        response.mark_changed();
    }
    response
}
