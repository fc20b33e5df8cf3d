//! Writing and reading the text of HTML and XML outputs: the one escaper
//! of text and attribute values, and the one reader of HTML, which splits
//! it and decodes its text and attribute values as a browser does.
//!
//! Every stage that writes markup around text it did not write itself (a
//! feed's titles, the sitemap's addresses, a rewritten `src`, a `srcset`,
//! the error page of `serve`) escapes it here, so that a title written by a
//! club leader as `<script>` or `"onmouseover=` is text in every output, and
//! one rule covers them all: the five characters with a meaning in markup
//! become references, and C0 control characters other than tab and line
//! breaks, which neither XML 1.0 nor HTML allows, are dropped.
//!
//! Reading HTML goes through html5ever's tokenizer, the one ammonia parses
//! untrusted pages with, so that every reader splits tags, attributes,
//! comments and raw text where a browser does, and decodes every character
//! reference: [`for_each_token`] for the readers of text (the search text,
//! the links `check` follows), [`located`] for those that also need where
//! each tag was written (the sanitiser's report, and the rewriters that
//! copy what they do not change byte for byte: images, relocated
//! addresses, minification, the live-reload script of `serve`), and
//! [`Incremental`] for HTML that comes in pieces, read with a stand-in for
//! the parser's tree builder (the estimate of how deep the sanitiser will
//! nest a page's raw HTML). No other module scans HTML by hand. The
//! tokenizer is already in the build through ammonia (no new crate, no
//! added build time) and is maintained with
//! Servo. A streaming rewriter such as `lol_html` was not taken: it would
//! add a second HTML reader to the build.

/// Escapes `text` for the content or a quoted attribute value (either
/// quote) of an HTML or XML document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: for writers that build a page piece by
/// piece.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

use html5ever::LocalName;
use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
pub(crate) use html5ever::tokenizer::{Tag, TagKind, Token};
use std::cell::{Cell, RefCell};
use std::ops::Range;

/// Hands each token to a function as the tokenizer emits it, switching to
/// raw text after the elements whose content the HTML parser reads as text.
pub(crate) struct Each<F: FnMut(Token)> {
    /// What each token is given to.
    each: RefCell<F>,
    /// Read `<noscript>`'s content as markup, as a browser without
    /// JavaScript does (with it, the content is text).
    without_scripting: bool,
}

impl<F: FnMut(Token)> TokenSink for Each<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let next = switch(&token, self.without_scripting);
        if !matches!(token, Token::ParseError(_)) {
            (self.each.borrow_mut())(token);
        }
        next
    }
}

/// The state the tokenizer goes on in after `token`: raw text after the
/// elements whose content the HTML parser reads as text.
fn switch(token: &Token, without_scripting: bool) -> TokenSinkResult<()> {
    match token {
        Token::TagToken(Tag {
            kind: TagKind::StartTag,
            name,
            ..
        }) => match &**name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "noscript" if without_scripting => TokenSinkResult::Continue,
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        },
        _ => TokenSinkResult::Continue,
    }
}

/// The tokens of `html` as a browser without JavaScript reads them: like
/// [`for_each_token`]'s, but `<noscript>`'s content is markup (its links are
/// followed by such readers, and must lead somewhere).
pub(crate) fn tokens_without_scripting(html: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(html, true, |t| out.push(t));
    out
}

