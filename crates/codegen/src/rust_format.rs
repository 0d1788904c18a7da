//! Formatting the egui export with `prettyplease`, one unit (a widget's
//! code, a field, a variant) at a time and remembered by its shape, so a
//! 100,000-widget module formats in well under a second instead of twenty.
//!
//! Formatting the whole generated file at once is exact but slow: syn
//! builds a tree of the whole 170 MB module before prettyplease prints it.
//! Yet a widget's statements format the same wherever they sit, given the
//! column they start at: a block holding a statement that ends in `;`
//! always breaks its lines, so the code around a widget never depends on
//! what the widget holds. And prettyplease breaks lines by the widths of
//! tokens, and looks at nothing else of identifiers, numbers and ASCII
//! texts than their length, the character after them and whether a
//! number is whole; so statements that differ only in such tokens of the
//! same lengths format alike (keywords and macro names, which it does
//! look at, are kept).
//!
//! So the writer marks where each unit begins and ends ([`UnitKind::start`],
//! [`UNIT_END`]). The file with every unit replaced by a placeholder is
//! formatted whole; each unit is formatted on its own at its placeholder's
//! indentation, again with the units inside replaced, as a *shape*: its
//! identifiers, numbers, texts and doc comments replaced by stand-ins of
//! the same length. A shape seen before is not formatted again; the unit's
//! own tokens go back into the remembered layout. Long runs of placeholders
//! (30,000 fields) are grouped into units of their own, and the file's
//! units are shared out between the machine's cores.
//!
//! The result is byte for byte what prettyplease writes for the whole
//! file: the tests compare the two for the demo, 300 random designs, a
//! generated one and the hostile texts, and a shape whose tokens do not
//! come back one for one is formatted as it is, without the stand-ins.
//! The contexts where prettyplease looks beyond a unit are kept out of
//! units: a tab page (an arm holding one block prints as its statements)
//! and the last field of a struct expression (its comma only counts when
//! the lines break).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

/// What a unit is, which says where its placeholder stands and how it is
/// formatted on its own.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum UnitKind {
    /// Statements in a block (a widget's code).
    Statements,
    /// A field of the state struct, with its doc comment.
    Field,
    /// A variant of the event enum, with its doc comment.
    Variant,
    /// A field of the struct expression in `Default::default`, which
    /// must be one of enough fields that the expression breaks its lines,
    /// and not the last (prettyplease writes the last one's comma only
    /// when the lines break, so it counts differently).
    Initializer,
}

impl UnitKind {
    const ALL: [UnitKind; 4] = [UnitKind::Statements, UnitKind::Field, UnitKind::Variant, UnitKind::Initializer];

    /// The character opening a unit of this kind in marked code.
    pub(crate) fn start(self) -> char {
        match self {
            UnitKind::Statements => '\u{1}',
            UnitKind::Field => '\u{3}',
            UnitKind::Variant => '\u{4}',
            UnitKind::Initializer => '\u{5}',
        }
    }

    /// What follows the placeholder's name on its line.
    fn placeholder_end(self) -> &'static str {
        match self {
            UnitKind::Statements => "();",
            UnitKind::Field | UnitKind::Initializer => ": (),",
            UnitKind::Variant => ",",
        }
    }
}

/// Closes a unit in marked code.
pub(crate) const UNIT_END: char = '\u{2}';

/// The initializers of a struct expression need this many to be sure it
/// breaks its lines (each placeholder is at least 20 characters wide, and
/// prettyplease breaks a struct expression that does not fit its line).
pub(crate) const INITIALIZER_UNITS_FROM: usize = 5;

/// How the placeholder of unit `n` is named; on a line of its own once
/// formatted, as every unit's context breaks its lines.
const PLACEHOLDER: &str = "__trellis_unit_";

