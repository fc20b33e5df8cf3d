//! `--minify`: smaller HTML, CSS and JS, with the same meaning.
//!
//! CSS and JS go through the `minifier` crate's tokenizers (comments and
//! needless spaces removed). HTML is handled here, conservatively, on the
//! tokens a browser reads ([`crate::html::located`]): runs of whitespace in
//! text collapse to one character (a newline when the run held one, else a
//! space), which a browser renders the same in normal flow; comments go;
//! `<pre>` keeps its content as written, and so do the elements whose
//! content is text to the tokenizer and shown or run as written
//! (`<textarea>`, `<script>`, `<style>`, `<xmp>`, `<plaintext>`); tags,
//! doctypes and what the tokenizer reads as another kind of comment (`<?`,
//! `<!x`) are copied as they are. Removing the whitespace between two
//! elements altogether could join two inline words, so it is never done.

use crate::html::{TagKind, Token};

/// The minified bytes of an output file, chosen by its extension; `None`
/// when the file is not HTML, CSS or JS, or is not UTF-8, or the minifier
/// cannot read it (then it is published as it is).
pub(crate) fn output(path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    let text = std::str::from_utf8(bytes).ok()?;
    let minified = match ext {
        "html" => html(text),
        "css" => css(text)?,
        "js" => js(text)?,
        _ => return None,
    };
    Some(minified.into_bytes())
}

/// Minified CSS, or `None` when the tokenizer does not accept the text.
pub(crate) fn css(text: &str) -> Option<String> {
    minifier::css::minify(text)
        .ok()
        .map(|m| m.to_string().trim().to_string())
}

/// Minified JS, or `None` when the tokenizer does not accept the text.
pub(crate) fn js(text: &str) -> Option<String> {
    minifier::js::minify(text).ok().map(|m| m.to_string())
}

/// Elements whose text the tokenizer reads as text (no markup in it) and
/// that is kept byte for byte.
const RAW: [&str; 5] = ["textarea", "script", "style", "xmp", "plaintext"];

/// Collapses whitespace in text and removes comments; see the module docs.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Bytes of `text` before this index are in `out` already.
    let mut copied = 0;
    // Depth in `<pre>`, and whether raw text of [`RAW`] is being read.
    let mut pre = 0usize;
    let mut raw = false;
    // `<noscript>` read as markup: its tags are copied as written, not
    // collapsed as text.
    crate::html::located(text, true, |range, token| {
        if range.is_empty() {
            return;
        }
        let between = &text[copied..range.start];
        if pre > 0 || raw {
            out.push_str(between);
        } else {
            collapse(between, &mut out);
        }
        let source = &text[range.clone()];
        match token {
            Token::CommentToken(_) if source.starts_with("<!--") => {}
            Token::TagToken(tag) => {
                match (tag.kind, &*tag.name) {
                    (TagKind::StartTag, "pre") => pre += 1,
                    (TagKind::EndTag, "pre") => pre = pre.saturating_sub(1),
                    (TagKind::StartTag, name) => raw = RAW.contains(&name),
                    // In raw text, the only tag is the end tag that ends it.
                    (TagKind::EndTag, _) => raw = false,
                }
                out.push_str(source);
            }
            _ => out.push_str(source),
        }
        copied = range.end;
    });
    let rest = &text[copied..];
    if pre > 0 || raw {
        out.push_str(rest);
    } else {
        collapse(rest, &mut out);
    }
    out
}