/// Gives `each` the tokens of `html` one by one as a browser's tokenizer
/// reads them (html5ever's, the one ammonia parses with), without holding
/// them: tags with their attributes decoded, text with its character
/// references decoded, comments; parse errors dropped. With
/// `without_scripting`, `<noscript>`'s content is markup, as in a browser
/// without JavaScript.
pub(crate) fn for_each_token(html: &str, without_scripting: bool, each: impl FnMut(Token)) {
    let sink = Each {
        each: RefCell::new(each),
        without_scripting,
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(html.into());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
}

/// Stands for the HTML parser's tree builder beside an [`Incremental`]
/// tokenizer: it is given each tag, and tells the tokenizer what only the
/// tree builder knows (whether the text after a start tag is markup, and
/// whether `<![CDATA[` opens a CDATA section).
pub(crate) trait TreeBuilder {
    /// A start or end tag was read: what the tokenizer reads after it.
    fn tag(&mut self, tag: &Tag) -> Then;
    /// Whether the current element is in `<svg>` or `<math>`, where
    /// `<![CDATA[` opens a CDATA section (elsewhere, a comment).
    fn in_foreign_content(&self) -> bool;
}

/// What the tokenizer reads after a tag, as a [`TreeBuilder`] tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Then {
    /// Markup: the tag was an end tag, or opened an element of `<svg>` or
    /// `<math>` (whose `<style>` or `<title>` holds markup).
    Markup,
    /// What follows the tag in HTML: text after the start tags of
    /// `<script>`, `<style>`, `<textarea>`, `<plaintext>`... (`<noscript>`
    /// included, as with scripting), markup otherwise.
    Html,
    /// Nothing: the reading stops for good, the rest of the input unread.
    Stop,
}

/// Hands each tag to a [`TreeBuilder`], and its answer to the tokenizer.
struct Builds<B: TreeBuilder> {
    builder: RefCell<B>,
}

impl<B: TreeBuilder> TokenSink for Builds<B> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = &token else {
            return TokenSinkResult::Continue;
        };
        let then = self.builder.borrow_mut().tag(tag);
        match then {
            Then::Markup => TokenSinkResult::Continue,
            Then::Html => switch(&token, false),
            // The one result that makes the tokenizer return at once,
            // leaving the rest of its input unread.
            Then::Stop => TokenSinkResult::Script(()),
        }
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder.borrow().in_foreign_content()
    }
}

/// A tokenizer read in pieces: each piece of HTML fed is read after the
/// ones before, so that a tag, a comment or the text of a `<textarea>` may
/// run from one piece into the next (as raw HTML does from one Markdown
/// event into the next), and the tags are handed to a [`TreeBuilder`] as
/// they are read. A tag left unfinished by the last piece is never handed
/// over, as the parser drops it at the end of its input.
pub(crate) struct Incremental<B: TreeBuilder> {
    tokenizer: Tokenizer<Builds<B>>,
    queue: BufferQueue,
    /// The builder said [`Then::Stop`]: nothing more is read.
    stopped: bool,
}

impl<B: TreeBuilder> Incremental<B> {
    /// A tokenizer at the start of a document, handing its tags to `builder`.
    pub(crate) fn new(builder: B) -> Self {
        let sink = Builds {
            builder: RefCell::new(builder),
        };
        Incremental {
            tokenizer: Tokenizer::new(sink, TokenizerOpts::default()),
            queue: BufferQueue::default(),
            stopped: false,
        }
    }

    /// Reads `piece` after the pieces fed before; once the builder said
    /// [`Then::Stop`], reads nothing.
    pub(crate) fn feed(&mut self, piece: &str) {
        if self.stopped || piece.is_empty() {
            return;
        }
        self.queue.push_back(piece.into());
        if let TokenizerResult::Script(()) = self.tokenizer.feed(&self.queue) {
            self.stopped = true;
            // What was left unread is never read.
            self.queue = BufferQueue::default();
        }
    }

    /// The builder, as the tags read so far left it.
    pub(crate) fn builder(&self) -> std::cell::Ref<'_, B> {
        self.tokenizer.sink.builder.borrow()
    }

    /// The builder, to change it between two pieces.
    pub(crate) fn builder_mut(&mut self) -> &mut B {
        self.tokenizer.sink.builder.get_mut()
    }
}

