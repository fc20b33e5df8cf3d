//! Assemble stage: the only place that sees the whole site.
//!
//! In: the config, parsed documents and the files to copy. Out: a [`Site`] of
//! sections and pages with their URLs, their place in the section tree and
//! their order, plus the list of files to copy; and every problem found (a
//! page that breaks its collection's schema, two files for one page, a slug
//! that folds to nothing, options for a folder that is not a section).
//!
//! Invariant: a page whose own front matter has an error is not in
//! [`Site::pages`] but in [`Site::left_out`], so that later stages never see
//! its values and still judge the rest of the site in the same run; its URL
//! stays known to links.
//!
//! URLs are kept as *site paths*: relative to the site's base, without a
//! leading slash, ending with `/` for HTML (`clubs/biotech/`, `""` for the
//! home). The render stage prefixes them with the base path.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::{Config, MissingTranslation as Policy, SectionOptions, SortBy, Translations};
use crate::date::DateTime;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::load::CopyFile;
use crate::markdown::Rendered;
use crate::parse::{Document, DocumentKind};
use crate::schedule::Schedule;
use crate::slug::slugify;

/// A section: a folder of `content/` with an `_index.md`, in one language
/// (the home exists in every language, written or not).
#[derive(Clone, Debug)]
pub struct Section {
    /// The `_index.md`, absent only for a home page that was not written.
    pub document: Option<Document>,
    /// The language edition this section belongs to.
    pub lang: String,
    /// Shown in `lang`'s edition with the default language's text.
    pub fallback: bool,
    /// Folder under `content/` (`""` for the home, `clubs`).
    pub folder: String,
    /// Site path (`clubs/`, `en/clubs/`).
    pub path: String,
    /// Title from front matter, or the site's title for an unwritten home.
    pub title: String,
    /// Pages directly in this section, in the section's order.
    pub pages: Vec<usize>,
    /// Child sections, by folder name.
    pub subsections: Vec<usize>,
    /// Parent section (`None` for the home).
    pub parent: Option<usize>,
    /// The same section in the other languages (real translations only).
    pub translations: Vec<usize>,
    /// Sorting and pagination.
    pub options: SectionOptions,
}

/// A page in one language.
#[derive(Clone, Debug)]
pub struct Page {
    /// Its parsed file.
    pub document: Document,
    /// The language edition this page belongs to.
    pub lang: String,
    /// Shown in `lang`'s edition with the default language's text.
    pub fallback: bool,
    /// The last part of its URL.
    pub slug: String,
    /// Site path (`clubs/biotech/`).
    pub path: String,
    /// The section it belongs to.
    pub section: usize,
    /// Site paths of its bundle's files: published once for all the
    /// bundle's languages, under [`Page::files_path`].
    pub assets: Vec<String>,
    /// For a bundle's page, the site path its bundle's files are published
    /// under: the default language's page's path, else the first language's
    /// (config order) that has a page of the bundle; the page's own path in
    /// that language. Empty for other pages.
    pub files_path: String,
    /// The same page in the other languages (real translations only).
    pub translations: Vec<usize>,
    /// Its terms, by taxonomy name, as written.
    pub terms: Terms,
}

/// A page's terms, by taxonomy name, in name order: a short sorted list
/// rather than a map (a `BTreeMap` of one entry costs a node of eleven,
/// half a kilobyte per page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terms(Vec<(String, Vec<String>)>);

impl Terms {
    /// The terms of the taxonomy `name`.
    pub fn get(&self, name: &str) -> Option<&Vec<String>> {
        self.0
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Sets the terms of the taxonomy `name`.
    pub fn insert(&mut self, name: String, values: Vec<String>) {
        match self.0.binary_search_by(|(n, _)| n.cmp(&name)) {
            Ok(i) => self.0[i].1 = values,
            Err(i) => self.0.insert(i, (name, values)),
        }
    }

    /// Each taxonomy's name and terms, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.0.iter().map(|(n, v)| (n, v))
    }
}

impl<'a> IntoIterator for &'a Terms {
    type Item = (&'a String, &'a Vec<String>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Vec<String>)>,
        fn(&'a (String, Vec<String>)) -> (&'a String, &'a Vec<String>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(n, v)| (n, v))
    }
}

/// One value of a taxonomy in one language, with its pages.
#[derive(Clone, Debug)]
pub struct Term {
    /// As first written (by path order), e.g. `Économie`.
    pub name: String,
    /// ASCII slug, e.g. `economie`.
    pub slug: String,
    /// Site path (`tags/economie/`).
    pub path: String,
    /// Its pages, newest first.
    pub pages: Vec<usize>,
}

/// A taxonomy in one language.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    /// The front-matter field (`tags`).
    pub name: String,
    /// The language edition.
    pub lang: String,
    /// Site path of its list page (`tags/`, `en/tags/`).
    pub path: String,
    /// Pages per term page.
    pub paginate_by: Option<usize>,
    /// Its terms, by slug.
    pub terms: Vec<Term>,
}

/// A page or section of the default language with no translation in `lang`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingTranslation {
    /// The language it is missing in.
    pub lang: String,
    /// The default-language source (`content/clubs/biotech.md`).
    pub source: String,
    /// Whether the default-language text is shown in its place.
    pub fallback: bool,
    /// Whether its section requires every language (a warning) or not (an
    /// info); see [`crate::config::Translations`].
    pub required: bool,
}

/// A page or section left out of the site because its own front matter
/// (or its file) has errors, so that the rest of the site goes on through
/// the later stages and its mistakes show in the same run. Its URL still
/// counts as taken: a link to a page being fixed is not a second mistake.
#[derive(Clone, Debug)]
pub struct LeftOut {
    /// Its source (`content/clubs/biotech.md`).
    pub source: String,
    /// Its language.
    pub lang: String,
    /// Its translation key (see [`Document::translation_key`]).
    pub translation_key: String,
    /// The site path it would have (from its file name when its front
    /// matter could not be read, `slug:` being unknown then).
    pub path: String,
    /// The page, when its front matter could be read: its body is still
    /// rendered by the Markdown stage, for its own mistakes.
    pub page: Option<Page>,
}

/// A file to copy into the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    /// Output path relative to the output folder (`alter-ego/episode-1/poster.svg`).
    pub output: String,
    /// Where it comes from.
    pub file: CopyFile,
}

/// The assembled site.
#[derive(Clone, Debug)]
pub struct Site {
    /// The resolved configuration.
    pub config: Config,
    /// Sections by language (config order), then folder; each language's home first.
    pub sections: Vec<Section>,
    /// Pages sorted by language, then source path.
    pub pages: Vec<Page>,
    /// Taxonomies by config order, then language.
    pub taxonomies: Vec<Taxonomy>,
    /// Files to copy, sorted by output path.
    pub copies: Vec<Copy>,
    /// What the other languages lack, sorted.
    pub missing_translations: Vec<MissingTranslation>,
    /// Pages and files left out for their own errors (returned with the
    /// site's errors by [`assemble`]), sorted by source.
    pub left_out: Vec<LeftOut>,
    /// Theme files published under a fingerprinted name: path under the
    /// theme's `static/` -> site path (`site.css` -> `static/site.3f9a1c2b.css`).
    pub fingerprinted: BTreeMap<String, String>,
    /// The build's now (see [`crate::schedule`]), for templates.
    pub now: DateTime,
}

