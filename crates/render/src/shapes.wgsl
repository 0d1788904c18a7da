// Every shape the renderer draws, as one instanced, antialiased quad:
// rounded rectangles with a border, soft shadows, lines and images. Sizes
// arrive in design units and are turned into device pixels here, so that
// coverage is computed where the pixels are.
//
// Four pipelines draw them (`Pipe` in gpu/instances.rs): the common one
// (`vs_common`, `fs_common`) rectangles and lines, most of a design; the
// special one (`vs_main`, `fs_main`) every kind, shadows, images and
// pulsing highlights; the opaque one (`vs_common`, `fs_opaque`) the opaque
// insides of large rectangles; the flat one (`vs_flat`, `fs_flat`) their
// translucent insides.

struct Globals {
    origin: vec2f,
    // The target's size in device pixels.
    size: vec2f,
    // Device pixels per design unit.
    factor: f32,
    // Seconds, for animated feedback (pulsing highlights).
    time: f32,
    _pad: vec2f,
};

@group(0) @binding(0) var<uniform> globals: Globals;
@group(0) @binding(1) var atlas: texture_2d<f32>;
@group(0) @binding(2) var atlas_sampler: sampler;

const RECT: u32 = 0u;
const SHADOW: u32 = 1u;
const LINE: u32 = 2u;
const IMAGE: u32 = 3u;
// Images drawn fewer device pixels high or wide are their mean colour
// (`image_file::IMAGE_DETAIL_PX`).
const IMAGE_DETAIL_PX: f32 = 4.0;

// Read from two vertex buffers (`InstanceBuffers` in gpu/device.rs):
// locations 0 and 3, where the shape draws, from one; the rest from the
// other.
struct Instance {
    // Rect: x, y, w, h; line: the two end points.
    @location(0) rect: vec4f,
    // Straight alpha, the widget's opacity already applied.
    @location(1) fill: vec4f,
    @location(2) border: vec4f,
    // The clip rectangle: x0, y0, x1, y1.
    @location(3) clip: vec4f,
    // kind, corner radius, border or line width, shadow blur.
    @location(4) params: vec4f,
    // Images: the atlas rectangle (u0, v0, u1, v1). Others: pulse depth and
    // speed. Rectangles: z, the zoom factor below which it is not drawn (a
    // layout guide, around a layout container or a scroll area; 0 for the
    // rest). Shadows and rectangles: w picks a strip around what is skipped
    // (1 to 4: top, bottom, left, right; under an opaque caster, inside a
    // border over no fill, or the inside of a large filled rectangle), 5
    // that inside itself opaque (drawn by `fs_opaque`), 6 translucent
    // (`fs_flat`), 0 the whole shape.
    @location(5) extra: vec4f,
};

// Every varying is the same at a quad's four corners (or, for an image's
// texel, follows them) and interpolated linearly, never flat: Mesa's
// llvmpipe (lavapipe; 22.3 read) draws such a quad, axis-aligned, as one
// rectangle rather than two triangles (one set-up instead of two, each
// block of pixels shaded once) when the target is blue first
// (`TEXTURE_FORMAT`), and never when a fragment shader reads a flat input.
// Linearly, not with perspective (the same values, w being 1), saves it a
// division a pixel; GLSL ES has no such qualifier, so on OpenGL the
// renderer drops it (`device::shapes_source`). A varying interpolated
// with zero slopes is, in practice, its value exactly; what needs a whole
// value (a kind, a flag) is read with a margin.

// What the full shader (`fs_main`) reads.
struct Varyings {
    @builtin(position) position: vec4f,
    @location(0) @interpolate(linear) rect: vec4f,
    @location(1) @interpolate(linear) fill: vec4f,
    @location(2) @interpolate(linear) border: vec4f,
    @location(3) @interpolate(linear) params: vec4f,
    @location(4) @interpolate(linear) extra: vec4f,
    @location(5) @interpolate(linear) uv: vec2f,
};

