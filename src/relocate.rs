//! Relative addresses of a body published elsewhere than its files.
//!
//! In: a rendered body's HTML and a [`Relocation`]. Out: the same HTML with
//! every relative address that names a published file rewritten to that
//! file's absolute address.
//!
//! A page bundle's files are published once, beside one of its pages (the
//! default language's; see [`crate::model::Page::files_path`]): one article
//! in two languages used to upload every photo twice. Then `![](amphi.jpg)`
//! in `news/x/index.en.md`, published at `/en/news/x/`, would ask for
//! `/en/news/x/amphi.jpg`, which is not there. The same holds in any
//! language edition but the default one for the files of sections and of
//! plain folders, which keep their folder's address (`/clubs/plan.pdf`, not
//! `/en/clubs/plan.pdf`). So, after Markdown, shortcodes and the sanitiser
//! have run, each `href`, `src`, `srcset` and `poster` of such a body that
//! leads, from the body's own address, into the folder it shows its files
//! from ([`Relocation::from`]) and names a file published at the same path
//! under [`Relocation::to`] is rewritten to `{base_path}{to}{path}`,
//! whatever wrote it: a Markdown image or link, raw HTML, a shortcode.
//!
//! Why at render time, and only there: the default language's page is
//! where the files are, and its HTML stays as it always was (relative
//! addresses, byte for byte); the other editions get absolute addresses to
//! the one copy, the only ones that can reach it from another folder. An
//! address that names no published file is left as written, so that
//! `alumni check` still reports it, at the link that wrote it.

use crate::html::{TagKind, Token, push_start_tag};
use std::borrow::Cow;
use std::collections::HashSet;

use crate::config::Config;
use crate::model::{Page, Section};
use crate::parse::DocumentKind;

/// Where a body's relative addresses lead, when its edition's address is
/// not where its files are published.
#[derive(Clone, Copy, Debug)]
pub struct Relocation<'a> {
    /// The body's own site path, which its relative addresses start from
    /// (`en/news/welcome/`).
    pub page: &'a str,
    /// The folder of its edition whose files live elsewhere: the page
    /// itself for a bundle or a section, its parent for a plain page
    /// (`en/clubs/` for `en/clubs/biotech/`).
    pub from: &'a str,
    /// Where those files are published (`news/accueil/`, `clubs/`).
    pub to: &'a str,
    /// The site's base path (`/`, `/alumni/`).
    pub base_path: &'a str,
    /// The site path of every copied file.
    pub files: &'a Published<'a>,
}

/// The folders between which `page`'s relative addresses move (see
/// [`Relocation::from`] and [`Relocation::to`]), or `None` when its files
/// are where it is (the default language's pages, the page its bundle's
/// files are beside).
pub(crate) fn of_page(config: &Config, page: &Page) -> Option<(String, String)> {
    let (from, to) = if page.document.kind == DocumentKind::Bundle {
        (page.path.clone(), page.files_path.clone())
    } else {
        let from = page
            .path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or(String::new(), |(parent, _)| format!("{parent}/"));
        let to = from
            .strip_prefix(&config.language_prefix(&page.lang))?
            .to_string();
        (from, to)
    };
    (from != to).then_some((from, to))
}

/// The same for a section, whose files keep its folder's address.
pub(crate) fn of_section(config: &Config, section: &Section) -> Option<(String, String)> {
    let to = section
        .path
        .strip_prefix(&config.language_prefix(&section.lang))?;
    (to != section.path).then(|| (section.path.clone(), to.to_string()))
}

impl<'a> Relocation<'a> {
    /// The relocation of the body at `page` between `folders` (from
    /// [`of_page`] or [`of_section`]), if any.
    pub fn between(
        page: &'a str,
        folders: Option<&'a (String, String)>,
        base_path: &'a str,
        files: &'a Published<'a>,
    ) -> Option<Relocation<'a>> {
        folders.map(|(from, to)| Relocation {
            page,
            from,
            to,
            base_path,
            files,
        })
    }
}

/// The site path of every copied file, and every folder that holds one
/// (`news/accueil/amphi.jpg` is in `news/accueil/`, `news/` and the root,
/// `""`): a body whose files' folder holds none has no address to move,
/// and is not read.
#[derive(Debug, Default)]
pub struct Published<'a> {
    files: HashSet<&'a str>,
    folders: HashSet<&'a str>,
}

impl<'a> FromIterator<&'a str> for Published<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(paths: I) -> Published<'a> {
        let mut published = Published::default();
        for path in paths {
            published.files.insert(path);
            published.folders.insert("");
            for (at, _) in path.match_indices('/') {
                published.folders.insert(&path[..=at]);
            }
        }
        published
    }
}

impl Published<'_> {
    /// Whether a file is published at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Whether a file is published under `folder` (`news/accueil/`).
    pub fn any_under(&self, folder: &str) -> bool {
        self.folders.contains(folder)
    }
}

/// The attributes whose values are addresses.
const ADDRESS_ATTRIBUTES: [&str; 4] = ["href", "src", "srcset", "poster"];

