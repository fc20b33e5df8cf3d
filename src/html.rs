//! Writing and reading the text of HTML and XML outputs: the one escaper
//! of text and attribute values, and the one decoder of the attribute
//! values the readers of rendered HTML meet.
//!
//! Every stage that writes markup around text it did not write itself (a
//! feed's titles, the sitemap's addresses, a rewritten `src`, a `srcset`,
//! the error page of `serve`) escapes it here, so that a title written by a
//! club leader as `<script>` or `"onmouseover=` is text in every output, and
//! one rule covers them all: the five characters with a meaning in markup
//! become references, and C0 control characters other than tab and line
//! breaks, which neither XML 1.0 nor HTML allows, are dropped.
//!
//! Reading HTML goes through [`for_each_token`]: html5ever's tokenizer, the one
//! ammonia parses untrusted pages with, so that every reader (the search
//! text, the sanitiser's report) splits tags, attributes, comments and raw
//! text where a browser does, and decodes every character reference. It is
//! already in the build through ammonia (no new crate, no added build
//! time) and is maintained with Servo. A streaming rewriter such as
//! `lol_html` was not taken: it would add a second HTML reader to the build.

/// Escapes `text` for the content or a quoted attribute value (either
/// quote) of an HTML or XML document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
    out
}

/// Decodes the character references an attribute value may hold in our
/// outputs (pulldown-cmark's, the sanitiser's, Tera's, [`escape`]'s).
pub(crate) fn unescape_attribute(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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

    #[test]
    fn decoding_undoes_escaping() {
        for text in ["a&b", "\"q\" 'a' <t>", "&amp;", "&lt;script&gt;", "plain"] {
            assert_eq!(unescape_attribute(&escape(text)), text);
        }
    }
}

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
pub(crate) use html5ever::tokenizer::{Tag, TagKind, Token};
use std::cell::RefCell;

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

/// Tokens as the tokenizer emits them, held for a reader that feeds the
/// tokenizer piece by piece (the sanitiser, to know each tag's offset).
#[derive(Default)]
pub(crate) struct Collect {
    /// The tokens so far.
    pub(crate) tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let next = switch(&token, false);
        if !matches!(token, Token::ParseError(_)) {
            self.tokens.borrow_mut().push(token);
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