/// `head` (a comment, kept as it is), then `code` (Rust items, with
/// units marked) formatted as prettyplease formats the same code without
/// the marks.
pub(crate) fn format_file(head: &str, code: &str) -> Result<String, syn::Error> {
    let units = Units::split(code);
    let skeleton = prettyplease::unparse(&syn::parse_file(&units.texts[0])?);
    // The skeleton's lines in pieces that each start at a placeholder,
    // formatted on as many threads as there are cores (each with shapes
    // of its own) and put back in order.
    let mut pieces = Vec::new();
    let mut rest = skeleton.as_str();
    while let Some(at) = rest.find(PLACEHOLDER) {
        let next = rest[at..].find('\n').map_or(rest.len(), |n| at + n + 1);
        pieces.push(&rest[..next]);
        rest = &rest[next..];
    }
    pieces.push(rest);
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(pieces.len()).max(1);
    // The calling thread formats pieces from the front, straight into the
    // file's text; helpers take them from the back, and their pieces are
    // copied in after. (Gathering every piece into a new string cost the
    // file's size twice over in copies and fresh pages.)
    let remaining = std::sync::Mutex::new(0..pieces.len());
    let take = |from_front: bool| {
        let mut r = remaining.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if from_front { r.next() } else { r.next_back() }
    };
    // Formatted code is about three times as long as the code given.
    let estimate = head.len() + code.len() * 7 / 2;
    type Formatted = (String, Vec<(usize, std::ops::Range<usize>)>);
    let work = |mut out: String, from_front: bool| -> Result<Formatted, syn::Error> {
        let mut formatter = Formatter { units: &units, shapes: HashMap::default() };
        let mut ranges = Vec::new();
        while let Some(i) = take(from_front) {
            let start = out.len();
            formatter.expand(pieces[i], &mut out)?;
            ranges.push((i, start..out.len()));
        }
        Ok((out, ranges))
    };
    let (front, helpers) = std::thread::scope(|scope| {
        // Units nest as deep as the design (32 widgets, each a few blocks)
        // and syn and prettyplease recurse through them. A thread that
        // cannot start leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(32 << 20)
                    .spawn_scoped(scope, || work(String::with_capacity(estimate / threads), false))
                    .ok()
            })
            .collect();
        let mut out = String::with_capacity(estimate);
        out.push_str(head);
        let front = work(out, true);
        let helpers: Vec<Result<Formatted, syn::Error>> =
            helpers.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect();
        (front, helpers)
    });
    let (mut out, _) = front?;
    let helpers = helpers.into_iter().collect::<Result<Vec<Formatted>, _>>()?;
    let mut order: Vec<(usize, usize, std::ops::Range<usize>)> = helpers
        .iter()
        .enumerate()
        .flat_map(|(h, (_, ranges))| ranges.iter().map(move |(i, r)| (*i, h, r.clone())))
        .collect();
    // Every helper's piece comes after every piece of the front.
    order.sort_unstable_by_key(|(i, _, _)| *i);
    out.reserve(order.iter().map(|(_, _, r)| r.len()).sum());
    for (_, helper, range) in order {
        out.push_str(&helpers[helper].0[range]);
    }
    Ok(out)
}

/// The marked code cut into units: the file (unit 0) and each marked
/// unit, with each unit inside replaced by its placeholder.
struct Units {
    texts: Vec<String>,
    kinds: Vec<UnitKind>,
}

impl Units {
    fn split(code: &str) -> Units {
        let mut units = Units { texts: vec![String::new()], kinds: vec![UnitKind::Statements] };
        let mut open = vec![0usize];
        let mut rest = code;
        // The marks are the only characters below U+0006 in the code: texts
        // reach it escaped.
        while let Some(at) = rest.bytes().position(|b| (1..=5).contains(&b)) {
            let top = *open.last().unwrap_or(&0);
            units.texts[top].push_str(&rest[..at]);
            let mark = rest[at..].chars().next().unwrap_or(UNIT_END);
            rest = &rest[at + mark.len_utf8()..];
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            if let Some(kind) = UnitKind::ALL.into_iter().find(|k| k.start() == mark) {
                open.push(units.texts.len());
                units.texts.push(String::with_capacity(256));
                units.kinds.push(kind);
            } else if open.len() > 1 {
                let unit = open.pop().unwrap_or(0);
                let parent = *open.last().unwrap_or(&0);
                // A unit with no code (a hidden widget: comments only)
                // leaves nothing in its parent, as if never marked.
                if !is_only_comments(&units.texts[unit]) {
                    let end = units.kinds[unit].placeholder_end();
                    let text = &mut units.texts[parent];
                    text.push_str(PLACEHOLDER);
                    text.push_str(&unit.to_string());
                    text.push_str(end);
                    text.push('\n');
                }
            }
        }
        let top = *open.last().unwrap_or(&0);
        units.texts[top].push_str(rest);
        for unit in 0..units.texts.len() {
            if units.texts[unit].len() > GROUP * PLACEHOLDER.len() {
                units.group_runs(unit);
            }
        }
        units
    }

