//! `alumni check`: what a pull request is judged by.
//!
//! In: build options. Out: every problem of the site, sorted: the build's
//! own errors (front matter against collections, links between sources,
//! templates...), then what only the rendered site shows: every internal
//! `href`, `src` and `srcset` and every `#fragment` of every HTML output must
//! lead to an output and an element id in it; images need alternative text;
//! the pages of the main navigation (`data.navigation.main`) must exist in
//! every language; a page missing in a language is a warning where its
//! section requires translations and an info where they are optional
//! (`sections.<folder>.translations` in `content/site.yaml`) and the page
//! is left out of that language. Nothing is
//! written to disk.
//!
//! One run reports every mistake: the build's stages go on past the pages
//! whose front matter has errors (see [`crate::build::prepare_all`]), and the
//! rendered site is judged without them. Links to a page left out are not
//! reported: its URL is known, it is the page that is wrong, and the link
//! will be right once it is fixed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::{self, BuildError, BuildOptions, Outputs, PreparedSite};
use crate::diagnostic::{self, Diagnostic};
use crate::i18n::Text;
use crate::urls::{percent_decode, target_of};
use crate::yaml::Value;

/// A tag of an HTML document: name and attributes, as written.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The attributes the checks read: addresses, anchors, alternative text,
/// and `rel` (alternates are left to the sitemap's tools).
const READ_ATTRIBUTES: [&str; 7] = ["href", "src", "srcset", "id", "name", "alt", "rel"];

/// The start tags of `html` as a browser without JavaScript reads them
/// (the one tokenizer, [`crate::html::tokens_without_scripting`]): not in
/// comments nor in the text of scripts and styles; attribute values with
/// their character references decoded. Only [`READ_ATTRIBUTES`] are kept,
/// and only the tags that have one, or are images: `check` holds the tags
/// of every page of the site at once.
fn tags(html: &str) -> Vec<Tag> {
    let mut tags: Vec<Tag> = crate::html::tokens_without_scripting(html)
        .into_iter()
        .filter_map(|token| match token {
            crate::html::Token::TagToken(tag) if tag.kind == crate::html::TagKind::StartTag => {
                let attributes: Vec<(String, String)> = tag
                    .attrs
                    .into_iter()
                    .filter(|a| READ_ATTRIBUTES.contains(&&*a.name.local))
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                (!attributes.is_empty() || &*tag.name == "img").then(|| Tag {
                    name: tag.name.to_string(),
                    attributes,
                })
            }
            _ => None,
        })
        .collect();
    // Collected in place, the tags would keep the allocation of every
    // token of the page (a hundred times their size): `check` holds the
    // tags of every page.
    tags.shrink_to_fit();
    tags
}

/// The fix for a link to `url` (the output `key`, which does not exist)
/// when an output is that near: the same name in other letter case
/// (`Sortie.PNG` for `sortie.png`: the CDN's names are case-sensitive), or
/// a page's folder written without its final `/`.
fn near_output<V>(
    url: &str,
    key: &str,
    outputs: &BTreeMap<String, V>,
    by_lowercase: &HashMap<String, &str>,
    base_path: &str,
) -> Option<Text> {
    let (path, rest) = url
        .find(['#', '?'])
        .map_or((url, ""), |i| (&url[..i], &url[i..]));
    if !path.ends_with('/') && outputs.contains_key(&format!("{key}/index.html")) {
        return Some(tr!(
            "write `{path}/{rest}`, with its final `/`",
            "écrivez `{path}/{rest}`, avec sa barre oblique finale"
        ));
    }
    let other = by_lowercase.get(&key.to_lowercase())?;
    // Only the last name differs in case in the common case: show it fixed.
    let (_, wanted) = other.rsplit_once('/').unwrap_or(("", other));
    let (folder, written) = path.rsplit_once('/').map_or(("", path), |(f, n)| (f, n));
    let fixed = if written.eq_ignore_ascii_case(wanted) {
        if folder.is_empty() && !path.contains('/') {
            format!("{wanted}{rest}")
        } else {
            format!("{folder}/{wanted}{rest}")
        }
    } else {
        let shown = other.strip_suffix("index.html").unwrap_or(other);
        crate::urls::address(base_path, shown)
    };
    Some(tr!(
        "did you mean `{fixed}`? Addresses on the site are case-sensitive",
        "vouliez-vous dire `{fixed}` ? Sur le site, majuscules et minuscules comptent"
    ))
}