/// The Markdown stage's output, beside the site it was rendered from
/// (which it leaves as it was): the rendered body of each page and section,
/// in the model's order.
#[derive(Clone, Debug, Default)]
pub struct Bodies {
    /// One per [`Site::pages`]: the whole body, or only its summary when a
    /// build renders each body with its page's output instead (see
    /// `build::PreparedSite::streamed`).
    pub pages: Vec<Rendered>,
    /// One per [`Site::sections`] (empty for a section without `_index.md`).
    pub sections: Vec<Rendered>,
    /// One per [`Site::left_out`] (empty for a file that is not a page):
    /// rendered for its own mistakes, never published.
    pub left_out: Vec<Rendered>,
}

/// The files copied as they are, by origin.
#[derive(Clone, Debug, Default)]
pub struct CopySources {
    /// Files under `content/` beside pages and sections.
    pub content_files: Vec<CopyFile>,
    /// `content/_static/`, copied to the output root.
    pub static_files: Vec<CopyFile>,
    /// The theme's `static/`, copied under `static/`.
    pub theme_files: Vec<CopyFile>,
    /// Theme files published under a name of their own, decided before
    /// the site is assembled (see [`Site::fingerprinted`]); empty when
    /// every file keeps its name.
    pub fingerprinted: BTreeMap<String, String>,
}

impl Site {
    /// The collection a page is checked against: its section's.
    pub fn collection_of(&self, page: &Page) -> Option<&crate::collection::Collection> {
        self.config.collection(&self.sections[page.section].folder)
    }

    /// The rules a page's body is rendered under (see [`body_rules`]).
    pub fn body_rules_of(&self, page: &Page) -> Option<&crate::collection::Collection> {
        body_rules(
            &self.config,
            &page.document,
            &self.sections[page.section].folder,
        )
    }

    /// The home section of `lang`.
    pub fn home(&self, lang: &str) -> usize {
        self.sections
            .iter()
            .position(|s| s.lang == lang && s.folder.is_empty())
            .unwrap_or(0)
    }
}

/// The collection whose rules a document's body is rendered under: an
/// untrusted source's own collection (sanitiser, shortcode allow-list),
/// whatever section it sits in; else the collection of `section_folder`.
pub fn body_rules<'a>(
    config: &'a Config,
    document: &Document,
    section_folder: &str,
) -> Option<&'a crate::collection::Collection> {
    match document.trust.collection() {
        Some(folder) => config.collection(folder),
        None => config.collection(section_folder),
    }
}

/// Site paths by (language, translation key), for `@/` links and `url()`.
#[derive(Clone, Debug, Default)]
pub struct LinkIndex {
    by_key: HashMap<(String, String), String>,
    default: String,
    codes: Vec<String>,
}

impl LinkIndex {
    /// Indexes every page and written section of `site` (fallbacks included:
    /// in an edition, a link goes to what that edition shows).
    pub fn new(site: &Site) -> LinkIndex {
        let mut by_key = HashMap::new();
        for s in &site.sections {
            if let Some(doc) = &s.document {
                by_key.insert(
                    (s.lang.clone(), doc.translation_key.clone()),
                    s.path.clone(),
                );
            }
        }
        for p in &site.pages {
            by_key.insert(
                (p.lang.clone(), p.document.translation_key.clone()),
                p.path.clone(),
            );
        }
        // A page left out for its own mistakes is still linked to: those
        // links are right, and become live once the page is fixed.
        for l in &site.left_out {
            by_key
                .entry((l.lang.clone(), l.translation_key.clone()))
                .or_insert_with(|| l.path.clone());
        }
        LinkIndex {
            by_key,
            default: site.config.default_language.clone(),
            codes: site
                .config
                .languages
                .iter()
                .map(|l| l.code.clone())
                .collect(),
        }
    }

    /// Resolves an `@/` link target (a source path under `content/`) for a
    /// page of `lang`: the target's version in `lang` when that edition has
    /// one, else the file named. Returns a site path.
    pub fn resolve(&self, target: &str, lang: &str) -> Option<&str> {
        let languages = crate::parse::Languages {
            default: &self.default,
            codes: self.codes.iter().map(String::as_str).collect(),
        };
        let (key, named_lang) = crate::parse::split_language(target, &languages);
        // `page.en.md` names its language; `page.md` means "this page, in my language".
        if key == target {
            if let Some(path) = self.by_key.get(&(lang.to_string(), key.clone())) {
                return Some(path);
            }
        }
        self.by_key
            .get(&(named_lang.to_string(), key))
            .map(String::as_str)
    }
}

/// What is known of a Markdown file that could not be read or parsed
/// (`source` is `content/...`): its language, translation key and the site
/// path its file name gives, so that links to it are not reported as well.
pub fn unreadable(config: &Config, source: &str) -> LeftOut {
    let content_path = source.strip_prefix("content/").unwrap_or(source);
    let languages = crate::parse::Languages::of(config);
    let (translation_key, lang) = crate::parse::split_language(content_path, &languages);
    let (folder, name) = translation_key
        .rsplit_once('/')
        .unwrap_or(("", translation_key.as_str()));
    let prefix = config.language_prefix(lang);
    let path = if name == "_index.md" || name == "index.md" {
        format!("{prefix}{}", folder_path(folder))
    } else {
        format!(
            "{prefix}{}{}/",
            folder_path(folder),
            slugify(file_stem(name))
        )
    };
    LeftOut {
        source: source.to_string(),
        lang: lang.to_string(),
        translation_key,
        path,
        page: None,
    }
}

/// Slugifies each part of a folder path: `Événements/2026` -> `evenements/2026/`.
fn folder_path(folder: &str) -> String {
    let mut path = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&slugify(part));
        path.push('/');
    }
    path
}

