//! Rewriting the `<img>` elements of a rendered page: every image of the
//! site, wherever its markup comes from (Markdown, a shortcode, raw HTML,
//! a template), gets its size and its variants.
//!
//! In: the HTML of one output, its output path, the planned [`Images`] and
//! the site's base path. Out: the HTML with each `<img>` that shows a
//! planned image given `srcset`, `sizes`, `width` and `height` (and put in
//! a `<picture>` with a WebP `<source>` when it has two formats),
//! `loading="lazy"` (but when it is the page's first image) and
//! `decoding="async"`, unless it says otherwise. Attributes it does not set
//! are copied as written. Left alone: images of other kinds (SVG) and of
//! other hosts, as written; an `<img>` that already has a
//! `srcset` or stands in a `<picture>` (its author chose), and one without
//! `alt` (an error reported elsewhere, so that the report can quote its
//! `src` as written). Comments, scripts, styles and text areas are not
//! looked into.

use crate::html::{escape, unescape_attribute as unescape};
use std::fmt::Write as _;

use super::{Image, Images, Variant};

/// One attribute of a tag: its lower-case name, its text as written (name,
/// `=` and value), its value with character references decoded.
struct Attribute<'a> {
    name: String,
    raw: &'a str,
    value: String,
}

/// The HTML of the output `page` with its images made responsive; `None`
/// when it has no `<img>` (nothing to do).
pub(crate) fn rewrite(
    html: &[u8],
    page: &str,
    images: &Images,
    base_path: &str,
) -> Option<Vec<u8>> {
    if !contains_img(html) {
        return None;
    }
    let html = std::str::from_utf8(html).ok()?;
    let mut out = String::with_capacity(html.len() + 1024);
    let mut copied = 0;
    let mut at = 0;
    let mut pictures = 0usize;
    let mut first = true;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            at = start + rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = html[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(html.len() - name_start);
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        at = start + 1;
        match (name.as_str(), closing) {
            ("script" | "style" | "textarea", false) => {
                let close = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                at = start + lower[1..].find(&close).map_or(rest.len(), |e| e + 1);
            }
            ("picture", false) => pictures += 1,
            ("picture", true) => pictures = pictures.saturating_sub(1),
            ("img", false) => {
                let Some((attributes, end)) = tag(html, name_start + name_len) else {
                    break;
                };
                let replacement = image_tag(
                    &attributes,
                    &html[start..end],
                    page,
                    images,
                    base_path,
                    first,
                    pictures > 0,
                );
                first = false;
                out.push_str(&html[copied..start]);
                out.push_str(&replacement);
                copied = end;
                at = end;
            }
            _ => {}
        }
    }
    out.push_str(&html[copied..]);
    Some(out.into_bytes())
}

fn contains_img(html: &[u8]) -> bool {
    html.windows(4)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"img"))
}

/// The attributes of the tag whose name ends at `at`, and where the tag ends.
fn tag(html: &str, mut at: usize) -> Option<(Vec<Attribute<'_>>, usize)> {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if *bytes.get(at)? == b'>' {
            return Some((attributes, at + 1));
        }
        let start = at;
        while at < bytes.len()
            && !matches!(bytes[at], b'=' | b'>' | b'/')
            && !bytes[at].is_ascii_whitespace()
        {
            at += 1;
        }
        let name = html[start..at].to_ascii_lowercase();
        let mut value = String::new();
        let mut look = at;
        while look < bytes.len() && bytes[look].is_ascii_whitespace() {
            look += 1;
        }
        if bytes.get(look) == Some(&b'=') {
            at = look + 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let q = *bytes.get(at)?;
            if q == b'"' || q == b'\'' {
                let end = at + 1 + html[at + 1..].find(q as char)?;
                value = unescape(&html[at + 1..end]);
                at = end + 1;
            } else {
                let end = html[at..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |e| at + e);
                value = unescape(&html[at..end]);
                at = end;
            }
        }
        attributes.push(Attribute {
            name,
            raw: &html[start..at],
            value,
        });
    }
}

/// A site path as a URL path: what is not plainly safe in an attribute and
/// in a `srcset` (a comma, a space, `&`, non-ASCII) percent-encoded.
pub(crate) fn url_path(base_path: &str, output: &str) -> String {
    let mut url = String::from(base_path);
    for b in output.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$'()*+;=:@".contains(&b) {
            url.push(b as char);
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// `list` as a `srcset` value.
pub(crate) fn srcset(base_path: &str, list: &[&Variant]) -> String {
    list.iter()
        .map(|v| format!("{} {}w", url_path(base_path, &v.output), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The new markup of one `<img>` (written as `original`).
fn image_tag(
    attributes: &[Attribute<'_>],
    original: &str,
    page: &str,
    images: &Images,
    base_path: &str,
    first: bool,
    in_picture: bool,
) -> String {
    let get = |name: &str| attributes.iter().find(|a| a.name == name);
    let has = |name: &str| get(name).is_some();
    let image = get("src")
        .filter(|_| !has("srcset") && !in_picture && has("alt"))
        .and_then(|src| crate::urls::target_of(&src.value, page, base_path))
        .and_then(|(key, _)| images.get(&key));
    let mut extra = Vec::new();
    if !has("loading") && !first {
        extra.push("loading=\"lazy\"".to_string());
    }
    if !has("decoding") {
        extra.push("decoding=\"async\"".to_string());
    }
    // Other images (an SVG, another host's) stay as written.
    let Some(image) = image else {
        return original.to_string();
    };
    responsive(attributes, image, images, base_path, &extra)
}

/// An `<img>` of a planned image: its `srcset`s, sizes and dimensions.
fn responsive(
    attributes: &[Attribute<'_>],
    image: &Image,
    images: &Images,
    base_path: &str,
    extra: &[String],
) -> String {
    const SET: [&str; 5] = ["src", "srcset", "sizes", "width", "height"];
    let get = |name: &str| attributes.iter().find(|a| a.name == name);
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
        (Some(s), _) => s.value.clone(),
        (None, Some(w)) => format!("{w}px"),
        (None, None) => images.settings.sizes.clone(),
    };
    let sizes = escape(&sizes);
    let mut tag = String::from("<img");
    for a in attributes
        .iter()
        .filter(|a| !SET.contains(&a.name.as_str()))
    {
        tag.push(' ');
        tag.push_str(a.raw);
    }
    let src = url_path(base_path, &fallback.output);
    let own = srcset(base_path, &image.srcset_of(image.format));
    let _ = write!(tag, " src=\"{src}\" width=\"{width}\" height=\"{height}\"");
    if !image.as_is {
        let _ = write!(tag, " srcset=\"{own}\" sizes=\"{sizes}\"");
    }
    for e in extra {
        tag.push(' ');
        tag.push_str(e);
    }
    tag.push('>');
    let formats = image.formats();
    if formats.len() < 2 {
        return tag;
    }
    let mut sources = String::new();
    for f in formats.iter().filter(|f| **f != image.format) {
        let _ = write!(
            sources,
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">",
            f.media_type(),
            srcset(base_path, &image.srcset_of(*f))
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
            let out = String::from_utf8(
                rewrite(html.as_bytes(), "clubs/a/index.html", &images(), "/").unwrap(),
            )
            .unwrap();
            assert!(out.ends_with(untouched), "{out}");
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
}