/// The source of an HTML output: what a problem found in it is placed in.
struct Source<'a> {
    /// Site-relative path of the file.
    path: &'a str,
    /// The file's text.
    text: &'a str,
    /// Its rendered body: the links it wrote, where, and its own HTML.
    rendered: &'a crate::markdown::Rendered,
}

/// The source of each HTML output written from one.
fn sources(prepared: &PreparedSite) -> HashMap<String, Source<'_>> {
    let (site, bodies) = (&prepared.site, &prepared.bodies);
    let mut map = HashMap::new();
    for (p, rendered) in site.pages.iter().zip(&bodies.pages) {
        if p.fallback {
            continue;
        }
        map.insert(
            format!("{}index.html", p.path),
            Source {
                path: p.document.file.path.as_str(),
                text: p.document.file.text.as_str(),
                rendered,
            },
        );
    }
    for (s, rendered) in site.sections.iter().zip(&bodies.sections) {
        if let Some(d) = s.document.as_ref().filter(|_| !s.fallback) {
            map.insert(
                format!("{}index.html", s.path),
                Source {
                    path: d.file.path.as_str(),
                    text: d.file.text.as_str(),
                    rendered,
                },
            );
        }
    }
    map
}

/// The byte offset in `text` of the address `raw` as an author wrote it:
/// a whole address (between quotes, brackets or spaces), never the end of
/// a longer one (`x.jpg` is not in `photo-x.jpg`), percent-encoding undone
/// (`Plan%20du%20campus.pdf` was written `<Plan du campus.pdf>`).
fn find_address(text: &str, raw: &str) -> Option<usize> {
    let starts = |c: char| "\"'(<=[ \t\n".contains(c);
    let ends = |c: char| "\"')># ?\t\r\n".contains(c);
    let whole = |needle: &str| {
        text.match_indices(needle).map(|(at, _)| at).find(|&at| {
            text[..at].chars().next_back().is_none_or(starts)
                && text[at + needle.len()..].chars().next().is_none_or(ends)
        })
    };
    let decoded = percent_decode(raw);
    let (path, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    [raw, decoded.as_str(), path, &percent_decode(path)]
        .into_iter()
        .filter(|n| !n.is_empty())
        .find_map(whole)
        .or_else(|| {
            // A fragment of this page, `[plus bas](#programme)`.
            (path.is_empty() && !fragment.is_empty())
                .then(|| text.find(&format!("#{fragment}")))
                .flatten()
        })
}

/// Problems found in rendered HTML, grouped so that a template's mistake
/// repeated on every page is reported once.
pub fn check_outputs(prepared: &PreparedSite, outputs: &Outputs) -> Vec<Diagnostic> {
    check_outputs_unless(prepared, outputs, &|| false).unwrap_or_default()
}

/// [`check_outputs`], given up as soon as `stop` says so (`serve`, when a
/// change comes in while it checks: the change goes first, and the check
/// is made again after it). `None` when it was given up.
pub fn check_outputs_unless(
    prepared: &PreparedSite,
    outputs: &Outputs,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Diagnostic>> {
    let known = Tags::default();
    // Reading the outputs' tags is nearly all of the check's time: the
    // place to stop.
    let read: Option<BTreeMap<String, Vec<Arc<Tag>>>> = outputs
        .par_iter()
        .map(|(k, v)| (!stop()).then(|| (k.clone(), known.of(k, v))))
        .collect();
    Some(check_tags(prepared, &read?))
}

/// The tags of a site's pages, each distinct tag held once: the menus,
/// footers and language links every page repeats are most of them.
#[derive(Default)]
struct Tags(std::sync::Mutex<HashSet<Arc<Tag>>>);

impl Tags {
    /// What the checks read of an output: the tags of an HTML page, nothing
    /// of another file (its path is all they need).
    fn of(&self, path: &str, bytes: &[u8]) -> Vec<Arc<Tag>> {
        if !path.ends_with(".html") {
            return Vec::new();
        }
        let read = tags(&String::from_utf8_lossy(bytes));
        // One lock per page, not per tag.
        let Ok(mut known) = self.0.lock() else {
            return read.into_iter().map(Arc::new).collect();
        };
        let mut shared: Vec<Arc<Tag>> = read
            .into_iter()
            .map(|tag| {
                if let Some(shared) = known.get(&tag) {
                    return Arc::clone(shared);
                }
                let shared = Arc::new(tag);
                known.insert(Arc::clone(&shared));
                shared
            })
            .collect();
        // Collected in place, into the tags' own allocation (six times
        // the size of what it holds now).
        shared.shrink_to_fit();
        shared
    }
}

/// What was found wrong in the outputs: (message, hint, address as
/// written) -> the outputs it was found in.
type Found<'a> = BTreeMap<(Text, Text, String), Vec<&'a str>>;

/// [`check_outputs`] over what was read of each output (see [`Tags::of`]).
fn check_tags(
    prepared: &PreparedSite,
    outputs: &BTreeMap<String, Vec<Arc<Tag>>>,
) -> Vec<Diagnostic> {
    let base_path = &prepared.site.config.base_path;
    let sources = sources(prepared);
    // Pages left out for their own mistakes: links to them wait for them.
    let left_out: HashSet<String> = prepared
        .site
        .left_out
        .iter()
        .map(|l| format!("{}index.html", l.path))
        .collect();
    let html: Vec<(&String, &Vec<Arc<Tag>>)> = outputs
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .collect();
    let targets = Targets {
        prepared,
        outputs,
        ids: ids_by_output(&html),
        judged: judged_fragment_links(prepared),
        by_lowercase: std::cell::OnceCell::new(),
    };
    let reported_in_body = images_reported_in_body(&sources);
    let mut found: Found<'_> = BTreeMap::new();
    for (page, tags) in &html {
        for tag in *tags {
            for url in tag_addresses(tag) {
                let Some((key, fragment)) = target_of(url, page, base_path) else {
                    continue;
                };
                if left_out.contains(&key) {
                    continue;
                }
                if let Some((message, hint)) = targets.broken_link(url, &key, &fragment) {
                    found
                        .entry((message, hint, url.to_string()))
                        .or_default()
                        .push(page);
                }
            }
            if without_alt(tag)
                && !reported_in_body
                    .get(page.as_str())
                    .is_some_and(|srcs| srcs.contains(&src_of(tag)))
            {
                let src = src_of(tag);
                found
                    .entry((
                        tr!(
                            "the image `{src}` has no alternative text",
                            "l'image `{src}` n'a pas de texte de remplacement"
                        ),
                        tr!(
                            "describe it: ![what the image shows](image.jpg), or alt=\"...\"",
                            "décrivez-la : ![ce que montre l'image](image.jpg), ou alt=\"...\""
                        ),
                        src.clone(),
                    ))
                    .or_default()
                    .push(page);
            }
        }
    }
    place_findings(found, &sources, base_path)
}

/// The ids (and anchor names) of each HTML output, for links with a fragment.
fn ids_by_output<'a>(
    html: &[(&'a String, &'a Vec<Arc<Tag>>)],
) -> HashMap<&'a str, HashSet<&'a str>> {
    html.iter()
        .map(|(k, tags)| {
            let set = tags
                .iter()
                .flat_map(|t| t.attributes.iter())
                .filter(|(a, _)| a == "id" || a == "name")
                .map(|(_, v)| v.as_str())
                .collect();
            (k.as_str(), set)
        })
        .collect()
}

/// What links of the site's HTML may lead to: its outputs and planned
/// images, and the ids in each page.
struct Targets<'a> {
    prepared: &'a PreparedSite,
    outputs: &'a BTreeMap<String, Vec<Arc<Tag>>>,
    ids: HashMap<&'a str, HashSet<&'a str>>,
    /// Fragment links the build judged already (see [`judged_fragment_links`]).
    judged: HashSet<String>,
    /// For suggestions: every output by its lower-case name, made at the
    /// first broken link (`serve` runs the check after every edit).
    by_lowercase: std::cell::OnceCell<HashMap<String, &'a str>>,
}

