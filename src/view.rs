//! Views: what templates see of the site, never the model itself.
//!
//! In: the assembled [`Site`] after Markdown. Out: template values built once
//! and shared by every render: a light summary per page (no content), one
//! value per section listing its pages' summaries, one `site` value per
//! language, the taxonomies, `data` and `config`. Tera values share their
//! maps and lists behind reference counts, so putting a section's listing in
//! ten thousand contexts copies pointers, not pages. Date-time fields of a
//! collection reach templates as `page.times.<field>`: plain strings already
//! placed in the page's zone and written in its language by
//! [`crate::date`] (templates never parse or compare their text).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Map, Value};

use crate::collection::FieldKind;
use crate::date;
use crate::markdown::{Rendered, TocEntry};
use crate::model::{Bodies, Page, Section, Site, Taxonomy};
use crate::urls::{permalink_of, url_of};
use crate::yaml;

/// Views shared by every render of one build.
pub struct SharedViews {
    /// One summary per page, same order as `site.pages`.
    pub page_summaries: Vec<Value>,
    /// One value per section, same order as `site.sections`.
    pub sections: Vec<Value>,
    /// One value per taxonomy, same order as `site.taxonomies`.
    pub taxonomies: Vec<Value>,
    /// `term` for each term of each taxonomy (same order), with its pages:
    /// made once, shared by every page of a paginated term.
    pub terms: Vec<Vec<Value>>,
    /// For each taxonomy, its terms' indexes by slug: a page finds the
    /// address of its terms without walking every term of the site.
    pub term_slugs: Vec<HashMap<String, usize>>,
    /// `site` for each language: title, description, URLs, languages, its
    /// sections by folder and its taxonomies by name.
    pub sites: HashMap<String, Value>,
    /// `data`: the data files.
    pub data: Value,
    /// `config`: the resolved configuration.
    pub config: Value,
}

/// A page as listings see it: what other pages may show of it. It holds
/// nothing that changes when the body below the summary is edited, so that
/// such an edit re-renders that page alone (see `live`).
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
    edition: &'a str,
    fallback: bool,
    date: Option<String>,
    updated: Option<String>,
    weight: Option<i64>,
    draft: bool,
    tags: &'a [String],
    extra: &'a yaml::Mapping,
    /// For a page of the calendar's section (an event): whether it is still
    /// to come or under way at the build's now, decided by
    /// [`crate::calendar::span`]; none for other pages.
    upcoming: Option<bool>,
    /// For an event: whether it is under way at the build's now.
    ongoing: Option<bool>,
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
    edition: &'a str,
    fallback: bool,
    extra: Option<&'a yaml::Mapping>,
    toc: &'a [TocEntry],
    word_count: usize,
    reading_time: usize,
}

#[derive(Serialize)]
struct LanguageView<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    /// Scheme and host of `base_url`: `origin ~ url` is an absolute URL.
    origin: &'a str,
    url: String,
    /// The absolute URL of this language's home.
    permalink: String,
    language: &'a str,
    default_language: &'a str,
    languages: Vec<LanguageView<'a>>,
    /// The build's now in UTC (`2026-11-28T15:00:00Z`): the clock, or
    /// `SOURCE_DATE_EPOCH`.
    now: String,
    /// The date of `now` in UTC (`2026-11-28`), for display; whether an
    /// event is to come is `page.upcoming`, never a comparison of texts.
    today: String,
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

fn link(title: &str, url: String) -> Value {
    let mut m = Map::new();
    m.insert("title".into(), Value::from(title));
    m.insert("url".into(), Value::from(url));
    Value::from(m)
}

/// A table of contents as its serialisation would give it (`{level, id,
/// title, children}`, in that order), made directly: going through serde
/// cost more than the rest of a page's view.
fn toc_value(entries: &[crate::markdown::TocEntry]) -> Value {
    let list: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("level".into(), Value::from(e.level));
            m.insert("id".into(), Value::from(e.id.as_str()));
            m.insert("title".into(), Value::from(e.title.as_str()));
            m.insert("children".into(), toc_value(&e.children));
            Value::from(m)
        })
        .collect();
    Value::from(list)
}

