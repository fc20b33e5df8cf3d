//! The one door to YAML: config, front matter and data files all go through here.
//!
//! The backend, which turns text into values, is named once, below.
//! `serde_yaml` is archived upstream; its maintained forks (`serde_yaml_ng`,
//! `serde_norway`) keep the same API, so switching is a change of that one
//! line (and of `Cargo.toml`).
//!
//! Places do not depend on it. Where each key and value is written comes
//! from [`Spans`], made by another parser that gives positions as data
//! (`saphyr-parser`'s events); of the backend's error, only structured data
//! is read for a place: [`Error::location`](backend::Error::location),
//! the byte where it stopped. Its message is kept as the English detail of
//! ours (with the place it appends cut off), and a few of its words choose a
//! hint. So a fork must offer `from_str`, `from_value`, `Value`, `Mapping`
//! and `Error::location()` with a byte `index()`; a fork that words its
//! messages otherwise changes that detail and those hints, never a line or
//! a column. The unit tests below and `tests/suite` (`locations`,
//! `messages`, `invalid`, `yaml_spans`) pin both: run them after a swap.
//!
//! Errors come back as [`Diagnostic`]s located in the *file*, not in the YAML
//! snippet: callers say at which byte of the file the YAML text starts, so an
//! error in front matter points at the real line of the Markdown file.
//!
//! Where the backend stops is not always where the author erred: a quote
//! left open is closed by the next line's quote, two lines down; a
//! duplicate key is reported at the mapping's start. When the text is not
//! YAML at all, what the text itself shows (a quote its line leaves open
//! before a `key:` line, a key given twice, a line indented under a value
//! or like no line above, a tab) places the error first; the backend's
//! place and message come after.

use std::ops::Range;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::i18n::Text;

use serde_yaml as backend;

/// A YAML value, for data files and free-form fields.
pub(crate) type Value = backend::Value;

/// A YAML mapping (keeps the file's key order).
pub(crate) type Mapping = backend::Mapping;

/// A YAML snippet inside a file: where it is, what the whole file says, and
/// where in the file the snippet starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    /// Site-relative path of the file, for diagnostics.
    pub path: &'a str,
    /// The whole file's text, for the caret line.
    pub file_text: &'a str,
    /// Byte offset in `file_text` where the YAML text starts.
    pub start: usize,
}

/// Parses `yaml` (which sits at `source.start` in the file) into `T`.
///
/// An empty document is read as an empty mapping, so that a file with only
/// comments, or front matter with no field, gives the type's defaults or a
/// "missing field" error rather than a parser error about `null`.
pub(crate) fn parse<T: DeserializeOwned>(yaml: &str, source: Source<'_>) -> Result<T, Diagnostic> {
    if let Some(offset) = too_deep(yaml) {
        return Err(nested_too_deep(source.path).at_offset(source.file_text, source.start + offset));
    }
    let is_empty = yaml
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let result = if is_empty {
        backend::from_str("{}")
    } else {
        backend::from_str(yaml)
    };
    result.map_err(|err| to_diagnostic(&err, yaml, source))
}

/// Converts an already parsed value into `T`; the error message is the backend's.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Text> {
    backend::from_value(value).map_err(|e| explain(&e.to_string()).0)
}

/// Where a node of a YAML text is: byte offsets in the *file* (the
/// snippet's start added), end exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// The node's first byte (a quoted scalar's opening quote, a flow
    /// collection's bracket, a block collection's first key or `-`).
    pub start: usize,
    /// The byte after the node's last one.
    pub end: usize,
}

/// What a node of a [`Spans`] view is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A mapping's key that is a scalar: its text (quotes and escapes
    /// undone) is what a path's step is compared with.
    Key,
    /// A value that no path leads through: a scalar value, an alias
    /// (`*name`), or a key that is itself a collection.
    Leaf,
    /// A list.
    Sequence,
    /// A mapping.
    Mapping,
}

/// A node of a [`Spans`] view, in a few bytes: the view is kept with
/// every page of the site until the build ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    kind: Kind,
    /// Its span in the file.
    start: u32,
    end: u32,
    /// A key's text in [`Spans::texts`]; a list's items, or a mapping's
    /// entries (key, value, key, value...), in [`Spans::children`]: `len`
    /// items or entries from `from`. A mapping of more than [`SMALL`]
    /// entries has its entries' numbers sorted by key text right after
    /// them, for lookups in logarithmic time (front matter may hold tens
    /// of thousands of keys).
    from: u32,
    len: u32,
}

/// Up to this many entries, a mapping is searched in order.
const SMALL: usize = 8;

/// An offset as stored (files are far below 4 GiB: their size is limited).
fn short(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Node {
    fn span(self) -> Span {
        Span {
            start: self.start as usize,
            end: self.end as usize,
        }
    }
}

/// [`Spans`] of a front matter, made the first time a diagnostic asks for
/// a place: most pages have no mistake, and reading their YAML a second
/// time, for the places alone, was a tenth of a build's work.
#[derive(Clone, Debug, Default)]
pub struct LazySpans {
    /// The YAML text and its byte offset in the file.
    yaml: Box<str>,
    start: usize,
    made: std::sync::OnceLock<Spans>,
}

impl LazySpans {
    /// The places of `yaml`, which starts at byte `start` of its file, to
    /// be read when asked.
    pub fn of(yaml: &str, start: usize) -> LazySpans {
        LazySpans {
            yaml: yaml.into(),
            start,
            made: std::sync::OnceLock::new(),
        }
    }

    /// The places, read now if never asked before.
    pub fn get(&self) -> &Spans {
        self.made.get_or_init(|| Spans::of(&self.yaml, self.start))
    }
}

impl PartialEq for LazySpans {
    /// Alike when they read the same text at the same place.
    fn eq(&self, other: &LazySpans) -> bool {
        (&self.yaml, self.start) == (&other.yaml, other.start)
    }
}

/// Where every key and value of a YAML text is, as the parser found them,
/// addressed by path: `["sections", "news", "paginate_by"]` is the
/// `paginate_by` of the mapping under `news` under `sections`; a step into
/// a list is the item's index (`["taxonomies", "1", "name"]`).
///
/// It is made by a second parser, [`saphyr_parser`], that gives each event
/// its position as data, independently of the [backend](self) that turns
/// the text into values: diagnostics take their place from here, never
/// from the wording of an error. When the text is not YAML, the view holds
/// what was read before the parser stopped, and [`Spans::open_flow`] says
/// which `[` or `{` was still open there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spans {
    nodes: Vec<Node>,
    /// The children of collections, by node number (see [`Node`]).
    children: Vec<u32>,
    /// The texts of keys, one after the other.
    texts: String,
    root: Option<u32>,
    /// The innermost flow collection open where the parser stopped, when it stopped.
    open_flow: Option<usize>,
}