    /// Gathers each [`GROUP`] consecutive placeholders of one kind in
    /// `unit` into a unit of its own: a module of 30,000 fields would
    /// otherwise give prettyplease a 30,000-line struct, while groups of
    /// placeholders mostly share one shape.
    fn group_runs(&mut self, unit: usize) {
        let text = std::mem::take(&mut self.texts[unit]);
        let mut grouped = String::with_capacity(text.len() / 4);
        let mut run: Vec<&str> = Vec::with_capacity(GROUP);
        let mut run_kind = None;
        for line in text.split_inclusive('\n') {
            let kind = placeholder(line.trim_end()).map(|n| self.kinds[n]);
            if kind.is_none() || kind != run_kind {
                grouped.extend(run.drain(..));
            }
            run_kind = kind;
            match kind {
                Some(_) => run.push(line),
                None => grouped.push_str(line),
            }
            if let (Some(kind), GROUP) = (kind, run.len()) {
                let group = self.texts.len();
                self.texts.push(run.drain(..).collect());
                self.kinds.push(kind);
                grouped.push_str(PLACEHOLDER);
                grouped.push_str(&group.to_string());
                grouped.push_str(kind.placeholder_end());
                grouped.push('\n');
            }
        }
        grouped.extend(run.drain(..));
        self.texts[unit] = grouped;
    }
}

/// How many placeholders in a row make a group (see [`Units::group_runs`]).
const GROUP: usize = 256;

fn is_only_comments(code: &str) -> bool {
    code.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || (l.starts_with("//") && !l.starts_with("///"))
    })
}

/// The unit a line of formatted code (without its line break) stands
/// for, if it is a placeholder.
fn placeholder(line: &str) -> Option<usize> {
    let name = line.trim_start().strip_prefix(PLACEHOLDER)?;
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let end = &name[digits..];
    UnitKind::ALL.iter().any(|k| k.placeholder_end() == end).then(|| name[..digits].parse().ok())?
}

/// A unit's formatted layout at one indentation: the text between its
/// variable tokens (`pieces.len()` is one more than the tokens).
struct Layout {
    pieces: Vec<String>,
}

/// Layouts by kind, indentation depth and shape; `None` for a shape
/// whose tokens do not come back one for one.
type Shapes = HashMap<(UnitKind, usize, String), Option<Rc<Layout>>, BuildHasherDefault<rustc_hash::FxHasher>>;

struct Formatter<'a> {
    units: &'a Units,
    /// Layouts by kind, indentation depth and shape.
    shapes: Shapes,
}