impl<'a> Targets<'a> {
    /// The message and hint for a link to `url`, which leads to the output
    /// `key` and its `fragment`, when it leads nowhere: no such output, or
    /// no such id there.
    fn broken_link(&self, url: &str, key: &str, fragment: &str) -> Option<(Text, Text)> {
        let base_path = &self.prepared.site.config.base_path;
        // An image's variants are made by `build` alone; their names
        // are known from the plan.
        if !self.outputs.contains_key(key) && !self.prepared.images.is_output(key) {
            let hint = near_output(url, key, self.outputs, self.by_lowercase(), base_path)
                .unwrap_or_else(|| {
                    tr!(
                        "check the address; link to pages by their source with `@/section/page.md`",
                        "vérifiez l'adresse ; pointez vers les pages par leur source avec `@/section/page.md`"
                    )
                });
            return Some((
                tr!(
                    "link to `{url}`, which is not a page or file of the site",
                    "lien vers `{url}`, qui n'est ni une page ni un fichier du site"
                ),
                hint,
            ));
        }
        let ids = self.ids.get(key);
        if fragment.is_empty()
            || self.judged.contains(url)
            || ids.is_some_and(|set| set.contains(fragment))
        {
            return None;
        }
        Some((
            tr!(
                "link to `{url}`: no element has the id `{fragment}` there",
                "lien vers `{url}` : aucun élément n'y a l'identifiant `{fragment}`"
            ),
            fragment_hint(url, fragment, ids),
        ))
    }

