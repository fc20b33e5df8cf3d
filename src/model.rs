//! Assemble stage: the only place that sees the whole site.
//!
//! In: the config, parsed documents and the files to copy. Out: a [`Site`] of
//! sections and pages with their URLs, their place in the section tree and
//! their order, plus the list of files to copy; or every problem found (two
//! sources on one URL, a slug that folds to nothing, a page with no section).
//!
//! URLs are kept as *site paths*: relative to the site's base, without a
//! leading slash, ending with `/` for HTML (`clubs/biotech/`, `""` for the
//! home). The render stage prefixes them with the base path.

use std::collections::{BTreeMap, HashMap};

use crate::config::{Config, SortBy};
use crate::diagnostic::Diagnostic;
use crate::load::CopyFile;
use crate::markdown::Rendered;
use crate::parse::{Document, DocumentKind};
use crate::slug::slugify;

/// A section: a folder of `content/` with an `_index.md` (or the home, always).
#[derive(Clone, Debug)]
pub struct Section {
    /// The `_index.md`, absent only for a home page that was not written.
    pub document: Option<Document>,
    /// Folder under `content/` (`""` for the home, `clubs`).
    pub folder: String,
    /// Site path (`clubs/`).
    pub path: String,
    /// Title from front matter, or the site's title for an unwritten home.
    pub title: String,
    /// Pages directly in this section, in the section's order.
    pub pages: Vec<usize>,
    /// Child sections, by folder name.
    pub subsections: Vec<usize>,
    /// Parent section (`None` for the home).
    pub parent: Option<usize>,
    /// The rendered body (filled by the Markdown stage).
    pub rendered: Rendered,
}

/// A page.
#[derive(Clone, Debug)]
pub struct Page {
    /// Its parsed file.
    pub document: Document,
    /// The last part of its URL.
    pub slug: String,
    /// Site path (`clubs/biotech/`).
    pub path: String,
    /// The section it belongs to.
    pub section: usize,
    /// Site paths of the files copied beside it (bundle files).
    pub assets: Vec<String>,
    /// The rendered body (filled by the Markdown stage).
    pub rendered: Rendered,
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
    /// Sections sorted by folder; index 0 is the home.
    pub sections: Vec<Section>,
    /// Pages sorted by source path.
    pub pages: Vec<Page>,
    /// Files to copy, sorted by output path.
    pub copies: Vec<Copy>,
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
}

