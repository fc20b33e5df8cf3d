//! Views: what templates see of the site, never the model itself.
//!
//! In: the assembled [`Site`] after Markdown. Out: template values built once
//! and shared by every render: a light summary per page (no content), one
//! value per section listing its pages' summaries, the `site`, `data` and
//! `config` values. Tera values share their maps and lists behind reference
//! counts, so putting a section's listing in ten thousand contexts copies
//! pointers, not pages.

use serde::Serialize;
use tera::{Map, Value};

use crate::markdown::TocEntry;
use crate::model::{Page, Section, Site};
use crate::yaml;

/// Views shared by every render of one build.
pub struct SharedViews {
    /// One summary per page, same order as `site.pages`.
    pub page_summaries: Vec<Value>,
    /// One value per section, same order as `site.sections`.
    pub sections: Vec<Value>,
    /// `site`: title, description, URLs, language, and every section by folder.
    pub site: Value,
    /// `data`: the data files.
    pub data: Value,
    /// `config`: the resolved configuration.
    pub config: Value,
}

/// A page as listings see it.
#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    permalink: String,
    path: &'a str,
    source: &'a str,
    slug: &'a str,
    lang: &'a str,
    date: Option<String>,
    updated: Option<String>,
    weight: Option<i64>,
    draft: bool,
    tags: &'a [String],
    extra: &'a yaml::Mapping,
    summary: Option<&'a str>,
    word_count: usize,
    reading_time: usize,
}

/// A section as listings see it (its pages are added as shared values).
#[derive(Serialize)]
struct SectionSummary<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    permalink: String,
    path: &'a str,
    folder: &'a str,
    source: Option<&'a str>,
    lang: &'a str,
    extra: Option<&'a yaml::Mapping>,
    content: &'a str,
    toc: &'a [TocEntry],
    word_count: usize,
    reading_time: usize,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    url: &'a str,
    language: &'a str,
}

#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    default_language: &'a str,
    theme: &'a str,
    extra: &'a yaml::Mapping,
}

/// A root-relative URL for a site path.
pub fn url_of(site: &Site, path: &str) -> String {
    format!("{}{path}", site.config.base_path)
}

/// An absolute URL for a site path.
pub fn permalink_of(site: &Site, path: &str) -> String {
    format!("{}/{path}", site.config.base_url)
}

fn page_summary(site: &Site, page: &Page) -> Value {
    let front = &page.document.front;
    let value = Value::from_serializable(&PageSummary {
        title: &front.title,
        description: front.description.as_deref(),
        url: url_of(site, &page.path),
        permalink: permalink_of(site, &page.path),
        path: &page.path,
        source: &page.document.content_path,
        slug: &page.slug,
        lang: &site.config.default_language,
        date: front.date.map(|d| d.to_string()),
        updated: front.updated.map(|d| d.to_string()),
        weight: front.weight,
        draft: front.draft,
        tags: &front.tags,
        extra: &front.extra,
        summary: page.rendered.summary.as_deref(),
        word_count: page.rendered.word_count,
        reading_time: page.rendered.reading_time,
    });
    // Rendered Markdown is HTML by construction: templates print it as is.
    let mut map = value.into_map().unwrap_or_default();
    if let Some(summary) = &page.rendered.summary {
        map.insert("summary".into(), Value::safe_string(summary));
    }
    Value::from(map)
}

fn section_value(site: &Site, section: &Section, summaries: &[Value]) -> Value {
    let document = section.document.as_ref();
    let base = Value::from_serializable(&SectionSummary {
        title: &section.title,
        description: document.and_then(|d| d.front.description.as_deref()),
        url: url_of(site, &section.path),
        permalink: permalink_of(site, &section.path),
        path: &section.path,
        folder: &section.folder,
        source: document.map(|d| d.content_path.as_str()),
        lang: &site.config.default_language,
        extra: document.map(|d| &d.front.extra),
        content: &section.rendered.html,
        toc: &section.rendered.toc,
        word_count: section.rendered.word_count,
        reading_time: section.rendered.reading_time,
    });
    let mut map = base.into_map().unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&section.rendered.html));
    let pages: Vec<Value> = section
        .pages
        .iter()
        .map(|&i| summaries[i].clone())
        .collect();
    map.insert("pages".into(), Value::from(pages));
    let subsections: Vec<Value> = section
        .subsections
        .iter()
        .map(|&i| {
            let s = &site.sections[i];
            let mut m = Map::new();
            m.insert("title".into(), Value::from(s.title.as_str()));
            m.insert("url".into(), Value::from(url_of(site, &s.path)));
            m.insert("folder".into(), Value::from(s.folder.as_str()));
            Value::from(m)
        })
        .collect();
    map.insert("subsections".into(), Value::from(subsections));
    Value::from(map)
}

/// Builds the shared views of `site`, once per build.
pub fn shared_views(site: &Site, data: &yaml::Value) -> SharedViews {
    use rayon::prelude::*;
    let page_summaries: Vec<Value> = site
        .pages
        .par_iter()
        .map(|p| page_summary(site, p))
        .collect();
    let sections: Vec<Value> = site
        .sections
        .iter()
        .map(|s| section_value(site, s, &page_summaries))
        .collect();
    let config = &site.config;
    let mut site_map = Value::from_serializable(&SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        url: &config.base_path,
        language: &config.default_language,
    })
    .into_map()
    .unwrap_or_default();
    let mut by_folder = Map::new();
    for (s, v) in site.sections.iter().zip(&sections) {
        let key = if s.folder.is_empty() {
            "home"
        } else {
            s.folder.as_str()
        };
        by_folder.insert(key.to_string().into(), v.clone());
    }
    site_map.insert("sections".into(), Value::from(by_folder));
    SharedViews {
        site: Value::from(site_map),
        data: Value::from_serializable(data),
        config: Value::from_serializable(&ConfigView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            default_language: &config.default_language,
            theme: &config.theme,
            extra: &config.extra,
        }),
        page_summaries,
        sections,
    }
}

/// The sections from the home down to `section` (included), as `{title, url}`:
/// what breadcrumbs are made of.
pub fn ancestors(site: &Site, section: usize) -> Value {
    let mut chain = Vec::new();
    let mut current = Some(section);
    while let Some(i) = current {
        let s = &site.sections[i];
        let mut m = Map::new();
        m.insert("title".into(), Value::from(s.title.as_str()));
        m.insert("url".into(), Value::from(url_of(site, &s.path)));
        chain.push(Value::from(m));
        current = s.parent;
    }
    chain.reverse();
    Value::from(chain)
}

/// The full view of one page: its summary plus content, table of contents,
/// bundle files, its section and its neighbours in the section's order.
pub fn page_view(site: &Site, views: &SharedViews, index: usize) -> Value {
    let page = &site.pages[index];
    let mut map = views.page_summaries[index]
        .clone()
        .into_map()
        .unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&page.rendered.html));
    map.insert("toc".into(), Value::from_serializable(&page.rendered.toc));
    let assets: Vec<Value> = page
        .assets
        .iter()
        .map(|a| Value::from(url_of(site, a)))
        .collect();
    map.insert("assets".into(), Value::from(assets));
    let siblings = &site.sections[page.section].pages;
    let at = siblings.iter().position(|&i| i == index);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| siblings.get(i))
            .map_or(Value::none(), |&j| views.page_summaries[j].clone())
    };
    map.insert("ancestors".into(), ancestors(site, page.section));
    map.insert(
        "previous".into(),
        neighbour(at.and_then(|a| a.checked_sub(1))),
    );
    map.insert("next".into(), neighbour(at.map(|a| a + 1)));
    Value::from(map)
}
