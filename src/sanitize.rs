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
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("img", ["loading"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(UrlRelative::PassThrough)
            // Links stay as written: no `rel` is added, so trusted and untrusted pages look alike.
            .link_rel(None)
            .strip_comments(true);
        b
    })
}

/// The allowed part of `html`.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn keeps_markdown_output_and_drops_scripts() {
        let kept = "<h2 id=\"a\">A <a class=\"heading-anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>";
        assert_eq!(clean(kept), kept);
        let dirty = "<p onclick=\"x()\">Hi<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><img src=\"data:image/png;base64,AA\" alt=\"\"></p>";
        assert_eq!(clean(dirty), "<p>Hi<a>x</a><img alt=\"\"></p>");
    }
}