impl Formatter<'_> {
    /// Copies formatted `text` to `out`, formatting the unit of each
    /// placeholder line in its place.
    fn expand(&mut self, text: &str, out: &mut String) -> Result<(), syn::Error> {
        let mut rest = text;
        while let Some(at) = rest.find(PLACEHOLDER) {
            let line_start = rest[..at].rfind('\n').map_or(0, |n| n + 1);
            let line_end = rest[at..].find('\n').map_or(rest.len(), |n| at + n);
            let line = &rest[line_start..line_end];
            match placeholder(line) {
                Some(unit) if unit < self.units.texts.len() && line[..at - line_start].bytes().all(|b| b == b' ') => {
                    out.push_str(&rest[..line_start]);
                    self.emit_unit(unit, (at - line_start) / 4, out)?;
                    rest = rest.get(line_end + 1..).unwrap_or("");
                }
                _ => {
                    out.push_str(&rest[..line_end]);
                    rest = &rest[line_end..];
                }
            }
        }
        out.push_str(rest);
        Ok(())
    }

    /// Writes unit `unit` formatted at `depth`, with the units inside it,
    /// to `out` (whole lines).
    fn emit_unit(&mut self, unit: usize, depth: usize, out: &mut String) -> Result<(), syn::Error> {
        let units = self.units;
        let (code, kind) = (&units.texts[unit], units.kinds[unit]);
        let layout = match Shape::of(code) {
            Some(shape) => {
                let layout = match self.shapes.entry((kind, depth, shape.text)) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(new) => {
                        let formatted = format_alone(&new.key().2, kind, depth)?;
                        new.insert(Layout::split(&formatted, &shape.tokens).map(Rc::new))
                    }
                };
                layout.clone().map(|layout| (layout, shape.tokens))
            }
            None => None,
        };
        // A unit without a known shape is formatted as it is.
        let Some((layout, tokens)) = layout.filter(|(layout, tokens)| layout.pieces.len() == tokens.len() + 1) else {
            let formatted = format_alone(code, kind, depth)?;
            return self.expand(&formatted, out);
        };
        // The rest of a placeholder's line, once its unit is written.
        let mut skip_line = false;
        for (i, token) in tokens.iter().enumerate() {
            push_piece(out, &layout.pieces[i], &mut skip_line);
            let line_start = || out.rfind('\n').map_or(0, |n| n + 1);
            let child = token
                .strip_prefix(PLACEHOLDER)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&c| {
                    c < units.texts.len() && layout.pieces[i + 1].starts_with(units.kinds[c].placeholder_end())
                })
                .filter(|_| out[line_start()..].bytes().all(|b| b == b' '));
            match child {
                Some(child) => {
                    let line_start = line_start();
                    let indent = out.len() - line_start;
                    out.truncate(line_start);
                    self.emit_unit(child, indent / 4, out)?;
                    skip_line = true;
                }
                None => out.push_str(token),
            }
        }
        push_piece(out, layout.pieces.last().map_or("", String::as_str), &mut skip_line);
        Ok(())
    }
}

/// Appends `piece` to `out`, but for the rest of a line `skip_line` says
/// is a placeholder's, already written as its unit.
fn push_piece(out: &mut String, piece: &str, skip_line: &mut bool) {
    if !*skip_line {
        out.push_str(piece);
    } else if let Some(end) = piece.find('\n') {
        *skip_line = false;
        out.push_str(&piece[end + 1..]);
    }
}

/// `code`, a unit of `kind`, formatted in a context of its own that puts
/// it `depth` levels in as its placeholder was.
fn format_alone(code: &str, kind: UnitKind, depth: usize) -> Result<String, syn::Error> {
    let (open, close): (String, String) = match kind {
        UnitKind::Statements => {
            let depth = depth.max(1);
            (format!("fn f() {{\n{}", "{\n".repeat(depth - 1)), "}\n".repeat(depth))
        }
        UnitKind::Field => ("struct S {\n".into(), "}\n".into()),
        UnitKind::Variant => ("enum E {\n".into(), "}\n".into()),
        UnitKind::Initializer => {
            // A field wide enough that the expression breaks, yet short
            // enough to stay on one line of its own.
            let depth = depth.max(3);
            let pad = format!("{PLACEHOLDER}pad{}: 0,\n", "_".repeat(40));
            (format!("fn f() {{\n{}S {{\n", "{\n".repeat(depth - 2)), format!("{pad}{}", "}\n".repeat(depth)))
        }
    };
    let depth = match kind {
        UnitKind::Statements => depth.max(1),
        // Fields and variants of the module's own struct and enum.
        UnitKind::Field | UnitKind::Variant => {
            debug_assert_eq!(depth, 1, "a struct or enum of the module is at its top level");
            1
        }
        UnitKind::Initializer => depth.max(3),
    };
    let below = match kind {
        UnitKind::Initializer => depth + 1,
        _ => depth,
    };
    let mut wrapped = String::with_capacity(code.len() + open.len() + close.len() + 1);
    wrapped.push_str(&open);
    wrapped.push_str(code);
    wrapped.push('\n');
    wrapped.push_str(&close);
    let formatted = prettyplease::unparse(&syn::parse_file(&wrapped)?);
    let lines: Vec<&str> = formatted.split_inclusive('\n').collect();
    if lines.len() < depth + below {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "a unit of the module formatted to fewer lines than its context",
        ));
    }
    Ok(lines[depth..lines.len() - below].concat())
}

/// A unit's code with its variable tokens (identifiers, numbers, ASCII
/// texts and doc comments) replaced by stand-ins of the same length.
struct Shape<'a> {
    text: String,
    tokens: Vec<&'a str>,
}