    /// Every output by its lower-case name, made once. Images are not
    /// among the outputs held in memory: their originals are named by the plan.
    fn by_lowercase(&self) -> &HashMap<String, &'a str> {
        self.by_lowercase.get_or_init(|| {
            self.outputs
                .keys()
                .map(String::as_str)
                .chain(self.prepared.images.originals())
                .map(|k| (k.to_lowercase(), k))
                .collect()
        })
    }
}

/// `@/page.md#heading` links of written pages: the build judged them
/// against their target's headings already (a fallback's are judged here,
/// in the edition they lead to). As `url#fragment`.
fn judged_fragment_links(prepared: &PreparedSite) -> HashSet<String> {
    let (site, bodies) = (&prepared.site, &prepared.bodies);
    site.pages
        .iter()
        .zip(&bodies.pages)
        .filter(|(p, _)| !p.fallback)
        .map(|(_, r)| r)
        .chain(
            site.sections
                .iter()
                .zip(&bodies.sections)
                .filter(|(s, _)| !s.fallback)
                .map(|(_, r)| r),
        )
        .flat_map(|r| &r.fragment_links)
        .map(|l| format!("{}#{}", l.url, l.fragment))
        .collect()
}

/// The `src` of an image tag, empty without one.
fn src_of(t: &Tag) -> String {
    t.attributes
        .iter()
        .find(|(a, _)| a == "src")
        .map_or(String::new(), |(_, v)| v.clone())
}

/// Whether `t` is an image without `alt`.
fn without_alt(t: &Tag) -> bool {
    t.name == "img" && !t.attributes.iter().any(|(a, _)| a == "alt")
}

/// A body's images without `alt` were reported where the author wrote
/// them; what is left in an output comes from templates and shortcodes.
/// The `src` of the first ones, by output.
fn images_reported_in_body<'a>(
    sources: &'a HashMap<String, Source<'_>>,
) -> HashMap<&'a str, HashSet<String>> {
    sources
        .iter()
        .filter(|(_, s)| s.rendered.html.contains("<img"))
        .map(|(k, s)| {
            let srcs = tags(&s.rendered.html)
                .iter()
                .filter(|t| without_alt(t))
                .map(src_of)
                .collect();
            (k.as_str(), srcs)
        })
        .collect()
}

/// The addresses a tag leads to (`href`, `src`, each candidate of a
/// `srcset`); none for an hreflang alternate, an absolute permalink left to
/// the sitemap's tools.
fn tag_addresses(tag: &Tag) -> Vec<&str> {
    if tag.name == "link"
        && tag
            .attributes
            .iter()
            .any(|(a, v)| a == "rel" && v == "alternate")
    {
        return Vec::new();
    }
    tag.attributes
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
        .collect()
}

/// What to say of a link to `url` whose `#fragment` names no element of
/// its target, whose ids are `ids`: the id it likely meant (same letters in
/// another case, or the slug of what was written), else how ids are made.
fn fragment_hint(url: &str, fragment: &str, ids: Option<&HashSet<&str>>) -> Text {
    let near = ids.and_then(|set| {
        let slug = crate::slug::slugify(fragment);
        let mut near: Vec<&&str> = set
            .iter()
            .filter(|id| id.eq_ignore_ascii_case(fragment) || **id == slug)
            .collect();
        near.sort();
        near.first().map(ToString::to_string)
    });
    match near {
        Some(id) => {
            let fixed = url.replacen(&format!("#{fragment}"), &format!("#{id}"), 1);
            tr!(
                "did you mean `{fixed}`? Ids are written in lower case, without accents",
                "vouliez-vous dire `{fixed}` ? Les identifiants s'écrivent en minuscules, sans accents"
            )
        }
        None => tr!(
            "link to a heading by its id: `## Nous contacter` is `#nous-contacter`",
            "pointez vers un titre par son identifiant : `## Nous contacter` donne `#nous-contacter`"
        ),
    }
}

