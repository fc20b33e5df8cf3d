//! How deep the sanitiser's HTML parser will nest the raw HTML of a page.
//!
//! Part of the Markdown stage, for pages whose HTML is sanitised. In: the raw
//! HTML fragments of one body, in order; a tag, a comment or the text of a
//! `<textarea>` may run from one fragment into the next. Out: how many
//! elements the parser (html5ever, inside the sanitiser) holds open after
//! each fragment, estimated in one pass and in time linear in the text.
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
//! - tags inside comments, attribute values and the text of `<script>`,
//!   `<style>`, `<textarea>`... are text, as they are for the parser;
//! - `<div/>` opens a `<div>`, as it does in HTML (only `<svg>` and `<math>`
//!   elements close themselves so).
//!
//! What it does not count — `<option>`, the rows and cells of a table, void
//! elements — the parser closes at the next one of their kind or with their
//! table. Sloppy markup (`<div><span>x</div>`) makes the estimate higher than
//! the parser's depth, never lower. `tests::the_estimate_keeps_up_with_the_parser_on_tag_soup`
//! holds the estimate against the parser itself.

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

/// Elements whose text is not markup, and how it ends.
fn raw_text(name: &str) -> Option<Raw> {
    match name {
        "script" => Some(Raw::Script(Script::Data)),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" | "textarea" | "title" => {
            Some(Raw::Text)
        }
        _ => None,
    }
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

/// Where in the script's text the tokenizer is: `<!--` changes where
/// `</script>` ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Data,
    Escaped,
    DoubleEscaped,
}

/// Text that is not markup, up to the end tag of `Open::name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Raw {
    Text,
    Script(Script),
}

/// Inside a tag, after its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attr {
    Between,
    Name,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    /// After a `/`: a `>` now closes an `<svg>` or `<math>` element at once.
    Slash,
}

/// A tag being read.
#[derive(Clone, Debug)]
struct Tag {
    name: String,
    end: bool,
    attr: Attr,
}

/// What the tokenizer is reading, carried from one fragment to the next.
#[derive(Clone, Debug, Default)]
enum State {
    #[default]
    Data,
    Tag(Tag),
    Comment,
    /// `<!...>`, `<?...>`, `</ ...>`: up to the next `>`.
    Bogus,
    /// `<![CDATA[` in `<svg>` or `<math>`: up to `]]>`.
    CData,
    Raw(String, Raw),
    /// After `<plaintext>`, everything is text.
    Plaintext,
}

/// The estimate for one body: the elements open, innermost last, and where
/// the tokenizer is.
#[derive(Debug, Default)]
pub(super) struct HtmlNesting {
    open: Vec<Open>,
    state: State,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Whether `text` at `at` is `</name` followed by the end of a tag name.
fn is_end_tag_of(text: &[u8], at: usize, name: &str) -> bool {
    let after = at + 2 + name.len();
    text.get(at..at + 2) == Some(b"</")
        && text
            .get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        && text
            .get(after)
            .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
}

impl HtmlNesting {
    /// Elements open after what was read so far.
    pub(super) fn depth(&self) -> usize {
        self.open.len()
    }

    /// Reads the fragment `html`, stopping early once more than `limit`
    /// elements are open (the caller reports that, and stops).
    pub(super) fn read(&mut self, html: &str, limit: usize) {
        let text = html.as_bytes();
        let mut at = 0;
        while at < text.len() && self.open.len() <= limit {
            at = match std::mem::take(&mut self.state) {
                State::Data => match html[at..].find('<') {
                    Some(i) => self.markup(text, at + i + 1),
                    None => text.len(),
                },
                State::Tag(tag) => self.tag(text, at, tag),
                State::Comment => self.comment(html, at),
                State::Bogus => self.until(html, at, ">", State::Bogus),
                State::CData => self.until(html, at, "]]>", State::CData),
                State::Raw(name, raw) => self.raw(text, at, name, raw),
                State::Plaintext => {
                    self.state = State::Plaintext;
                    text.len()
                }
            };
        }
    }

    /// Skips past `end`, or to the end of the fragment in `state`.
    fn until(&mut self, html: &str, at: usize, end: &str, state: State) -> usize {
        if let Some(i) = html[at..].find(end) {
            return at + i + end.len();
        }
        self.state = state;
        html.len()
    }

    /// After a `<` at `at - 1`: a tag, a comment, or text.
    fn markup(&mut self, text: &[u8], at: usize) -> usize {
        match &text[at..] {
            [b, ..] if b.is_ascii_alphabetic() => self.tag_name(text, at, false),
            [b'/', b, ..] if b.is_ascii_alphabetic() => self.tag_name(text, at + 1, true),
            [b'/', b'>', ..] => at + 2,
            [b'!', b'-', b'-', b'>', ..] => at + 4,
            [b'!', b'-', b'-', b'-', b'>', ..] => at + 5,
            [b'!', b'-', b'-', ..] => {
                self.state = State::Comment;
                at + 3
            }
            [b'!', b'[', b'C', b'D', b'A', b'T', b'A', b'[', ..]
                if self.open.last().is_some_and(|o| o.ns == Ns::Foreign) =>
            {
                self.state = State::CData;
                at + 8
            }
            [b'!' | b'?' | b'/', ..] => {
                self.state = State::Bogus;
                at + 1
            }
            _ => at,
        }
    }