fn file_stem(content_path: &str) -> &str {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Which pages a build publishes: drafts or not, and the schedule.
#[derive(Clone, Copy, Debug)]
pub struct Visibility {
    /// Keep pages and sections marked `draft: true`.
    pub drafts: bool,
    /// Now, and whether scheduled or expired pages are kept.
    pub schedule: Schedule,
}

impl Visibility {
    /// Whether a document with this front matter is left out.
    pub fn hides(&self, front: &crate::front_matter::FrontMatter) -> bool {
        (front.draft && !self.drafts) || self.schedule.hides(front)
    }
}

/// Folders whose files must not be published, then the hidden sections
/// among them: those of hidden bundles (drafts, scheduled, expired) in
/// any language, unless a visible translation of the bundle owns them;
/// and hidden sections, with everything under them, pages included.
fn hidden_folders(
    documents: &[Document],
    config: &Config,
    visibility: &Visibility,
) -> (Vec<String>, Vec<String>) {
    let hidden_bundles = documents
        .iter()
        .filter(|d| visibility.hides(&d.front) && d.kind == DocumentKind::Bundle)
        .map(|d| d.folder().to_string());
    let hidden_sections: Vec<String> = documents
        .iter()
        .filter(|d| {
            visibility.hides(&d.front)
                && d.kind == DocumentKind::Section
                && d.lang == config.default_language
                && !d.folder().is_empty()
        })
        .map(|d| d.folder().to_string())
        .collect();
    let hidden_folders: Vec<String> = hidden_bundles.chain(hidden_sections.clone()).collect();
    (hidden_folders, hidden_sections)
}

/// `pages` without those whose front matter has errors (every error so
/// far belongs to one page's front matter), and those, left out, so that
/// nothing later stumbles on their values and the rest of the site goes
/// on (sections stay: their pages hang on them). Their missing
/// translations are no longer said.
fn leave_out_faulty(
    pages: Vec<Page>,
    errors: &[Diagnostic],
    missing: &mut Vec<MissingTranslation>,
) -> (Vec<Page>, Vec<LeftOut>) {
    let faulty: HashSet<&str> = errors.iter().map(|d| d.path.as_str()).collect();
    let (left, pages): (Vec<Page>, Vec<Page>) = pages
        .into_iter()
        .partition(|p| faulty.contains(p.document.file.path.as_str()));
    missing.retain(|m| !faulty.contains(m.source.as_str()));
    let left_out: Vec<LeftOut> = left
        .into_iter()
        .filter(|p| !p.fallback)
        .map(|page| LeftOut {
            source: page.document.file.path.clone(),
            lang: page.lang.clone(),
            translation_key: page.document.translation_key.clone(),
            path: page.path.clone(),
            page: Some(page),
        })
        .collect();
    (pages, left_out)
}

/// Builds the site model, without the pages that `visibility` hides, and
/// with the pages whose front matter has errors moved to [`Site::left_out`]:
/// those found here, and `front_errors`, found as the documents were read
/// (a common field of the wrong type), which are returned with the others;
/// and `unread`, the Markdown sources that could not be read or parsed
/// (their errors name them), left out too.
pub fn assemble(
    config: Config,
    documents: Vec<Document>,
    front_errors: Vec<Diagnostic>,
    unread: &[String],
    copies: CopySources,
    visibility: Visibility,
) -> (Site, Vec<Diagnostic>) {
    let mut errors = front_errors;
    let mut documents = documents;
    documents.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    let (hidden_folders, hidden_sections) = hidden_folders(&documents, &config, &visibility);
    let under = |folder: &str, parents: &[String]| {
        parents
            .iter()
            .any(|h| folder == h || folder.starts_with(&format!("{h}/")))
    };
    let documents: Vec<Document> = documents
        .into_iter()
        .filter(|d| !visibility.hides(&d.front) && !under(d.folder(), &hidden_sections))
        .collect();
    for d in &documents {
        errors.extend(crate::front_check::check_untrusted(d, &config));
    }
    check_unique_translations(&documents, &mut errors);
    let (section_docs, page_docs): (Vec<_>, Vec<_>) = documents
        .into_iter()
        .partition(|d| d.kind == DocumentKind::Section);

    let mut missing = Vec::new();
    let (mut sections, section_of) = build_sections(&config, section_docs, &mut missing);
    let mut pages = build_pages(&config, page_docs, &section_of, &mut missing, &mut errors);
    check_collections(&config, &sections, &mut pages, &copies, &mut errors);
    read_terms(&config, &mut pages, &mut errors);
    let (mut pages, left_out) = leave_out_faulty(pages, &errors, &mut missing);
    let mut hidden_folders = hidden_folders;
    hidden_folders.extend(
        left_out
            .iter()
            .filter_map(|l| l.page.as_ref())
            .filter(|p| p.document.kind == DocumentKind::Bundle)
            .map(|p| p.document.folder().to_string()),
    );
    link_translations(&mut sections, &mut pages);
    for (i, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(i);
    }
    for section in &mut sections {
        sort_pages(&mut section.pages, &pages, section.options.sort_by);
    }
    check_section_options(&config, &section_of, &mut errors);
    let taxonomies = build_taxonomies(&config, &pages);

    let fingerprinted = copies.fingerprinted.clone();
    let copies = place_copies(
        copies,
        &config.default_language,
        &mut pages,
        &sections,
        &hidden_folders,
    );
    let order = |l: &str| config.languages.iter().position(|x| x.code == l);
    missing.sort_by(|a: &MissingTranslation, b| {
        (order(&a.lang), &a.source).cmp(&(order(&b.lang), &b.source))
    });

    let mut left_out = left_out;
    left_out.extend(unread.iter().map(|path| unreadable(&config, path)));
    left_out.sort_by(|a, b| a.source.cmp(&b.source));
    let site = Site {
        config,
        sections,
        pages,
        taxonomies,
        copies,
        missing_translations: missing,
        left_out,
        fingerprinted,
        now: visibility.schedule.now,
    };
    (site, errors)
}

/// Checks every document against its schema: the common fields and the
/// site's taxonomies everywhere, plus its section's collection for a page of
/// a section that has one (filling in defaults; fallbacks get them too,
/// their mistakes are reported once).
fn check_collections(
    config: &Config,
    sections: &[Section],
    pages: &mut [Page],
    copies: &CopySources,
    errors: &mut Vec<Diagnostic>,
) {
    let files: std::collections::HashSet<String> = copies
        .content_files
        .iter()
        .chain(&copies.static_files)
        .map(|f| f.path.clone())
        .collect();
    // The schema belongs to the folder, whatever the language: a page of
    // `events/` in a language without `events/_index.en.md` hangs under that
    // language's home, and must still be held to the events' collection.
    let folders: std::collections::HashSet<&str> =
        sections.iter().map(|s| s.folder.as_str()).collect();
    let section_of = |doc: &Document| -> String {
        let (folder, _) = page_place(doc);
        ancestors(&folder)
            .find(|f| f.is_empty() || folders.contains(f))
            .unwrap_or("")
            .to_string()
    };
    let page_sections: Vec<String> = pages.iter().map(|p| section_of(&p.document)).collect();
    let mut by_folder: HashMap<&str, Vec<String>> = HashMap::new();
    for (page, folder) in pages.iter().zip(&page_sections) {
        if !page.fallback {
            by_folder
                .entry(folder.as_str())
                .or_default()
                .push(page.document.translation_key.clone());
        }
    }
    // Sorted once: each reference is a lookup, not a walk through the collection.
    for keys in by_folder.values_mut() {
        keys.sort_unstable();
        keys.dedup();
    }
    let pages_of = by_folder;
    let taxonomies: Vec<String> = config.taxonomies.iter().map(|t| t.name.clone()).collect();
    for section in sections.iter().filter(|s| !s.fallback) {
        let Some(document) = &section.document else {
            continue;
        };
        let cx = crate::front_check::Context {
            section: &section.folder,
            lang: &document.lang,
            taxonomies: &taxonomies,
            files: &files,
            pages_of: &pages_of,
        };
        errors.extend(crate::front_check::check_keys(document, None, &cx));
    }
    for (page, folder) in pages.iter_mut().zip(&page_sections) {
        let folder = folder.as_str();
        let lang = page.document.lang.clone();
        let cx = crate::front_check::Context {
            section: folder,
            lang: &lang,
            taxonomies: &taxonomies,
            files: &files,
            pages_of: &pages_of,
        };
        // A section nested in one with a collection (`clubs/lyon/`, which
        // trust refuses anyway) still holds club pages: the nearest collection up.
        let collection = ancestors(folder).find_map(|f| config.collection(f));
        let found = crate::front_check::check_page(&mut page.document, collection, &cx);
        if !page.fallback {
            errors.extend(found);
        }
    }
}

/// Whether a missing translation of a page or section of `folder` is
/// required (see [`SectionOptions::translations`]), `shown` telling whether
/// the default language's text stands in for it. A nested section without
/// the option takes its nearest parent's: `clubs/lyon/` is a part of the
/// clubs.
fn required(config: &Config, folder: &str, shown: bool) -> bool {
    ancestors(folder)
        .find_map(|f| config.sections.get(f).and_then(|o| o.translations))
        .map_or(!shown, |translations| {
            translations == Translations::Required
        })
}

/// `x.md` and `x.fr.md` in a French-default site are the same page twice.
fn check_unique_translations(documents: &[Document], errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    for d in documents {
        if let Some(first) = seen.insert((&d.lang, &d.translation_key), &d.file.path) {
            errors.push(
                Diagnostic::error(
                    &d.file.path,
                    tr!(
                        "`{first}` and `{}` are both the `{}` version of one page",
                        "`{first}` et `{}` sont toutes deux la version `{}` d'une même page";
                        d.file.path, d.lang
                    ),
                )
                .with_hint(tr!(
                    "keep one of the two files",
                    "gardez l'un des deux fichiers"
                )),
            );
        }
    }
}

/// Sections of every language: written ones, the home of each language
/// (written or not), and default-language sections shown in another
/// language where their folder's policy is `fallback`.
fn build_sections(
    config: &Config,
    docs: Vec<Document>,
    missing: &mut Vec<MissingTranslation>,
) -> (Vec<Section>, HashMap<(String, String), usize>) {
    let default = config.default_language.as_str();
    let mut by_key: BTreeMap<(String, String), Document> = BTreeMap::new();
    for doc in docs {
        by_key.insert((doc.lang.clone(), doc.folder().to_string()), doc);
    }
    let default_folders: Vec<String> = by_key
        .keys()
        .filter(|(l, _)| l == default)
        .map(|(_, f)| f.clone())
        .collect();
    let mut sections: Vec<Section> = Vec::new();
    let mut section_of: HashMap<(String, String), usize> = HashMap::new();
    for language in &config.languages {
        let lang = language.code.as_str();
        let mut folders: Vec<String> = by_key
            .keys()
            .filter(|(l, _)| l == lang)
            .map(|(_, f)| f.clone())
            .chain(default_folders.iter().cloned())
            .chain(std::iter::once(String::new()))
            .collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            let options = config.section_options(&folder);
            let written = by_key.get(&(lang.to_string(), folder.clone()));
            let original = by_key
                .get(&(default.to_string(), folder.clone()))
                .filter(|_| lang != default);
            let (document, fallback) = if let Some(doc) = written {
                (Some(doc.clone()), false)
            } else if let Some(original) = original {
                let shown = folder.is_empty() || options.missing_translation == Policy::Fallback;
                missing.push(MissingTranslation {
                    lang: lang.to_string(),
                    source: original.file.path.clone(),
                    fallback: shown,
                    required: required(config, &folder, shown),
                });
                if !shown {
                    continue;
                }
                (Some(original.clone()), true)
            } else {
                (None, false)
            };
            let parent = if folder.is_empty() {
                None
            } else {
                nearest_section(lang, parent_folder(&folder), &section_of).map(|(i, _)| i)
            };
            let index = sections.len();
            let title = document
                .as_ref()
                .map_or_else(|| language.title.clone(), |d| d.front.title.clone());
            sections.push(Section {
                path: format!("{}{}", config.language_prefix(lang), folder_path(&folder)),
                title,
                document,
                lang: lang.to_string(),
                fallback,
                folder: folder.clone(),
                pages: Vec::new(),
                subsections: Vec::new(),
                parent,
                translations: Vec::new(),
                options,
            });
            if let Some(p) = parent {
                sections[p].subsections.push(index);
            }
            section_of.insert((lang.to_string(), folder), index);
        }
    }
    (sections, section_of)
}