/// One diagnostic per finding, placed at the link that wrote it in the
/// first source that has it, else where the address is written in one,
/// else in the template (line 1 of the first page's source); with the
/// number of pages it is on.
fn place_findings(
    found: Found<'_>,
    sources: &HashMap<String, Source<'_>>,
    base_path: &str,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for ((message, hint, raw), mut pages) in found {
        pages.sort_unstable();
        pages.dedup();
        let located = pages
            .iter()
            .find_map(|p| {
                let source = sources.get(*p)?;
                let link = source.rendered.links.iter().find(|l| {
                    l.url == raw
                        || percent_decode(&l.url) == percent_decode(&raw)
                        || raw.strip_prefix(base_path.trim_end_matches('/')) == Some(&l.url)
                })?;
                Some((source.path, source.text, link.offset))
            })
            .or_else(|| {
                pages.iter().find_map(|p| {
                    let source = sources.get(*p)?;
                    let at = find_address(source.text, &raw)?;
                    Some((source.path, source.text, at))
                })
            });
        let others = match pages.len() {
            0 | 1 => Text::default(),
            n => tr!(
                " (on {n} pages, from /{} on)",
                " (sur {n} pages, à partir de /{})";
                pages[0]
            ),
        };
        let joined = |extra: Option<Text>| {
            message.map(|m, lang| {
                let extra = extra.as_ref().map_or("", |e| e.get(lang));
                format!("{m}{extra}{}", others.get(lang))
            })
        };
        let d = if let Some((path, text, at)) = located {
            Diagnostic::error(path, joined(None)).at_offset(text, at)
        } else {
            let first = pages[0];
            match sources.get(first) {
                Some(Source { path, text, .. }) => Diagnostic::error(
                    *path,
                    joined(Some(tr!(
                        " (in the page's template)",
                        " (dans le gabarit de la page)"
                    ))),
                )
                .at_offset(text, 0),
                None => Diagnostic::error(format!("/{first}"), joined(None)),
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
                        tr!(
                            "the menu links to `{path}`, which has no {} version",
                            "le menu pointe vers `{path}`, qui n'a pas de version {}";
                            language.name
                        ),
                    )
                    .at_offset(&text, at)
                    .with_hint(tr!(
                        "write content/{suffixed}",
                        "écrivez content/{suffixed}"
                    )),
                );
            }
        }
    }
    errors
}

/// Pages and sections of the default language that another language
/// lacks: a warning where their section requires translations, an info
/// where they are optional and the page is left out of that language.
/// Nothing is said of an optional one shown in the default language's text
/// (`missing_translation: fallback`): readers of that language have it, and
/// the build's summary lists it; said in every pull request, it would
/// only hide what the pull request is about.
/// The French name of a language a site may have, for French messages
/// (the site's own names are each in their language: `English`).
fn in_french(code: &str) -> Option<&'static str> {
    Some(match code.split(['-', '_']).next()? {
        "fr" => "français",
        "en" => "anglais",
        "de" => "allemand",
        "es" => "espagnol",
        "it" => "italien",
        "pt" => "portugais",
        "ar" => "arabe",
        "zh" => "chinois",
        _ => return None,
    })
}

