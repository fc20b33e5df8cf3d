//! How deep the sanitiser's HTML parser will nest the raw HTML of a page.
//!
//! Part of the Markdown stage, for pages whose HTML is sanitised. In: the raw
//! HTML fragments of one body, in order; a tag, a comment or the text of a
//! `<textarea>` may run from one fragment into the next. Out: how many
//! elements the parser (html5ever, inside the sanitiser) holds open after
//! each fragment, estimated in one pass and in time linear in the text.
//!
//! The fragments are split into tags by html5ever's own tokenizer, through
//! [`crate::html::Incremental`], fed one fragment after the other: tags,
//! attribute values, comments and the text of `<script>`, `<style>`,
//! `<textarea>`... are read exactly as the parser reads them. Only what the
//! parser's tree builder does with the tags is estimated here, and told
//! back to the tokenizer where it changes what follows (text after an HTML
//! `<style>`, markup after an SVG one; CDATA sections in `<svg>` and
//! `<math>` only).
//!
//! The parser's work for each tag grows with that number (it looks down the
//! open elements for a `<p>` to close, for the element an end tag names...),
//! so 100,000 elements left open cost minutes. The invariant: the estimate
//! does not fall behind the parser by more than a small factor, whatever the
//! markup. Hence every step is cautious:
//!
//! - an end tag or an implied end closes at most one element, the nearest of
//!   its name, and only where the parser surely closes at least that one: not
//!   across an element that stops it (`</span>` past a `<div>`), never for a
//!   name that is not open (`<span></i>`, which once made the estimate fall
//!   by one per stray end tag while the parser kept every `<span>`);
//! - `<div/>` opens a `<div>`, as it does in HTML (only `<svg>` and `<math>`
//!   elements close themselves so).
//!
//! What it does not count — `<option>`, the rows and cells of a table, void
//! elements — the parser closes at the next one of their kind or with their
//! table. Sloppy markup (`<div><span>x</div>`) makes the estimate higher than
//! the parser's depth, never lower. `tests::the_estimate_keeps_up_with_the_parser_on_tag_soup`
//! holds the estimate against the parser itself.

use crate::html::{Incremental, Tag, TagKind, Then, TreeBuilder};

/// What an open element does to the tags after it, in the parser's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `a`, `b`, `i`...: the parser's "formatting" elements.
    Formatting,
    /// `span`, `abbr`...: neither formatting nor special for the parser.
    Ordinary,
    /// `div`, `ul`, `section`...: their end tag closes what is open above
    /// them, unless a scope boundary stands in between.
    Block,
    /// `table`, `object`, `template`, `select`, SVG's `foreignObject`...:
    /// scope boundaries, across which no end tag closes anything.
    Boundary,
    /// `p`, closed by the start of a block.
    Paragraph,
    /// `li`, `dd`, `dt`: closed by the start of the next item.
    Item,
    /// `h1` to `h6`: any heading's end tag closes the nearest heading.
    Heading,
    /// Anything else: special for the parser, foreign, or unknown.
    Other,
}

fn kind(name: &str) -> Kind {
    match name {
        "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike"
        | "strong" | "tt" | "u" => Kind::Formatting,
        "abbr" | "audio" | "bdi" | "bdo" | "canvas" | "cite" | "data" | "del" | "dfn" | "ins"
        | "kbd" | "label" | "map" | "mark" | "meter" | "optgroup" | "output" | "picture"
        | "progress" | "q" | "rb" | "rp" | "rt" | "rtc" | "ruby" | "samp" | "slot" | "span"
        | "sub" | "sup" | "time" | "var" | "video" => Kind::Ordinary,
        "address" | "article" | "aside" | "blockquote" | "button" | "center" | "details"
        | "dialog" | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer"
        | "header" | "hgroup" | "listing" | "main" | "menu" | "nav" | "ol" | "pre" | "search"
        | "section" | "summary" | "ul" => Kind::Block,
        "applet" | "marquee" | "object" | "select" | "table" | "template" => Kind::Boundary,
        "p" => Kind::Paragraph,
        "li" | "dd" | "dt" => Kind::Item,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Kind::Heading,
        _ => Kind::Other,
    }
}