    /// Reads a tag's name from `at`, then the rest of the tag.
    fn tag_name(&mut self, text: &[u8], at: usize, end: bool) -> usize {
        let len = text[at..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .unwrap_or(text.len() - at);
        let tag = Tag {
            name: String::from_utf8_lossy(&text[at..at + len]).to_ascii_lowercase(),
            end,
            attr: Attr::Between,
        };
        self.tag(text, at + len, tag)
    }

    /// Skips a comment from `at`, to `-->` or `--!>`.
    fn comment(&mut self, html: &str, mut at: usize) -> usize {
        while let Some(i) = html[at..].find("--") {
            at += i + 2;
            match &html.as_bytes()[at..] {
                [b'>', ..] => return at + 1,
                [b'!', b'>', ..] => return at + 2,
                _ => at -= 1,
            }
        }
        self.state = State::Comment;
        html.len()
    }

    /// Reads the attributes of `tag` from `at`, to its `>`.
    fn tag(&mut self, text: &[u8], mut at: usize, mut tag: Tag) -> usize {
        while let Some(&b) = text.get(at) {
            at += 1;
            tag.attr = match (tag.attr, b) {
                (Attr::Quoted(q), b) if b == q => Attr::Between,
                (Attr::Quoted(q), _) => Attr::Quoted(q),
                (Attr::BeforeValue, b'"' | b'\'') => Attr::Quoted(b),
                (_, b'>') => {
                    self.emit(&tag.name, tag.end, tag.attr == Attr::Slash);
                    return at;
                }
                (Attr::Unquoted, b) if is_space(b) => Attr::Between,
                (Attr::BeforeValue, b) if is_space(b) => Attr::BeforeValue,
                (Attr::Unquoted | Attr::BeforeValue, _) => Attr::Unquoted,
                (Attr::Name | Attr::AfterName, b'=') => Attr::BeforeValue,
                (_, b'/') => Attr::Slash,
                (Attr::Name, b) if is_space(b) => Attr::AfterName,
                (Attr::AfterName, b) if is_space(b) => Attr::AfterName,
                (Attr::Between | Attr::Slash, b) if is_space(b) => Attr::Between,
                _ => Attr::Name,
            };
        }
        self.state = State::Tag(tag);
        at
    }

    /// The text of a raw-text element from `at`, to its end tag.
    fn raw(&mut self, text: &[u8], mut at: usize, name: String, mut raw: Raw) -> usize {
        let delimits = |b: Option<&u8>| b.is_some_and(|&b| is_space(b) || b == b'/' || b == b'>');
        while let Some(i) = text[at..].iter().position(|&b| b == b'<' || b == b'-') {
            at += i;
            let rest = &text[at..];
            let ends = match raw {
                Raw::Text => is_end_tag_of(text, at, &name),
                Raw::Script(s) => s != Script::DoubleEscaped && is_end_tag_of(text, at, "script"),
            };
            if ends {
                // The end tag itself is read as a tag: it closes nothing
                // counted, as the element was not counted.
                let tag = Tag {
                    name,
                    end: true,
                    attr: Attr::Between,
                };
                return self.tag(text, at + 2 + tag.name.len(), tag);
            }
            at += 1;
            let Raw::Script(script) = raw else {
                continue;
            };
            raw = Raw::Script(match script {
                Script::Escaped | Script::DoubleEscaped if rest.starts_with(b"-->") => {
                    at += 2;
                    Script::Data
                }
                // The dashes stay to be read: `<!-->` ends as soon as it starts.
                Script::Data if rest.starts_with(b"<!--") => {
                    at += 1;
                    Script::Escaped
                }
                Script::Escaped
                    if rest.len() > 7
                        && rest[1..7].eq_ignore_ascii_case(b"script")
                        && delimits(rest.get(7)) =>
                {
                    at += 6;
                    Script::DoubleEscaped
                }
                Script::DoubleEscaped if is_end_tag_of(text, at - 1, "script") => {
                    at += 7;
                    Script::Escaped
                }
                s => s,
            });
        }
        self.state = State::Raw(name, raw);
        text.len()
    }

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

    /// A whole tag was read.
    fn emit(&mut self, name: &str, end: bool, self_closing: bool) {
        let mut ns = self.open.last().map_or(Ns::Html, Open::children);
        if end {
            self.end_tag(name, ns);
            return;
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
            return;
        }
        if is_void(name) || is_uncounted(name) {
            return;
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
        if let Some(raw) = raw_text(name) {
            // Not counted: its own end tag, which ends the text, closes it.
            self.state = State::Raw(name.to_string(), raw);
            return;
        }
        if name == "plaintext" {
            self.state = State::Plaintext;
            return;
        }
        // `/>` does not close an HTML element: `<div/>` opens a `<div>`.
        self.open.push(Open {
            name: name.to_string(),
            kind,
            ns,
        });
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
            if raw_text(&name).is_some() && name != "textarea" && name != "title" {
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
