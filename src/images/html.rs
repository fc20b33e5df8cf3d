//! Rewriting the `<img>` elements of a rendered page: every image of the
//! site, wherever its markup comes from (Markdown, a shortcode, raw HTML,
//! a template), gets its size and its variants.
//!
//! In: the HTML of one output, its output path, the planned [`Images`] and
//! the site's base path. Out: the HTML with each `<img>` that shows a
//! planned image given `srcset`, `sizes`, `width` and `height` (and put in
//! a `<picture>` with a WebP `<source>` when it has two formats),
//! `loading="lazy"` (but when it is the page's first image) and
//! `decoding="async"`, unless it says otherwise. A tag it changes is
//! written again from its decoded attributes, those it does not set kept in
//! their order; everything else is copied byte for byte. Left alone:
//! images of other kinds (SVG) and of other hosts, as written; an `<img>`
//! that already has a `srcset` or stands in a `<picture>` (its author
//! chose), and one without `alt` (an error reported elsewhere, so that the
//! report can quote its `src` as written).
//!
//! The tags are those a browser reads ([`crate::html::located`]): an `<img>`
//! written in a comment, an attribute value, a script, a style, a text area
//! or a title is text, and stays as it is; one in `<noscript>` is what a
//! browser without JavaScript shows, and is rewritten.

use crate::html::{TagKind, Token, escape, push_start_tag};
use html5ever::Attribute;
use std::fmt::Write as _;

use super::{Image, Images, Variant};

/// The HTML of the output `page` with its images made responsive; `None`
/// when none of them changes.
pub(crate) fn rewrite(
    html: &[u8],
    page: &str,
    images: &Images,
    base_path: &str,
) -> Option<Vec<u8>> {
    // Only a planned image's `<img>` changes, and most pages show none:
    // every `<img>` tag is written `<img` in some case, so that a page
    // without those bytes is not read (found with `memchr`, as the
    // tokenizer finds its `<`).
    if images.is_empty()
        || !memchr::memchr_iter(b'<', html).any(|at| {
            html.get(at + 1..at + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"img"))
        })
    {
        return None;
    }
    let html = std::str::from_utf8(html).ok()?;
    let mut out = String::new();
    // Bytes of `html` before this index are in `out` already.
    let mut copied = 0;
    let mut pictures = 0usize;
    let mut first = true;
    // `<noscript>` read as markup: its images are those a browser without
    // JavaScript shows.
    crate::html::located(html, true, |range, token| {
        let Token::TagToken(tag) = token else {
            return;
        };
        match (&*tag.name, tag.kind) {
            ("picture", TagKind::StartTag) => pictures += 1,
            ("picture", TagKind::EndTag) => pictures = pictures.saturating_sub(1),
            ("img", TagKind::StartTag) => {
                let replacement =
                    image_tag(&tag.attrs, page, images, base_path, first, pictures > 0);
                first = false;
                if let Some(replacement) = replacement {
                    if out.is_empty() {
                        out.reserve(html.len() + 1024);
                    }
                    out.push_str(&html[copied..range.start]);
                    out.push_str(&replacement);
                    copied = range.end;
                }
            }
            _ => {}
        }
    });
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out.into_bytes())
}

/// A site path as a URL path (see [`crate::urls::encoded_address`]).
pub(crate) fn url_path(base_path: &str, output: &str) -> String {
    crate::urls::encoded_address(base_path, output)
}