fn missing_translations(prepared: &PreparedSite) -> Vec<Diagnostic> {
    let site = &prepared.site;
    // A draft is judged for its own mistakes; it is translated when it is
    // ready, so its missing languages are no one's concern yet.
    let drafts: HashSet<&str> = site
        .pages
        .iter()
        .map(|p| &p.document)
        .chain(site.sections.iter().filter_map(|s| s.document.as_ref()))
        .filter(|d| d.front.draft)
        .map(|d| d.file.path.as_str())
        .collect();
    site.missing_translations
        .iter()
        .filter(|m| !drafts.contains(m.source.as_str()))
        .filter(|m| m.required || !m.fallback)
        .map(|m| {
            let name = site
                .config
                .language(&m.lang)
                .map_or(m.lang.as_str(), |l| l.name.as_str());
            let target = m
                .source
                .strip_suffix(".md")
                .map_or(m.source.clone(), |p| format!("{p}.{}.md", m.lang));
            let nom = in_french(&m.lang).unwrap_or(name);
            let message = if m.fallback {
                tr!(
                    "no {name} version: the {name} site shows the default language's text",
                    "pas de version en {nom} : le site en {nom} montre le texte de la langue par défaut"
                )
            } else {
                tr!(
                    "no {name} version: the {name} site leaves this page out",
                    "pas de version en {nom} : le site en {nom} ne montre pas cette page"
                )
            };
            if m.required {
                Diagnostic::warning(&m.source, message).with_hint(tr!(
                    "translate it as {target}; or, if its section may do without, set `translations: optional` on it in content/site.yaml",
                    "traduisez-la dans {target} ; ou, si sa section peut s'en passer, mettez-y `translations: optional` dans content/site.yaml"
                ))
            } else {
                Diagnostic::info(&m.source, message).with_hint(tr!(
                    "translations are optional in this section: translate it as {target} when you can",
                    "les traductions sont facultatives dans cette section : traduisez-la dans {target} quand vous le pourrez"
                ))
            }
        })
        .collect()
}

/// Builds the site in memory and returns every problem, sorted.
///
/// Drafts and pages scheduled for later (`publish_date`) are judged too,
/// so that their mistakes show in the pull request that adds them rather
/// than on the day they go out (a draft's misspelled key, say); then the
/// site is assembled once more as it would be published now, which finds
/// what only breaks that build (a link from a published page to a draft or
/// to a page that is not out yet).
pub fn check(options: &BuildOptions) -> Vec<Diagnostic> {
    let with_scheduled = BuildOptions {
        drafts: true,
        future: true,
        ..options.clone()
    };
    let mut problems = judge(&with_scheduled, true);
    if !options.future {
        problems.extend(judge(options, false));
    }
    diagnostic::sort(&mut problems);
    problems.dedup();
    problems
}

/// Every problem of one preparation of the site; with those of its
/// rendered outputs when `render` is set and there is a site to render.
fn judge(options: &BuildOptions, render: bool) -> Vec<Diagnostic> {
    let preparation = match build::prepare_all(options) {
        Ok(preparation) => preparation,
        Err(BuildError::Site(errors)) => return errors,
        Err(BuildError::Io(message)) => return vec![Diagnostic::general(message)],
    };
    let mut problems = preparation.problems;
    let Some(prepared) = preparation.prepared.filter(|_| render) else {
        return problems;
    };
    // Each page read for its tags as it is rendered, then let go: memory
    // holds the tags the checks judge, not the site's pages.
    let views = crate::view::shared_views(&prepared.site, &prepared.bodies, &prepared.data);
    let known = Tags::default();
    let (read, render_errors) =
        build::render_in_memory_with(&prepared, &views, &|path, bytes| known.of(path, bytes));
    drop(views);
    problems.extend(render_errors);
    problems.extend(check_tags(&prepared, &read));
    problems.extend(prepared.warnings.iter().cloned());
    problems.extend(check_navigation(&prepared, &options.root));
    problems.extend(missing_translations(&prepared));
    problems
}

/// The last line of `check`'s human report: how many errors and warnings
/// (infos are not counted), those a summary of [`diagnostic::sort`] stands
/// for included.
pub fn summary(problems: &[Diagnostic]) -> Text {
    let (errors, warnings) = diagnostic::count(problems);
    let infos = problems
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Info)
        .count();
    // English says "0 errors", French "0 erreur": the plural is per language.
    let s = |plural: bool| if plural { "s" } else { "" };
    let (e, w, i) = (s(errors != 1), s(warnings != 1), s(infos != 1));
    let (fe, fw, fi) = (s(errors > 1), s(warnings > 1), s(infos > 1));
    if infos > 0 {
        tr!(
            "check: {errors} error{e}, {warnings} warning{w}, {infos} info{i}",
            "vérification : {errors} erreur{fe}, {warnings} avertissement{fw}, {infos} information{fi}"
        )
    } else {
        tr!(
            "check: {errors} error{e}, {warnings} warning{w}",
            "vérification : {errors} erreur{fe}, {warnings} avertissement{fw}"
        )
    }
}