/// Hands each token to a function with the bytes of the source it was read
/// from; see [`located`].
struct Located<F: FnMut(Range<usize>, Token)> {
    /// What each token is given to.
    each: RefCell<F>,
    /// Read `<noscript>`'s content as markup.
    without_scripting: bool,
    /// Where the markup token being read started: the `<` that opened it.
    start: Cell<usize>,
    /// Where the piece of source being fed ends: a markup token is emitted
    /// while the piece ending with its closing `>` is fed.
    end: Cell<usize>,
    /// Where the last markup token ended: text read after it is given an
    /// empty range there.
    last: Cell<usize>,
    /// Whether the piece being fed ended a markup token.
    placed: Cell<bool>,
    /// The element whose end tag ends the raw text being read, if any.
    raw: RefCell<Option<LocalName>>,
    /// Whether text was emitted since it was last cleared.
    text: Cell<bool>,
}

impl<F: FnMut(Range<usize>, Token)> TokenSink for Located<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let next = switch(&token, self.without_scripting);
        let range = match &token {
            Token::ParseError(_) => return next,
            Token::TagToken(tag) => {
                *self.raw.borrow_mut() = match (tag.kind, &next) {
                    (
                        TagKind::StartTag,
                        TokenSinkResult::RawData(_) | TokenSinkResult::Plaintext,
                    ) => Some(tag.name.clone()),
                    // In raw text, the only tag the tokenizer emits is the
                    // end tag that ends it.
                    _ => None,
                };
                self.placed.set(true);
                self.last.set(self.end.get());
                self.start.get()..self.end.get()
            }
            Token::CommentToken(_) | Token::DoctypeToken(_) => {
                self.placed.set(true);
                self.last.set(self.end.get());
                self.start.get()..self.end.get()
            }
            _ => {
                self.text.set(true);
                self.last.get()..self.last.get()
            }
        };
        (self.each.borrow_mut())(range, token);
        next
    }
}

/// Whether the `<` that `text` starts with opens a markup token in normal
/// content: `<` and a letter opens a tag, `<!` a comment or a doctype, `<?`
/// and `</` (but `</>`, which is dropped) a comment or an end tag.
fn opens_markup(piece: &[u8]) -> bool {
    match piece {
        [b'<', b'/', b'>', ..] => false,
        [b'<', c, ..] => c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'),
        _ => false,
    }
}