fn parent_folder(folder: &str) -> &str {
    folder.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Pages of every language, plus default-language pages shown in another
/// language where their section's policy is `fallback`.
fn build_pages(
    config: &Config,
    docs: Vec<Document>,
    section_of: &HashMap<(String, String), usize>,
    missing: &mut Vec<MissingTranslation>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let default = config.default_language.as_str();
    let translated: std::collections::HashSet<(String, String)> = docs
        .iter()
        .map(|d| (d.lang.clone(), d.translation_key.clone()))
        .collect();
    let mut pages = Vec::with_capacity(docs.len());
    for doc in docs {
        let (parent, default_slug) = page_place(&doc);
        // Fallbacks get copies; the page itself takes the document (a site's
        // whole Markdown is not held twice).
        let languages = if doc.lang == default {
            config.languages.as_slice()
        } else {
            &[]
        };
        for language in languages.iter().filter(|l| l.code != default) {
            if translated.contains(&(language.code.clone(), doc.translation_key.clone())) {
                continue;
            }
            // The policy is the one of the section the page sits in.
            let folder = nearest_section(default, &parent, section_of).map_or("", |(_, f)| f);
            let options = config.section_options(folder);
            let shown = options.missing_translation == Policy::Fallback;
            missing.push(MissingTranslation {
                lang: language.code.clone(),
                source: doc.file.path.clone(),
                fallback: shown,
                required: required(config, folder, shown),
            });
            if shown {
                if let Some(page) = new_page(
                    config,
                    doc.clone(),
                    &language.code,
                    true,
                    &parent,
                    &default_slug,
                    section_of,
                    errors,
                ) {
                    pages.push(page);
                }
            }
        }
        let lang = doc.lang.clone();
        if let Some(page) = new_page(
            config,
            doc,
            &lang,
            false,
            &parent,
            &default_slug,
            section_of,
            errors,
        ) {
            pages.push(page);
        }
    }
    pages.sort_by(|a, b| {
        let order = |l: &str| config.languages.iter().position(|x| x.code == l);
        (order(&a.lang), &a.document.content_path).cmp(&(order(&b.lang), &b.document.content_path))
    });
    pages
}

/// The folder of the section that the page `doc` belongs to, the nearest
/// at or above its own among `sections` (the folders that have a section
/// file): for the schedule, which reads documents without assembling the
/// site. `None` for a section's own file.
pub(crate) fn section_folder_of<'a>(
    doc: &Document,
    sections: &HashSet<&'a str>,
) -> Option<&'a str> {
    if doc.kind == DocumentKind::Section {
        return None;
    }
    let (parent, _) = page_place(doc);
    ancestors(&parent).find_map(|f| sections.get(f).copied())
}