/// `html` with its relative addresses to relocated files rewritten, or
/// `None` when none is. The attributes are those a browser reads
/// ([`crate::html::located`]: not in comments, scripts, styles, text areas
/// or titles, and in `<noscript>`, where a browser without JavaScript reads
/// them); a tag with an address that moves is written again from its decoded
/// attributes, in their order, and the rest is copied byte for byte.
pub(crate) fn relocate(html: &str, relocation: &Relocation<'_>) -> Option<String> {
    if !relocation.files.any_under(relocation.to) {
        return None;
    }
    let mut out = String::new();
    // Bytes of `html` before this index are in `out` already.
    let mut copied = 0;
    crate::html::located(html, true, |range, token| {
        let Token::TagToken(tag) = token else {
            return;
        };
        if tag.kind != TagKind::StartTag {
            return;
        }
        let moved = |a: &html5ever::Attribute| {
            let name = &*a.name.local;
            ADDRESS_ATTRIBUTES
                .contains(&name)
                .then(|| rewrite_value(name, &a.value, relocation))
                .flatten()
        };
        let Some(first) = tag.attrs.iter().position(|a| moved(a).is_some()) else {
            return;
        };
        let values: Vec<Cow<'_, str>> = tag
            .attrs
            .iter()
            .enumerate()
            .map(|(i, a)| match (i >= first).then(|| moved(a)).flatten() {
                Some(new) => Cow::Owned(new),
                None => Cow::Borrowed(&*a.value),
            })
            .collect();
        out.push_str(&html[copied..range.start]);
        push_start_tag(
            &mut out,
            &tag.name,
            tag.attrs
                .iter()
                .zip(&values)
                .map(|(a, v)| (&*a.name.local, &**v)),
            tag.self_closing,
        );
        copied = range.end;
    });
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// The new value of an address attribute (decoded), when any of its
/// addresses moves.
fn rewrite_value(key: &str, value: &str, relocation: &Relocation<'_>) -> Option<String> {
    let new = if key == "srcset" {
        let mut changed = false;
        let candidates: Vec<String> = value
            .split(',')
            .map(|candidate| {
                let trimmed = candidate.trim_start();
                let lead = &candidate[..candidate.len() - trimmed.len()];
                let url_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                let (url, descriptor) = trimmed.split_at(url_len);
                match relocated(url, relocation) {
                    Some(new) => {
                        changed = true;
                        format!("{lead}{new}{descriptor}")
                    }
                    None => candidate.to_string(),
                }
            })
            .collect();
        changed.then(|| candidates.join(","))?
    } else {
        relocated(value, relocation)?
    };
    Some(new)
}

/// The absolute address of the file `url` names, when it is relative,
/// leads under [`Relocation::from`] and names a published file there.
fn relocated(url: &str, r: &Relocation<'_>) -> Option<String> {
    if url.is_empty() || url.starts_with(['/', '#', '?']) || crate::urls::has_scheme(url) {
        return None;
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, suffix) = url.split_at(split);
    let target = crate::urls::resolve_relative(r.page, path)?;
    let inner = target.strip_prefix(r.from).filter(|i| !i.is_empty())?;
    let file = format!("{}{}", r.to, crate::urls::percent_decode(inner));
    r.files
        .contains(file.as_str())
        .then(|| crate::urls::address(r.base_path, &format!("{}{inner}{suffix}", r.to)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(files: &'a Published<'a>) -> Relocation<'a> {
        Relocation {
            page: "en/news/welcome/",
            from: "en/news/welcome/",
            to: "news/accueil/",
            base_path: "/alumni/",
            files,
        }
    }

    #[test]
    fn relative_addresses_of_published_files_move_to_the_one_copy() {
        let files: Published = [
            "news/accueil/amphi.jpg",
            "news/accueil/Plan du campus.pdf",
            "news/accueil/photos/été.jpg",
        ]
        .into_iter()
        .collect();
        let r = with(&files);
        let html = r#"<p><img src="amphi.jpg" alt="L'amphi"> <a href="./Plan%20du%20campus.pdf#page=2">plan</a> <img srcset="photos/%C3%A9t%C3%A9.jpg 2x, amphi.jpg 1x" src=amphi.jpg alt=x></p>"#;
        assert_eq!(
            relocate(html, &r).as_deref(),
            Some(
                // A tag that changes is written again: values escaped, in double quotes.
                r#"<p><img src="/alumni/news/accueil/amphi.jpg" alt="L&apos;amphi"> <a href="/alumni/news/accueil/Plan%20du%20campus.pdf#page=2">plan</a> <img srcset="/alumni/news/accueil/photos/%C3%A9t%C3%A9.jpg 2x, /alumni/news/accueil/amphi.jpg 1x" src="/alumni/news/accueil/amphi.jpg" alt="x"></p>"#
            )
        );
    }

    #[test]
    fn other_addresses_are_left_as_written() {
        let files: Published = ["news/accueil/amphi.jpg"].into_iter().collect();
        let r = with(&files);
        for html in [
            // A missing file: `check` reports it where it was written.
            r#"<img src="manquant.jpg" alt="">"#,
            r#"<a href="https://example.org/amphi.jpg">x</a>"#,
            r#"<a href="/alumni/news/accueil/amphi.jpg">x</a>"#,
            r##"<a href="#amphi.jpg">x</a>"##,
            r#"<a href="mailto:a@b.fr">x</a>"#,
            r#"<a href="../../../../amphi.jpg">x</a>"#,
            r#"<a href="../other/">x</a>"#,
            r#"<p>src="amphi.jpg"</p>"#,
            r#"<!-- <img src="amphi.jpg"> -->"#,
            r#"<script>let s = '<img src="amphi.jpg">';</script>"#,
            // Text to a browser, which the old scanner rewrote: catches raw
            // text (RCDATA, RAWTEXT) read as markup.
            r#"<textarea><img src="amphi.jpg"></textarea>"#,
            r#"<title><img src="amphi.jpg"></title>"#,
            r#"<xmp><img src="amphi.jpg"></xmp>"#,
            r#"<a title="amphi.jpg">x</a>"#,
            "<a é=\"1\" href=\"x\">x</a><img src=\"é.jpg\" alt=\"é\"",
        ] {
            assert_eq!(relocate(html, &r), None, "{html}");
        }
    }

    #[test]
    fn any_text_is_scanned_without_a_panic() {
        // Tags cut anywhere, quotes left open, letters of two and three
        // bytes where the scanner cuts: no index may fall inside one.
        let pieces = [
            "<",
            ">",
            "=",
            "\"",
            "'",
            " ",
            "a",
            "img",
            "src",
            "srcset",
            "é",
            "€",
            "/",
            "!--",
            "-->",
            "amphi.jpg",
            ",",
            "script",
            "</",
        ];
        let files: Published = ["news/accueil/amphi.jpg"].into_iter().collect();
        let r = with(&files);
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..20_000 {
            let mut html = String::new();
            for _ in 0..12 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                html.push_str(pieces[usize::try_from(state).unwrap_or(0) % pieces.len()]);
            }
            let _ = relocate(&html, &r);
        }
    }

    #[test]
    fn folders_that_hold_files_are_known_from_the_files() {
        let files: Published = ["news/accueil/photos/été.jpg", "plan.pdf"]
            .into_iter()
            .collect();
        for folder in ["", "news/", "news/accueil/", "news/accueil/photos/"] {
            assert!(files.any_under(folder), "{folder}");
        }
        for folder in ["news", "clubs/", "news/accueil/photos/été.jpg", "accueil/"] {
            assert!(!files.any_under(folder), "{folder}");
        }
        // A body whose files' folder holds none is left as written.
        let elsewhere: Published = ["clubs/plan.pdf"].into_iter().collect();
        assert_eq!(
            relocate(r#"<img src="amphi.jpg" alt="">"#, &with(&elsewhere)),
            None
        );
        let here: Published = ["news/accueil/amphi.jpg"].into_iter().collect();
        assert!(relocate(r#"<img src="amphi.jpg" alt="">"#, &with(&here)).is_some());
    }

    #[test]
    fn a_plain_pages_addresses_move_from_its_folder() {
        let files: Published = ["clubs/plan.pdf"].into_iter().collect();
        let r = Relocation {
            page: "en/clubs/biotech/",
            from: "en/clubs/",
            to: "clubs/",
            base_path: "/",
            files: &files,
        };
        assert_eq!(
            relocate(r#"<a href="../plan.pdf?v=1&amp;x">plan</a>"#, &r).as_deref(),
            Some(r#"<a href="/clubs/plan.pdf?v=1&amp;x">plan</a>"#)
        );
    }

    #[test]
    fn addresses_are_read_as_a_browser_reads_them() {
        // The first two fail on the old scanner: it ran `<!-->` (an empty
        // comment) to the next `-->`, skipping the image between, and
        // decoded five named references only, leaving `amph&#105;.jpg`
        // (amphi.jpg) as written. The third catches `<noscript>` read as
        // text (a browser without JavaScript shows its image), the fourth a
        // rewritten tag losing its `/`, which closes an element in SVG.
        let files: Published = ["news/accueil/amphi.jpg"].into_iter().collect();
        let r = with(&files);
        let moved = "/alumni/news/accueil/amphi.jpg";
        for (html, expected) in [
            (
                r#"<!--><img src="amphi.jpg" alt=""><!-- x -->"#.to_string(),
                format!(r#"<!--><img src="{moved}" alt=""><!-- x -->"#),
            ),
            (
                r#"<IMG SRC=amph&#105;.jpg ALT="a > b">"#.to_string(),
                format!(r#"<img src="{moved}" alt="a &gt; b">"#),
            ),
            (
                r"<noscript><img src='amphi.jpg' alt=x></noscript>".to_string(),
                format!(r#"<noscript><img src="{moved}" alt="x"></noscript>"#),
            ),
            (
                r#"<svg><image href="amphi.jpg"/><text>x</text></svg>"#.to_string(),
                format!(r#"<svg><image href="{moved}" /><text>x</text></svg>"#),
            ),
        ] {
            assert_eq!(relocate(&html, &r), Some(expected), "{html}");
        }
    }
}