// What the common pipeline's shader (`fs_common`) reads: no clip, no
// kind beyond line or not, and what the vertex stage can work out once
// (centre, half extents less the radius, a line's direction over its
// length squared) rather than every pixel. A software rasteriser sets up
// every varying of every shape and pays for each operation on every pixel.
struct Lean {
    @builtin(position) position: vec4f,
    // A rectangle: its centre, and its half extents less the corner
    // radius. A line: one end, and the vector to the other over its
    // length squared. In device pixels.
    @location(0) @interpolate(linear) shape: vec4f,
    @location(1) @interpolate(linear) fill: vec4f,
    @location(2) @interpolate(linear) border: vec4f,
    // The corner radius (a line: half its width); the border's width (a
    // line: its length squared); 1 for a line, else 0.
    @location(3) @interpolate(linear) params: vec4f,
};

fn to_device(p: vec2f) -> vec2f {
    return (p - globals.origin) * globals.factor;
}

// An instance's quad corner in device pixels and the shape it bounds
// (rect: lo, hi; line: its two ends).
struct Placed {
    position: vec4f,
    corner: vec2f,
    rect: vec4f,
};

fn place(corner_index: u32, instance: Instance) -> Placed {
    let f = globals.factor;
    let kind = u32(instance.params.x + 0.5);
    var rect: vec4f;
    var lo: vec2f;
    var hi: vec2f;
    if kind == LINE {
        let a = to_device(instance.rect.xy);
        let b = to_device(instance.rect.zw);
        rect = vec4f(a, b);
        let margin = instance.params.z * f * 0.5 + 1.0;
        lo = min(a, b) - vec2f(margin);
        hi = max(a, b) + vec2f(margin);
    } else {
        let a = to_device(instance.rect.xy);
        let b = a + instance.rect.zw * f;
        rect = vec4f(a, b);
        var margin = 1.0;
        if kind == SHADOW {
            margin = instance.params.w * f + 2.0;
        }
        lo = a - vec2f(margin);
        hi = b + vec2f(margin);
        let strip = u32(instance.extra.w + 0.5);
        // Only shadows and rectangles come in strips: an image's `extra`
        // is its place in the atlas.
        if (kind == SHADOW || kind == RECT) && strip > 0u {
            // Under an opaque caster only a shadow's edge shows, and a
            // rectangle with no fill shows only its border: the quad is one
            // of four strips around what is skipped (for a shadow, where
            // the caster covers every pixel, a pixel in from its edge and
            // its rounded corners; for a border, where the pixel is a pixel
            // clear of the border and the corners, and adds nothing). The
            // strips share exact edges, so no pixel is drawn twice.
            var inset = instance.params.y * f + 1.0;
            if kind == RECT {
                inset = max(instance.params.y, instance.params.z) * f + 1.0;
            }
            var ilo = a + vec2f(inset);
            var ihi = b - vec2f(inset);
            if any(ilo >= ihi) {
                // No inside to skip: the first strip is the whole shadow.
                ilo = hi;
                ihi = hi;
                if strip == 1u {
                    ilo = vec2f(lo.x, hi.y);
                }
            }
            switch strip {
                case 1u: { hi = vec2f(hi.x, ilo.y); }
                case 2u: { lo = vec2f(lo.x, ihi.y); }
                case 3u: { lo = vec2f(lo.x, ilo.y); hi = vec2f(ilo.x, ihi.y); }
                case 4u: { lo = vec2f(ihi.x, ilo.y); hi = vec2f(hi.x, ihi.y); }
                default: { lo = ilo; hi = ihi; }
            }
        }
    }
    // A layout guide too thin to show at this zoom is left out (a quad of
    // no area), as the CPU rasteriser leaves it out (`layout_guide_shown`).
    if kind == RECT && f < instance.extra.z {
        hi = lo;
    }
    // Nothing outside the clip is drawn, and no shader discards: the quad
    // stops at the whole pixel edges around exactly the pixel centres
    // within the clip (one on its edge is kept), whatever the rasteriser's
    // edge rule, since no centre lies on a whole pixel edge.
    let clip = vec4f(to_device(instance.clip.xy), to_device(instance.clip.zw));
    lo = max(lo, ceil(clip.xy - vec2f(0.5)));
    hi = max(min(hi, floor(clip.zw - vec2f(0.5)) + vec2f(1.0)), lo);
    let corner = vec2f(f32(corner_index & 1u), f32((corner_index >> 1u) & 1u));
    let p = mix(lo, hi, corner);
    var out: Placed;
    out.position = vec4f(p.x / globals.size.x * 2.0 - 1.0, 1.0 - p.y / globals.size.y * 2.0, 0.0, 1.0);
    out.corner = p;
    out.rect = rect;
    return out;
}