/// The folder a page's URL starts from, and the slug its file gives.
fn page_place(doc: &Document) -> (String, String) {
    match doc.kind {
        DocumentKind::Bundle => {
            let folder = doc.folder();
            match folder.rsplit_once('/') {
                Some((parent, name)) => (parent.to_string(), name.to_string()),
                None => (String::new(), folder.to_string()),
            }
        }
        _ => (
            doc.folder().to_string(),
            file_stem(&doc.translation_key).to_string(),
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn new_page(
    config: &Config,
    doc: Document,
    lang: &str,
    fallback: bool,
    parent: &str,
    default_slug: &str,
    section_of: &HashMap<(String, String), usize>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Page> {
    // A bundle is `<folder>/index.md` with the files of that folder; at the
    // root, that folder is the whole site and the home's (Hugo's "leaf
    // bundle home" trap): refused, so that no file moves under a page.
    if doc.kind == DocumentKind::Bundle && doc.folder().is_empty() {
        if !fallback {
            let folder = doc
                .front
                .slug
                .as_deref()
                .map(slugify)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "accueil".to_string());
            // `index.en.md` -> `_index.en.md`.
            let name = doc.content_path.rsplit('/').next().unwrap_or("index.md");
            errors.push(
                Diagnostic::error(
                    &doc.file.path,
                    tr!(
                        "`{}` would be a page holding every file of the site: the home page is `content/_index.md`",
                        "`{}` serait une page contenant tous les fichiers du site : la page d'accueil est `content/_index.md`";
                        doc.file.path
                    ),
                )
                .at_offset(&doc.file.text, 0)
                .with_hint(tr!(
                    "rename it `_{name}` for the home page, or move it into a folder of its own (`content/{folder}/{name}`) for a page with its files beside it",
                    "renommez-le `_{name}` pour la page d'accueil, ou placez-le dans un dossier à lui (`content/{folder}/{name}`) pour une page avec ses fichiers à côté"
                )),
            );
        }
        return None;
    }
    let slug_source = doc
        .front
        .slug
        .clone()
        .unwrap_or_else(|| default_slug.to_string());
    let slug = slugify(&slug_source);
    if slug.is_empty() {
        if !fallback {
            errors.push(
                Diagnostic::error(
                    &doc.file.path,
                    tr!(
                        "`{slug_source}` gives an empty URL slug",
                        "`{slug_source}` donne une adresse (slug) vide"
                    ),
                )
                .at_offset(&doc.file.text, doc.front.offset_of("slug"))
                .with_hint(tr!(
                    "use letters or digits in the file name or in `slug:`",
                    "mettez des lettres ou des chiffres dans le nom du fichier ou dans `slug:`"
                )),
            );
        }
        return None;
    }
    let section = nearest_section(lang, parent, section_of)
        .map(|(i, _)| i)
        .or_else(|| section_of.get(&(lang.to_string(), String::new())).copied())
        .unwrap_or(0);
    Some(Page {
        path: format!(
            "{}{}{slug}/",
            config.language_prefix(lang),
            folder_path(parent)
        ),
        slug,
        lang: lang.to_string(),
        fallback,
        section,
        assets: Vec::new(),
        files_path: String::new(),
        translations: Vec::new(),
        terms: Terms::default(),
        document: doc,
    })
}

/// For each member of each group, the other members.
fn each_with_others(groups: &BTreeMap<&str, Vec<usize>>) -> Vec<(usize, Vec<usize>)> {
    groups
        .values()
        .flat_map(|group| {
            group
                .iter()
                .map(move |&i| (i, group.iter().copied().filter(|&j| j != i).collect()))
        })
        .collect()
}

/// Pages and sections that share a translation key know each other
/// (fallbacks are not translations).
fn link_translations(sections: &mut [Section], pages: &mut [Page]) {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate().filter(|(_, p)| !p.fallback) {
        groups
            .entry(p.document.translation_key.as_str())
            .or_default()
            .push(i);
    }
    let links = each_with_others(&groups);
    for (i, others) in links {
        pages[i].translations = others;
    }
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in sections.iter().enumerate().filter(|(_, s)| !s.fallback) {
        // Unwritten homes are each other's translations too.
        let key = s
            .document
            .as_ref()
            .map_or("_index.md", |d| d.translation_key.as_str());
        groups.entry(key).or_default().push(i);
    }
    let links = each_with_others(&groups);
    for (i, others) in links {
        sections[i].translations = others;
    }
}

/// Reads each page's terms once (fallbacks excepted), reporting values
/// that are not texts or too many or too long.
fn read_terms(config: &Config, pages: &mut [Page], errors: &mut Vec<Diagnostic>) {
    for page in pages.iter_mut().filter(|p| !p.fallback) {
        let front = &page.document.front;
        for taxonomy in &config.taxonomies {
            let values = if taxonomy.name == "tags" {
                front.tags.clone()
            } else {
                let Some(value) = front.extra.get(taxonomy.name.as_str()) else {
                    continue;
                };
                match crate::front_matter::terms(&taxonomy.name, value) {
                    Ok(values) => values,
                    Err((message, hint)) => {
                        errors.push(
                            Diagnostic::error(&page.document.file.path, message)
                                .at_offset(
                                    &page.document.file.text,
                                    front.value_offset(&taxonomy.name),
                                )
                                .with_hint(hint),
                        );
                        continue;
                    }
                }
            };
            if let Some(d) = term_limits(&page.document, &taxonomy.name, &values) {
                errors.push(d);
                continue;
            }
            // A term is a page of the site: one whose name has no letter or
            // digit has no address (`tags: ["?"]`), and is not dropped unseen.
            if let Some(position) = values.iter().position(|v| slugify(v).is_empty()) {
                let (name, empty) = (&taxonomy.name, &values[position]);
                // At the item itself when the terms are a list written item
                // by item; else at the value.
                let text = &page.document.file.text;
                let at = front
                    .spans
                    .get()
                    .value(&[name, &position.to_string()])
                    .filter(|span| {
                        text.get(span.start..span.end)
                            .is_some_and(|item| slugify(item).is_empty())
                    })
                    .map_or_else(|| front.value_offset(name), |span| span.start);
                errors.push(
                    Diagnostic::error(
                        &page.document.file.path,
                        tr!(
                            "the term `{empty}` of `{name}` has no letter or digit, so it cannot have a page of its own",
                            "le terme `{empty}` de `{name}` n'a ni lettre ni chiffre, il ne peut donc pas avoir de page à lui"
                        ),
                    )
                    .at_offset(text, at)
                    .with_hint(tr!(
                        "write it with words, or remove it",
                        "écrivez-le avec des mots, ou retirez-le"
                    )),
                );
                continue;
            }
            if !values.is_empty() {
                page.terms.insert(taxonomy.name.clone(), values);
            }
        }
    }
}

/// The taxonomies of every language, from the terms of pages that are not fallbacks.
fn build_taxonomies(config: &Config, pages: &[Page]) -> Vec<Taxonomy> {
    let mut taxonomies = Vec::new();
    for taxonomy in &config.taxonomies {
        for language in &config.languages {
            let base = format!(
                "{}{}/",
                config.language_prefix(&language.code),
                slugify(&taxonomy.name)
            );
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (i, page) in pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.lang == language.code && !p.fallback)
            {
                for name in page.terms.get(&taxonomy.name).into_iter().flatten() {
                    let slug = slugify(name);
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        path: format!("{base}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    // Pages come in index order: a repeated term on one page is the last entry.
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            if terms.is_empty() {
                continue;
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for term in &mut terms {
                sort_pages(&mut term.pages, pages, SortBy::Date);
            }
            taxonomies.push(Taxonomy {
                name: taxonomy.name.clone(),
                lang: language.code.clone(),
                path: base,
                paginate_by: taxonomy.paginate_by,
                terms,
            });
        }
    }
    taxonomies
}

/// Longest term slug, in bytes: it names a folder of the output, and
/// folder names are limited to 255 bytes by most file systems.
const MAX_TERM_SLUG_BYTES: usize = 200;

/// Terms a page may not give `taxonomy`: more than [`crate::trust::MAX_TERMS`]
/// or longer than [`crate::trust::MAX_TERM_CHARS`] in an untrusted page
/// (each term is a page of the site); a slug too long for a folder name in any page.
fn term_limits(document: &Document, taxonomy: &str, values: &[String]) -> Option<Diagnostic> {
    use crate::trust::{MAX_TERM_CHARS, MAX_TERMS};
    let at = |message: Text, hint: Text| {
        Diagnostic::error(&document.file.path, message)
            .at_offset(&document.file.text, document.front.offset_of(taxonomy))
            .with_hint(hint)
    };
    if let Some(collection) = document.trust.collection() {
        if values.len() > MAX_TERMS {
            return Some(at(
                tr!(
                    "`{taxonomy}` has {} values; pages of `{collection}` may give at most {MAX_TERMS}",
                    "`{taxonomy}` a {} valeurs ; les pages de `{collection}` peuvent en donner {MAX_TERMS} au plus";
                    values.len()
                ),
                tr!(
                    "keep the few that describe the page best",
                    "gardez les quelques-unes qui décrivent le mieux la page"
                ),
            ));
        }
        if let Some(long) = values.iter().find(|v| v.chars().count() > MAX_TERM_CHARS) {
            return Some(at(
                tr!(
                    "the `{taxonomy}` value `{}…` is longer than {MAX_TERM_CHARS} characters",
                    "la valeur `{}…` de `{taxonomy}` dépasse {MAX_TERM_CHARS} caractères";
                    long.chars().take(30).collect::<String>()
                ),
                tr!(
                    "use a short word or phrase: each value becomes a page listing the pages that share it",
                    "utilisez un mot ou une expression courte : chaque valeur devient une page qui liste les pages qui la partagent"
                ),
            ));
        }
    }
    values
        .iter()
        .find(|v| slugify(v).len() > MAX_TERM_SLUG_BYTES)
        .map(|long| {
            at(
                tr!(
                    "the `{taxonomy}` value `{}…` is too long to name a page of the site (at most {MAX_TERM_SLUG_BYTES} letters and digits)",
                    "la valeur `{}…` de `{taxonomy}` est trop longue pour nommer une page du site ({MAX_TERM_SLUG_BYTES} lettres et chiffres au plus)";
                    long.chars().take(30).collect::<String>()
                ),
                tr!("use a short word or phrase", "utilisez un mot ou une expression courte"),
            )
        })
}

/// `folder` and every folder above it, nearest first, the root (`""`)
/// last: `clubs/lyon`, `clubs`, `""`. Every "nearest X at or above" search
/// of the model walks this one sequence.
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(folder);
    std::iter::from_fn(move || {
        let current = next?;
        next = (!current.is_empty()).then(|| parent_folder(current));
        Some(current)
    })
}

/// The section of `lang` in `folder` or in its nearest ancestor, with that
/// section's folder.
fn nearest_section<'a>(
    lang: &str,
    folder: &'a str,
    sections: &HashMap<(String, String), usize>,
) -> Option<(usize, &'a str)> {
    ancestors(folder).find_map(|f| {
        sections
            .get(&(lang.to_string(), f.to_string()))
            .map(|&i| (i, f))
    })
}

/// A sort key for titles that ignores case and accents ("Économie" sorts with "economie").
fn title_key(title: &str) -> String {
    deunicode::deunicode(title).to_lowercase()
}

fn sort_pages(indices: &mut [usize], pages: &[Page], sort_by: SortBy) {
    // Each listed page's keys are made once, not once per comparison: a
    // title's goes through transliteration, a date's instant through the
    // time-zone library.
    struct Keys<'a> {
        index: usize,
        date: Option<crate::date::OrderKey>,
        weight: Option<i64>,
        title: String,
        path: &'a str,
    }
    let mut keyed: Vec<Keys<'_>> = indices
        .iter()
        .map(|&i| {
            let document = &pages[i].document;
            Keys {
                index: i,
                date: (sort_by == SortBy::Date)
                    .then(|| document.front.date.map(|d| d.order_key()))
                    .flatten(),
                weight: document.front.weight,
                title: title_key(&document.front.title),
                path: &document.content_path,
            }
        })
        .collect();
    keyed.sort_by(|a, b| {
        let by_title = || a.title.cmp(&b.title).then_with(|| a.path.cmp(b.path));
        match sort_by {
            // Newest first; undated last.
            SortBy::Date => match (&a.date, &b.date) {
                (Some(x), Some(y)) => y.cmp(x).then_with(by_title),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => by_title(),
            },
            SortBy::Weight => match (a.weight, b.weight) {
                (Some(x), Some(y)) => x.cmp(&y).then_with(by_title),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => by_title(),
            },
            SortBy::Title => by_title(),
        }
    });
    for (slot, key) in indices.iter_mut().zip(&keyed) {
        *slot = key.index;
    }
}

/// Options given for a folder that is not a section are a mistake worth naming.
fn check_section_options(
    config: &Config,
    sections: &HashMap<(String, String), usize>,
    errors: &mut Vec<Diagnostic>,
) {
    let default = &config.default_language;
    let mut known: Vec<&str> = sections
        .keys()
        .filter(|(l, f)| l == default && !f.is_empty())
        .map(|(_, f)| f.as_str())
        .collect();
    known.sort_unstable();
    for folder in config.sections.keys() {
        if !folder.is_empty() && !known.contains(&folder.as_str()) {
            let hint = match crate::diagnostic::did_you_mean(folder, &known) {
                Some(close) => tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?"),
                None => tr!(
                    "sections are: {}",
                    "les sections sont : {}";
                    known.join(", ")
                ),
            };
            errors.push(
                Diagnostic::error(
                    crate::config::CONFIG_PATH,
                    tr!(
                        "`sections.{folder}`: there is no section `content/{folder}/_index.md`",
                        "`sections.{folder}` : il n'y a pas de section `content/{folder}/_index.md`"
                    ),
                )
                .with_hint(hint),
            );
        }
    }
}

/// What a content file belongs to (see [`place_copies`]).
enum Owner<'a> {
    /// The bundle in this folder, made into these pages.
    Bundle(&'a str, &'a [usize]),
    /// A section, or the home: the file keeps its folder's site path.
    Section,
    /// A draft, scheduled or faulty bundle, or a hidden section.
    Hidden,
}

/// Decides where each copied file goes: a file under `content/` belongs
/// to the nearest folder at or above it that is a page bundle (a visible
/// one: the files of a hidden bundle are not published) or a section, the
/// root being the home's. A bundle's files go once, for all its
/// languages, beside one of its pages (see [`Page::files_path`]; the other
/// editions' addresses to them are rewritten by `relocate`),
/// whatever its slug, with their path inside the bundle as written; a
/// section's at its folder's site path. `_static/` goes to the root, theme files under
/// `static/`. Paths are cut at folder boundaries only, never at a byte count
/// (names are any UTF-8).
fn place_copies(
    sources: CopySources,
    default: &str,
    pages: &mut [Page],
    sections: &[Section],
    hidden_folders: &[String],
) -> Vec<Copy> {
    // A bundle folder serves every language's page made from it; its files
    // are published once, beside one of them (see `Page::files_path`). The
    // root is never one (`content/index.md` is refused): it is the home's.
    let mut bundles: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.document.kind == DocumentKind::Bundle && !p.document.folder().is_empty())
    {
        bundles
            .entry(p.document.folder().to_string())
            .or_default()
            .push(i);
    }
    // Pages are in the config's language order: the first written page
    // (not a fallback) is the one to publish beside, the default language's
    // when it has one.
    let mut publishers: HashMap<&str, String> = HashMap::new();
    for (folder, group) in &bundles {
        let written = |i: &&usize| !pages[**i].fallback;
        let publisher = group
            .iter()
            .filter(written)
            .find(|&&i| pages[i].lang == default)
            .or_else(|| group.iter().find(written))
            .unwrap_or(&group[0]);
        let files_path = pages[*publisher].path.clone();
        for &i in group {
            pages[i].files_path.clone_from(&files_path);
        }
        publishers.insert(folder.as_str(), files_path);
    }
    let section_folders: HashSet<&str> = sections.iter().map(|s| s.folder.as_str()).collect();
    let hidden: HashSet<&str> = hidden_folders.iter().map(String::as_str).collect();
    let mut copies = Vec::new();
    for file in sources.content_files {
        let content_path = file
            .path
            .strip_prefix("content/")
            .unwrap_or(&file.path)
            .to_string();
        let (folder, name) = content_path
            .rsplit_once('/')
            .unwrap_or(("", content_path.as_str()));
        let owner = ancestors(folder).find_map(|f| {
            if let Some(owners) = bundles.get(f) {
                Some(Owner::Bundle(f, owners))
            } else if hidden.contains(f) && !f.is_empty() {
                Some(Owner::Hidden)
            } else {
                (f.is_empty() || section_folders.contains(f)).then_some(Owner::Section)
            }
        });
        match owner {
            Some(Owner::Bundle(bundle_folder, owners)) => {
                // `bundle_folder` is an ancestor of the file's folder: the
                // path goes on after it and a `/`.
                let inner = content_path
                    .strip_prefix(bundle_folder)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .unwrap_or(name);
                let output = format!("{}{inner}", publishers[bundle_folder]);
                for &i in owners {
                    pages[i].assets.push(output.clone());
                }
                copies.push(Copy { output, file });
            }
            // Draft bundles and sections are gone: their files must not leak out.
            Some(Owner::Hidden) => {}
            Some(Owner::Section) | None => copies.push(Copy {
                output: format!("{}{name}", folder_path(folder)),
                file,
            }),
        }
    }
    copies.extend(static_copies(
        sources.static_files,
        sources.theme_files,
        &sources.fingerprinted,
    ));
    copies.sort_by(|a, b| a.output.cmp(&b.output));
    copies
}

/// The path of a theme file under the theme's `static/`
/// (`themes/sorbonne/static/css/site.css` -> `css/site.css`): what it is
/// published under, inside `static/`, and what fingerprinted names are
/// keyed by.
pub(crate) fn theme_static_path(path: &str) -> &str {
    path.split_once("/static/").map_or(path, |(_, rest)| rest)
}

/// Where the files of `content/_static/` (`static_files`, at the root)
/// and of the theme's `static/` (`theme_files`, under `static/`, by their
/// `fingerprinted` name where they have one) are published.
fn static_copies(
    static_files: Vec<CopyFile>,
    theme_files: Vec<CopyFile>,
    fingerprinted: &BTreeMap<String, String>,
) -> Vec<Copy> {
    let mut out = Vec::with_capacity(static_files.len() + theme_files.len());
    for file in static_files {
        let inner = file
            .path
            .strip_prefix("content/_static/")
            .unwrap_or(&file.path)
            .to_string();
        out.push(Copy {
            output: inner,
            file,
        });
    }
    for file in theme_files {
        let inner = theme_static_path(&file.path).to_string();
        let output = match fingerprinted.get(&inner) {
            Some(named) => named.clone(),
            None => format!("static/{inner}"),
        };
        out.push(Copy { output, file });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::TextFile;
    use crate::parse::parse_one;

    fn visible() -> Visibility {
        Visibility {
            drafts: false,
            schedule: Schedule {
                now: DateTime::parse("2026-11-28T12:00:00Z").unwrap(),
                future: false,
                expired: false,
            },
        }
    }

    fn config() -> Config {
        Config::parse("title: T\nbase_url: https://e.org\ntheme: t\nsections:\n  clubs:\n    sort_by: title\n", None).unwrap()
    }

    fn doc(path: &str, front: &str) -> Document {
        let languages = crate::parse::Languages {
            default: "fr",
            codes: vec!["fr"],
        };
        parse_one(
            TextFile {
                path: format!("content/{path}"),
                text: format!("---\n{front}\n---\nBody\n"),
            },
            &languages,
            crate::trust::Trust::Staff,
        )
        .unwrap()
    }

    #[test]
    fn urls_sections_and_order() {
        let docs = vec![
            doc("_index.md", "title: Accueil"),
            doc("clubs/_index.md", "title: Clubs"),
            doc("clubs/zeta.md", "title: Zêta"),
            doc("clubs/alpha.md", "title: Élan"),
            doc(
                "clubs/x.md",
                "title: Club « Jacques Doucet »\nslug: Club « Jacques Doucet, arts et patrimoine »",
            ),
            doc("alter-ego/ep-1/index.md", "title: Épisode"),
            doc("brouillon.md", "title: B\ndraft: true"),
        ];
        let (site, errors) = assemble(
            config(),
            docs,
            Vec::new(),
            &[],
            CopySources::default(),
            visible(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        let paths: Vec<_> = site.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "alter-ego/ep-1/",
                "clubs/alpha/",
                "clubs/club-jacques-doucet-arts-et-patrimoine/",
                "clubs/zeta/"
            ]
        );
        let clubs = &site.sections[1];
        assert_eq!(clubs.path, "clubs/");
        let titles: Vec<_> = clubs
            .pages
            .iter()
            .map(|&i| site.pages[i].document.front.title.as_str())
            .collect();
        assert_eq!(titles, ["Club « Jacques Doucet »", "Élan", "Zêta"]);
        // A folder without _index.md belongs to the home section.
        assert_eq!(site.pages[0].section, 0);
    }

    #[test]
    fn scheduled_and_expired_pages_are_left_out_unless_asked_for() {
        let docs = || {
            vec![
                doc("clubs/_index.md", "title: Clubs"),
                doc("a.md", "title: A\npublish_date: 2026-11-28T11:59:00Z"),
                doc("b.md", "title: B\npublish_date: 2026-11-28T13:30:00+01:00"),
                doc("c.md", "title: C\nexpiry_date: 2026-11-28T12:00:00Z"),
                doc("d.md", "title: D\nexpiry_date: 2026-11-29"),
            ]
        };
        let paths = |visibility| {
            let (site, errors) = assemble(
                config(),
                docs(),
                Vec::new(),
                &[],
                CopySources::default(),
                visibility,
            );
            assert!(errors.is_empty(), "{errors:?}");
            site.pages
                .iter()
                .map(|p| p.path.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(paths(visible()), ["a/", "d/"]);
        let mut all = visible();
        all.schedule.future = true;
        assert_eq!(paths(all), ["a/", "b/", "d/"]);
        all.schedule.expired = true;
        assert_eq!(paths(all), ["a/", "b/", "c/", "d/"]);
    }

    #[test]
    fn a_page_with_front_matter_errors_is_left_out_but_still_linked_to() {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\ntheme: t\ncollections:\n  clubs:\n    fields:\n      kind: { type: enum, values: [a, b] }\n",
            None,
        )
        .unwrap();
        let docs = vec![
            doc("clubs/_index.md", "title: Clubs"),
            doc("clubs/bon.md", "title: Bon\nkind: a"),
            doc("clubs/faux.md", "title: Faux\nkind: c"),
        ];
        let (site, errors) = assemble(
            config,
            docs,
            Vec::new(),
            &[],
            CopySources::default(),
            visible(),
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "content/clubs/faux.md");
        let paths: Vec<_> = site.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["clubs/bon/"]);
        assert_eq!(site.sections[1].pages, [0]);
        assert_eq!(site.left_out.len(), 1);
        assert!(site.left_out[0].page.is_some());
        let index = LinkIndex::new(&site);
        assert_eq!(index.resolve("clubs/faux.md", "fr"), Some("clubs/faux/"));
    }

    #[test]
    fn an_unreadable_file_keeps_the_address_its_name_gives() {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\ntheme: t\nlanguages:\n  fr: { name: Français }\n  en: { name: English }\n",
            None,
        )
        .unwrap();
        let page = unreadable(&config, "content/clubs/Club Été.en.md");
        assert_eq!(
            (
                page.lang.as_str(),
                page.translation_key.as_str(),
                page.path.as_str()
            ),
            ("en", "clubs/Club Été.md", "en/clubs/club-ete/")
        );
        assert_eq!(
            unreadable(&config, "content/news/n/index.md").path,
            "news/n/"
        );
        assert_eq!(unreadable(&config, "content/_index.md").path, "");
    }

    #[test]
    fn nested_sections_take_their_parents_translations_option() {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\ntheme: t\nsections:\n  clubs:\n    translations: optional\n  news:\n    missing_translation: fallback\n",
            None,
        )
        .unwrap();
        assert!(!required(&config, "clubs/lyon", false));
        assert!(!required(&config, "clubs", false));
        assert!(required(&config, "events", false));
        // Unsaid: required where untranslated pages are left out, not where
        // the default language's text stands in.
        assert!(!required(&config, "news", true));
    }

    /// Where each content file of `files` goes in the site of `docs`
    /// (French only): source -> outputs, and the errors.
    fn placed(docs: Vec<Document>, files: &[&str]) -> (Vec<(String, String)>, Vec<Diagnostic>) {
        let content_files = files
            .iter()
            .map(|f| CopyFile {
                path: format!("content/{f}"),
                abs: std::path::PathBuf::from(f),
                trust: crate::trust::Trust::Staff,
            })
            .collect();
        let sources = CopySources {
            content_files,
            ..CopySources::default()
        };
        let (site, errors) = assemble(config(), docs, Vec::new(), &[], sources, visible());
        let copies = site
            .copies
            .into_iter()
            .map(|c| (c.file.path, c.output))
            .collect();
        (copies, errors)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect()
    }

    #[test]
    fn ancestors_go_up_to_the_root() {
        assert_eq!(
            ancestors("Événements/été").collect::<Vec<_>>(),
            ["Événements/été", "Événements", ""]
        );
        assert_eq!(ancestors("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn a_root_index_md_beside_a_non_ascii_file_is_refused_not_a_panic() {
        let docs = vec![
            doc("_index.md", "title: Accueil"),
            doc("index.md", "title: Accueil\nslug: accueil"),
            doc("clubs/_index.md", "title: Clubs"),
        ];
        let (copies, errors) = placed(docs, &["école.pdf", "clubs/plan.pdf"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "content/index.md");
        assert!(
            errors[0]
                .message
                .en
                .contains("would be a page holding every file of the site"),
            "{errors:?}"
        );
        // Nothing moves under the refused page: the files stay the home's and the section's.
        assert_eq!(
            copies,
            pairs(&[
                ("content/clubs/plan.pdf", "clubs/plan.pdf"),
                ("content/école.pdf", "école.pdf"),
            ])
        );
    }

    #[test]
    fn a_section_inside_a_bundle_owns_its_files() {
        let docs = vec![
            doc("clubs/_index.md", "title: Clubs"),
            doc("news/x/index.md", "title: X\nslug: À la une"),
            doc("news/x/Été/_index.md", "title: Été"),
        ];
        let (copies, errors) = placed(docs, &["news/x/Été/programme.pdf", "news/x/photos/été.jpg"]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            copies,
            pairs(&[
                (
                    "content/news/x/photos/été.jpg",
                    "news/a-la-une/photos/été.jpg"
                ),
                (
                    "content/news/x/Été/programme.pdf",
                    "news/x/ete/programme.pdf"
                ),
            ])
        );
    }

    #[test]
    fn a_draft_bundle_inside_a_bundle_publishes_none_of_its_files() {
        let docs = vec![
            doc("clubs/_index.md", "title: Clubs"),
            doc("news/x/index.md", "title: X"),
            doc("news/x/brouillon/index.md", "title: B\ndraft: true"),
        ];
        let (copies, errors) = placed(docs, &["news/x/brouillon/secret.pdf", "news/x/affiche.pdf"]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            copies,
            pairs(&[("content/news/x/affiche.pdf", "news/x/affiche.pdf")])
        );
    }

    #[test]
    fn unknown_section_option_gets_a_hint() {
        let docs = vec![doc("club/_index.md", "title: C")];
        let (_, errors) = assemble(
            config(),
            docs,
            Vec::new(),
            &[],
            CopySources::default(),
            visible(),
        );
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `club`?"));
    }
}