/// A collection being read: its node and its children so far.
type Open = (usize, Vec<u32>);

/// Byte offsets of a text from the character positions that the parser
/// counts (diagnostics count bytes). Events come in the text's order, so
/// the cursor walks from one position to the next.
struct ByteCursor<'a> {
    text: &'a str,
    ascii: bool,
    /// The last position asked, in characters and in bytes.
    chars: usize,
    bytes: usize,
}

impl<'a> ByteCursor<'a> {
    /// A cursor at the start of `text`.
    fn new(text: &'a str) -> Self {
        ByteCursor {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of the character at position `chars`.
    fn byte(&mut self, chars: usize) -> usize {
        let text = self.text;
        if self.ascii {
            return chars.min(text.len());
        }
        let (mut c, mut b) = (self.chars, self.bytes);
        while c < chars && b < text.len() {
            b += text[b..].chars().next().map_or(1, char::len_utf8);
            c += 1;
        }
        while c > chars {
            b -= text[..b].chars().next_back().map_or(1, char::len_utf8);
            c -= 1;
        }
        (self.chars, self.bytes) = (c, b);
        b
    }
}

/// Where the scalar the parser places at `from..to` starts: an empty
/// value is placed after its key's `:` and the spaces after it.
fn value_start(yaml: &str, from: usize, to: usize) -> usize {
    if from == to && yaml.as_bytes().get(from) == Some(&b':') {
        from + 1 + yaml[from + 1..].len() - yaml[from + 1..].trim_start_matches([' ', '\t']).len()
    } else {
        from
    }
}

impl Spans {
    /// The view of `yaml`, which starts at byte `start` of its file. Only
    /// the first document is read (the backend refuses more than one).
    pub fn of(yaml: &str, start: usize) -> Spans {
        use saphyr_parser::{Event, Parser};
        let mut cursor = ByteCursor::new(yaml);
        let mut spans = Spans::default();
        let mut open: Vec<Open> = Vec::new();
        let mut parser = Parser::new_from_str(yaml);
        let mut started = false;
        while let Some(next) = parser.next_event() {
            let Ok((event, span)) = next else {
                spans.open_flow = spans.innermost_flow(&open);
                break;
            };
            let (from, to) = (
                cursor.byte(span.start.index()),
                cursor.byte(span.end.index()),
            );
            let node = |kind: Kind, from: usize, to: usize| Node {
                kind,
                start: short(start + from),
                end: short(start + to),
                from: 0,
                len: 0,
            };
            let done = match event {
                Event::DocumentStart(_) if started => break,
                Event::DocumentStart(_) => {
                    started = true;
                    None
                }
                Event::Scalar(text, ..) => {
                    let from = value_start(yaml, from, to);
                    Some(spans.push_scalar(&open, &text, node(Kind::Leaf, from, to.max(from))))
                }
                Event::Alias(_) => {
                    spans.nodes.push(node(Kind::Leaf, from, to));
                    Some(spans.nodes.len() - 1)
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    let kind = if matches!(event, Event::MappingStart(..)) {
                        Kind::Mapping
                    } else {
                        Kind::Sequence
                    };
                    spans.nodes.push(node(kind, from, to));
                    open.push((spans.nodes.len() - 1, Vec::new()));
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => open.pop().map(|(n, children)| {
                    spans.close(n, children, (to > from).then(|| start + to));
                    n
                }),
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
            };
            if let Some(node) = done {
                spans.attach(&mut open, node);
            }
        }
        // What stays open when the parser stopped ends with its last child.
        while let Some((n, children)) = open.pop() {
            spans.close(n, children, None);
            spans.attach(&mut open, n);
        }
        spans.nodes.shrink_to_fit();
        spans.children.shrink_to_fit();
        spans.texts.shrink_to_fit();
        spans
    }

    /// The start (file offset) of the innermost flow collection among the
    /// `open` ones, where the parser stopped on an error.
    fn innermost_flow(&self, open: &[Open]) -> Option<usize> {
        open.iter().rev().find_map(|&(n, _)| {
            let node = self.nodes[n];
            // A block collection starts with an empty span, a flow one at its bracket.
            (node.end > node.start).then_some(node.start as usize)
        })
    }

    /// Adds the scalar `leaf` with its `text`, and returns its number: a
    /// key, with its text kept, when it stands where the innermost `open`
    /// mapping expects a key. Only a key's text is kept: it is what a path names.
    fn push_scalar(&mut self, open: &[Open], text: &str, mut leaf: Node) -> usize {
        let is_key = open.last().is_some_and(|(n, children)| {
            self.nodes[*n].kind == Kind::Mapping && children.len() % 2 == 0
        });
        if is_key {
            leaf.kind = Kind::Key;
            leaf.from = short(self.texts.len());
            leaf.len = short(text.len());
            self.texts.push_str(text);
        }
        self.nodes.push(leaf);
        self.nodes.len() - 1
    }

    /// The text of the key node `n` (`None` for any other node).
    fn key_text(&self, n: u32) -> Option<&str> {
        let node = self.nodes[n as usize];
        (node.kind == Kind::Key).then(|| {
            let from = node.from as usize;
            &self.texts[from..from + node.len as usize]
        })
    }

    /// Ends the collection `n`, with its `children`, at `end` (a flow
    /// collection's closing bracket), or else with its last child.
    fn close(&mut self, n: usize, mut children: Vec<u32>, end: Option<usize>) {
        let last_end = children.last().map(|&c| self.nodes[c as usize].end);
        let end = end.map(short).or(last_end);
        let is_mapping = self.nodes[n].kind == Kind::Mapping;
        // A key given without its value (the text stopped there) is left out.
        if is_mapping && children.len() % 2 == 1 {
            children.pop();
        }
        let len = if is_mapping {
            children.len() / 2
        } else {
            children.len()
        };
        if is_mapping && len > SMALL {
            let mut sorted: Vec<u32> = (0..short(len)).collect();
            // Stable: of keys given twice, the first comes first.
            sorted.sort_by(|&a, &b| {
                self.key_text(children[2 * a as usize])
                    .cmp(&self.key_text(children[2 * b as usize]))
            });
            children.extend(sorted);
        }
        let from = short(self.children.len());
        self.children.extend(children);
        let node = &mut self.nodes[n];
        node.from = from;
        node.len = short(len);
        if let Some(end) = end {
            node.end = node.end.max(end);
        }
    }

    /// Gives the finished `node` to the collection it is in, or makes it the root.
    fn attach(&mut self, open: &mut [Open], node: usize) {
        let Some((parent, children)) = open.last_mut() else {
            self.root.get_or_insert(short(node));
            return;
        };
        // A key that is a collection cannot be named by a path.
        let is_key = self.nodes[*parent].kind == Kind::Mapping && children.len() % 2 == 0;
        if is_key && self.nodes[node].kind != Kind::Key {
            self.nodes[node].kind = Kind::Leaf;
        }
        children.push(short(node));
    }

    /// The key node and value node at `path` (no key for the root or a list item).
    fn find(&self, path: &[&str]) -> Option<(Option<u32>, u32)> {
        let mut at = (None, self.root?);
        for step in path {
            let node = self.nodes[at.1 as usize];
            let children = &self.children[node.from as usize..];
            let len = node.len as usize;
            at = match node.kind {
                Kind::Mapping => {
                    let key = |entry: usize| self.key_text(children[2 * entry]);
                    let entry = if len > SMALL {
                        let index = &children[2 * len..3 * len];
                        let first = index.partition_point(|&e| key(e as usize) < Some(step));
                        *index
                            .get(first)
                            .filter(|&&e| key(e as usize) == Some(step))?
                            as usize
                    } else {
                        (0..len).find(|&e| key(e) == Some(step))?
                    };
                    (Some(children[2 * entry]), children[2 * entry + 1])
                }
                Kind::Sequence => {
                    let i = step.parse::<usize>().ok().filter(|&i| i < len)?;
                    (None, children[i])
                }
                Kind::Key | Kind::Leaf => return None,
            };
        }
        Some(at)
    }

    /// Where the key that ends `path` is written.
    pub fn key(&self, path: &[&str]) -> Option<Span> {
        let (key, _) = self.find(path)?;
        Some(self.nodes[key? as usize].span())
    }

    /// Where the value at `path` is written (for an empty value, after its key's `:`).
    pub fn value(&self, path: &[&str]) -> Option<Span> {
        let (_, value) = self.find(path)?;
        Some(self.nodes[value as usize].span())
    }

    /// Where the key at `path` is written, or else its value (a list
    /// item has no key); else the nearest of its parents that is there.
    /// For an error about a whole entry.
    pub fn entry(&self, path: &[&str]) -> Option<Span> {
        (0..=path.len()).rev().find_map(|n| {
            let (key, value) = self.find(&path[..n])?;
            Some(self.nodes[key.unwrap_or(value) as usize].span())
        })
    }

    /// The opening `[` or `{` (file offset) of the innermost flow
    /// collection still open where the parser stopped on text that is not YAML.
    pub fn open_flow(&self) -> Option<usize> {
        self.open_flow
    }
}

/// Strings, numbers and booleans all read as text: `title: 2026` is a fine title.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a person would name it in a message: "the text `x`", "a list".
pub(crate) fn describe(value: &Value) -> Text {
    match value {
        Value::Null => tr!("nothing", "rien"),
        Value::Bool(b) => tr!("`{b}`", "`{b}`"),
        Value::Number(n) => tr!("the number `{n}`", "le nombre `{n}`"),
        Value::String(s) => tr!("the text `{s}`", "le texte `{s}`"),
        Value::Sequence(_) => tr!("a list", "une liste"),
        Value::Mapping(_) => tr!("a mapping", "un tableau associatif"),
        Value::Tagged(_) => tr!("a tagged value", "une valeur étiquetée"),
    }
}

fn to_diagnostic(err: &backend::Error, yaml: &str, source: Source<'_>) -> Diagnostic {
    let full = err.to_string();
    let stopped = err.location().map_or(yaml.len(), |l| l.index());
    // Whether the text is not YAML at all (rather than YAML of another
    // shape than `T`): read again as a plain value, on this error path only.
    let syntax = backend::from_str::<Value>(yaml).is_err();
    // What the text itself shows comes first: the backend reports an
    // unclosed quote where it stops (the next line's `key: "..."` closes
    // it, two lines down) and a duplicate key at the mapping's start.
    if syntax {
        if let Some(d) = quoting_mistake(yaml, stopped, source) {
            return d;
        }
    }
    let problem = backend_problem(&full);
    let mut offset = source.start + stopped.min(yaml.len());
    // An unclosed list or mapping is best shown where it opens; anything
    // else where the parser stopped.
    let mut unclosed = None;
    if syntax {
        if let Some(open) = Spans::of(yaml, source.start).open_flow() {
            offset = open;
            unclosed = source.file_text.get(open..=open);
        }
    }
    if unclosed.is_none() && syntax {
        if let Some(d) = layout_mistake(yaml, stopped, offset, source) {
            return d;
        }
    }
    if problem.contains("repetition limit exceeded") {
        // A "billion laughs": anchors that expand to gigabytes through aliases.
        let at = first_alias(yaml).map_or(offset, |o| source.start + o);
        return mistake(
            source,
            at,
            tr!(
                "invalid YAML: its aliases (`*name`) repeat too much data",
                "YAML invalide : ses alias (`*nom`) répètent trop de données"
            ),
            tr!(
                "write the values out instead of repeating them with `&anchor` and `*alias`",
                "écrivez les valeurs en entier au lieu de les répéter avec `&ancre` et `*alias`"
            ),
        );
    }
    if problem.contains("recursion limit exceeded") {
        return nested_too_deep(source.path).at_offset(source.file_text, offset);
    }
    let (message, hint) = match unclosed {
        Some(bracket) => {
            let close = if bracket == "[" { "]" } else { "}" };
            (
                tr!(
                    "invalid YAML: this `{bracket}` is never closed",
                    "YAML invalide : ce `{bracket}` n'est jamais fermé"
                ),
                Some(tr!(
                    "close it with `{close}` on the same line, or put the whole value in quotes if the `{bracket}` is part of the text",
                    "fermez-le par `{close}` sur la même ligne, ou mettez toute la valeur entre guillemets si le `{bracket}` fait partie du texte"
                )),
            )
        }
        None => explain(&problem),
    };
    let mut d = Diagnostic::error(source.path, message).at_offset(source.file_text, offset);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// The diagnostic of a mistake at offset `at` of the file.
fn mistake(source: Source<'_>, at: usize, message: Text, hint: Text) -> Diagnostic {
    Diagnostic::error(source.path, message)
        .at_offset(source.file_text, at)
        .with_hint(hint)
}

/// The backend's message, without the place it appends ("at line L
/// column C, while parsing ..."): the place is taken from the parsers'
/// positions, not from this text.
fn backend_problem(full: &str) -> String {
    full.split(", while ")
        .next()
        .unwrap_or(full)
        .split(" at line ")
        .next()
        .unwrap_or(full)
        .to_string()
}

/// The diagnostic of a quoting mistake or a duplicate key in `yaml`,
/// which is not YAML and where the parser stopped at `stopped`: a quote
/// never closed, a quote that closes the text early, a key given twice.
fn quoting_mistake(yaml: &str, stopped: usize, source: Source<'_>) -> Option<Diagnostic> {
    if let Some(quote) = unclosed_quote(yaml, stopped) {
        return Some(mistake(
            source,
            source.start + quote,
            tr!(
                "invalid YAML: this quoted text is never closed",
                "YAML invalide : ce texte entre guillemets n'est jamais fermé"
            ),
            tr!(
                "add the closing quote at the end of the value, on the same line",
                "ajoutez le guillemet fermant à la fin de la valeur, sur la même ligne"
            ),
        ));
    }
    if let Some((at, quote)) = quote_closed_early(yaml, stopped) {
        let (message, hint) = if quote == b'\'' {
            (
                tr!(
                    "invalid YAML: this apostrophe ends the text opened by the `'` before it",
                    "YAML invalide : cette apostrophe termine le texte ouvert par le `'` qui la précède"
                ),
                tr!(
                    "double the apostrophes inside the text (`'l''été'`), or put the text in double quotes (`\"l'été\"`)",
                    "doublez les apostrophes dans le texte (`'l''été'`), ou mettez le texte entre guillemets droits (`\"l'été\"`)"
                ),
            )
        } else {
            (
                tr!(
                    "invalid YAML: this `\"` ends the text opened by the `\"` before it",
                    "YAML invalide : ce `\"` termine le texte ouvert par le `\"` qui le précède"
                ),
                tr!(
                    "write the quotes inside the text as `\\\"`, or use « » or single quotes around the text",
                    "écrivez les guillemets du texte ainsi : `\\\"`, ou utilisez « » ou des apostrophes autour du texte"
                ),
            )
        };
        return Some(mistake(source, source.start + at, message, hint));
    }
    let (key, at) = duplicate_key(yaml)?;
    Some(mistake(
        source,
        source.start + at,
        tr!(
            "invalid YAML: the key `{key}` is given twice",
            "YAML invalide : la clé `{key}` est donnée deux fois"
        ),
        tr!(
            "keep one `{key}:` line (merge their values)",
            "gardez une seule ligne `{key}:` (réunissez leurs valeurs)"
        ),
    ))
}

/// The diagnostic of a mistake in the layout of `yaml`, which is not YAML,
/// where the parser stopped at `stopped` (file offset `offset`): a tab in
/// the indentation, a `: ` inside a plain value, a line indented under a
/// key that has its value, a line aligned with none above.
fn layout_mistake(
    yaml: &str,
    stopped: usize,
    offset: usize,
    source: Source<'_>,
) -> Option<Diagnostic> {
    if let Some(tab) = indenting_tab(source.file_text, offset) {
        return Some(mistake(
            source,
            tab,
            tr!(
                "invalid YAML: a tab indents this line",
                "YAML invalide : une tabulation indente cette ligne"
            ),
            tr!(
                "indent YAML with spaces, never tabs",
                "indentez le YAML avec des espaces, jamais des tabulations"
            ),
        ));
    }
    if let Some((at, key, value)) = colon_in_plain_value(yaml, stopped) {
        let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
        return Some(mistake(
            source,
            source.start + at,
            tr!(
                "invalid YAML: this `: ` inside the value of `{key}` would start another key",
                "YAML invalide : ce `: ` dans la valeur de `{key}` commencerait une autre clé"
            ),
            tr!(
                "put the value between double quotes: `{key}: \"{quoted}\"`",
                "mettez la valeur entre guillemets droits : `{key}: \"{quoted}\"`"
            ),
        ));
    }
    if let Some((at, key)) = indented_under_a_value(yaml, stopped) {
        return Some(mistake(
            source,
            source.start + at,
            tr!(
                "invalid YAML: this line is indented under `{key}:`, which already has its value",
                "YAML invalide : cette ligne est indentée sous `{key}:`, qui a déjà sa valeur"
            ),
            tr!(
                "start the line at the column of `{key}:` for a key of its own, or indent it under a key that ends with `:`",
                "commencez la ligne à la colonne de `{key}:` pour une clé à part, ou indentez-la sous une clé qui finit par `:`"
            ),
        ));
    }
    let at = misaligned(yaml, stopped)?;
    Some(mistake(
        source,
        source.start + at,
        tr!(
            "invalid YAML: this line is indented like none of the lines above",
            "YAML invalide : cette ligne n'est indentée comme aucune des lignes au-dessus"
        ),
        tr!(
            "start it at the column of the line it goes with: the items of a list, and the keys of a mapping, line up",
            "commencez-la à la colonne de la ligne avec laquelle elle va : les éléments d'une liste, et les clés d'un tableau associatif, s'alignent"
        ),
    ))
}

/// The lines of `yaml` with their start offsets, without their line end.
fn lines_at(yaml: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    yaml.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

/// Whether a line holds nothing for the parser (blank, or a comment).
fn is_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// `key: ` at the start of `line` (after its indentation): the key, and
/// the byte after the colon.
fn plain_key(line: &str) -> Option<(&str, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let rest_key = rest.strip_prefix("- ").unwrap_or(rest);
    let dash = rest.len() - rest_key.len();
    let len = rest_key
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(rest_key.len());
    let after = &rest_key[len..];
    (len > 0 && (after == ":" || after.starts_with(": ")))
        .then(|| (&rest_key[..len], indent + dash + len + 1))
}

/// Where the closing `quote` is in `text`, from its start; `None` when the
/// text does not close it (`\"` escapes in double quotes, `''` in single ones).
fn closing_quote(text: &str, quote: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
            c if c == quote => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset of a quote that opens a value and that its own line leaves
/// open, where the parser went on reading the next lines as its text: a
/// `key:` line follows, at the key's indentation or less, or nothing does.
/// Only quotes before `stopped` (where the parser failed) count: a value
/// quoted over several lines, closed before a key, is valid YAML.
fn unclosed_quote(yaml: &str, stopped: usize) -> Option<usize> {
    let lines: Vec<(usize, &str)> = lines_at(yaml).collect();
    let mut n = 0;
    while n < lines.len() {
        let (start, line) = lines[n];
        n += 1;
        let Some((_, after_colon)) = plain_key(line) else {
            continue;
        };
        let value = &line[after_colon..];
        let lead = value.len() - value.trim_start().len();
        let Some(quote) = value[lead..]
            .bytes()
            .next()
            .filter(|q| matches!(q, b'"' | b'\''))
        else {
            continue;
        };
        let at = start + after_colon + lead;
        if at >= stopped {
            return None;
        }
        if closing_quote(&line[after_colon + lead + 1..], quote).is_some() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let next = lines[n..].iter().find(|(_, l)| !is_blank(l));
        let opens_key = next.is_none_or(|(_, l)| {
            plain_key(l).is_some() && l.len() - l.trim_start_matches(' ').len() <= indent
        });
        if opens_key {
            return Some(at);
        }
        // A value quoted over several lines: go on after its closing quote.
        let rest = &yaml[at + 1..];
        let close = at + 1 + closing_quote(rest, quote)?;
        while n < lines.len() && lines[n].0 <= close {
            n += 1;
        }
    }
    None
}

/// When the parser stopped on a `key: 'value` line after the quote that
/// closes the value, with more text after it (`'l'été'`, `"le "club""`):
/// that quote, and which it is.
fn quote_closed_early(yaml: &str, stopped: usize) -> Option<(usize, u8)> {
    let (start, line) =
        lines_at(yaml).find(|(start, line)| (*start..=start + line.len()).contains(&stopped))?;
    let (_, after_colon) = plain_key(line)?;
    let value = &line[after_colon..];
    let lead = value.len() - value.trim_start().len();
    let quote = value[lead..]
        .bytes()
        .next()
        .filter(|q| matches!(q, b'"' | b'\''))?;
    let open = after_colon + lead;
    let close = open + 1 + closing_quote(&line[open + 1..], quote)?;
    let rest = line[close + 1..].trim_start();
    (!rest.is_empty() && !rest.starts_with('#') && start + close < stopped)
        .then_some((start + close, quote))
}

/// The first key that a block mapping of `yaml` holds twice, with the
/// offset of its second occurrence. Keys are read from `key:` lines, per
/// indentation: a `- ` item starts a new mapping; the text of block scalars
/// (`|`, `>`) and flow collections are not read.
fn duplicate_key(yaml: &str) -> Option<(String, usize)> {
    // Open mappings: (indentation of their keys, keys seen).
    let mut open: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut block_text: Option<usize> = None;
    for (start, line) in lines_at(yaml) {
        if is_blank(line) {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block_text {
            if indent > parent {
                continue;
            }
            block_text = None;
        }
        let item = line[indent..].starts_with("- ");
        let Some((key, after_colon)) = plain_key(line) else {
            open.retain(|(i, _)| *i < indent || (*i == indent && !item));
            continue;
        };
        let key_indent = if item { indent + 2 } else { indent };
        open.retain(|(i, _)| *i < key_indent || (*i == key_indent && !item));
        let value = line[after_colon..].trim();
        if value.starts_with(['|', '>']) {
            block_text = Some(indent);
        }
        match open.last_mut() {
            Some((i, keys)) if *i == key_indent => {
                if keys.contains(&key) {
                    return Some((key.to_string(), start + key_indent));
                }
                keys.push(key);
            }
            _ => open.push((key_indent, vec![key])),
        }
    }
    None
}

/// When the parser stopped on a line that starts a key or a list item at
/// an indentation no line above has (one space short of its siblings),
/// that line's first character.
fn misaligned(yaml: &str, stopped: usize) -> Option<usize> {
    let mut indents = Vec::new();
    for (start, line) in lines_at(yaml) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if stopped >= start && stopped <= start + line.len() {
            let item = line[indent..].starts_with("- ");
            return ((item || plain_key(line).is_some())
                && indent > 0
                && !indents.contains(&indent))
            .then_some(start + indent);
        }
        if !is_blank(line) {
            indents.push(indent);
        }
    }
    None
}

/// When the parser stopped on a line indented more than the `key: value`
/// line before it (a value cannot take keys), that line's first character
/// and the key above.
fn indented_under_a_value(yaml: &str, stopped: usize) -> Option<(usize, String)> {
    let mut previous: Option<&str> = None;
    for (start, line) in lines_at(yaml) {
        let end = start + line.len();
        if stopped >= start && stopped <= end {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let above = previous?;
            let above_indent = above.len() - above.trim_start_matches(' ').len();
            let (key, after_colon) = plain_key(above)?;
            let value = above[after_colon..].trim();
            let has_value = !value.is_empty() && !value.starts_with(['|', '>', '&', '!', '#']);
            return (indent > above_indent && has_value && plain_key(line).is_some())
                .then(|| (start + indent, key.to_string()));
        }
        if !is_blank(line) {
            previous = Some(line);
        }
    }
    None
}

/// When the parser stopped at a `: ` inside the unquoted value of a
/// `key: value` line (`title: Club des volcans : géologie`, French
/// typography's space before the colon), that colon's offset, the key, and
/// the value as written.
fn colon_in_plain_value(yaml: &str, stopped: usize) -> Option<(usize, String, String)> {
    let (start, line) =
        lines_at(yaml).find(|(start, line)| stopped >= *start && stopped <= start + line.len())?;
    let (key, after_colon) = plain_key(line)?;
    let value = line[after_colon..].trim();
    let value_at = start + line.len() - line[after_colon..].trim_start().len();
    let plain = !value.is_empty()
        && !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#']);
    let colon = yaml.as_bytes().get(stopped) == Some(&b':');
    (plain && colon && stopped > value_at).then(|| (stopped, key.to_string(), value.to_string()))
}

fn nested_too_deep(path: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        tr!(
            "invalid YAML: lists or mappings are nested too deep here",
            "YAML invalide : listes ou tableaux associatifs imbriqués trop profond ici"
        ),
    )
    .with_hint(tr!(
        "nest them less deeply (at most {MAX_DEPTH} levels)",
        "imbriquez-les moins profond ({MAX_DEPTH} niveaux au plus)"
    ))
}

/// How deep the backend lets lists and mappings nest (its own limit: it
/// fails on anything deeper).
const MAX_DEPTH: usize = 128;

/// The offset of the first list or mapping of `yaml` that is surely nested
/// deeper than [`MAX_DEPTH`]. The backend fails there too, but only after
/// time quadratic in the depth (front matter nested 100,000 deep took 39 s);
/// this is one pass.
///
/// It counts what surely opens a level: a `[` or `{` outside quotes and
/// comments in flow context or where a value starts, each `- ` or `? ` that
/// starts a line's content, a `key:` before a value on its line; it skips
/// the text of block scalars (`|`, `>`). It may count fewer levels than the
/// backend does (then the backend judges), never more.
fn too_deep(yaml: &str) -> Option<usize> {
    let b = yaml.as_bytes();
    let mut nesting = Nesting::default();
    let mut line_start = 0;
    while line_start < b.len() {
        let line_end = yaml[line_start..]
            .find('\n')
            .map_or(b.len(), |i| line_start + i);
        let indent = b[line_start..line_end]
            .iter()
            .take_while(|&&c| c == b' ')
            .count();
        let at = line_start + indent;
        if let Some(parent) = nesting.block_text {
            if at >= line_end || b[at] == b'\r' || indent > parent {
                line_start = line_end + 1;
                continue;
            }
            nesting.block_text = None;
        }
        if let Some(deep) = nesting.read_line(yaml, line_start..line_end, indent) {
            return Some(deep);
        }
        line_start = line_end + 1;
    }
    None
}

/// Whether the byte at `at` of `b` is a space, a line end, or past the end.
fn space_at(b: &[u8], at: usize) -> bool {
    b.get(at)
        .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// What [`too_deep`] carries from line to line: open flow collections,
/// the block levels around them, and the quote being read (all may run
/// over several lines); inside a block scalar, the column that lines
/// indented more than are its text.
#[derive(Default)]
struct Nesting {
    flow: usize,
    base: usize,
    quote: Option<u8>,
    block_text: Option<usize>,
}

impl Nesting {
    /// Reads the `line` of `yaml`, whose content starts after `indent`
    /// spaces, and returns the offset where it surely nests deeper than
    /// [`MAX_DEPTH`], if it does.
    fn read_line(&mut self, yaml: &str, line: Range<usize>, indent: usize) -> Option<usize> {
        let b = yaml.as_bytes();
        let (line_start, line_end) = (line.start, line.end);
        let mut at = line_start + indent;
        // Block levels counted on this line, and the column of the last
        // key or entry (a block scalar's text is indented more than it).
        let (mut level, mut column) = (0, indent);
        // Whether a token starts here (a quote there opens a quoted scalar).
        let mut token_start = true;
        while at < line_end {
            let c = b[at];
            if let Some(q) = self.quote {
                let (len, closes) = quoted_step(b, at, q);
                if closes {
                    self.quote = None;
                    token_start = false;
                }
                at += len;
                continue;
            }
            if c == b'#' && (at == line_start || space_at(b, at - 1)) {
                break;
            }
            if self.flow > 0 {
                match c {
                    b'[' | b'{' => {
                        self.flow += 1;
                        if self.base + self.flow > MAX_DEPTH {
                            return Some(at);
                        }
                    }
                    b']' | b'}' => self.flow -= 1,
                    b'"' | b'\'' if token_start => self.quote = Some(c),
                    _ => {}
                }
                token_start = matches!(c, b'[' | b'{' | b',' | b':' | b'?')
                    || (token_start && space_at(b, at));
                at += 1;
                if self.flow == 0 {
                    // What follows the collection on its line is not read.
                    break;
                }
                continue;
            }
            // Block context, where a node starts.
            match c {
                b' ' => at += 1,
                b'-' | b'?' if space_at(b, at + 1) => {
                    level += 1;
                    if level > MAX_DEPTH {
                        return Some(at);
                    }
                    column = at - line_start;
                    at += 1;
                }
                b'[' | b'{' => {
                    if level + 1 > MAX_DEPTH {
                        return Some(at);
                    }
                    (self.flow, self.base, token_start) = (1, level, true);
                    at += 1;
                }
                b'|' | b'>' => {
                    self.block_text = Some(column);
                    break;
                }
                b'&' | b'!' => {
                    // An anchor or a tag before the node.
                    while at < line_end && !space_at(b, at) {
                        at += 1;
                    }
                }
                b'"' | b'\'' => {
                    self.quote = Some(c);
                    at += 1;
                }
                _ => {
                    // A key, when `: ` follows on the line; else a scalar.
                    let Some(k) = key_colon(&yaml[at..line_end]) else {
                        break;
                    };
                    level += 1;
                    column = at - line_start;
                    at += k + 1;
                }
            }
        }
        None
    }
}

/// Inside text quoted by `q`, how many bytes from `at` make one character
/// of it (`\"` escapes in double quotes, `''` in single ones), and whether
/// that one closes the quote.
fn quoted_step(b: &[u8], at: usize, q: u8) -> (usize, bool) {
    match b[at] {
        b'\\' if q == b'"' => (2, false),
        c if c == q && q == b'\'' && b.get(at + 1) == Some(&b'\'') => (2, false),
        c if c == q => (1, true),
        _ => (1, false),
    }
}

/// The offset of the `:` that ends a key at the start of `rest` (the rest
/// of a line, outside quotes): before `: `, or at the end of the line;
/// `None` when `rest` is a plain scalar.
fn key_colon(rest: &str) -> Option<usize> {
    rest.find(": ")
        .or_else(|| {
            rest.trim_end()
                .ends_with(':')
                .then(|| rest.trim_end().len() - 1)
        })
        .filter(|&k| !rest[..k].contains(" #"))
}

/// The offset of the first tab in the indentation of the line holding
/// `offset`, when the error is within that indentation or right after it.
fn indenting_tab(text: &str, offset: usize) -> Option<usize> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if offset > line_start + indent {
        return None;
    }
    line[..indent].find('\t').map(|i| line_start + i)
}

/// The offset of the first alias (`*name`) in `yaml`.
fn first_alias(yaml: &str) -> Option<usize> {
    let bytes = yaml.as_bytes();
    (1..bytes.len())
        .find(|&i| {
            bytes[i - 1] == b'*'
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                && (i == 1 || matches!(bytes[i - 2], b' ' | b'[' | b',' | b'\n' | b'-' | b':'))
        })
        .map(|i| i - 1)
}

/// The message and the hint for the backend's `message` about an unknown
/// key or value (its `marker`: "unknown field `" or "unknown variant `"):
/// the name, where it is, and the name it may be a misspelling of, or
/// the names allowed there.
fn unknown_name(message: &str, marker: &str) -> (Text, Text) {
    let is_value = marker.contains("variant");
    let prefix = message.split(marker).next().unwrap_or("");
    let rest = message.split(marker).nth(1).unwrap_or("");
    let key = rest.split('`').next().unwrap_or("");
    let expected: Vec<&str> = rest
        .split(", expected ")
        .nth(1)
        .map(|list| {
            list.split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect()
        })
        .unwrap_or_default();
    let place = prefix.trim_end_matches(": ");
    let message = match (is_value, place.is_empty()) {
        (false, true) => tr!("unknown key `{key}`", "clé inconnue `{key}`"),
        (false, false) => tr!(
            "unknown key `{key}` in `{place}`",
            "clé inconnue `{key}` dans `{place}`"
        ),
        (true, true) => tr!("unknown value `{key}`", "valeur inconnue `{key}`"),
        (true, false) => tr!(
            "unknown value `{key}` in `{place}`",
            "valeur inconnue `{key}` dans `{place}`"
        ),
    };
    let hint = match did_you_mean(key, &expected) {
        Some(close) => tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?"),
        None if expected.is_empty() && is_value => {
            tr!("remove this value", "retirez cette valeur")
        }
        None if expected.is_empty() => tr!("remove this key", "retirez cette clé"),
        None => {
            let list = expected.join(", ");
            tr!("use one of: {list}", "utilisez l'une de : {list}")
        }
    };
    (message, hint)
}

/// Rewrites the backend's messages into ours, with a hint where we can
/// give one. What the backend says of YAML syntax stays, in English, as the
/// detail of a sentence of ours.
fn explain(message: &str) -> (Text, Option<Text>) {
    let unknown = ["unknown field `", "unknown variant `"]
        .into_iter()
        .find(|m| message.contains(m));
    if let Some(marker) = unknown {
        let (message, hint) = unknown_name(message, marker);
        return (message, Some(hint));
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or("");
        return (
            tr!(
                "missing required key `{key}`",
                "clé obligatoire manquante : `{key}`"
            ),
            Some(tr!(
                "add a line `{key}: ...`",
                "ajoutez une ligne `{key}: ...`"
            )),
        );
    }
    if let Some((place, rest)) = message
        .split_once("invalid type: ")
        .or_else(|| message.split_once("invalid value: "))
    {
        let place = place.trim_end_matches(": ");
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let message = if place.is_empty() {
            tr!(
                "this value must be {expected}",
                "cette valeur doit être : {expected}"
            )
        } else {
            tr!(
                "`{place}` must be {expected}",
                "`{place}` doit être : {expected}"
            )
        };
        return (message, Some(tr!("found {found}", "trouvé : {found}")));
    }
    if message.contains("tab character") {
        return (
            tr!("invalid YAML: {message}", "YAML invalide : {message}"),
            Some(tr!(
                "indent YAML with spaces, never tabs",
                "indentez le YAML avec des espaces, jamais des tabulations"
            )),
        );
    }
    if message.contains("found character that cannot start any token")
        || message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        return (
            tr!("invalid YAML: {message}", "YAML invalide : {message}"),
            Some(tr!(
                "check the indentation and quoting on this line; values with `: ` or starting with `[`, `{{`, `@` or `*` need quotes",
                "vérifiez l'indentation et les guillemets de cette ligne ; une valeur qui contient `: ` ou commence par `[`, `{{`, `@` ou `*` se met entre guillemets"
            )),
        );
    }
    (
        tr!("invalid YAML: {message}", "YAML invalide : {message}"),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fields {
        title: String,
        description: Option<String>,
    }

    fn src<'a>(path: &'a str, text: &'a str, start: usize) -> Source<'a> {
        Source {
            path,
            file_text: text,
            start,
        }
    }

    #[test]
    fn error_points_at_the_file_line_not_the_snippet_line() {
        let file = "---\ntitle: ok\ndescription: [unclosed\ndate: 2026-01-01\n---\nbody\n";
        let yaml = &file[4..=file.find("\n---\n").unwrap()];
        let err = parse::<Value>(yaml, src("content/a.md", file, 4)).unwrap_err();
        assert_eq!(err.location(), "content/a.md:3:14");
        assert_eq!(err.message, "invalid YAML: this `[` is never closed");
    }

    #[test]
    fn unknown_key_gets_did_you_mean() {
        let text = "titel: x\n";
        let err = parse::<Fields>(text, src("site.yaml", text, 0)).unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.position.unwrap().line, 1);
    }

    #[test]
    fn empty_document_is_an_empty_mapping() {
        let err = parse::<Fields>("# only a comment\n", src("a.md", "", 0)).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
    }

    #[test]
    fn nesting_past_the_limit_is_found_in_one_pass_where_the_backend_fails() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("z: {}{}\n", open.repeat(n), close.repeat(n))
        };
        // The root mapping is a level: the 128th `[` is the 129th level.
        let yaml = deep("[", "]", 100_000);
        assert_eq!(too_deep(&yaml), Some(3 + 127));
        assert_eq!(too_deep(&deep("{a: ", "}", 200)), Some(3 + 4 * 127));
        assert_eq!(too_deep(&format!("{}x\n", "- ".repeat(200))), Some(2 * 128));
        assert_eq!(
            too_deep(&format!(
                "{}x\n",
                "- ".repeat(60) + "k: " + &"[".repeat(100)
            )),
            Some(60 * 2 + 3 + 67)
        );
        for lead in ["z: &a ", "z: !!seq ", "\"z\": ", "- z:\n    ", "z:\n  - "] {
            let yaml = format!("{lead}{}\n", "[".repeat(300));
            assert!(too_deep(&yaml).is_some(), "{yaml:.40}");
        }
        // Whatever it finds, the backend refuses too; what the backend takes, it takes.
        for n in 120..=135 {
            for yaml in [
                deep("[", "]", n),
                deep("{a: ", "}", n),
                format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
                format!("{}x\n", "- ".repeat(n)),
                format!("{}x\n", "? ".repeat(n)),
                format!("a:\n  b:\n    - {}x{}\n", "[".repeat(n), "]".repeat(n)),
            ] {
                let refused = backend::from_str::<Value>(&yaml).is_err();
                assert!(too_deep(&yaml).is_none() || refused, "{yaml:.60}");
            }
        }
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let brackets = "[".repeat(300);
        for yaml in [
            format!("title: \"{brackets}\"\n"),
            format!("title: '{brackets}'\n"),
            format!("title: l'été {brackets}\n"),
            format!("title: x # {brackets}\n"),
            format!("# {brackets}\ntitle: x\n"),
            format!("description: |\n  {brackets}\n  {brackets}\ntitle: x\n"),
            format!("- k: >-\n    {brackets}\n- j\n"),
            format!("tags: [\"a]\", 'b''{brackets}', c]\n"),
            format!("title: \"a\n  {brackets}\"\n"),
        ] {
            assert_eq!(too_deep(&yaml), None, "{yaml:.60}");
        }
    }

    #[test]
    fn what_the_text_shows_places_syntax_errors_where_the_author_made_them() {
        let locate = |yaml: &str| {
            let err = parse::<Value>(yaml, src("a.md", yaml, 0)).unwrap_err();
            (err.location(), err.message.en)
        };
        // The backend stops on line 3, where the next quote closes this one.
        assert_eq!(
            locate("title: x\nscope: \"Les diplômés\ncontact: \"Le bureau\"\n"),
            (
                "a.md:2:8".to_string(),
                "invalid YAML: this quoted text is never closed".to_string()
            )
        );
        // The backend puts a duplicate at the mapping's start.
        assert_eq!(
            locate("title: x\nitems:\n  - a: 1\n    a: 2\n"),
            (
                "a.md:4:5".to_string(),
                "invalid YAML: the key `a` is given twice".to_string()
            )
        );
        assert_eq!(locate("a:\n  x: 1\nb:\n  x: 2\nb: 3\n").0, "a.md:5:1");
        assert_eq!(locate("title: x\ndate: y\n  k: v\n").0, "a.md:3:3");
        assert_eq!(locate("list:\n  - a\n - b\n").0, "a.md:3:2");
        assert_eq!(
            locate("title: x\ndescription: 'Sortie de l'été'\n"),
            (
                "a.md:2:26".to_string(),
                "invalid YAML: this apostrophe ends the text opened by the `'` before it"
                    .to_string()
            )
        );
        assert_eq!(locate("title: \"Le \"Club\" des lieux\"\n").0, "a.md:1:12");
    }

    /// The text of the file at `span`.
    fn at(text: &str, span: Option<Span>) -> &str {
        span.map_or("(none)", |s| &text[s.start..s.end])
    }

    /// Catches a view that matches keys anywhere in the text rather than
    /// under their parent: `paginate_by` is under a taxonomy, then under
    /// `sections.news`.
    #[test]
    fn spans_address_keys_and_values_by_path() {
        let text = "taxonomies:\n  - name: tags\n    paginate_by: 10\nsections:\n  news: {sort_by: date, paginate_by: 0}\n";
        let spans = Spans::of(text, 0);
        let path = ["sections", "news", "paginate_by"];
        assert_eq!(at(text, spans.key(&path)), "paginate_by");
        assert_eq!(spans.value(&path).map(|s| s.start), text.rfind('0'));
        assert_eq!(
            at(text, spans.value(&["taxonomies", "0", "paginate_by"])),
            "10"
        );
        assert_eq!(at(text, spans.value(&["taxonomies", "0", "name"])), "tags");
        assert_eq!(
            at(text, spans.value(&["sections", "news"])),
            "{sort_by: date, paginate_by: 0}"
        );
        assert_eq!(spans.value(&["taxonomies", "1"]), None);
        assert_eq!(spans.value(&["sections", "clubs"]), None);
    }

    /// Catches a large mapping's index out of order or searched wrong:
    /// every key of a mapping past [`SMALL`] entries is found, at its line.
    #[test]
    fn spans_find_every_key_of_a_large_mapping() {
        let text = (0..50)
            .rev()
            .map(|i| format!("k{i}: é{i}\n"))
            .collect::<Vec<_>>()
            .concat();
        let spans = Spans::of(&text, 0);
        for i in 0..50 {
            let key = format!("k{i}");
            let span = spans.key(&[&key]).unwrap();
            assert_eq!(&text[span.start..span.end], key);
            assert_eq!(at(&text, spans.value(&[&key])), format!("é{i}"));
        }
        assert_eq!(spans.key(&["k50"]), None);
    }

    /// Catches keys read from the text rather than from the parser: a
    /// quoted key, a `key:` line inside a block of text, and an empty value.
    #[test]
    fn spans_are_the_parsers_own_keys_and_values() {
        let text = "\"date\": 2026-01-01\nnote: |\n  title: not a key\ntitle:\n";
        let spans = Spans::of(text, 0);
        assert_eq!(at(text, spans.key(&["date"])), "\"date\"");
        assert_eq!(at(text, spans.value(&["date"])), "2026-01-01");
        assert_eq!(spans.key(&["title"]).map(|s| s.start), text.rfind("title"));
        // An empty value is placed after its key's `:`.
        assert_eq!(
            spans.value(&["title"]).map(|s| s.start),
            Some(text.len() - 1)
        );
        assert_eq!(spans.key(&["note", "title"]), None);
    }

    /// Catches character offsets taken for byte offsets (the parser counts
    /// characters) and a snippet's start left out.
    #[test]
    fn spans_are_bytes_of_the_file() {
        let file = "---\ntitre: « été »\nlieu: Sorbonne\n---\n";
        let spans = Spans::of(&file[4..file.len() - 4], 4);
        assert_eq!(at(file, spans.value(&["titre"])), "« été »");
        assert_eq!(at(file, spans.key(&["lieu"])), "lieu");
        assert_eq!(at(file, spans.value(&["lieu"])), "Sorbonne");
    }

    /// Catches a view that is lost when the text is not YAML: what was read
    /// before the parser stopped is still there, and the open bracket is said.
    #[test]
    fn spans_of_text_that_is_not_yaml_keep_what_was_read() {
        let text = "title: ok\ntags: [a, b\ndate: 2026-01-01\n";
        let spans = Spans::of(text, 0);
        assert_eq!(at(text, spans.value(&["title"])), "ok");
        assert_eq!(spans.open_flow(), text.find('['));
        assert_eq!(Spans::of("title: ok\n", 0).open_flow(), None);
        assert_eq!(Spans::of("", 0).value(&[]), None);
    }

    #[test]
    fn valid_yaml_of_another_shape_keeps_the_backend_message() {
        // A quote over several lines, a repeated key in sibling mappings: valid.
        for yaml in [
            "title: \"a\n  b\"\ndescription: c\n",
            "a:\n  x: 1\nb:\n  x: 2\n",
            "- k: 1\n- k: 2\n",
        ] {
            assert!(parse::<Value>(yaml, src("a.md", yaml, 0)).is_ok(), "{yaml}");
        }
        let yaml = "title: \"x\ndescription: y\n";
        let err = parse::<Fields>(yaml, src("a.md", yaml, 0)).unwrap_err();
        assert_eq!(
            err.message,
            "invalid YAML: this quoted text is never closed"
        );
        let yaml = "title: x\ntitel: y\n";
        let err = parse::<Fields>(yaml, src("a.md", yaml, 0)).unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
    }
}