/// `{lang, name, title, url, permalink}` for each version in `versions`.
fn versions<'a>(site: &Site, versions: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> Value {
    let list: Vec<Value> = versions
        .map(|(lang, title, path)| {
            let mut m = Map::new();
            m.insert("lang".into(), Value::from(lang));
            let name = site.config.language(lang).map_or(lang, |l| l.name.as_str());
            m.insert("name".into(), Value::from(name));
            m.insert("title".into(), Value::from(title));
            m.insert("url".into(), Value::from(url_of(site, path)));
            m.insert("permalink".into(), Value::from(permalink_of(site, path)));
            Value::from(m)
        })
        .collect();
    Value::from(list)
}

fn page_terms(site: &Site, views: &SharedViews, page: &Page) -> Value {
    let mut map = Map::new();
    for (name, values) in &page.terms {
        let taxonomy = site
            .taxonomies
            .iter()
            .position(|t| &t.name == name && t.lang == page.lang);
        let list: Vec<Value> = values
            .iter()
            .map(|v| {
                let slug = crate::slug::slugify(v);
                let path = taxonomy
                    .and_then(|t| {
                        let k = views.term_slugs[t].get(&slug)?;
                        Some(&site.taxonomies[t].terms[*k])
                    })
                    .map_or(String::new(), |term| term.path.clone());
                link(v, url_of(site, &path))
            })
            .collect();
        map.insert(name.clone().into(), Value::from(list));
    }
    Value::from(map)
}

/// One date-time field as templates print it, already placed in its zone
/// by [`crate::date`] and written in the page's language.
#[derive(Serialize)]
struct TimeView {
    /// ISO 8601 with the zone's offset (`2027-03-28T18:30:00+09:00`), or
    /// the date alone: for `<time datetime>` and JSON-LD.
    iso: String,
    /// The instant in UTC (`2027-03-28T09:30:00Z`); an all-day value's
    /// is the start of its day in its zone.
    utc: String,
    /// The date in running text (`28 mars 2027`).
    date: String,
    /// The time of day (`18:30`, `6:30 pm`), empty for an all-day value.
    time: String,
    /// The zone (`heure de Tokyo`, `Tokyo time`), empty for an all-day value.
    zone: String,
    /// Date, time and zone in running text (`28 mars 2027, 18:30, heure de Tokyo`).
    text: String,
    /// A date without time.
    all_day: bool,
    /// Whether the instant is still to come at the build's now (an all-day
    /// value stays to come until its day is over in its zone).
    upcoming: bool,
}

/// `times`: each `datetime` field of the page's collection that the page
/// gives, by name, read in the page's zone (`timezone`). Comparing these
/// instants, not the text of the fields, is what orders events written
/// in different zones.
fn times(site: &Site, page: &Page) -> Value {
    let mut map = Map::new();
    let Some(collection) = site.config.collection(&site.sections[page.section].folder) else {
        return Value::from(map);
    };
    let extra = &page.document.front.extra;
    let text = |key: &str| extra.get(key).and_then(yaml::Value::as_str);
    let now = site.now.unix_seconds();
    let lang = page.lang.as_str();
    for field in collection
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Datetime)
    {
        let Some(placed) =
            text(&field.name).and_then(|t| date::place(t, text(date::ZONE_FIELD)).ok())
        else {
            continue;
        };
        let (time, zone) = if placed.all_day() {
            (String::new(), String::new())
        } else {
            (placed.local.clock(lang), placed.zone_label(lang))
        };
        let ends = if placed.all_day() {
            date::place(&placed.local.next_day().to_string(), placed.zone.as_deref())
                .map_or(placed.unix_seconds(), |next| next.unix_seconds())
        } else {
            placed.unix_seconds()
        };
        let view = TimeView {
            iso: placed.local.to_string(),
            utc: placed.utc().to_string(),
            date: placed.local.long(lang),
            time,
            zone,
            text: placed.text(lang),
            all_day: placed.all_day(),
            upcoming: ends > now,
        };
        map.insert(field.name.clone().into(), Value::from_serializable(&view));
    }
    Value::from(map)
}

