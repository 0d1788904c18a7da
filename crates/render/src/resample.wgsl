// The last frame, scaled and moved to a new view: one quad over where the
// old canvas lands on the new one, sampled at the nearest texel (see
// `gpu/refine.rs`). It stands in for the exact drawing while the canvas is
// brought back to it tile by tile.

struct Resample {
    // Where the old canvas's top-left corner lands, in device pixels.
    lo: vec2f,
    // The old canvas's size on the new one, in device pixels.
    size: vec2f,
    // The target's size in device pixels.
    canvas_size: vec2f,
    _pad: vec2f,
};

@group(0) @binding(0) var<uniform> resample: Resample;
@group(0) @binding(1) var source: texture_2d<f32>;
@group(0) @binding(2) var source_sampler: sampler;

struct Varyings {
    @builtin(position) position: vec4f,
    @location(0) uv: vec2f,
};

@vertex
fn vs_main(@builtin(vertex_index) corner_index: u32) -> Varyings {
    let corner = vec2f(f32(corner_index & 1u), f32((corner_index >> 1u) & 1u));
    let p = resample.lo + resample.size * corner;
    var out: Varyings;
    out.position = vec4f(p.x / resample.canvas_size.x * 2.0 - 1.0, 1.0 - p.y / resample.canvas_size.y * 2.0, 0.0, 1.0);
    out.uv = corner;
    return out;
}

@fragment
fn fs_main(v: Varyings) -> @location(0) vec4f {
    return textureSampleLevel(source, source_sampler, v.uv, 0.0);
}
