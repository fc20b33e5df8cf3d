//! `alumni check`: what a pull request is judged by.
//!
//! In: build options. Out: every problem of the site, sorted: the build's
//! own errors (front matter against collections, links between sources,
//! templates...), then what only the rendered site shows: every internal
//! `href`, `src` and `srcset` and every `#fragment` of every HTML output must
//! lead to an output and an element id in it; images need alternative text;
//! the pages of the main navigation (`data.navigation.main`) must exist in
//! every language; pages left out of a language are warnings. Nothing is
//! written to disk.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::build::{BuildOptions, PreparedSite};
use crate::diagnostic::{self, Diagnostic};
use crate::live::{self, Outputs};
use crate::yaml::Value;

/// A tag of an HTML document: name and attributes, as written.
#[derive(Debug, PartialEq, Eq)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Decodes the few character references our outputs use in attributes.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The start tags of `html`, skipping comments and the content of scripts and styles.
fn tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let key_len = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let key = rest[..key_len].to_ascii_lowercase();
            rest = rest[key_len..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let inner = &after[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    value = unescape(&inner[..end]);
                    rest = inner.get(end + 1..).unwrap_or("");
                } else {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    value = unescape(&after[..end]);
                    rest = &after[end..];
                }
            }
            attributes.push((key, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |i| &rest[i..]);
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Percent-decodes a URL path (invalid escapes are kept as written).
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a link of the page at output `from` leads: (output key, fragment),
/// or `None` for links that leave the site.
fn target_of(url: &str, from: &str, base_path: &str) -> Option<(String, String)> {
    let lower = url.to_ascii_lowercase();
    if url.starts_with("//")
        || lower.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.contains('/')
                && !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
    {
        return None;
    }
    let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
    let path = path.split('?').next().unwrap_or("");
    let key = if path.is_empty() {
        from.to_string()
    } else if path.starts_with('/') {
        // Absolute paths must stay under the site's base path (`/alumni/...`
        // when the site is published below a folder).
        let inside = if path == base_path.trim_end_matches('/') {
            Some("")
        } else {
            path.strip_prefix(base_path)
        };
        match inside {
            Some(inner) => normalise(inner),
            None => format!("\u{0}outside:{path}"),
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        normalise(&format!("{dir}/{path}"))
    };
    Some((percent_decode(&key), fragment.to_string()))
}

/// Resolves `.` and `..`, and names a folder's `index.html`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.ends_with('/') || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    }
}

/// The source of each HTML output: (site-relative path, text).
fn sources(prepared: &PreparedSite) -> HashMap<String, (&str, &str)> {
    let site = &prepared.site;
    let mut map = HashMap::new();
    for p in site.pages.iter().filter(|p| !p.fallback) {
        map.insert(
            format!("{}index.html", p.path),
            (p.document.file.path.as_str(), p.document.file.text.as_str()),
        );
    }
    for s in site.sections.iter().filter(|s| !s.fallback) {
        if let Some(d) = &s.document {
            map.insert(
                format!("{}index.html", s.path),
                (d.file.path.as_str(), d.file.text.as_str()),
            );
        }
    }
    map
}

/// Problems found in rendered HTML, grouped so that a template's mistake
/// repeated on every page is reported once.
pub fn check_outputs(prepared: &PreparedSite, outputs: &Outputs) -> Vec<Diagnostic> {
    let base_path = &prepared.site.config.base_path;
    let sources = sources(prepared);
    let html: Vec<(&String, Vec<Tag>)> = outputs
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, tags(&String::from_utf8_lossy(v))))
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = html
        .iter()
        .map(|(k, tags)| {
            let set = tags
                .iter()
                .flat_map(|t| t.attributes.iter())
                .filter(|(a, _)| a == "id" || a == "name")
                .map(|(_, v)| v.as_str())
                .collect();
            (k.as_str(), set)
        })
        .collect();
    // (message, hint, raw value) -> outputs it was found in
    let mut found: BTreeMap<(String, String, String), Vec<&str>> = BTreeMap::new();
    for (page, tags) in &html {
        for tag in tags {
            let urls: Vec<&str> = tag
                .attributes
                .iter()
                .filter(|(a, _)| a == "href" || a == "src" || a == "srcset")
                .flat_map(|(a, v)| {
                    if a == "srcset" {
                        v.split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .collect::<Vec<_>>()
                    } else {
                        vec![v.as_str()]
                    }
                })
                .collect();
            if tag.name == "link"
                && tag
                    .attributes
                    .iter()
                    .any(|(a, v)| a == "rel" && v == "alternate")
            {
                // hreflang alternates are absolute permalinks; checked by the sitemap's tools.
                continue;
            }
            for url in urls {
                let Some((key, fragment)) = target_of(url, page, base_path) else {
                    continue;
                };
                if !outputs.contains_key(&key) {
                    found
                        .entry((
                            format!("link to `{url}`, which is not a page or file of the site"),
                            "check the address; link to pages by their source with `@/section/page.md`".to_string(),
                            url.to_string(),
                        ))
                        .or_default()
                        .push(page);
                } else if !fragment.is_empty()
                    && !ids
                        .get(key.as_str())
                        .is_some_and(|set| set.contains(fragment.as_str()))
                {
                    found
                        .entry((
                            format!("link to `{url}`: no element has the id `{fragment}` there"),
                            "link to a heading by its id: `## Nous contacter` is `#nous-contacter`"
                                .to_string(),
                            url.to_string(),
                        ))
                        .or_default()
                        .push(page);
                }
            }
            if tag.name == "img" && !tag.attributes.iter().any(|(a, _)| a == "alt") {
                let src = tag
                    .attributes
                    .iter()
                    .find(|(a, _)| a == "src")
                    .map_or("", |(_, v)| v.as_str());
                found
                    .entry((
                        format!("the image `{src}` has no alternative text"),
                        "describe it: ![what the image shows](image.jpg), or alt=\"...\""
                            .to_string(),
                        src.to_string(),
                    ))
                    .or_default()
                    .push(page);
            }
        }
    }
    let mut diagnostics = Vec::new();
    for ((message, hint, raw), pages) in found {
        let mut pages = pages;
        pages.sort_unstable();
        pages.dedup();
        // Locate in the first source that contains the value as written, else the first page's source.
        let located = pages.iter().find_map(|p| {
            let (path, text) = sources.get(*p)?;
            let needle = raw
                .split('#')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or(&raw);
            let at = text.find(&raw).or_else(|| {
                let fragment = raw.split_once('#').map(|(_, f)| format!("#{f}"));
                fragment
                    .and_then(|f| text.find(&f))
                    .or_else(|| text.find(needle))
            })?;
            Some((*path, *text, at))
        });
        let others = match pages.len() {
            0 | 1 => String::new(),
            n => format!(" (on {n} pages, from /{} on)", pages[0]),
        };
        let d = if let Some((path, text, at)) = located {
            Diagnostic::error(path, format!("{message}{others}")).at_offset(text, at)
        } else {
            let first = pages[0];
            match sources.get(first) {
                Some((path, text)) => {
                    Diagnostic::error(*path, format!("{message} (in the page's template){others}"))
                        .at_offset(text, 0)
                }
                None => Diagnostic::error(format!("/{first}"), format!("{message}{others}")),
            }
        };
        diagnostics.push(d.with_hint(hint));
    }
    diagnostics
}

