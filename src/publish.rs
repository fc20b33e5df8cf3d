//! Publishing outputs besides the pages: `sitemap.xml`, `robots.txt`, Atom
//! feeds, and redirects for `aliases:`.
//!
//! In: the assembled site (after Markdown). Out: (output path, bytes) pairs,
//! sorted, made from the content alone (never from the clock), so that the
//! same input gives the same bytes.
//!
//! - `sitemap.xml` lists every page and section (not the fallbacks, which
//!   repeat another language's text), with `xhtml:link` hreflang alternates
//!   for translated ones, and `lastmod` from `updated` or `date`.
//! - `robots.txt` allows everything and names the sitemap.
//! - Feeds: per language, `atom.xml` for the whole site (its 20 newest dated
//!   pages) and `<section>/atom.xml` for each section with dated pages.
//! - Calendars of events (see `calendar`).
//! - With `search: { sections: [...] }`, a search index per language under
//!   `_search/` (`en/_search/`), sharded (see `search`).
//! - `_headers` (a format several CDNs read): no file's type is sniffed
//!   (`X-Content-Type-Options: nosniff`); fingerprinted assets may be
//!   cached for a year.
//! - `aliases:` of a page become small HTML pages that redirect to it, and
//!   lines of a `_redirects` file (the format several CDNs read).

use std::fmt::Write as _;
use std::time::Duration;

use crate::date::DateTime;
use crate::html::escape as xml_escape;
use crate::i18n::Text;
use crate::model::{Bodies, Page, Site};
use crate::timings::timed;
use crate::urls::{permalink_of, url_of};

/// How many entries a feed holds.
const FEED_ENTRIES: usize = 20;

/// RFC 3339 for Atom: a date alone is midnight UTC; a time without offset is UTC.
fn rfc3339(date: DateTime) -> String {
    let with_time = DateTime {
        time: Some(date.time.unwrap_or((0, 0, 0))),
        offset_minutes: Some(date.offset_minutes.unwrap_or(0)),
        ..date
    };
    with_time.to_string()
}

/// When a page last changed, as its front matter says.
fn last_change(page: &Page) -> Option<DateTime> {
    page.document.front.updated.or(page.document.front.date)
}

/// Every publishing output of `site`, whose pages' summaries (and, for
/// the search index, bodies) are `bodies`.
pub fn outputs(site: &Site, bodies: &Bodies) -> Vec<(String, Vec<u8>)> {
    outputs_timed(site, bodies, None).0
}

/// Output files: (path, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// [`outputs`], with the time each kind of output took to make (`--timings`);
/// the search index from `search_read`, the pages' readings made where
/// their bodies were rendered, when given (see [`crate::search::indexes_of`]),
/// else from `bodies`.
pub(crate) fn outputs_timed(
    site: &Site,
    bodies: &Bodies,
    search_read: Option<Vec<Option<crate::search::PageRead>>>,
) -> (Files, Vec<(Text, Duration)>) {
    let mut times = Vec::new();
    let t = &mut times;
    let mut out = timed(t, tr!("sitemap", "plan du site"), || {
        vec![
            ("sitemap.xml".to_string(), sitemap(site).into_bytes()),
            ("robots.txt".to_string(), robots(site).into_bytes()),
        ]
    });
    out.extend(timed(t, tr!("feeds", "fils Atom"), || feeds(site, bodies)));
    out.extend(timed(t, tr!("redirects", "redirections"), || {
        redirects(site)
    }));
    out.extend(timed(t, tr!("calendars", "calendriers"), || {
        crate::calendar::outputs(site)
    }));
    out.extend(timed(
        t,
        tr!("search index", "index de recherche"),
        || match search_read {
            Some(read) => crate::search::indexes_of(site, read),
            None => crate::search::indexes(site, bodies),
        },
    ));
    out.push(("_headers".to_string(), cache_headers(site).into_bytes()));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    (out, times)
}