/// Elements the parser never keeps open.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements not counted in HTML: the parser closes an `<option>` at the
/// next one, the parts of a table with their table, and ignores the rest.
fn is_uncounted(name: &str) -> bool {
    matches!(
        name,
        "option"
            | "caption"
            | "colgroup"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "html"
            | "head"
            | "body"
            | "frameset"
    )
}

/// Elements whose content the parser reads as text (or, after
/// `<plaintext>`, everything): not counted, as no tag inside them opens
/// anything, and their own end tag closes them.
fn holds_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "textarea"
            | "title"
            | "plaintext"
    )
}

/// Start tags that close an open `<p>` (in button scope) before opening.
fn closes_p(name: &str) -> bool {
    matches!(
        kind(name),
        Kind::Block | Kind::Paragraph | Kind::Item | Kind::Heading
    ) && name != "button"
        || matches!(name, "form" | "plaintext" | "table" | "xmp")
}

/// HTML start tags that end `<svg>` or `<math>` content where they appear.
fn leaves_foreign(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "font"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// `<svg>` and `<math>` elements whose children are HTML again.
fn is_integration_point(name: &str) -> bool {
    matches!(
        name,
        "foreignobject" | "desc" | "title" | "mi" | "mo" | "mn" | "ms" | "mtext"
    )
}

/// Whether an element is HTML, or `<svg>` and `<math>`, for the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    Html,
    Foreign,
    /// Either, depending on attributes not read here: treated as both
    /// where each is the cautious side.
    Unsure,
}

/// An element the parser holds open.
#[derive(Clone, Debug)]
struct Open {
    name: String,
    kind: Kind,
    ns: Ns,
}

impl Open {
    /// What the children of this element are.
    fn children(&self) -> Ns {
        match self.ns {
            Ns::Foreign if is_integration_point(&self.name) => Ns::Html,
            Ns::Foreign if self.name == "annotation-xml" => Ns::Unsure,
            ns => ns,
        }
    }
}

/// The tree builder's estimate: the elements open, innermost last.
#[derive(Debug, Default)]
struct Estimate {
    open: Vec<Open>,
    /// Past this many elements open, reading stops.
    limit: usize,
}

impl TreeBuilder for Estimate {
    fn tag(&mut self, tag: &Tag) -> Then {
        let html = self.emit(&tag.name, tag.kind == TagKind::EndTag, tag.self_closing);
        if self.open.len() > self.limit {
            Then::Stop
        } else if html {
            Then::Html
        } else {
            Then::Markup
        }
    }

    fn in_foreign_content(&self) -> bool {
        self.open.last().is_some_and(|o| o.ns == Ns::Foreign)
    }
}

/// The estimate for one body, and the tokenizer its fragments are read
/// with, carried from one fragment to the next.
pub(super) struct HtmlNesting {
    reader: Incremental<Estimate>,
}

impl Default for HtmlNesting {
    fn default() -> Self {
        HtmlNesting {
            reader: Incremental::new(Estimate::default()),
        }
    }
}

impl HtmlNesting {
    /// Elements open after what was read so far.
    pub(super) fn depth(&self) -> usize {
        self.reader.builder().open.len()
    }

    /// Reads the fragment `html`, stopping early once more than `limit`
    /// elements are open (the caller reports that, and stops): nothing is
    /// read after that, in this fragment or the next ones.
    pub(super) fn read(&mut self, html: &str, limit: usize) {
        self.reader.builder_mut().limit = limit;
        self.reader.feed(html);
    }
}

impl Estimate {
    /// The topmost open element for which `is` holds, if nothing that `stops`
    /// stands above it.
    fn nearest(&self, is: impl Fn(&Open) -> bool, stops: impl Fn(&Open) -> bool) -> Option<usize> {
        for (i, open) in self.open.iter().enumerate().rev() {
            if is(open) {
                return Some(i);
            }
            if stops(open) {
                return None;
            }
        }
        None
    }

    /// Closes the nearest element for which `is` holds, unless something
    /// that `stops` stands above it. One element at most: the parser may
    /// close more, or find that one closed already; never less.
    fn close_nearest(&mut self, is: impl Fn(&Open) -> bool, stops: impl Fn(&Open) -> bool) {
        if let Some(i) = self.nearest(is, stops) {
            self.open.remove(i);
        }
    }