impl Site {
    /// Site path of a source path under `content/` (`clubs/biotech.md`,
    /// `clubs/_index.md`), for `@/` links.
    pub fn path_index(&self) -> HashMap<&str, &str> {
        let mut index = HashMap::new();
        for s in &self.sections {
            if let Some(doc) = &s.document {
                index.insert(doc.content_path.as_str(), s.path.as_str());
            }
        }
        for p in &self.pages {
            index.insert(p.document.content_path.as_str(), p.path.as_str());
        }
        index
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

/// Builds the site model. `drafts` keeps pages and sections marked `draft: true`.
pub fn assemble(
    config: Config,
    documents: Vec<Document>,
    copies: CopySources,
    drafts: bool,
) -> (Site, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    // Folders of draft bundles: their files must not be published either.
    let hidden_folders: Vec<String> = documents
        .iter()
        .filter(|d| !drafts && d.front.draft && d.kind == DocumentKind::Bundle)
        .map(|d| d.folder().to_string())
        .collect();
    let mut documents = documents;
    documents.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    let (section_docs, page_docs): (Vec<_>, Vec<_>) = documents
        .into_iter()
        .filter(|d| drafts || !d.front.draft)
        .partition(|d| d.kind == DocumentKind::Section);

    // Sections, home first: BTreeMap by folder keeps parents before children.
    let mut by_folder: BTreeMap<String, Option<Document>> = BTreeMap::new();
    by_folder.insert(String::new(), None);
    for doc in section_docs {
        by_folder.insert(doc.folder().to_string(), Some(doc));
    }
    let mut sections: Vec<Section> = Vec::with_capacity(by_folder.len());
    let mut section_of_folder: HashMap<String, usize> = HashMap::new();
    for (folder, document) in by_folder {
        let parent = nearest_section(&folder, &section_of_folder, true);
        let index = sections.len();
        let title = document
            .as_ref()
            .map_or_else(|| config.title.clone(), |d| d.front.title.clone());
        sections.push(Section {
            path: folder_path(&folder),
            title,
            document,
            folder: folder.clone(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent,
            rendered: Rendered::default(),
        });
        if let Some(p) = parent {
            sections[p].subsections.push(index);
        }
        section_of_folder.insert(folder, index);
    }

    // Pages: a page belongs to the nearest section above its file.
    let mut pages: Vec<Page> = Vec::with_capacity(page_docs.len());
    for doc in page_docs {
        let (parent_folder, default_slug) = match doc.kind {
            DocumentKind::Bundle => {
                let folder = doc.folder();
                match folder.rsplit_once('/') {
                    Some((parent, name)) => (parent.to_string(), name.to_string()),
                    None => (String::new(), folder.to_string()),
                }
            }
            _ => (
                doc.folder().to_string(),
                file_stem(&doc.content_path).to_string(),
            ),
        };
        let slug_source = doc.front.slug.clone().unwrap_or(default_slug);
        let slug = slugify(&slug_source);
        if slug.is_empty() {
            let offset = doc.front.offset_of("slug");
            errors.push(
                Diagnostic::error(
                    &doc.file.path,
                    format!("`{slug_source}` gives an empty URL slug"),
                )
                .at_offset(&doc.file.text, offset)
                .with_hint("use letters or digits in the file name or in `slug:`"),
            );
            continue;
        }
        let section = nearest_section(&parent_folder, &section_of_folder, false).unwrap_or(0);
        pages.push(Page {
            path: format!("{}{slug}/", folder_path(&parent_folder)),
            slug,
            section,
            assets: Vec::new(),
            document: doc,
            rendered: Rendered::default(),
        });
    }
    for (i, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(i);
    }
    for section in &mut sections {
        let sort_by = config
            .sections
            .get(&section.folder)
            .map(|o| o.sort_by)
            .unwrap_or_default();
        sort_pages(&mut section.pages, &pages, sort_by);
    }
    check_section_options(&config, &section_of_folder, &mut errors);

    let copies = place_copies(copies, &mut pages, &hidden_folders);
    check_unique_outputs(&sections, &pages, &copies, &mut errors);

    let site = Site {
        config,
        sections,
        pages,
        copies,
    };
    (site, errors)
}

/// The section of `folder` or of its nearest ancestor. With `strict_parent`,
/// `folder` itself is skipped (a section's parent is above it).
fn nearest_section(
    folder: &str,
    sections: &HashMap<String, usize>,
    strict_parent: bool,
) -> Option<usize> {
    if folder.is_empty() && strict_parent {
        return None;
    }
    let mut current = if strict_parent {
        folder.rsplit_once('/').map_or("", |(p, _)| p)
    } else {
        folder
    };
    loop {
        if let Some(&i) = sections.get(current) {
            return Some(i);
        }
        if current.is_empty() {
            return None;
        }
        current = current.rsplit_once('/').map_or("", |(p, _)| p);
    }
}

/// A sort key for titles that ignores case and accents ("Économie" sorts with "economie").
fn title_key(title: &str) -> String {
    deunicode::deunicode(title).to_lowercase()
}

fn sort_pages(indices: &mut [usize], pages: &[Page], sort_by: SortBy) {
    indices.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a].document, &pages[b].document);
        let by_title = || {
            title_key(&pa.front.title)
                .cmp(&title_key(&pb.front.title))
                .then_with(|| pa.content_path.cmp(&pb.content_path))
        };
        match sort_by {
            // Newest first; undated last.
            SortBy::Date => match (pa.front.date, pb.front.date) {
                (Some(x), Some(y)) => y.cmp(&x).then_with(by_title),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => by_title(),
            },
            SortBy::Weight => match (pa.front.weight, pb.front.weight) {
                (Some(x), Some(y)) => x.cmp(&y).then_with(by_title),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => by_title(),
            },
            SortBy::Title => by_title(),
        }
    });
}

/// Options given for a folder that is not a section are a mistake worth naming.
fn check_section_options(
    config: &Config,
    sections: &HashMap<String, usize>,
    errors: &mut Vec<Diagnostic>,
) {
    for folder in config.sections.keys() {
        if !sections.contains_key(folder.as_str()) {
            let mut known: Vec<&str> = sections
                .keys()
                .map(String::as_str)
                .filter(|f| !f.is_empty())
                .collect();
            known.sort_unstable();
            let hint = match crate::diagnostic::did_you_mean(folder, &known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("sections are: {}", known.join(", ")),
            };
            errors.push(
                Diagnostic::error(
                    crate::config::CONFIG_PATH,
                    format!(
                        "`sections.{folder}`: there is no section `content/{folder}/_index.md`"
                    ),
                )
                .with_hint(hint),
            );
        }
    }
}