/// The page's own fields as templates read them: a taxonomy or a `list`
/// field of its collection written as one text (`club_kind: professionnel`)
/// is the list of one it stands for, as `tags: sciences` is, so that
/// templates read such a field as a list whatever its writer chose. The
/// fields as written, borrowed, when nothing changes (nearly always).
fn extra_of<'a>(site: &Site, page: &'a Page) -> std::borrow::Cow<'a, yaml::Mapping> {
    let extra = &page.document.front.extra;
    let collection = site.config.collection(&site.sections[page.section].folder);
    let is_list = |name: &str| {
        site.config.taxonomies.iter().any(|t| t.name == name)
            || collection.is_some_and(|c| {
                c.fields
                    .iter()
                    .any(|f| f.name == name && f.kind == FieldKind::List)
            })
    };
    let single = |k: &yaml::Value, v: &yaml::Value| {
        !matches!(v, yaml::Value::Sequence(_) | yaml::Value::Null)
            && k.as_str().is_some_and(is_list)
    };
    if !extra.iter().any(|(k, v)| single(k, v)) {
        return std::borrow::Cow::Borrowed(extra);
    }
    let mut lists = extra.clone();
    for (k, v) in &mut lists {
        if single(k, v) {
            *v = yaml::Value::Sequence(vec![v.clone()]);
        }
    }
    std::borrow::Cow::Owned(lists)
}

/// When `page` takes place, if it is an event: a page of the calendar's section.
fn event_span(site: &Site, page: &Page) -> Option<crate::schedule::Span> {
    let calendar = site.config.calendar.as_ref()?;
    (site.sections[page.section].folder == calendar.section)
        .then(|| crate::calendar::span(calendar, &page.document.front))
        .flatten()
}

fn page_summary(site: &Site, page: &Page, body: &Rendered) -> Value {
    let front = &page.document.front;
    let extra = extra_of(site, page);
    let span = event_span(site, page);
    let now = site.now.unix_seconds();
    let value = Value::from_serializable(&PageSummary {
        title: &front.title,
        description: front.description.as_deref(),
        url: url_of(site, &page.path),
        permalink: permalink_of(site, &page.path),
        path: &page.path,
        source: &page.document.content_path,
        slug: &page.slug,
        lang: &page.document.lang,
        edition: &page.lang,
        fallback: page.fallback,
        date: front.date.map(|d| d.to_string()),
        updated: front.updated.map(|d| d.to_string()),
        weight: front.weight,
        draft: front.draft,
        tags: &front.tags,
        extra: &extra,
        upcoming: span.map(|s| s.upcoming(now)),
        ongoing: span.map(|s| s.ongoing(now)),
    });
    let mut map = value.into_map().unwrap_or_default();
    map.insert("times".into(), times(site, page));
    // Rendered Markdown is HTML by construction: templates print it as is.
    let summary = body
        .summary
        .as_deref()
        .map_or(Value::none(), Value::safe_string);
    map.insert("summary".into(), summary);
    Value::from(map)
}

fn section_value(site: &Site, section: &Section, body: &Rendered, summaries: &[Value]) -> Value {
    let document = section.document.as_ref();
    let base = Value::from_serializable(&SectionSummary {
        title: &section.title,
        description: document.and_then(|d| d.front.description.as_deref()),
        url: url_of(site, &section.path),
        permalink: permalink_of(site, &section.path),
        path: &section.path,
        folder: &section.folder,
        source: document.map(|d| d.content_path.as_str()),
        lang: document.map_or(section.lang.as_str(), |d| d.lang.as_str()),
        edition: &section.lang,
        fallback: section.fallback,
        extra: document.map(|d| &d.front.extra),
        toc: &body.toc,
        word_count: body.word_count,
        reading_time: body.reading_time,
    });
    let mut map = base.into_map().unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&body.html));
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
            let mut m = link(&s.title, url_of(site, &s.path))
                .into_map()
                .unwrap_or_default();
            m.insert("folder".into(), Value::from(s.folder.as_str()));
            Value::from(m)
        })
        .collect();
    map.insert("subsections".into(), Value::from(subsections));
    let others = section.translations.iter().map(|&i| {
        let s = &site.sections[i];
        (s.lang.as_str(), s.title.as_str(), s.path.as_str())
    });
    map.insert("translations".into(), versions(site, others));
    let all = std::iter::once(section)
        .filter(|s| !s.fallback)
        .chain(section.translations.iter().map(|&i| &site.sections[i]))
        .map(|s| (s.lang.as_str(), s.title.as_str(), s.path.as_str()));
    map.insert("alternates".into(), versions(site, all));
    Value::from(map)
}