/// Appends `text` with each run of ASCII whitespace made one character.
/// A run that follows whitespace already in `out` (a comment was removed
/// between them) joins it.
fn collapse(text: &str, out: &mut String) {
    let mut run: Option<char> = match out.chars().last() {
        Some(c @ (' ' | '\n')) => {
            out.pop();
            Some(c)
        }
        _ => None,
    };
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            run = Some(if c == '\n' || run == Some('\n') {
                '\n'
            } else {
                ' '
            });
        } else {
            if let Some(space) = run.take() {
                out.push(space);
            }
            out.push(c);
        }
    }
    if let Some(space) = run {
        out.push(space);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_collapses_text_whitespace_and_keeps_raw_elements() {
        let page = "<!doctype html>\n<html lang=\"fr\">\n  <!-- navigation -->\n  <body>\n    <p>Un   <a href=\"/x/\" title=\"a  >  b\">lien</a> et\t<em>du</em> texte</p>\n<pre>  code\n    indenté</pre>\n<SCRIPT>if (a  <  b) {  }</script>\n<textarea>\n  x  </textarea><style>a  {  }</style>\n  </body>\n</html>\n";
        assert_eq!(
            html(page),
            "<!doctype html>\n<html lang=\"fr\">\n<body>\n<p>Un <a href=\"/x/\" title=\"a  >  b\">lien</a> et <em>du</em> texte</p>\n<pre>  code\n    indenté</pre>\n<SCRIPT>if (a  <  b) {  }</script>\n<textarea>\n  x  </textarea><style>a  {  }</style>\n</body>\n</html>\n"
        );
    }

    #[test]
    fn html_survives_broken_markup() {
        for text in [
            "<",
            "<!--",
            "<p",
            "<pre>never closed  x",
            "a <b \"c",
            "</",
            "<>",
        ] {
            let _ = html(text);
        }
        assert_eq!(html("<pre>  a  "), "<pre>  a  ");
        assert_eq!(html("x <!-- y"), "x ");
    }

    #[test]
    fn html_is_read_as_a_browser_reads_it() {
        // Each fails on the old scanner. It ended `<pre>` at a `</pre` in a
        // quoted value, collapsing the preformatted text after it; ran the
        // empty comment `<!-->` to the next `-->`, dropping the text
        // between; took `<textarea/>` (a start tag to a browser) for an
        // empty element and collapsed its text; and read a `<` that opens
        // no tag as a tag up to the next `>`, keeping its text's spaces.
        for (page, minified) in [
            (
                "<pre><span title=\"</pre>\">  a  </span>\n\n  b  </pre>  c  ",
                "<pre><span title=\"</pre>\">  a  </span>\n\n  b  </pre> c ",
            ),
            ("x<!-->  y  <!-- z -->  w", "x y w"),
            (
                "<textarea/>  a\n  b</textarea>",
                "<textarea/>  a\n  b</textarea>",
            ),
            ("<p>1 <  2   et   3 > 2</p>", "<p>1 < 2 et 3 > 2</p>"),
        ] {
            assert_eq!(html(page), minified, "{page}");
        }
    }

    #[test]
    fn html_keeps_what_is_shown_or_run_as_written() {
        // Catches the text of `<xmp>` (shown preformatted) collapsed, a
        // script's text collapsed after a `</script>` it holds as text
        // (after `<!--<script>`), and a `<pre>` nested in another ending
        // the outer one's preformatted text.
        for page in [
            "<xmp>  a   <b>  </xmp>",
            "<script>s = '<!--<script>  </script>  ';  x = '-->'</script>",
            "<pre>  <pre>  a  </pre>  b  </pre>",
        ] {
            assert_eq!(html(page), page);
        }
        // Other kinds of comment are copied: `<?xml ?>`, and `<![CDATA[`,
        // which is text in SVG. Catches every comment token dropped.
        let page = "<?xml version=\"1.0\"?><svg><![CDATA[a  b]]></svg>";
        assert_eq!(html(page), page);
    }

    #[test]
    fn css_and_js_get_smaller_and_keep_strings() {
        let css = css("/* theme */\na  {\n  color : red;\n  content: \"  x  \";\n}\n").unwrap();
        assert_eq!(css, "a{color:red;content:\"  x  \";}");
        let js =
            js("// search\nconst a = 'x  y';\nfunction f ( b ) {\n  return b  +  1;\n}\n").unwrap();
        assert!(js.len() < 50, "{js}");
        assert!(js.contains("'x  y'"), "{js}");
    }

    #[test]
    fn other_files_are_left_alone() {
        assert_eq!(output("a.svg", b"<svg>  </svg>"), None);
        assert_eq!(output("a.html", b"\xff"), None);
        assert_eq!(output("a.html", b"<p>a   b</p>").unwrap(), b"<p>a b</p>");
    }
}