impl<'a> Shape<'a> {
    /// `None` when the code holds a token this lexer does not know (the
    /// unit is then formatted as it is).
    fn of(code: &'a str) -> Option<Shape<'a>> {
        let mut text = String::with_capacity(code.len());
        let mut tokens = Vec::with_capacity(code.len() / 8);
        let mut at = 0;
        while at < code.len() {
            let (len, kind) = next_token(code.as_bytes(), at)?;
            let token = &code[at..at + len];
            match kind {
                Token::Comment => {}
                Token::Variable => {
                    tokens.push(token);
                    push_stand_in(&mut text, token);
                }
                Token::Fixed => text.push_str(token),
            }
            at += len;
        }
        Some(Shape { text, tokens })
    }
}

impl Layout {
    /// Cuts formatted shape text at its variable tokens; `None` unless
    /// they are the stand-ins of `tokens`, one for one and in order.
    fn split(formatted: &str, tokens: &[&str]) -> Option<Layout> {
        let mut pieces = Vec::with_capacity(tokens.len() + 1);
        let mut piece = String::new();
        let mut stand_in = String::new();
        let mut at = 0;
        while at < formatted.len() {
            let (len, kind) = next_token(formatted.as_bytes(), at)?;
            let token = &formatted[at..at + len];
            match kind {
                Token::Variable => {
                    stand_in.clear();
                    push_stand_in(&mut stand_in, tokens.get(pieces.len())?);
                    if stand_in != token {
                        return None;
                    }
                    pieces.push(std::mem::take(&mut piece));
                }
                Token::Comment => return None,
                Token::Fixed => piece.push_str(token),
            }
            at += len;
        }
        pieces.push(piece);
        (pieces.len() == tokens.len() + 1).then_some(Layout { pieces })
    }
}

enum Token {
    /// Whitespace, punctuation, keywords, macro names and what prettyplease
    /// may write otherwise (texts with non-ASCII characters, doc comments
    /// ending in spaces): kept in the shape.
    Fixed,
    /// Identifiers, numbers, ASCII string literals and doc comments.
    Variable,
    /// A line comment, which syn drops.
    Comment,
}

fn run(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    bytes[from..].iter().take_while(|b| pred(**b)).count()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `code` names `word` (an identifier) outside its string
/// literals and comments; `true` where it cannot tell (what the lexer does
/// not know), so that a caller keeps what may be used.
pub(crate) fn names(code: &str, word: &str) -> bool {
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let Some((len, _)) = next_token(bytes, at) else { return true };
        if &bytes[at..at + len] == word.as_bytes() {
            return true;
        }
        at += len;
    }
    false
}

/// The length and kind of the token at `at`; `None` for what this lexer
/// does not know (char literals, lifetimes, raw and byte strings, block
/// and inner doc comments, non-ASCII outside texts and comments).
fn next_token(bytes: &[u8], at: usize) -> Option<(usize, Token)> {
    let first = bytes[at];
    match first {
        b' ' | b'\n' => Some((run(bytes, at, |b| b == b' ' || b == b'\n'), Token::Fixed)),
        b'/' if bytes.get(at + 1) == Some(&b'/') => {
            let len = run(bytes, at, |b| b != b'\n');
            match bytes.get(at + 2) {
                Some(b'!') => None,
                // A doc comment, unless a fourth `/` makes it a comment.
                Some(b'/') if bytes.get(at + 3) != Some(&b'/') => {
                    let comment = &bytes[at..at + len];
                    // prettyplease trims trailing spaces: kept as written.
                    let plain = comment.last().is_some_and(|b| !b.is_ascii_whitespace()) && !comment.contains(&b'\r');
                    Some((len, if plain { Token::Variable } else { Token::Fixed }))
                }
                _ => Some((len, Token::Comment)),
            }
        }
        b'/' if bytes.get(at + 1) == Some(&b'*') => None,
        b'"' => {
            let mut i = at + 1;
            let mut ascii = true;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break,
                    b => {
                        ascii &= b.is_ascii();
                        i += 1;
                    }
                }
            }
            let len = i + 1 - at;
            Some((len, if ascii { Token::Variable } else { Token::Fixed }))
        }
        b'0'..=b'9' => {
            let mut len = run(bytes, at, is_word);
            // A fraction, but not a range (`0..n`) nor a method (`1.max`).
            if bytes.get(at + len) == Some(&b'.') && bytes.get(at + len + 1).is_some_and(u8::is_ascii_digit) {
                len += 1 + run(bytes, at + len + 1, is_word);
            }
            Some((len, Token::Variable))
        }
        b if b.is_ascii_alphabetic() || b == b'_' => {
            let len = run(bytes, at, is_word);
            let word = &bytes[at..at + len];
            match bytes.get(at + len) {
                // Raw identifiers, raw and byte strings, char literals.
                Some(b'#' | b'"' | b'\'') => None,
                Some(b'!') => Some((len, Token::Fixed)),
                _ if is_keyword(word) => Some((len, Token::Fixed)),
                _ => Some((len, Token::Variable)),
            }
        }
        b'\'' => None,
        b if b.is_ascii() => Some((1, Token::Fixed)),
        _ => None,
    }
}