/// Whether `piece` opens the end tag of the raw text element `name`: the
/// only markup there.
fn opens_end_tag(piece: &[u8], name: &str) -> bool {
    piece.len() > name.len() + 2
        && piece.starts_with(b"</")
        && piece[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(
            piece[2 + name.len()],
            b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'
        )
}

/// Gives `each` the tokens of `html` as [`for_each_token`] does, each with
/// the range of `html` it was read from: for a tag, a comment or a
/// doctype, the exact bytes from its `<` to its `>` (to the end, for a
/// comment the input ends in). Text tokens (their character references
/// decoded) come with an empty range at the end of the markup before them;
/// the text as written is the source between two markup tokens' ranges.
///
/// The tokenizer is fed the source in pieces cut after each `>` (and, in
/// raw text, before each `<`): a markup token is emitted while the piece
/// holding its closing `>` is fed, so its range ends where that piece does,
/// and it starts at the `<` that opened it, carried over the pieces that
/// follow while it is unfinished (a `>` in a quoted attribute value or in a
/// comment). Which `<` opens markup is decided as the tokenizer decides it,
/// in normal content and in raw text (where only the end tag of its
/// element does).
pub(crate) fn located(html: &str, without_scripting: bool, each: impl FnMut(Range<usize>, Token)) {
    let sink = Located {
        each: RefCell::new(each),
        without_scripting,
        start: Cell::new(0),
        end: Cell::new(0),
        last: Cell::new(0),
        placed: Cell::new(false),
        raw: RefCell::new(None),
        text: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    // One copy of the source, which the pieces share (no copy for each).
    let whole = StrTendril::from_slice(html);
    let bytes = html.as_bytes();
    // The start of the unfinished markup token the tokenizer is reading.
    let mut pending: Option<usize> = None;
    let mut from = 0;
    while from < bytes.len() {
        let sink = &tokenizer.sink;
        let raw = sink.raw.borrow().clone();
        // A piece runs to the next `>` included; in raw text (scripts,
        // styles), where a `<` can open markup or not depending on what
        // the tokenizer read before it, also to the next `<` excluded.
        let to = match bytes[from + 1..]
            .iter()
            .position(|&b| b == b'>' || raw.is_some() && b == b'<')
        {
            Some(i) if bytes[from + 1 + i] == b'>' => from + i + 2,
            Some(i) => from + 1 + i,
            None => bytes.len(),
        };
        let to = if bytes[from] == b'>' { from + 1 } else { to };
        let piece = &bytes[from..to];
        let (opens, fed) = match &raw {
            // In raw text, only `</` and the element's name open markup (its
            // end tag), unless the tokenizer reads them as text (`</script`
            // after `<!--<script>` in a script). The piece is then fed in
            // two: the tokenizer holds `</script` until it reads what
            // follows, and emits text then only if it read it as text.
            Some(name) => {
                let opens = opens_end_tag(piece, name);
                (
                    opens.then_some(from),
                    opens.then_some(from + 2 + name.len()),
                )
            }
            // In normal content, the first `<` that opens markup: it runs to
            // the piece's `>` (which ends it) or past it.
            None => (
                piece
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'<')
                    .find(|(i, _)| opens_markup(&piece[*i..]))
                    .map(|(i, _)| from + i),
                None,
            ),
        };
        sink.start.set(pending.or(opens).unwrap_or(from));
        sink.end.set(to);
        sink.placed.set(false);
        let mut at = from;
        if let Some(cut) = fed.filter(|_| pending.is_none()) {
            queue.push_back(whole.subtendril(offset(at), offset(cut - at)));
            let _ = tokenizer.feed(&queue);
            at = cut;
        }
        sink.text.set(false);
        queue.push_back(whole.subtendril(offset(at), offset(to - at)));
        let _ = tokenizer.feed(&queue);
        if sink.placed.get() {
            pending = None;
        } else if pending.is_none() && !(fed.is_some() && sink.text.get()) {
            pending = opens;
        }
        from = to;
    }
    let sink = &tokenizer.sink;
    sink.start.set(pending.unwrap_or(bytes.len()));
    sink.end.set(bytes.len());
    tokenizer.end();
}

/// A byte offset in a source as the tokenizer's buffers count them.
fn offset(at: usize) -> u32 {
    u32::try_from(at).expect("an HTML output under 4 GiB")
}

/// Writes a start tag from its name and decoded attributes, in their order,
/// each value escaped and in double quotes, and ` />` when `self_closing`
/// (which matters in SVG): how the rewriters write again the tags they
/// change.
pub(crate) fn push_start_tag<'a>(
    out: &mut String,
    name: &str,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
    self_closing: bool,
) {
    out.push('<');
    out.push_str(name);
    for (attribute, value) in attributes {
        out.push(' ');
        out.push_str(attribute);
        out.push_str("=\"");
        out.push_str(&escape(value));
        out.push('"');
    }
    out.push_str(if self_closing { " />" } else { ">" });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("Tom & « Jerry » <b> \"x\" 'y'\u{1}\tz"),
            "Tom &amp; « Jerry » &lt;b&gt; &quot;x&quot; &apos;y&apos;\tz"
        );
    }

    /// The markup tokens of `html` with the source of each.
    fn markup(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        located(html, false, |range, _| {
            if !range.is_empty() {
                out.push(html[range].to_string());
            }
        });
        out
    }

    /// Tokens with adjacent text joined, which the tokenizer splits where
    /// its input was cut.
    fn joined(tokens: Vec<Token>) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        for token in tokens {
            match (out.last_mut(), token) {
                (Some(Token::CharacterTokens(text)), Token::CharacterTokens(more)) => {
                    text.push_tendril(&more);
                }
                (_, token) => out.push(token),
            }
        }
        out
    }

    #[test]
    fn each_tag_is_located_from_its_less_than_sign_to_its_greater_than_sign() {
        // Catches ranges that end at the first `>` or start at the last `<`
        // (a quoted value holding them), or that start at the piece fed
        // rather than at the carried start.
        let html = "a<p title=\"1<2>3\" class=x>b</P ><IMG src=a.jpg alt='x>y'><!-- <c> --><!doctype html>";
        assert_eq!(
            markup(html),
            [
                "<p title=\"1<2>3\" class=x>",
                "</P >",
                "<IMG src=a.jpg alt='x>y'>",
                "<!-- <c> -->",
                "<!doctype html>"
            ]
        );
    }

    #[test]
    fn raw_text_holds_no_markup_but_its_end_tag() {
        // Catches a `<b` or `<!--<script>` in a script taken for the start of
        // the end tag that follows (its range would start there), and
        // markup looked for in a script's or a text area's text.
        let html = "<script>if (a<b) x = '<!--<script>'; </script >y</script><textarea><img src=x></textarea><noscript><img alt=z></noscript>";
        assert_eq!(
            markup(html),
            [
                "<script>",
                "</script>",
                "<textarea>",
                "</textarea>",
                "<noscript>",
                "</noscript>"
            ]
        );
        // Without scripting, `<noscript>` holds markup. Catches the flag ignored.
        let mut images = 0;
        located(html, true, |_, t| {
            images += usize::from(matches!(t, Token::TagToken(tag) if &*tag.name == "img"));
        });
        assert_eq!(images, 1);
    }

    #[test]
    fn a_comment_left_open_runs_to_the_end_and_a_dropped_end_tag_is_text() {
        // Catches `</>` (no token) taken for the start of the next tag, and
        // an unfinished comment not given the rest of the input.
        assert_eq!(markup("a</>b<i>c<!-- d <e>"), ["<i>", "<!-- d <e>"]);
    }

    #[test]
    fn located_tokens_are_the_tokenizers_and_each_range_reads_as_its_token() {
        // Random HTML of pieces where a tokenizer decides something. Catches
        // any piece of the source given to the wrong token, tokens lost or
        // added by feeding the source in pieces, and ranges that overlap,
        // go back or cut a character.
        let pieces = [
            "<",
            ">",
            "=",
            "\"",
            "'",
            " ",
            "\n",
            "a",
            "img",
            "p",
            "src",
            "é",
            "/",
            "!",
            "?",
            "!--",
            "--",
            "-->",
            "script",
            "</script",
            "textarea",
            "</textarea",
            "&amp",
            "&",
            ";",
            "<!--<script>",
            "<script>",
            "</script>",
            "noscript",
            "doctype",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..20_000 {
            let mut html = String::new();
            for _ in 0..14 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                html.push_str(pieces[usize::try_from(state % 30).unwrap()]);
            }
            let mut all = Vec::new();
            let mut last = 0;
            located(&html, false, |range, token| {
                assert!(range.start >= last && range.end <= html.len(), "{html:?}");
                if !range.is_empty() {
                    last = range.end;
                    let source = &html[range.clone()];
                    assert!(source.starts_with('<'), "{html:?} {source:?}");
                    assert!(source.ends_with('>') || range.end == html.len(), "{html:?}");
                    let mut alone = Vec::new();
                    for_each_token(source, false, |t| {
                        if !matches!(t, Token::CharacterTokens(_) | Token::EOFToken) {
                            alone.push(t);
                        }
                    });
                    assert_eq!(alone.len(), 1, "{html:?} {source:?}");
                    assert_eq!(alone[0], token, "{html:?} {source:?}");
                }
                all.push(token);
            });
            let mut whole = Vec::new();
            for_each_token(&html, false, |t| whole.push(t));
            assert_eq!(joined(all), joined(whole), "{html:?}");
        }
    }
}