/// The pages of `data.navigation.main` must exist in every language.
fn check_navigation(prepared: &PreparedSite, root: &std::path::Path) -> Vec<Diagnostic> {
    let site = &prepared.site;
    let Some(items) = prepared
        .data
        .get("navigation")
        .and_then(|n| n.get("main"))
        .and_then(Value::as_sequence)
    else {
        return Vec::new();
    };
    let file = "content/_data/navigation.yaml";
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    let mut errors = Vec::new();
    for item in items {
        let Some(path) = item.get("path").and_then(Value::as_str) else {
            continue;
        };
        for language in &site.config.languages {
            let exists = site.pages.iter().any(|p| {
                !p.fallback && p.lang == language.code && p.document.translation_key == path
            }) || site.sections.iter().any(|s| {
                !s.fallback
                    && s.lang == language.code
                    && s.document
                        .as_ref()
                        .is_some_and(|d| d.translation_key == path)
            });
            if !exists {
                let at = text.find(path).unwrap_or(0);
                let suffixed = path.strip_suffix(".md").map_or(path.to_string(), |p| {
                    if language.code == site.config.default_language {
                        format!("{p}.md")
                    } else {
                        format!("{p}.{}.md", language.code)
                    }
                });
                errors.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "the menu links to `{path}`, which has no {} version",
                            language.name
                        ),
                    )
                    .at_offset(&text, at)
                    .with_hint(format!("write content/{suffixed}")),
                );
            }
        }
    }
    errors
}