/// `{name, url, terms: [{name, slug, url, count}]}`: a taxonomy without its pages.
fn taxonomy_value(site: &Site, taxonomy: &Taxonomy) -> Value {
    let terms: Vec<Value> = taxonomy
        .terms
        .iter()
        .map(|t| {
            let mut m = link(&t.name, url_of(site, &t.path))
                .into_map()
                .unwrap_or_default();
            m.insert("name".into(), Value::from(t.name.as_str()));
            m.insert("slug".into(), Value::from(t.slug.as_str()));
            m.insert("count".into(), Value::from(t.pages.len()));
            Value::from(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("name".into(), Value::from(taxonomy.name.as_str()));
    m.insert("lang".into(), Value::from(taxonomy.lang.as_str()));
    m.insert("url".into(), Value::from(url_of(site, &taxonomy.path)));
    m.insert("terms".into(), Value::from(terms));
    Value::from(m)
}

/// `{name, slug, url, count, pages}` for each term of `taxonomy`.
fn term_values(site: &Site, taxonomy: &Taxonomy, summaries: &[Value]) -> Vec<Value> {
    taxonomy
        .terms
        .iter()
        .map(|term| {
            let pages: Vec<Value> = term.pages.iter().map(|&i| summaries[i].clone()).collect();
            let mut m = Map::new();
            m.insert("name".into(), Value::from(term.name.as_str()));
            m.insert("slug".into(), Value::from(term.slug.as_str()));
            m.insert("url".into(), Value::from(url_of(site, &term.path)));
            m.insert("count".into(), Value::from(term.pages.len()));
            m.insert("pages".into(), Value::from(pages));
            Value::from(m)
        })
        .collect()
}

/// Builds the shared views of `site`, whose bodies are `bodies`, once per
/// build.
pub(crate) fn shared_views(site: &Site, bodies: &Bodies, data: &yaml::Value) -> SharedViews {
    let page_summaries: Vec<Value> = site
        .pages
        .par_iter()
        .zip(&bodies.pages)
        .map(|(p, body)| page_summary(site, p, body))
        .collect();
    let sections: Vec<Value> = site
        .sections
        .iter()
        .zip(&bodies.sections)
        .map(|(s, body)| section_value(site, s, body, &page_summaries))
        .collect();
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .map(|t| taxonomy_value(site, t))
        .collect();
    let terms: Vec<Vec<Value>> = site
        .taxonomies
        .iter()
        .map(|t| term_values(site, t, &page_summaries))
        .collect();
    let term_slugs = site
        .taxonomies
        .iter()
        .map(|t| {
            let mut slugs = HashMap::new();
            for (k, term) in t.terms.iter().enumerate() {
                // The first term of a slug, as a walk from the start finds it.
                slugs.entry(term.slug.clone()).or_insert(k);
            }
            slugs
        })
        .collect();
    let config = &site.config;
    let languages: Vec<LanguageView<'_>> = config
        .languages
        .iter()
        .map(|l| LanguageView {
            code: &l.code,
            name: &l.name,
            url: url_of(site, &site.sections[site.home(&l.code)].path),
        })
        .collect();
    let sites = config
        .languages
        .iter()
        .map(|language| {
            let value = site_value(site, language, &languages, &sections, &taxonomies);
            (language.code.clone(), value)
        })
        .collect();
    SharedViews {
        sites,
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
        taxonomies,
        terms,
        term_slugs,
    }
}

/// The `site` of templates in `language`: its title, addresses and
/// languages (`languages`), now, and its sections and taxonomies in that
/// language (from `sections` and `taxonomies`, the views of the site's).
fn site_value(
    site: &Site,
    language: &crate::config::Language,
    languages: &[LanguageView<'_>],
    sections: &[Value],
    taxonomies: &[Value],
) -> Value {
    let config = &site.config;
    let mut site_map = Value::from_serializable(&SiteView {
        title: &language.title,
        description: &language.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        origin: config
            .base_url
            .strip_suffix(config.base_path.trim_end_matches('/'))
            .unwrap_or(&config.base_url),
        url: url_of(site, &config.language_prefix(&language.code)),
        permalink: permalink_of(site, &config.language_prefix(&language.code)),
        language: &language.code,
        default_language: &config.default_language,
        languages: languages
            .iter()
            .map(|l| LanguageView {
                code: l.code,
                name: l.name,
                url: l.url.clone(),
            })
            .collect(),
        now: site.now.to_utc().to_string(),
        today: site.now.to_utc().format("%F", "en"),
    })
    .into_map()
    .unwrap_or_default();
    let mut by_folder = Map::new();
    for (s, v) in site
        .sections
        .iter()
        .zip(sections)
        .filter(|(s, _)| s.lang == language.code)
    {
        let key = if s.folder.is_empty() {
            "home"
        } else {
            s.folder.as_str()
        };
        by_folder.insert(key.to_string().into(), v.clone());
    }
    site_map.insert("sections".into(), Value::from(by_folder));
    let mut by_name = Map::new();
    for (t, v) in site
        .taxonomies
        .iter()
        .zip(taxonomies)
        .filter(|(t, _)| t.lang == language.code)
    {
        by_name.insert(t.name.clone().into(), v.clone());
    }
    site_map.insert("taxonomies".into(), Value::from(by_name));
    Value::from(site_map)
}

/// The sections from the home down to `section` (included), as `{title, url}`:
/// what breadcrumbs are made of.
pub(crate) fn ancestors(site: &Site, section: usize) -> Value {
    let mut chain = Vec::new();
    let mut current = Some(section);
    while let Some(i) = current {
        let s = &site.sections[i];
        chain.push(link(&s.title, url_of(site, &s.path)));
        current = s.parent;
    }
    chain.reverse();
    Value::from(chain)
}

/// The full view of one page: its summary plus content, table of contents,
/// bundle files, translations, its section and its neighbours. `body` is
/// the page's rendered body: held in `Bodies::pages`, or the one just
/// rendered for this output when bodies are streamed.
pub(crate) fn page_view(
    site: &Site,
    views: &SharedViews,
    index: usize,
    body: &crate::markdown::Rendered,
) -> Value {
    let page = &site.pages[index];
    let mut map = views.page_summaries[index]
        .clone()
        .into_map()
        .unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&body.html));
    map.insert("toc".into(), toc_value(&body.toc));
    map.insert("word_count".into(), Value::from(body.word_count));
    // Term links are the page's own: listings show `tags` as written.
    map.insert("taxonomies".into(), page_terms(site, views, page));
    map.insert("reading_time".into(), Value::from(body.reading_time));
    let assets: Vec<Value> = page
        .assets
        .iter()
        .map(|a| Value::from(url_of(site, a)))
        .collect();
    map.insert("assets".into(), Value::from(assets));
    // Where `assets` are: a bundle's files are published once, beside one
    // language's page, and every language's page shows them from there.
    let files_url = if page.files_path.is_empty() {
        url_of(site, &page.path)
    } else {
        url_of(site, &page.files_path)
    };
    map.insert("files_url".into(), Value::from(files_url));
    let others = page.translations.iter().map(|&i| {
        let p = &site.pages[i];
        (
            p.lang.as_str(),
            p.document.front.title.as_str(),
            p.path.as_str(),
        )
    });
    map.insert("translations".into(), versions(site, others));
    let all = std::iter::once(page)
        .filter(|p| !p.fallback)
        .chain(page.translations.iter().map(|&i| &site.pages[i]))
        .map(|p| {
            (
                p.lang.as_str(),
                p.document.front.title.as_str(),
                p.path.as_str(),
            )
        });
    map.insert("alternates".into(), versions(site, all));
    map.insert("ancestors".into(), ancestors(site, page.section));
    let siblings = &site.sections[page.section].pages;
    let at = siblings.iter().position(|&i| i == index);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| siblings.get(i))
            .map_or(Value::none(), |&j| views.page_summaries[j].clone())
    };
    map.insert(
        "previous".into(),
        neighbour(at.and_then(|a| a.checked_sub(1))),
    );
    map.insert("next".into(), neighbour(at.map(|a| a + 1)));
    Value::from(map)
}