    /// Closes an open `<p>` that a block's start closes.
    fn close_p(&mut self) {
        self.close_nearest(
            |o| o.kind == Kind::Paragraph && o.ns == Ns::Html,
            |o| o.kind == Kind::Boundary || o.name == "button",
        );
    }

    /// A whole tag was read: whether it was the start tag of an HTML
    /// element (after which the tokenizer reads text, if it holds text).
    fn emit(&mut self, name: &str, end: bool, self_closing: bool) -> bool {
        let mut ns = self.open.last().map_or(Ns::Html, Open::children);
        if end {
            self.end_tag(name, ns);
            return false;
        }
        if ns != Ns::Html && leaves_foreign(name) {
            if name == "font" {
                // It leaves SVG only with some attributes: perhaps.
                ns = Ns::Unsure;
                for open in self.open.iter_mut().filter(|o| o.ns == Ns::Foreign) {
                    open.ns = Ns::Unsure;
                }
            } else {
                // The parser closes the `<svg>` or `<math>` elements here; counted
                // still, they no longer make what follows foreign.
                ns = Ns::Html;
                for open in &mut self.open {
                    open.ns = Ns::Html;
                }
            }
        }
        if (name == "svg" || name == "math") && ns == Ns::Html {
            ns = Ns::Foreign;
        }
        if ns != Ns::Html {
            // In `<svg>` and `<math>` every element counts, and `/>` closes it
            // (not where it may be HTML).
            if !(self_closing && ns == Ns::Foreign) {
                let kind = if ns == Ns::Foreign && is_integration_point(name) {
                    Kind::Boundary
                } else {
                    Kind::Other
                };
                self.open.push(Open {
                    name: name.to_string(),
                    kind,
                    ns,
                });
            }
            return false;
        }
        if is_void(name) || is_uncounted(name) {
            return true;
        }
        if closes_p(name) {
            self.close_p();
        }
        let kind = kind(name);
        if kind == Kind::Item {
            // A new item closes the open one of its kind, unless a special
            // element other than `<address>`, `<div>` or `<p>` is in between.
            let same = |o: &Open| match name {
                "li" => o.name == "li",
                _ => o.name == "dd" || o.name == "dt",
            };
            self.close_nearest(
                |o| o.ns == Ns::Html && same(o),
                |o| {
                    !matches!(o.kind, Kind::Formatting | Kind::Ordinary)
                        && !matches!(o.name.as_str(), "address" | "div" | "p")
                },
            );
        }
        if holds_text(name) {
            return true;
        }
        // `/>` does not close an HTML element: `<div/>` opens a `<div>`.
        self.open.push(Open {
            name: name.to_string(),
            kind,
            ns,
        });
        true
    }