/// Pages left out of a language (sections with `missing_translation: omit`).
fn missing_translations(prepared: &PreparedSite) -> Vec<Diagnostic> {
    let site = &prepared.site;
    site.missing_translations
        .iter()
        .filter(|m| !m.fallback)
        .map(|m| {
            let name = site
                .config
                .language(&m.lang)
                .map_or(m.lang.as_str(), |l| l.name.as_str());
            let target = m
                .source
                .strip_suffix(".md")
                .map_or(m.source.clone(), |p| format!("{p}.{}.md", m.lang));
            Diagnostic::warning(
                &m.source,
                format!("no {name} version: the {name} site leaves this page out"),
            )
            .with_hint(format!(
                "translate it as {target}, or set `missing_translation: fallback` on its section"
            ))
        })
        .collect()
}

/// Builds the site in memory and returns every problem, sorted.
///
/// Pages scheduled for later (`publish_date`) are judged too, so that their
/// mistakes show in the pull request that adds them rather than on the day
/// they go out; then the site is assembled once more as it would be
/// published now, which finds what only breaks that build (a link from a
/// published page to a page that is not out yet).
pub fn check(options: &BuildOptions) -> Vec<Diagnostic> {
    let with_scheduled = BuildOptions {
        future: true,
        ..options.clone()
    };
    let mut problems = match live::build_outputs(&with_scheduled) {
        Ok((prepared, _views, outputs)) => {
            let mut problems = check_outputs(&prepared, &outputs);
            problems.extend(prepared.warnings.iter().cloned());
            problems.extend(check_navigation(&prepared, &options.root));
            problems.extend(missing_translations(&prepared));
            problems
        }
        Err(errors) => errors,
    };
    if !options.future {
        if let Err(crate::build::BuildError::Site(errors)) = crate::build::prepare(options) {
            problems.extend(errors);
        }
    }
    diagnostic::sort(&mut problems);
    problems.dedup();
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_and_attributes() {
        let t = tags(
            "<!-- <a href=x> --><p id=a class=\"b c\">x<a href='/y/#z' >y</a><img src=\"a.png\"/><script>var s = '<a href=no>';</script>",
        );
        let names: Vec<_> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "img", "script"]);
        assert_eq!(
            t[0].attributes,
            [("id".into(), "a".into()), ("class".into(), "b c".into())]
        );
        assert_eq!(t[1].attributes[0].1, "/y/#z");
    }

    #[test]
    fn resolves_link_targets() {
        assert_eq!(
            target_of("/alumni/clubs/#x", "index.html", "/alumni/"),
            Some(("clubs/index.html".into(), "x".into()))
        );
        assert_eq!(
            target_of("#top", "clubs/index.html", "/"),
            Some(("clubs/index.html".into(), "top".into()))
        );
        assert_eq!(
            target_of("poster.svg", "alter-ego/ep/index.html", "/"),
            Some(("alter-ego/ep/poster.svg".into(), String::new()))
        );
        assert_eq!(
            target_of("../", "clubs/a/index.html", "/"),
            Some(("clubs/index.html".into(), String::new()))
        );
        assert_eq!(
            target_of("/caf%C3%A9.pdf", "index.html", "/"),
            Some(("café.pdf".into(), String::new()))
        );
        // Below a base path, `/clubs/` leaves the site.
        assert!(
            target_of("/clubs/", "index.html", "/alumni/")
                .unwrap()
                .0
                .starts_with('\u{0}')
        );
        assert_eq!(
            target_of("/alumni", "index.html", "/alumni/"),
            Some(("index.html".into(), String::new()))
        );
        for external in [
            "https://example.org/",
            "mailto:a@b.c",
            "//cdn.example/x.js",
            "tel:+33",
            "javascript:alert(1)",
        ] {
            assert_eq!(target_of(external, "index.html", "/"), None, "{external}");
        }
    }
}