/// Whether `check` fails with `problems`: on any error, and with `strict`
/// on any warning too; never for an info.
pub fn fails(problems: &[Diagnostic], strict: bool) -> bool {
    let (errors, warnings) = diagnostic::count(problems);
    errors > 0 || (strict && warnings > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same tag on two pages is one allocation, read in order; another
    /// page's own tag stays its own, and a file that is not HTML holds no
    /// tag. Catches an interner that merges different tags (a report would
    /// name the wrong address) or one that shares nothing.
    #[test]
    fn a_tag_repeated_on_every_page_is_held_once() {
        let known = Tags::default();
        let menu = "<nav><a href=\"/clubs/\">Clubs</a><a href=\"/news/\">News</a></nav>";
        let a = known.of(
            "a/index.html",
            format!("{menu}<a href=\"/a/\">a</a>").as_bytes(),
        );
        let b = known.of(
            "b/index.html",
            format!("{menu}<a href=\"/b/\">b</a>").as_bytes(),
        );
        assert_eq!(a.len(), 3);
        assert!(Arc::ptr_eq(&a[0], &b[0]) && Arc::ptr_eq(&a[1], &b[1]));
        assert!(!Arc::ptr_eq(&a[2], &b[2]));
        assert_eq!(a[2].attributes, [("href".into(), "/a/".into())]);
        assert_eq!(b[2].attributes, [("href".into(), "/b/".into())]);
        assert!(known.of("feed.xml", menu.as_bytes()).is_empty());
    }

    /// A long page with one link keeps one tag's room, not its tokens':
    /// collected in place, the tags kept the allocation of every token of
    /// the page, and `check` of the 10,000-page real-shape site peaked at
    /// 3.0 GB instead of 1.4 GB. Catches either `shrink_to_fit` removed.
    #[test]
    fn a_page_s_tags_do_not_keep_its_tokens_room() {
        let page = format!(
            "{}<a href=\"/clubs/\">Clubs</a>",
            "<p>Texte.</p>".repeat(2000)
        );
        let read = tags(&page);
        assert_eq!(read.len(), 1);
        assert!(read.capacity() < 4, "room for {} tags", read.capacity());
        let shared = Tags::default().of("index.html", page.as_bytes());
        assert!(shared.capacity() < 4, "room for {} tags", shared.capacity());
    }

    #[test]
    fn reads_tags_and_attributes() {
        let t = tags(
            "<!-- <a href=x> --><p id=a class=\"b c\">x<a href='/y/#z' >y</a><img src=\"a.png\"/><script>var s = '<a href=no>';</script>",
        );
        let names: Vec<_> = t.iter().map(|t| t.name.as_str()).collect();
        // The script has no attribute the checks read.
        assert_eq!(names, ["p", "a", "img"]);
        assert_eq!(t[0].attributes, [("id".into(), "a".into())]);
        assert_eq!(t[1].attributes[0].1, "/y/#z");
        // As a browser reads them: names in lower case, references decoded,
        // a repeated attribute's first value, a comment closed by `--!>`,
        // `<noscript>`'s links (a reader without JavaScript follows them),
        // no tag in a `<textarea>` nor in a `<title>`.
        let t = tags(
            "<A HREF=\"/a/?x=1&amp;y=2\" href=/b/><!-- x --!><noscript><a href=/plan/></noscript><textarea><a href=/no/></textarea><title><a href=/no/></title>",
        );
        let hrefs: Vec<&str> = t
            .iter()
            .filter(|t| t.name == "a")
            .map(|t| t.attributes[0].1.as_str())
            .collect();
        assert_eq!(hrefs, ["/a/?x=1&y=2", "/plan/"]);
        assert_eq!(t[0].attributes.len(), 1);
    }

    #[test]
    fn infos_are_neither_counted_nor_a_failure() {
        let problems = [
            Diagnostic::warning("content/a.md", tr!("w", "w")),
            Diagnostic::info("content/b.md", tr!("i", "i")),
        ];
        let summary = summary(&problems);
        assert_eq!(summary, "check: 0 errors, 1 warning, 1 info");
        assert_eq!(
            summary.fr,
            "vérification : 0 erreur, 1 avertissement, 1 information"
        );
        assert!(!fails(&problems, false));
        assert!(fails(&problems, true));
        assert!(!fails(&problems[1..], true));
        let error = [Diagnostic::error("content/a.md", tr!("e", "e"))];
        assert!(fails(&error, false));
    }
}
