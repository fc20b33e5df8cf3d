//! Sanitising the HTML of untrusted pages (a collection with `trusted: false`).
//!
//! In: the HTML of a rendered page body. Out: the same HTML with everything
//! outside an allow-list removed (ammonia): no script, style, iframe,
//! object, embed or form; no event-handler attribute; links and sources only
//! to `http`, `https`, `mailto` or relative URLs (no `javascript:`, no
//! `data:`). What Markdown and the allowed shortcodes produce is kept.

use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};

fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = Builder::default();
        b.add_tags(["figure", "figcaption", "input", "del", "section"])
            .add_generic_attributes([
                "id",
                "class",
                "lang",
                "role",
                "aria-hidden",
                "aria-label",
                "tabindex",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
            .add_tag_attributes("img", ["loading"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(UrlRelative::PassThrough)
            // Links stay as written: no `rel` is added, so trusted and untrusted pages look alike.
            .link_rel(None)
            .strip_comments(true);
        b
    })
}

/// What makes raw HTML unwelcome in an untrusted page, named for the
/// author: a script, an embedded frame or object, a form, a style sheet, an
/// event handler, or a `javascript:` / `data:` address. `None` when it is
/// harmless markup.
pub fn forbidden(html: &str) -> Option<&'static str> {
    let lower = html.to_ascii_lowercase();
    let tags = [
        ("<script", "a <script> element"),
        ("<iframe", "an <iframe> element"),
        ("<object", "an <object> element"),
        ("<embed", "an <embed> element"),
        ("<form", "a <form> element"),
        ("<style", "a <style> element"),
        ("<link", "a <link> element"),
        ("<meta", "a <meta> element"),
        ("<base", "a <base> element"),
        ("javascript:", "a javascript: address"),
        ("data:", "a data: address"),
    ];
    if let Some((_, what)) = tags.iter().find(|(needle, _)| lower.contains(needle)) {
        return Some(what);
    }
    // An event handler: ` onclick=`, `/onerror=`...
    let bytes = lower.as_bytes();
    let handler = lower.match_indices("on").any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let name_end = lower[i + 2..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(lower.len(), |n| i + 2 + n);
        matches!(before, Some(b' ' | b'/' | b'\t' | b'\n' | b'"' | b'\''))
            && name_end > i + 2
            && lower[name_end..].trim_start().starts_with('=')
    });
    handler.then_some("an event-handler attribute (on...=)")
}

/// The allowed part of `html`.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::{clean, forbidden};

    #[test]
    fn names_what_is_forbidden() {
        assert_eq!(forbidden("<SCRIPT>x</SCRIPT>"), Some("a <script> element"));
        assert_eq!(
            forbidden("<img src=x onerror=alert(1)>"),
            Some("an event-handler attribute (on...=)")
        );
        assert_eq!(
            forbidden("<svg/onload=alert(1)>"),
            Some("an event-handler attribute (on...=)")
        );
        assert_eq!(
            forbidden("<a href=\"JavaScript:x\">"),
            Some("a javascript: address")
        );
        assert_eq!(forbidden("<p class=\"onward\">ontology</p>"), None);
        assert_eq!(forbidden("<em>bon</em>"), None);
    }

    #[test]
    fn keeps_markdown_output_and_drops_scripts() {
        let kept = "<h2 id=\"a\">A <a class=\"heading-anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>";
        assert_eq!(clean(kept), kept);
        let dirty = "<p onclick=\"x()\">Hi<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><img src=\"data:image/png;base64,AA\" alt=\"\"></p>";
        assert_eq!(clean(dirty), "<p>Hi<a>x</a><img alt=\"\"></p>");
    }
}