// Every kind (the special pipeline).
@vertex
fn vs_main(@builtin(vertex_index) corner_index: u32, instance: Instance) -> Varyings {
    let f = globals.factor;
    let placed = place(corner_index, instance);
    var out: Varyings;
    out.position = placed.position;
    out.rect = placed.rect;
    out.fill = instance.fill;
    out.border = instance.border;
    out.params = vec4f(instance.params.x, instance.params.y * f, instance.params.z * f, instance.params.w * f);
    out.extra = instance.extra;
    let span = max(placed.rect.zw - placed.rect.xy, vec2f(1e-6));
    out.uv = mix(instance.extra.xy, instance.extra.zw, (placed.corner - placed.rect.xy) / span);
    return out;
}

// Rectangles and lines, neither pulsing (the common and opaque pipelines;
// `Instance::pipe`).
@vertex
fn vs_common(@builtin(vertex_index) corner_index: u32, instance: Instance) -> Lean {
    return lean(corner_index, instance);
}

// The translucent insides' vertices (`fs_flat`): the fill premultiplied
// here, once a vertex. (Premultiplied in the fragment stage, lavapipe,
// Mesa 22.3.6, drew the red channel of every inside pixel wrong.)
@vertex
fn vs_flat(@builtin(vertex_index) corner_index: u32, instance: Instance) -> Lean {
    var out = lean(corner_index, instance);
    out.fill = premultiply(instance.fill, 1.0);
    return out;
}

// What the lean shader's vertices hold (`vs_common`, `vs_flat`).
fn lean(corner_index: u32, instance: Instance) -> Lean {
    let f = globals.factor;
    let placed = place(corner_index, instance);
    var out: Lean;
    out.position = placed.position;
    let lo = placed.rect.xy;
    let hi = placed.rect.zw;
    out.fill = instance.fill;
    // Lines of a negative width are never made (`item_instances`).
    if u32(instance.params.x + 0.5) == LINE {
        let ab = hi - lo;
        let length2 = max(dot(ab, ab), 1e-6);
        out.shape = vec4f(lo, ab / length2);
        out.border = vec4f(0.0);
        out.params = vec4f(instance.params.z * f * 0.5, length2, 1.0, 0.0);
    } else {
        let half = (hi - lo) * 0.5;
        let r = clamp(instance.params.y * f, 0.0, max(min(half.x, half.y), 0.0));
        out.shape = vec4f((lo + hi) * 0.5, half - vec2f(r));
        out.border = instance.border;
        out.params = vec4f(r, instance.params.z * f, 0.0, 0.0);
    }
    // An image too small to show its pixels (`Instance::pipe_at`): a
    // rectangle of its mean colour, held in `border`, at its opacity.
    if u32(instance.params.x + 0.5) == IMAGE {
        out.fill = vec4f(instance.border.rgb, instance.border.a * instance.fill.a);
        out.border = vec4f(0.0);
    }
    return out;
}

// Signed distance from p to a rounded box (negative inside).
fn rounded_box(p: vec2f, lo: vec2f, hi: vec2f, radius: f32) -> f32 {
    let half = (hi - lo) * 0.5;
    let r = clamp(radius, 0.0, max(min(half.x, half.y), 0.0));
    let q = abs(p - (lo + hi) * 0.5) - half + vec2f(r);
    return length(max(q, vec2f(0.0))) + min(max(q.x, q.y), 0.0) - r;
}

// Distance from p to the segment from a to b.
fn to_segment(p: vec2f, a: vec2f, b: vec2f) -> f32 {
    let ab = b - a;
    let h = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-6), 0.0, 1.0);
    return length(p - a - ab * h);
}

// Pixel coverage of a shape at signed distance d: a one-pixel ramp.
fn coverage(d: f32) -> f32 {
    return clamp(0.5 - d, 0.0, 1.0);
}

fn premultiply(c: vec4f, a: f32) -> vec4f {
    let alpha = c.a * a;
    return vec4f(c.rgb * alpha, alpha);
}

