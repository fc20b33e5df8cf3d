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

use crate::html::{escape, unescape_attribute as unescape};
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
    pub files: &'a HashSet<&'a str>,
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
        files: &'a HashSet<&'a str>,
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

/// The attributes whose values are addresses.
const ADDRESS_ATTRIBUTES: [&str; 4] = ["href", "src", "srcset", "poster"];

/// `html` with its relative addresses to relocated files rewritten, or
/// `None` when none is.
pub(crate) fn relocate(html: &str, relocation: &Relocation<'_>) -> Option<String> {
    let mut out = String::new();
    // Bytes of `html` before this index are in `out` already.
    let mut copied = 0;
    let mut at = 0;
    while let Some(open) = html[at..].find('<') {
        let start = at + open + 1;
        let rest = &html[start..];
        if let Some(after) = rest.strip_prefix("!--") {
            at = after
                .find("-->")
                .map_or(html.len(), |end| start + 3 + end + 3);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            at = start;
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let mut i = start + name_len;
        loop {
            i += html[i..].len() - html[i..].trim_start().len();
            let rest = &html[i..];
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            // A key is at least one character, so that the loop moves on.
            let key_len = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(rest.chars().next().map_or(1, char::len_utf8));
            let key = rest[..key_len].to_ascii_lowercase();
            i += key_len;
            let after_key = html[i..].trim_start();
            let Some(value) = after_key.strip_prefix('=') else {
                continue;
            };
            let value_at = html.len() - value.trim_start().len();
            let value = &html[value_at..];
            let (inner_start, inner_end, end) = if let Some(q @ ('"' | '\'')) = value.chars().next()
            {
                let close = value[1..].find(q).map_or(value.len(), |e| e + 1);
                (
                    value_at + 1,
                    value_at + close,
                    (value_at + close + 1).min(html.len()),
                )
            } else {
                let len = value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len());
                (value_at, value_at + len, value_at + len)
            };
            if ADDRESS_ATTRIBUTES.contains(&key.as_str()) {
                let written = &html[inner_start..inner_end];
                if let Some(new) = rewrite_value(&key, written, relocation) {
                    let quoted = inner_start != value_at;
                    out.push_str(&html[copied..inner_start]);
                    if !quoted {
                        out.push('"');
                    }
                    out.push_str(&new);
                    if !quoted {
                        out.push('"');
                    }
                    copied = inner_end;
                }
            }
            i = end;
        }
        at = i;
        // The text of a script or style is no HTML.
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            at = html[at..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |e| at + e);
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// The new value of an address attribute as written (HTML-escaped), when
/// any of its addresses moves.
fn rewrite_value(key: &str, written: &str, relocation: &Relocation<'_>) -> Option<String> {
    let value = unescape(written);
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
        relocated(&value, relocation)?
    };
    Some(escape(&new))
}

/// The absolute address of the file `url` names, when it is relative,
/// leads under [`Relocation::from`] and names a published file there.
fn relocated(url: &str, r: &Relocation<'_>) -> Option<String> {
    if url.is_empty() || url.starts_with(['/', '#', '?']) || has_scheme(url) {
        return None;
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, suffix) = url.split_at(split);
    let target = resolve(r.page, path)?;
    let inner = target.strip_prefix(r.from).filter(|i| !i.is_empty())?;
    let file = format!("{}{}", r.to, crate::urls::percent_decode(inner));
    r.files
        .contains(file.as_str())
        .then(|| format!("{}{}{inner}{suffix}", r.base_path, r.to))
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`, `data:`).
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// The site path `path` leads to from the folder `page`, `.` and `..`
/// resolved; `None` when it climbs above the site.
fn resolve(page: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(files: &'a HashSet<&'a str>) -> Relocation<'a> {
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
        let files: HashSet<&str> = [
            "news/accueil/amphi.jpg",
            "news/accueil/Plan du campus.pdf",
            "news/accueil/photos/été.jpg",
        ]
        .into();
        let r = with(&files);
        let html = r#"<p><img src="amphi.jpg" alt="L'amphi"> <a href="./Plan%20du%20campus.pdf#page=2">plan</a> <img srcset="photos/%C3%A9t%C3%A9.jpg 2x, amphi.jpg 1x" src=amphi.jpg alt=x></p>"#;
        assert_eq!(
            relocate(html, &r).as_deref(),
            Some(
                r#"<p><img src="/alumni/news/accueil/amphi.jpg" alt="L'amphi"> <a href="/alumni/news/accueil/Plan%20du%20campus.pdf#page=2">plan</a> <img srcset="/alumni/news/accueil/photos/%C3%A9t%C3%A9.jpg 2x, /alumni/news/accueil/amphi.jpg 1x" src="/alumni/news/accueil/amphi.jpg" alt=x></p>"#
            )
        );
    }

    #[test]
    fn other_addresses_are_left_as_written() {
        let files: HashSet<&str> = ["news/accueil/amphi.jpg"].into();
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
        let files: HashSet<&str> = ["news/accueil/amphi.jpg"].into();
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
    fn a_plain_pages_addresses_move_from_its_folder() {
        let files: HashSet<&str> = ["clubs/plan.pdf"].into();
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
}