/// Appends a token of the same length as `token` that stands for it in a
/// shape.
fn push_stand_in(out: &mut String, token: &str) {
    let bytes = token.as_bytes();
    match bytes[0] {
        b'"' => {
            out.push('"');
            out.extend(std::iter::repeat_n('s', token.len() - 2));
            out.push('"');
        }
        b'/' => {
            out.push_str("///");
            out.extend(std::iter::repeat_n('s', token.len() - 3));
        }
        b'0'..=b'9' => out.extend(token.chars().map(|c| if c.is_ascii_digit() { '1' } else { c })),
        _ => out.extend(std::iter::repeat_n('z', token.len())),
    }
}

/// Whether `word` is `_` or a Rust keyword (strict, reserved or weak),
/// kept as it is in a shape.
fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"_" | b"as"
            | b"async"
            | b"await"
            | b"break"
            | b"const"
            | b"continue"
            | b"crate"
            | b"dyn"
            | b"else"
            | b"enum"
            | b"extern"
            | b"false"
            | b"fn"
            | b"for"
            | b"if"
            | b"impl"
            | b"in"
            | b"let"
            | b"loop"
            | b"match"
            | b"mod"
            | b"move"
            | b"mut"
            | b"pub"
            | b"ref"
            | b"return"
            | b"self"
            | b"Self"
            | b"static"
            | b"struct"
            | b"super"
            | b"trait"
            | b"true"
            | b"type"
            | b"unsafe"
            | b"use"
            | b"where"
            | b"while"
            | b"abstract"
            | b"become"
            | b"box"
            | b"do"
            | b"final"
            | b"gen"
            | b"macro"
            | b"override"
            | b"priv"
            | b"try"
            | b"typeof"
            | b"unsized"
            | b"virtual"
            | b"yield"
            | b"union"
            | b"auto"
            | b"default"
            | b"raw"
            | b"safe"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT_START: char = '\u{1}';

    fn plain(code: &str) -> String {
        let unmarked: String = code.chars().filter(|c| !matches!(c, '\u{1}'..='\u{5}')).collect();
        prettyplease::unparse(&syn::parse_file(&unmarked).expect("parses"))
    }

    #[test]
    fn a_word_is_named_only_as_an_identifier() {
        assert!(names("let _ = ui.max_rect();", "ui"));
        assert!(names("layout_at(ui, \"x\")", "ui"));
        assert!(!names("let _ = rect; // ui\nlet s = \"ui \\\" ui\";", "ui"));
        assert!(!names("let build_ui = 1; let ui_x = uiy;", "ui"));
        // What the lexer does not know may name it.
        assert!(names("let c = 'u';", "ui"));
    }

    #[test]
    fn marked_units_format_as_the_whole_file_does() {
        let unit = |name: &str, x: &str| {
            format!(
                "{UNIT_START}{{ let rect = egui::Rect::from_min_size(origin + egui::vec2({x}, 20.0), egui::vec2(300.0, 240.0)); ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {{ ui.label({name:?}); }}); }}\n{UNIT_END}"
            )
        };
        let nested = format!(
            "{UNIT_START}ui.horizontal(|ui| {{\n{}{}// hidden\n}});\n{UNIT_END}",
            unit("a", "1.0"),
            unit("a very much longer name that pushes the line past its margin", "123456.5")
        );
        let code = format!(
            "impl Demo {{\nfn ui(&mut self, ui: &mut egui::Ui) {{\nlet origin = ui.max_rect().min;\n{}{}{nested}{UNIT_START}// only a comment\n{UNIT_END}if self.on {{ self.on = false; }}\n}}\n}}\n",
            unit("b", "2.0"),
            unit("non-ASCII é", "3.0"),
        );
        assert_eq!(format_file("", &code).expect("formats"), plain(&code));
    }

    #[test]
    fn fields_variants_and_initializers_format_as_the_whole_file_does() {
        let (field, variant, init) =
            (UnitKind::Field.start(), UnitKind::Variant.start(), UnitKind::Initializer.start());
        let mut code = String::from("pub struct S {\n");
        for (i, name) in ["a", "much_longer_name_of_a_field", "b"].iter().enumerate() {
            code.push_str(&format!("{field}\n/// What is typed in `{name}` ({i}).\npub {name}: String,\n{UNIT_END}\n"));
        }
        code.push_str(
            "/// Ends in spaces.   \npub c: bool,\n}\nimpl Default for S {\nfn default() -> Self {\nSelf {\n",
        );
        let long = "x".repeat(120);
        for (name, value) in [("a", "String::new()"), ("b", &*format!("String::from({long:?})"))] {
            code.push_str(&format!("{init}\n{name}: {value},\n{UNIT_END}\n"));
        }
        // As wide as the margin allows without its comma: it breaks as it
        // is not the last.
        let text = "x".repeat(45);
        code.push_str(&format!("{init}\nabcdefghijklmnopq: {text:?}.to_owned(),\n{UNIT_END}\nc: true,\n"));
        code.push_str("}\n}\n}\npub enum E {\n");
        for name in ["Clicked", "AVeryLongVariantNameThatGoesOnAndOn"] {
            code.push_str(&format!("{variant}\n/// `{name}` was clicked.\n{name},\n{UNIT_END}\n"));
        }
        code.push_str("}\n");
        assert_eq!(format_file("", &code).expect("formats"), plain(&code));
    }

    #[test]
    fn long_runs_of_units_format_as_the_whole_file_does() {
        let (field, variant) = (UnitKind::Field.start(), UnitKind::Variant.start());
        let mut code = String::from("pub struct S {\n");
        for i in 0..700 {
            code.push_str(&format!("{field}\n/// Field {i}.\npub f{i}: bool,\n{UNIT_END}\n"));
            if i == 300 {
                code.push_str("/// Not a unit.\npub g: u8,\n");
            }
        }
        code.push_str("}\npub enum E {\n");
        for i in 0..600 {
            code.push_str(&format!("{variant}\n/// Variant {i}.\nV{i},\n{UNIT_END}\n"));
        }
        code.push_str("}\nfn ui(ui: &mut egui::Ui) {\n");
        for i in 0..900 {
            code.push_str(&format!("{UNIT_START}\nui.label(\"{i}\");\n{UNIT_END}\n"));
        }
        code.push_str("}\n");
        let units = Units::split(&code);
        assert!(units.texts[0].lines().count() < 500, "runs of placeholders are grouped");
        assert_eq!(format_file("", &code).expect("formats"), plain(&code));
    }

    #[test]
    fn shapes_keep_keywords_macros_and_ranges() {
        let shape = Shape::of("for i in 0..10 { vec![x.max(1.5)]; }").expect("lexes");
        assert_eq!(shape.text, "for z in 1..11 { vec![z.zzz(1.1)]; }");
        assert_eq!(shape.tokens, ["i", "0", "10", "x", "max", "1.5"]);
        assert!(Shape::of("let c = 'x';").is_none(), "char literals are formatted as they are");
        let layout = Layout::split("zzz(1.1);\n", &["foo", "2.5"]).expect("the stand-ins of those tokens");
        assert_eq!(layout.pieces, ["", "(", ");\n"]);
        assert!(Layout::split("zzz(1.1);\n", &["foo", "2"]).is_none(), "a stand-in of another token");
        assert!(Layout::split("zzz(1.1);\n", &["foo"]).is_none(), "more stand-ins than tokens");
    }
}