// A shape at signed distance d, with a border `width` wide inside its
// edge: what both shaders draw for a rectangle.
fn bordered(d: f32, width: f32, fill: vec4f, border: vec4f) -> vec4f {
    let outer = coverage(d);
    // The border is painted over the fill; with no width the ring is
    // empty and leaves the fill as it is.
    let ring = clamp(outer - coverage(d + width), 0.0, 1.0);
    let b = premultiply(border, ring);
    return b + premultiply(fill, outer) * (1.0 - b.a);
}

@fragment
fn fs_main(v: Varyings) -> @location(0) vec4f {
    let p = v.position.xy;
    let kind = u32(v.params.x + 0.5);
    let radius = v.params.y;
    let width = v.params.z;
    var color = vec4f(0.0);
    if kind == RECT {
        color = bordered(rounded_box(p, v.rect.xy, v.rect.zw, radius), width, v.fill, v.border);
    } else if kind == SHADOW {
        // Six widening, downward-shifted layers of a faint colour, as the
        // CPU rasteriser draws them, so that both backends agree.
        let blur = v.params.w;
        var a = 0.0;
        for (var i = 0; i < 6; i++) {
            let s = blur * f32(i + 1) / 6.0;
            let lo = v.rect.xy + vec2f(-s * 0.5, -s * 0.25);
            let hi = v.rect.zw + vec2f(s * 0.5, s * 0.75);
            let layer = coverage(rounded_box(p, lo, hi, radius + s * 0.5)) * v.fill.a / 6.0;
            a = layer + a * (1.0 - layer);
        }
        color = vec4f(v.fill.rgb * a, a);
    } else if kind == LINE {
        color = premultiply(v.fill, coverage(to_segment(p, v.rect.xy, v.rect.zw) - width * 0.5));
    } else if kind == IMAGE {
        let inside = coverage(rounded_box(p, v.rect.xy, v.rect.zw, 0.0));
        let size = v.rect.zw - v.rect.xy;
        if min(size.x, size.y) < IMAGE_DETAIL_PX {
            // Too small to show its pixels: its mean colour, as `lean` draws it.
            color = premultiply(vec4f(v.border.rgb, v.border.a * v.fill.a), inside);
        } else {
            // The atlas holds premultiplied texels; fill.a is the opacity.
            color = textureSampleLevel(atlas, atlas_sampler, v.uv, 0.0) * (v.fill.a * inside);
        }
    }
    if kind != IMAGE && v.extra.x > 0.0 {
        // A pulsing highlight: the alpha breathes between 1 and 1 - depth.
        color = color * (1.0 - v.extra.x * (0.5 + 0.5 * sin(globals.time * v.extra.y)));
    }
    return color;
}

// Rectangles and lines (`vs_common`). A software rasteriser runs both
// sides of a branch whose lanes differ, so both distances are taken
// without one, sharing the square root: a line costs little more here
// than a pipeline of its own would, and keeps its place among the
// rectangles. The same distances as `rounded_box` and `to_segment`.
@fragment
fn fs_common(v: Lean) -> @location(0) vec4f {
    let line = v.params.z > 0.5;
    let r = v.params.x;
    let q = v.position.xy - v.shape.xy;
    let k = abs(q) - v.shape.zw;
    let h = clamp(dot(q, v.shape.zw), 0.0, 1.0);
    let out = select(max(k, vec2f(0.0)), q - v.shape.zw * (h * v.params.y), line);
    let d = length(out) + select(min(max(k.x, k.y), 0.0), 0.0, line) - r;
    let width = select(v.params.y, 0.0, line);
    return bordered(d, width, v.fill, v.border);
}

// The opaque inside of a large rectangle (strip 5): every pixel is the
// fill, as `fs_common` computes it there (full coverage, no border). Drawn
// with no blending, it costs a software rasteriser a store a pixel, and
// lets it drop what earlier draws left in a tile it covers.
@fragment
fn fs_opaque(v: Lean) -> @location(0) vec4f {
    return vec4f(v.fill.rgb, 1.0);
}

// The translucent inside of a large rectangle (strip 6): every pixel is
// the fill premultiplied (by `vs_flat`), as `fs_common` computes it there
// (full coverage, no border: `bordered` adds a border of no alpha to the
// fill times 1); lavapipe interpolates it in 8 bits, a level off in
// places. Blended, it costs a software rasteriser a blend a pixel.
@fragment
fn fs_flat(v: Lean) -> @location(0) vec4f {
    return v.fill;
}
