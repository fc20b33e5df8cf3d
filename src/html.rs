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

/// Escapes `text` for the content or a quoted attribute value (either
/// quote) of an HTML or XML document.
pub fn escape(text: &str) -> String {
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