/// `list` as a `srcset` value.
pub(crate) fn srcset(base_path: &str, list: &[&Variant]) -> String {
    list.iter()
        .map(|v| format!("{} {}w", url_path(base_path, &v.output), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The new markup of one `<img>`, or `None` when it stays as written.
fn image_tag(
    attributes: &[Attribute],
    page: &str,
    images: &Images,
    base_path: &str,
    first: bool,
    in_picture: bool,
) -> Option<String> {
    let get = |name: &str| attributes.iter().find(|a| &*a.name.local == name);
    let has = |name: &str| get(name).is_some();
    let image = get("src")
        .filter(|_| !has("srcset") && !in_picture && has("alt"))
        // Other images (an SVG, another host's) stay as written.
        .and_then(|src| crate::urls::target_of(&src.value, page, base_path))
        .and_then(|(key, _)| images.get(&key))?;
    let mut extra = Vec::new();
    if !has("loading") && !first {
        extra.push(("loading", "lazy"));
    }
    if !has("decoding") {
        extra.push(("decoding", "async"));
    }
    Some(responsive(attributes, image, images, base_path, &extra))
}

/// An `<img>` of a planned image: its `srcset`s, sizes and dimensions.
fn responsive(
    attributes: &[Attribute],
    image: &Image,
    images: &Images,
    base_path: &str,
    extra: &[(&str, &str)],
) -> String {
    const SET: [&str; 5] = ["src", "srcset", "sizes", "width", "height"];
    let get = |name: &str| attributes.iter().find(|a| &*a.name.local == name);
    let fallback = image.fallback();
    // The author's width (a logo's `width="72"`) says how large it is shown.
    let shown_width = get("width").and_then(|a| a.value.trim().parse::<u32>().ok());
    let (width, height) = match shown_width {
        Some(w) => (
            w,
            super::process::scaled_height(image.width, image.height, w),
        ),
        None => (fallback.width, fallback.height),
    };
    let height = get("height")
        .and_then(|a| a.value.trim().parse::<u32>().ok())
        .unwrap_or(height);
    let sizes = match (get("sizes"), shown_width) {
        (Some(s), _) => s.value.to_string(),
        (None, Some(w)) => format!("{w}px"),
        (None, None) => images.settings.sizes.clone(),
    };
    let src = url_path(base_path, &fallback.output);
    let own = srcset(base_path, &image.srcset_of(image.format));
    let (width, height) = (width.to_string(), height.to_string());
    let mut set = vec![
        ("src", src.as_str()),
        ("width", &width),
        ("height", &height),
    ];
    if !image.as_is {
        set.extend([("srcset", own.as_str()), ("sizes", &sizes)]);
    }
    let mut tag = String::new();
    push_start_tag(
        &mut tag,
        "img",
        attributes
            .iter()
            .filter(|a| !SET.contains(&&*a.name.local))
            .map(|a| (&*a.name.local, &*a.value))
            .chain(set)
            .chain(extra.iter().copied()),
        false,
    );
    let formats = image.formats();
    if formats.len() < 2 {
        return tag;
    }
    let mut sources = String::new();
    for f in formats.iter().filter(|f| **f != image.format) {
        let _ = write!(
            sources,
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\">",
            f.media_type(),
            escape(&srcset(base_path, &image.srcset_of(*f))),
            escape(&sizes),
        );
    }
    format!("<picture>{sources}{tag}</picture>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_settings::Settings;
    use crate::images::{Format, Role};

    fn images() -> Images {
        let settings = Settings::default();
        let variants = super::super::variants_of(
            "clubs/a/photo.jpg",
            Format::Jpeg,
            (2000, 1500),
            &settings,
            false,
        );
        let mut images = Images {
            settings,
            ..Images::default()
        };
        for v in &variants {
            images
                .variants
                .insert(v.output.clone(), "clubs/a/photo.jpg".into());
        }
        images.by_output.insert(
            "clubs/a/photo.jpg".into(),
            Image {
                source: "content/clubs/a/photo.jpg".into(),
                abs: "/nowhere".into(),
                format: Format::Jpeg,
                width: 2000,
                height: 1500,
                as_is: false,
                turned: false,
                variants,
            },
        );
        images
    }

    fn run(html: &str) -> String {
        String::from_utf8(rewrite(html.as_bytes(), "clubs/a/index.html", &images(), "/").unwrap())
            .unwrap()
    }

    #[test]
    fn an_image_of_the_site_gets_its_variants_and_the_first_is_not_lazy() {
        let out = run(
            "<p><img src=\"photo.jpg\" alt=\"Le bureau\" title=\"t\" /></p><img src=\"/clubs/a/photo.jpg\" alt=\"x\">",
        );
        let webp = "/clubs/a/photo.480w.webp 480w, /clubs/a/photo.960w.webp 960w, /clubs/a/photo.1600w.webp 1600w";
        let jpeg = "/clubs/a/photo.480w.jpg 480w, /clubs/a/photo.960w.jpg 960w, /clubs/a/photo.1600w.jpg 1600w";
        let sizes = "(max-width: 44rem) calc(100vw - 2rem), 42rem";
        assert_eq!(
            out,
            format!(
                "<p><picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">\
                 <img alt=\"Le bureau\" title=\"t\" src=\"/clubs/a/photo.1600w.jpg\" width=\"1600\" height=\"1200\" \
                 srcset=\"{jpeg}\" sizes=\"{sizes}\" decoding=\"async\"></picture></p>\
                 <picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">\
                 <img alt=\"x\" src=\"/clubs/a/photo.1600w.jpg\" width=\"1600\" height=\"1200\" \
                 srcset=\"{jpeg}\" sizes=\"{sizes}\" loading=\"lazy\" decoding=\"async\"></picture>"
            )
        );
    }

    #[test]
    fn what_the_markup_chose_stays() {
        let out = run(
            "<img src=\"x.svg\" alt=\"\"><img class=\"club-logo\" src=\"photo.jpg\" alt=\"Logo\" width=\"72\" loading=\"eager\">",
        );
        assert!(
            out.starts_with("<img src=\"x.svg\" alt=\"\"><picture>"),
            "{out}"
        );
        assert!(out.contains("sizes=\"72px\""), "{out}");
        assert!(out.contains("width=\"72\" height=\"54\""), "{out}");
        assert!(
            out.contains("loading=\"eager\"") && !out.contains("lazy"),
            "{out}"
        );
        for untouched in [
            "<picture><source srcset=\"a.webp\"><img src=\"photo.jpg\" alt=\"a\" loading=\"lazy\" decoding=\"async\"></picture>",
            "<img src=\"photo.jpg\" alt=\"a\" srcset=\"photo.jpg 1x\" loading=\"lazy\" decoding=\"sync\">",
            "<!-- <img src=\"photo.jpg\"> --><script>let s = '<img src=\"photo.jpg\">';</script>",
        ] {
            let html = format!("<img src=\"x.png\" alt=\"first\">{untouched}");
            assert_eq!(
                rewrite(html.as_bytes(), "clubs/a/index.html", &images(), "/"),
                None,
                "{html}"
            );
        }
        assert!(
            images()
                .get("clubs/a/photo.jpg")
                .unwrap()
                .variants
                .iter()
                .any(|v| v.role == Role::Width)
        );
    }

    /// The `<img>` tags of `out`, each from `<img` to its `>`.
    fn img_tags(out: &str) -> Vec<&str> {
        out.match_indices("<img")
            .map(|(i, _)| &out[i..=i + out[i..].find('>').unwrap()])
            .collect()
    }

    #[test]
    fn an_img_written_where_a_browser_reads_text_stays_text() {
        // Each fails on the scanner that looked for `<img` and `<!--` after
        // every `<`, inside a tag's quoted values too, and skipped only
        // scripts, styles and text areas: the first rewrote an `<img>`
        // written in an attribute value, the second took a `<!--` written in
        // one for a comment and missed the real image after it, the others
        // rewrote images in a title, an iframe's fallback text and `<xmp>`.
        let img = "<img src=\"photo.jpg\" alt=\"x\">";
        for text in [
            format!("<a title='{img}'>a</a>"),
            format!("<title>{img}</title>"),
            format!("<iframe>{img}</iframe>"),
            format!("<xmp>{img}</xmp>"),
            format!("<textarea>{img}</TEXTAREA >"),
        ] {
            let html = format!("<img src=\"x.png\" alt=\"first\">{text}");
            let out = rewrite(html.as_bytes(), "clubs/a/index.html", &images(), "/")
                .map_or(html.clone(), |out| String::from_utf8(out).unwrap());
            assert_eq!(out, html);
        }
        let out = run(&format!("<p title=\"<!--\">a</p>{img}<p>-->"));
        assert!(out.starts_with("<p title=\"<!--\">a</p><picture>"), "{out}");
    }

    #[test]
    fn an_img_is_read_as_a_browser_reads_it() {
        // Upper case, unquoted values, a `>` and quotes in a quoted value and
        // character references in the address: the tag is found whole, its
        // values decoded (the old scanner decoded five named references
        // only, and left `photo&#46;jpg` unplanned), and written again with
        // each value escaped in double quotes. Catches a rewritten tag cut
        // at the `>` in its value, and values copied undecoded.
        let out = run(
            "<P><IMG SRC=photo&#46;jpg ALT='a > \"b\"' Title=t&amp;u></P><noscript><img src=photo.jpg alt=y></noscript>",
        );
        let tags = img_tags(&out);
        assert_eq!(tags.len(), 2, "{out}");
        assert!(
            tags[0].starts_with("<img alt=\"a &gt; &quot;b&quot;\" title=\"t&amp;u\" src=\"/clubs/a/photo.1600w.jpg\" width=\"1600\""),
            "{out}"
        );
        assert!(out.starts_with("<P><picture>"), "{out}");
        assert!(out.ends_with("</picture></P><noscript><picture><source type=\"image/webp\" srcset=\"/clubs/a/photo.480w.webp 480w, /clubs/a/photo.960w.webp 960w, /clubs/a/photo.1600w.webp 1600w\" sizes=\"(max-width: 44rem) calc(100vw - 2rem), 42rem\">\
             <img alt=\"y\" src=\"/clubs/a/photo.1600w.jpg\" width=\"1600\" height=\"1200\" srcset=\"/clubs/a/photo.480w.jpg 480w, /clubs/a/photo.960w.jpg 960w, /clubs/a/photo.1600w.jpg 1600w\" sizes=\"(max-width: 44rem) calc(100vw - 2rem), 42rem\" loading=\"lazy\" decoding=\"async\"></picture></noscript>"), "{out}");
    }
}
