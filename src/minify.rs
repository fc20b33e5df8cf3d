//! `--minify`: smaller HTML, CSS and JS, with the same meaning.
//!
//! CSS and JS go through the `minifier` crate's tokenizers (comments and
//! needless spaces removed). HTML is handled here, conservatively: runs of
//! whitespace in text collapse to one character (a newline when the run
//! held one, else a space), which a browser renders the same in normal flow;
//! comments go; `<pre>`, `<textarea>`, `<script>` and `<style>` keep their
//! content as written, and tags (attribute values included) are copied as
//! they are. Removing the whitespace between two elements altogether could
//! join two inline words, so it is never done.

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

/// Elements whose text is kept byte for byte.
const RAW: [&str; 4] = ["pre", "textarea", "script", "style"];

/// The name of the tag that starts at `rest` (after `<` or `</`), lowercased.
fn tag_name(rest: &str) -> String {
    rest.chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Collapses whitespace in text and removes comments; see the module docs.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            collapse(rest, &mut out);
            break;
        };
        collapse(&rest[..lt], &mut out);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            // A comment that is never closed runs to the end, as in a browser.
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        // A tag runs to the first `>` outside quotes.
        let end = tag_end(rest);
        let tag = &rest[..end];
        out.push_str(tag);
        rest = &rest[end..];
        let name = tag_name(&tag[1..]);
        if RAW.contains(&name.as_str()) && !tag.ends_with("/>") {
            // Copy up to the matching end tag (or the end of the text).
            let close = format!("</{name}");
            let stop = find_ignore_case(rest, &close).unwrap_or(rest.len());
            out.push_str(&rest[..stop]);
            rest = &rest[stop..];
        }
    }
    out
}

/// The byte length of the tag at the start of `text` (which starts with `<`).
fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
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