    /// An end tag `</name>`, where elements now opened would be `ns`.
    fn end_tag(&mut self, name: &str, ns: Ns) {
        let top_is = |o: Option<&Open>| o.is_some_and(|o| o.name == name);
        if ns != Ns::Html {
            // In `<svg>` or `<math>`: the innermost element, when it is that one.
            if top_is(self.open.last()) {
                self.open.pop();
            }
            return;
        }
        let named = |o: &Open| o.name == name && o.ns == Ns::Html;
        let boundary = |o: &Open| o.kind == Kind::Boundary;
        match kind(name) {
            Kind::Formatting | Kind::Ordinary => self.close_nearest(named, |o| {
                !matches!(o.kind, Kind::Formatting | Kind::Ordinary)
            }),
            Kind::Paragraph => self.close_p(),
            Kind::Block | Kind::Boundary => self.close_nearest(named, boundary),
            Kind::Item => self.close_nearest(named, |o| {
                boundary(o) || (name == "li" && matches!(o.name.as_str(), "ol" | "ul"))
            }),
            Kind::Heading => {
                self.close_nearest(|o| o.kind == Kind::Heading && o.ns == Ns::Html, boundary);
            }
            Kind::Other => {
                if top_is(self.open.last()) {
                    self.open.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_space(b: u8) -> bool {
        matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    }

    fn depth(fragments: &[&str]) -> usize {
        let mut n = HtmlNesting::default();
        for f in fragments {
            n.read(f, usize::MAX);
        }
        n.depth()
    }

    #[test]
    fn balanced_markup_closes_everything() {
        assert_eq!(
            depth(&["<div class=\"a\"><span>x</span><b><i>y</i></b></div>"]),
            0
        );
        assert_eq!(
            depth(&["<ul>\n", "<li>a</li>\n", "<li>b</li>\n", "</ul>\n"]),
            0
        );
        assert_eq!(depth(&["<p>a<br>b<img src=x><hr/></p>"]), 0);
        assert_eq!(depth(&["<svg><path d=\"M0\"/><g><rect/></g></svg>"]), 0);
        assert_eq!(depth(&["<ul><li>a<li>b<li>c"]), 2);
        assert_eq!(depth(&["<p>a<p>b<p>c"]), 1);
    }

    #[test]
    fn stray_end_tags_close_nothing() {
        // This once let 100,000 `<span></i>` through, 74 s of parsing.
        assert_eq!(depth(&["<span></i>"; 10]), 10);
        assert_eq!(depth(&["<span><div></span></div>"; 10]), 10);
        // Each `<p>` closes the one before; the `<b>` stay open.
        assert_eq!(depth(&["<b class=x><p></b>"; 10]), 11);
    }

    #[test]
    fn tags_in_text_are_not_tags() {
        assert_eq!(depth(&["<span><!-- </span> -->"; 5]), 5);
        assert_eq!(depth(&["<span title=\"</span>\">"; 5]), 5);
        assert_eq!(depth(&["<span title='a>b'>", "</span>"]), 0);
        assert_eq!(depth(&["<span><textarea></span></textarea>"; 5]), 5);
        // In a script, `<!--<script>` makes the first `</script>` text.
        let script = "<span><script>a = '<!--<script></span>';</script>--></script>";
        assert_eq!(depth(&[script; 5]), 5);
        assert_eq!(
            depth(&["<span>", "<script>'<!--<script></script>", "</span>"]),
            1
        );
        assert_eq!(depth(&["<span><!--\n", "</span>\n", "-->\n"]), 1);
        assert_eq!(depth(&["<div\n", " class=\"a\n", "</div>\">\n"]), 1);
    }

    #[test]
    fn markup_runs_from_one_fragment_into_the_next() {
        // A tag cut between two fragments is one tag, read once whole.
        assert_eq!(depth(&["<di", "v>"]), 1);
        assert_eq!(
            depth(&["<div cla", "ss=\"a\"><span", ">", "</sp", "an>"]),
            1
        );
        // The text of a text area runs on, tags and its cut end tag included.
        assert_eq!(depth(&["<span><textarea>", "<div>", "</textarea>"]), 1);
        assert_eq!(depth(&["<span><textarea><di", "v></text", "area><div>"]), 2);
    }

    #[test]
    fn what_follows_a_tag_is_read_as_the_tree_builder_says() {
        // In SVG, `<style>` holds elements, not text: each `<g>` nests.
        assert_eq!(depth(&["<svg><style>", "<g><g><g>"]), 5);
        // In SVG a CDATA section hides tags; in HTML, `<![CDATA[` opens a
        // comment that the first `>` ends.
        assert_eq!(depth(&["<svg><![CDATA[<g><g>]]>"]), 1);
        assert_eq!(depth(&["<span><![CDATA[<b>]]><i>"]), 2);
    }

    #[test]
    fn self_closing_opens_html_elements_but_not_svg_ones() {
        // In HTML, `<div/>` opens a `<div>`: 20,000 of them took 4 s.
        assert_eq!(depth(&["<div/>"; 10]), 10);
        assert_eq!(depth(&["<svg>", "<path/>", "<circle/>", "</svg>"]), 0);
        // Left through `<p>`, SVG counts as HTML again.
        assert_eq!(depth(&["<svg><p></p>", "<g/>", "<g/>"]), 3);
    }

    #[test]
    fn elements_that_pile_up_are_counted() {
        // Each of these was quadratic for the parser, and not counted.
        assert_eq!(depth(&["x <optgroup>"; 10]), 10);
        assert_eq!(depth(&["x <rt>"; 10]), 10);
        assert_eq!(depth(&["x <li><dd>"; 10]), 20);
        assert_eq!(depth(&["<span><p></span></p>"; 10]), 10);
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let mut n = HtmlNesting::default();
        n.read(&"<div>".repeat(1000), 64);
        assert_eq!(n.depth(), 65);
    }

    /// The deepest nesting of the sanitiser's output, which is well formed
    /// (every element but void ones is closed; comments were dropped).
    fn output_depth(html: &str) -> usize {
        let bytes = html.as_bytes();
        let (mut depth, mut max, mut at) = (0usize, 0, 0);
        while let Some(i) = html[at..].find('<') {
            at += i + 1;
            if bytes.get(at) == Some(&b'/') {
                depth = depth.saturating_sub(1);
                continue;
            }
            let len = bytes[at..]
                .iter()
                .position(|&b| is_space(b) || b == b'>' || b == b'/')
                .unwrap_or(bytes.len() - at);
            let name = html[at..at + len].to_ascii_lowercase();
            if is_void(&name) {
                continue;
            }
            depth += 1;
            max = max.max(depth);
            if holds_text(&name) && !matches!(name.as_str(), "textarea" | "title" | "plaintext") {
                // Written out as it is: skip to its end tag.
                let end = format!("</{name}");
                match html[at..].to_ascii_lowercase().find(&end) {
                    Some(k) => at += k,
                    None => break,
                }
            }
        }
        max
    }

    #[test]
    fn the_estimate_keeps_up_with_the_parser_on_tag_soup() {
        // Soups of a short pattern of tags repeated (what a page written to
        // be slow does), with some noise: start, end, self-closing and
        // attribute forms of a few names, comments and CDATA. The parser's
        // depth (that of what it builds) stays within a small factor of the
        // estimate, so that the limit bounds the parser's work.
        const NAMES: &[&str] = &[
            "span",
            "b",
            "i",
            "a",
            "em",
            "div",
            "p",
            "li",
            "dd",
            "dt",
            "ul",
            "ol",
            "table",
            "tr",
            "td",
            "tbody",
            "form",
            "h2",
            "h3",
            "option",
            "optgroup",
            "select",
            "rt",
            "ruby",
            "button",
            "svg",
            "g",
            "path",
            "foreignObject",
            "math",
            "mi",
            "font",
            "textarea",
            "nobr",
            "object",
            "template",
            "section",
            "label",
            "caption",
            "desc",
            "annotation-xml",
            "noscript",
            "title",
            "code",
            "u",
            "marquee",
            "dl",
            "pre",
            "blockquote",
            "hr",
            "img",
            "xmp",
            "style",
            "script",
        ];
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(NAMES.iter().copied().collect())
            .clean_content_tags(std::collections::HashSet::new())
            .strip_comments(true);
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut below = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        let token = |below: &mut dyn FnMut(usize) -> usize, names: &[&str]| {
            let name = names[below(names.len())];
            match below(11) {
                0..=3 => format!("<{name}>"),
                4..=6 => format!("</{name}>"),
                7 => format!("<{name}/>"),
                8 => format!("<{name} class=c{}>", below(50)),
                9 => {
                    ["<!-- ", " -->", "<![CDATA[", "]]>", "<font color=red>"][below(5)].to_string()
                }
                _ => "x".to_string(),
            }
        };
        for round in 0..400 {
            let names: Vec<&str> = (0..=round % 3).map(|_| NAMES[below(NAMES.len())]).collect();
            let pattern: Vec<String> = (0..=round % 4).map(|_| token(&mut below, &names)).collect();
            let mut html = String::new();
            let mut estimate = HtmlNesting::default();
            let mut most = 0;
            for _ in 0..200 {
                let noise = (below(8) == 0).then(|| token(&mut below, &names));
                for t in pattern.iter().chain(noise.as_ref()) {
                    estimate.read(t, usize::MAX);
                    most = most.max(estimate.depth());
                    html.push_str(t);
                }
            }
            let parsed = output_depth(&builder.clean(&html).to_string());
            assert!(
                parsed <= 2 * most + 16,
                "the parser nests {parsed} deep, the estimate says {most}: {pattern:?}"
            );
        }
    }
}