/// Decides where each copied file goes: bundle files beside their page
/// (whatever its slug), other content files at their folder's site path,
/// `_static/` at the root, theme files under `static/`.
fn place_copies(sources: CopySources, pages: &mut [Page], hidden_folders: &[String]) -> Vec<Copy> {
    let bundles: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.document.kind == DocumentKind::Bundle)
        .map(|(i, p)| (p.document.folder().to_string(), i))
        .collect();
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
        // The deepest bundle folder that contains this file owns it.
        let mut owner = None;
        let mut current = folder;
        loop {
            if let Some(&i) = bundles.get(current) {
                owner = Some((i, current));
                break;
            }
            match current.rsplit_once('/') {
                Some((parent, _)) => current = parent,
                None if !current.is_empty() => current = "",
                None => break,
            }
        }
        let output = if let Some((i, bundle_folder)) = owner {
            let inner = &content_path[bundle_folder.len() + 1..];
            let output = format!("{}{inner}", pages[i].path);
            pages[i].assets.push(output.clone());
            output
        } else {
            // Draft bundles are gone from `pages`: their files must not leak out.
            if hidden_folders
                .iter()
                .any(|h| folder == h || folder.starts_with(&format!("{h}/")))
            {
                continue;
            }
            format!("{}{name}", folder_path(folder))
        };
        copies.push(Copy { output, file });
    }
    for file in sources.static_files {
        let inner = file
            .path
            .strip_prefix("content/_static/")
            .unwrap_or(&file.path)
            .to_string();
        copies.push(Copy {
            output: inner,
            file,
        });
    }
    for file in sources.theme_files {
        let inner = file
            .path
            .split_once("/static/")
            .map_or(file.path.as_str(), |(_, rest)| rest)
            .to_string();
        copies.push(Copy {
            output: format!("static/{inner}"),
            file,
        });
    }
    copies.sort_by(|a, b| a.output.cmp(&b.output));
    copies
}

/// Who claims an output path: the source's path, and (for pages) its text
/// and the offset of the `slug:` key, 0 when the slug came from the file name.
struct Claim<'a> {
    path: &'a str,
    text: &'a str,
    slug_offset: usize,
}

/// Two sources on one output path is an error naming both, placed on the one
/// that chose its URL with `slug:` (else on the later one by path).
fn check_unique_outputs<'a>(
    sections: &'a [Section],
    pages: &'a [Page],
    copies: &'a [Copy],
    errors: &mut Vec<Diagnostic>,
) {
    let mut claimed: BTreeMap<String, Claim<'a>> = BTreeMap::new();
    let mut claim = |output: String, new: Claim<'a>| {
        let Some(old) = claimed.get(&output) else {
            claimed.insert(output, new);
            return;
        };
        let (first, second) = if old.path <= new.path {
            (old, &new)
        } else {
            (&new, old)
        };
        let blamed = if first.slug_offset > 0 && second.slug_offset == 0 {
            first
        } else {
            second
        };
        let mut d = Diagnostic::error(
            blamed.path,
            format!(
                "`{}` and `{}` both produce `/{output}`",
                first.path, second.path
            ),
        )
        .with_hint("give one of them another file name or `slug:`");
        if !blamed.text.is_empty() {
            d = d.at_offset(blamed.text, blamed.slug_offset);
        }
        errors.push(d);
    };
    for s in sections {
        let path = s
            .document
            .as_ref()
            .map_or("content/_index.md", |d| d.file.path.as_str());
        claim(
            format!("{}index.html", s.path),
            Claim {
                path,
                text: "",
                slug_offset: 0,
            },
        );
    }
    for p in pages {
        let d = &p.document;
        let claim_of = Claim {
            path: &d.file.path,
            text: &d.file.text,
            slug_offset: d.front.offset_of("slug"),
        };
        claim(format!("{}index.html", p.path), claim_of);
    }
    for c in copies {
        claim(
            c.output.clone(),
            Claim {
                path: &c.file.path,
                text: "",
                slug_offset: 0,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::TextFile;
    use crate::parse::parse_one;

    fn config() -> Config {
        Config::parse("title: T\nbase_url: https://e.org\ntheme: t\nsections:\n  clubs:\n    sort_by: title\n", None).unwrap()
    }

    fn doc(path: &str, front: &str) -> Document {
        parse_one(TextFile {
            path: format!("content/{path}"),
            text: format!("---\n{front}\n---\nBody\n"),
        })
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
        let (site, errors) = assemble(config(), docs, CopySources::default(), false);
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
    fn two_sources_on_one_url_name_both() {
        let docs = vec![doc("a.md", "title: A"), doc("b.md", "title: B\nslug: a")];
        let (_, errors) = assemble(config(), docs, CopySources::default(), false);
        let messages: Vec<_> = errors
            .iter()
            .map(|e| format!("{} {}", e.location(), e.message))
            .collect();
        assert!(
            messages.contains(
                &"content/b.md:3:1 `content/a.md` and `content/b.md` both produce `/a/index.html`"
                    .to_string()
            ),
            "{messages:?}"
        );
    }

    #[test]
    fn unknown_section_option_gets_a_hint() {
        let docs = vec![doc("club/_index.md", "title: C")];
        let (_, errors) = assemble(config(), docs, CopySources::default(), false);
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `club`?"));
    }
}
