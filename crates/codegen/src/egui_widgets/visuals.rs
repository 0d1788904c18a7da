/// egui's look in a design's theme, so that the widgets look as the canvas
/// draws them whatever the app's own theme is. The colours, in order:
/// window, panel, border, text, muted, accent, on accent, control, field,
/// track.
pub(crate) fn theme_visuals(dark: bool, colors: [egui::Color32; 10]) -> egui::Visuals {
    let [window, panel, border, text, muted, accent, on_accent, control, field, track] = colors;
    let mut v = if dark { egui::Visuals::dark() } else { egui::Visuals::light() };
    v.panel_fill = window;
    v.window_fill = window;
    v.faint_bg_color = panel;
    // Text inputs.
    v.extreme_bg_color = field;
    v.text_edit_bg_color = Some(field);
    // Placeholders and the tabs not shown.
    v.weak_text_color = Some(muted);
    v.hyperlink_color = accent;
    // Selected rows, filled tracks, checked switches; what is drawn on them.
    v.selection.bg_fill = accent;
    v.selection.stroke = egui::Stroke::new(1.0, on_accent);
    // A slider's knob is round.
    v.handle_shape = egui::style::HandleShape::Circle;
    let outline = egui::Stroke::new(1.0, border);
    let states = [
        (&mut v.widgets.noninteractive, window, window, outline, 1.0),
        // `bg_fill` is the track of sliders, progress bars and switches;
        // `weak_bg_fill` a button's face.
        (&mut v.widgets.inactive, track, control, outline, 1.0),
        (&mut v.widgets.hovered, track, control, egui::Stroke::new(1.0, muted), 1.5),
        (&mut v.widgets.active, track, control, egui::Stroke::new(1.0, accent), 1.5),
        (&mut v.widgets.open, track, field, outline, 1.0),
    ];
    for (state, bg, weak, stroke, width) in states {
        state.bg_fill = bg;
        state.weak_bg_fill = weak;
        state.bg_stroke = stroke;
        state.fg_stroke = egui::Stroke::new(width, text);
        state.corner_radius = egui::CornerRadius::same(4);
        state.expansion = 0.0;
    }
    v
}