/// One page of a paginated list.
#[derive(Clone, Copy)]
pub(crate) struct Pager<'a> {
    /// Site path of the list's first page.
    pub base: &'a str,
    /// Every item of the list, in order.
    pub items: &'a [usize],
    /// Items per page.
    pub per_page: usize,
    /// 1-based.
    pub index: usize,
}

impl Pager<'_> {
    /// How many pages the list has (at least one, even when empty).
    pub(crate) fn count(items: usize, per_page: usize) -> usize {
        items.div_ceil(per_page.max(1)).max(1)
    }

    /// Site path of page `n` (1-based): the list's own path for the first.
    pub(crate) fn path_of(base: &str, n: usize) -> String {
        if n <= 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    }

    /// The page numbers a pager shows around page `index` of `total`: the
    /// first, the last, and [`Self::AROUND`] on each side of the current one,
    /// in order, with `None` for each run of pages left out. A gap would
    /// hide a single page is that page instead. At most `2 * AROUND + 5`
    /// entries, whatever `total` is: a list of 10,000 pages does not put
    /// 10,000 links on each of them.
    pub(crate) fn window(index: usize, total: usize) -> Vec<Option<usize>> {
        let low = index.saturating_sub(Self::AROUND).max(1);
        let high = (index + Self::AROUND).min(total);
        let mut shown: Vec<usize> = Vec::with_capacity(2 * Self::AROUND + 5);
        shown.push(1);
        shown.extend(low..=high);
        shown.push(total);
        shown.sort_unstable();
        shown.dedup();
        let mut window = Vec::with_capacity(shown.len() + 2);
        for n in shown {
            match window.last() {
                Some(&Some(last)) if n == last + 2 => window.push(Some(last + 1)),
                Some(&Some(last)) if n > last + 2 => window.push(None),
                _ => {}
            }
            window.push(Some(n));
        }
        window
    }

    /// Pages shown on each side of the current one in `paginator.window`.
    pub(crate) const AROUND: usize = 2;

    /// `paginator`: this page's items and links to a window of the others.
    pub(crate) fn view(&self, site: &Site, views: &SharedViews) -> Value {
        let total = Self::count(self.items.len(), self.per_page);
        let start = (self.index - 1) * self.per_page;
        let pages: Vec<Value> = self
            .items
            .iter()
            .skip(start)
            .take(self.per_page)
            .map(|&i| views.page_summaries[i].clone())
            .collect();
        let url = |n: usize| Value::from(url_of(site, &Self::path_of(self.base, n)));
        // Every entry has the same keys, so that a template can test `gap`
        // before it reads the others.
        let window: Vec<Value> = Self::window(self.index, total)
            .into_iter()
            .map(|n| {
                let mut m = Map::new();
                m.insert("index".into(), n.map_or(Value::none(), Value::from));
                m.insert("url".into(), n.map_or(Value::none(), url));
                m.insert("current".into(), Value::from(n == Some(self.index)));
                m.insert("gap".into(), Value::from(n.is_none()));
                Value::from(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("pages".into(), Value::from(pages));
        m.insert("current_index".into(), Value::from(self.index));
        m.insert("total_pages".into(), Value::from(total));
        m.insert("total_items".into(), Value::from(self.items.len()));
        m.insert("paginate_by".into(), Value::from(self.per_page));
        m.insert("first".into(), url(1));
        m.insert("last".into(), url(total));
        m.insert(
            "previous".into(),
            if self.index > 1 {
                url(self.index - 1)
            } else {
                Value::none()
            },
        );
        m.insert(
            "next".into(),
            if self.index < total {
                url(self.index + 1)
            } else {
                Value::none()
            },
        );
        m.insert("window".into(), Value::from(window));
        Value::from(m)
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn a_table_of_contents_reads_as_its_serialisation() {
        use crate::markdown::TocEntry;
        use tera::Value;
        let entry = |level, id: &str, children| TocEntry {
            level,
            id: id.to_string(),
            title: format!("Titre « {id} »"),
            children,
        };
        let toc = vec![
            entry(
                2,
                "a",
                vec![entry(3, "a-1", vec![entry(4, "a-1-x", vec![])])],
            ),
            entry(2, "b", vec![]),
        ];
        assert_eq!(super::toc_value(&toc), Value::from_serializable(&toc));
        assert_eq!(
            super::toc_value(&[]),
            Value::from_serializable(&Vec::<TocEntry>::new())
        );
    }

    fn shown(index: usize, total: usize) -> String {
        Pager::window(index, total)
            .iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn window_keeps_first_last_and_neighbours_with_gaps() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 2), "1 2");
        assert_eq!(shown(1, 7), "1 2 3 … 7");
        assert_eq!(shown(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(shown(25, 1250), "1 … 23 24 25 26 27 … 1250");
        assert_eq!(shown(1250, 1250), "1 … 1248 1249 1250");
        // A gap never hides a single page: 2 is shown rather than "…".
        assert_eq!(shown(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(shown(6, 12), "1 … 4 5 6 7 8 … 12");
    }

    #[test]
    fn window_size_does_not_grow_with_the_list() {
        for total in [10, 100, 10_000] {
            for index in [1, total / 2, total] {
                assert!(Pager::window(index, total).len() <= 2 * Pager::AROUND + 5);
            }
        }
    }
}