/// Every path the publishing outputs may take, with what each is, for
/// `claims`: a feed is claimed for every section, written or
/// not, so that no source can take its place when the section gets dated
/// pages later. The files a CDN or the deploy reads (`_headers`,
/// `_redirects`, the manifest) are always claimed.
pub fn reserved(site: &Site) -> Vec<(String, Text)> {
    let several = site.config.languages.len() > 1;
    let of = |what: Text, lang: &str| {
        if several {
            what.map(|what, _| format!("{what} ({lang})"))
        } else {
            what
        }
    };
    let mut out = vec![
        (
            "sitemap.xml".to_string(),
            tr!("the sitemap", "le plan du site"),
        ),
        // A file name, the same in both languages.
        ("robots.txt".to_string(), tr!("robots.txt", "robots.txt")),
        (
            "_headers".to_string(),
            tr!(
                "the CDN's header rules (`_headers`)",
                "les règles d'en-têtes du CDN (`_headers`)"
            ),
        ),
        (
            "_redirects".to_string(),
            tr!(
                "the CDN's redirects (`_redirects`)",
                "les redirections du CDN (`_redirects`)"
            ),
        ),
        (
            crate::output::MANIFEST.to_string(),
            tr!("the output's manifest", "le manifeste de la sortie"),
        ),
    ];
    for language in &site.config.languages {
        let lang = language.code.as_str();
        let prefix = site.config.language_prefix(lang);
        out.push((
            format!("{prefix}atom.xml"),
            of(tr!("the site's Atom feed", "le flux Atom du site"), lang),
        ));
        for section in site
            .sections
            .iter()
            .filter(|s| s.lang == lang && !s.folder.is_empty())
        {
            out.push((
                format!("{}atom.xml", section.path),
                of(
                    tr!(
                        "the Atom feed of `{}`",
                        "le flux Atom de `{}`";
                        section.folder
                    ),
                    lang,
                ),
            ));
        }
        if site.config.search.is_some() {
            out.push((
                format!("{}meta.json", crate::search::folder(site, lang)),
                of(tr!("the search index", "l'index de recherche"), lang),
            ));
        }
    }
    out.extend(crate::calendar::reserved(site));
    out
}

/// Folders whose every file a generated output writes (the search index's
/// chunks and fragments, named by their hash), with what each is: no source
/// may write inside them, whatever name it takes.
pub fn reserved_folders(site: &Site) -> Vec<(String, Text)> {
    if site.config.search.is_none() {
        return Vec::new();
    }
    site.config
        .languages
        .iter()
        .map(|language| {
            let lang = language.code.as_str();
            (
                crate::search::folder(site, lang),
                tr!("the search index ({lang})", "l'index de recherche ({lang})"),
            )
        })
        .collect()
}

fn cache_headers(site: &Site) -> String {
    // Every file is served as the type its name says: a browser must not
    // guess HTML or script inside a contributor's image.
    let mut out = format!("{}\n  X-Content-Type-Options: nosniff\n", url_of(site, "*"));
    for output in site.fingerprinted.values() {
        let _ = write!(
            out,
            "{}\n  Cache-Control: public, max-age=31536000, immutable\n",
            url_of(site, output)
        );
    }
    out
}

fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        permalink_of(site, "sitemap.xml")
    )
}

/// A sitemap URL: location, last change, alternates as (language, address).
type SitemapEntry = (String, Option<String>, Vec<(String, String)>);

fn sitemap(site: &Site) -> String {
    let mut entries: Vec<SitemapEntry> = Vec::new();
    let alternates = |own: (&str, &str), others: Vec<(&str, &str)>| -> Vec<(String, String)> {
        if others.is_empty() {
            return Vec::new();
        }
        let mut list: Vec<(String, String)> = std::iter::once(own)
            .chain(others)
            .map(|(lang, path)| (lang.to_string(), permalink_of(site, path)))
            .collect();
        list.sort();
        if let Some((_, href)) = list
            .iter()
            .find(|(l, _)| *l == site.config.default_language)
        {
            list.push(("x-default".to_string(), href.clone()));
        }
        list
    };
    for page in site.pages.iter().filter(|p| !p.fallback) {
        let others = page
            .translations
            .iter()
            .map(|&i| (site.pages[i].lang.as_str(), site.pages[i].path.as_str()))
            .collect();
        entries.push((
            permalink_of(site, &page.path),
            last_change(page).map(|d| d.format("%F", "en")),
            alternates((&page.lang, &page.path), others),
        ));
    }
    for section in site.sections.iter().filter(|s| !s.fallback) {
        let others = section
            .translations
            .iter()
            .map(|&i| {
                (
                    site.sections[i].lang.as_str(),
                    site.sections[i].path.as_str(),
                )
            })
            .collect();
        let newest = section
            .pages
            .iter()
            .filter_map(|&i| last_change(&site.pages[i]))
            .max();
        entries.push((
            permalink_of(site, &section.path),
            newest.map(|d| d.format("%F", "en")),
            alternates((&section.lang, &section.path), others),
        ));
    }
    for taxonomy in &site.taxonomies {
        entries.push((permalink_of(site, &taxonomy.path), None, Vec::new()));
        for term in &taxonomy.terms {
            entries.push((permalink_of(site, &term.path), None, Vec::new()));
        }
    }
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (loc, lastmod, alternates) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", xml_escape(&loc));
        if let Some(lastmod) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{lastmod}</lastmod>");
        }
        for (lang, href) in alternates {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(&lang),
                xml_escape(&href)
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// One Atom feed of `pages` (newest first), at `path`.
fn feed(
    site: &Site,
    bodies: &Bodies,
    path: &str,
    title: &str,
    home: &str,
    lang: &str,
    pages: &[usize],
) -> Option<(String, Vec<u8>)> {
    // The minute of each change is made once (it goes through the
    // time-zone library), and only the newest entries are sorted.
    let mut dated: Vec<(std::cmp::Reverse<i64>, usize, DateTime)> = pages
        .iter()
        .filter_map(|&i| {
            last_change(&site.pages[i]).map(|d| (std::cmp::Reverse(d.utc_minutes()), i, d))
        })
        .collect();
    if dated.is_empty() {
        return None;
    }
    let newest =
        |a: &(std::cmp::Reverse<i64>, usize, DateTime),
         b: &(std::cmp::Reverse<i64>, usize, DateTime)| { (a.0, a.1).cmp(&(b.0, b.1)) };
    if dated.len() > FEED_ENTRIES {
        dated.select_nth_unstable_by(FEED_ENTRIES, newest);
        dated.truncate(FEED_ENTRIES);
    }
    dated.sort_unstable_by(newest);
    let dated: Vec<(DateTime, usize)> = dated.into_iter().map(|(_, i, d)| (d, i)).collect();
    let updated = rfc3339(dated[0].0);
    let self_url = permalink_of(site, path);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n",
        xml_escape(lang),
        xml_escape(title),
        xml_escape(&self_url),
        xml_escape(&self_url),
        xml_escape(&permalink_of(site, home)),
        xml_escape(&site.config.title),
    );
    for (date, i) in dated {
        let page = &site.pages[i];
        let front = &page.document.front;
        let link = permalink_of(site, &page.path);
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <updated>{}</updated>\n",
            xml_escape(&front.title),
            xml_escape(&link),
            xml_escape(&link),
            rfc3339(date),
        );
        if let Some(published) = front.date {
            let _ = writeln!(xml, "    <published>{}</published>", rfc3339(published));
        }
        match (&bodies.pages[i].summary, &front.description) {
            (Some(summary), _) => {
                let _ = writeln!(
                    xml,
                    "    <summary type=\"html\">{}</summary>",
                    xml_escape(summary)
                );
            }
            (None, Some(description)) => {
                let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(description));
            }
            (None, None) => {}
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some((path.to_string(), xml.into_bytes()))
}

fn feeds(site: &Site, bodies: &Bodies) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for language in &site.config.languages {
        let prefix = site.config.language_prefix(&language.code);
        let pages: Vec<usize> = (0..site.pages.len())
            .filter(|&i| site.pages[i].lang == language.code && !site.pages[i].fallback)
            .collect();
        out.extend(feed(
            site,
            bodies,
            &format!("{prefix}atom.xml"),
            &language.title,
            &prefix,
            &language.code,
            &pages,
        ));
        for section in site
            .sections
            .iter()
            .filter(|s| s.lang == language.code && !s.folder.is_empty())
        {
            let pages: Vec<usize> = section
                .pages
                .iter()
                .copied()
                .filter(|&i| !site.pages[i].fallback)
                .collect();
            let title = format!("{} — {}", section.title, language.title);
            out.extend(feed(
                site,
                bodies,
                &format!("{}atom.xml", section.path),
                &title,
                &section.path,
                &language.code,
                &pages,
            ));
        }
    }
    out
}

fn redirects(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for page in site.pages.iter().filter(|p| !p.fallback) {
        let target = url_of(site, &page.path);
        for alias in &page.document.front.aliases {
            let Ok(output) = crate::urls::alias_output(alias) else {
                continue;
            };
            let html = format!(
                "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{href}\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p><a href=\"{href}\">{title}</a></p>\n</body>\n</html>\n",
                lang = page.lang,
                title = xml_escape(&page.document.front.title),
                href = xml_escape(&permalink_of(site, &page.path)),
            );
            let from = url_of(site, output.trim_end_matches("index.html"));
            lines.push(format!("{from} {target} 301"));
            out.push((output, html.into_bytes()));
        }
    }
    lines.sort();
    if !lines.is_empty() {
        out.push((
            "_redirects".to_string(),
            format!("{}\n", lines.join("\n")).into_bytes(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_for_atom() {
        assert_eq!(
            rfc3339(DateTime::parse("2026-11-28").unwrap()),
            "2026-11-28T00:00:00Z"
        );
        assert_eq!(
            rfc3339(DateTime::parse("2026-12-10T18:30:00+01:00").unwrap()),
            "2026-12-10T18:30:00+01:00"
        );
    }
}
