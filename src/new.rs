//! `alumni new <section> "Title"`: a new page with the fields its section's pages take.
//!
//! In: the site root, a section (a folder under `content/` with an
//! `_index.md`, or one that has a collection), a title and a language. Out:
//! one new file under `content/<section>/`, and what to do next. The page
//! holds the common fields (its title; today's date in a section sorted by
//! date; the optional ones as comments ready to uncomment) and its
//! collection's: every required field holds the placeholder that `check`
//! rejects until it is filled in, every optional one is a comment.
//!
//! Invariant: nothing is written when the section already has this page in
//! this language, whatever its form (`x.md`, `x.fr.md`, `x/index.md`, or
//! another page whose `slug:` gives it the same address). A translation goes
//! where `check` looks for it: inside the folder when the page is a bundle
//! (`x/index.en.md`), beside it otherwise (`x.en.md`).

use std::fmt::{self, Write as _};
use std::path::Path;

use crate::collection::{Field, FieldKind, did_you_mean_hint, placeholder_in};
use crate::config::{CONFIG_PATH, Config, SortBy};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::front_matter::{self, FrontMatter};
use crate::i18n::{Lang, Text};
use crate::parse::{Languages, split_language};
use crate::slug::slugify;

/// A page written by [`new_page`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    /// Its site-relative path (`content/news/x.md`).
    pub path: String,
    /// What to print for the person who asked: the path on the first line,
    /// then the file to edit, how to preview it, and what to run before the
    /// pull request.
    pub next_steps: Text,
}

impl fmt::Display for Created {
    /// The path alone, the form scripts read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

/// The words written into a new page, in the page's language (the config
/// admits French and English only).
struct Words {
    list: String,
    description: String,
    weight: String,
    tags: String,
    /// The example address of an e-mail field.
    email: String,
    draft: String,
    body: String,
}

impl Words {
    fn new(page_lang: &str) -> Words {
        let lang = Lang::parse(page_lang).unwrap_or_default();
        let pick = |t: Text| t.get(lang).to_string();
        Words {
            list: pick(tr!("list: [a, b]", "liste : [a, b]")),
            description: pick(tr!(
                "one sentence for listings and search engines",
                "une phrase pour les listes et les moteurs de recherche"
            )),
            weight: pick(tr!(
                "order in the section, lightest first",
                "ordre dans la section, du plus léger au plus lourd"
            )),
            tags: pick(tr!("keywords", "mots-clés")),
            email: pick(tr!("name@example.org", "nom@example.org")),
            draft: pick(tr!(
                "left out of the site while true",
                "hors du site tant que vrai"
            )),
            body: pick(tr!(
                "Write the page's text here, in Markdown: paragraphs, `## headings`, links.\n",
                "Écrivez ici le texte de la page, en Markdown : paragraphes, intertitres `## …`, liens.\n"
            )),
        }
    }
}

/// YAML double-quoted text.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The comment after a field: allowed values and what it is for.
fn comment(field: &Field, lang: &str, words: &Words) -> String {
    let mut parts = Vec::new();
    let values = field.values_for(lang);
    if !values.is_empty() {
        parts.push(values.join(" | "));
    }
    if let Some(d) = &field.description {
        parts.push(d.clone());
    }
    if field.kind == FieldKind::List {
        parts.push(words.list.clone());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("  # {}", parts.join(" — "))
    }
}

/// An example value for an optional field, shown commented out.
fn example<'a>(field: &Field, words: &'a Words) -> &'a str {
    match field.kind {
        FieldKind::Date => "2026-11-28",
        FieldKind::Datetime => "2026-12-10T18:30:00+01:00",
        FieldKind::Url => "https://",
        FieldKind::Email => &words.email,
        FieldKind::List => "[]",
        FieldKind::Image => "{ src: image.jpg, alt: \"\" }",
        FieldKind::Reference => "section/page.md",
        _ => "\"\"",
    }
}

/// What a new page starts with, besides its collection's fields.
#[derive(Clone, Copy, Debug, Default)]
pub struct Common<'a> {
    /// Today, for a section sorted by date (`2026-12-02`).
    pub date: Option<&'a str>,
    /// Whether the section is sorted by weight (the page gets a `weight` comment).
    pub weighted: bool,
    /// Whether the site has a `tags` taxonomy (the page gets a `tags` comment).
    pub tags: bool,
}

/// The text of a new page in `lang`: the common fields, then `fields` (its collection's).
pub fn page_text(title: &str, common: Common<'_>, fields: &[Field], lang: &str) -> String {
    let words = Words::new(lang);
    let mut out = format!("---\ntitle: {}\n", quoted(title));
    if let Some(date) = common.date {
        let _ = writeln!(out, "date: {date}");
    }
    let placeholder = placeholder_in(lang);
    for field in fields.iter().filter(|f| f.required) {
        let value = if field.kind == FieldKind::List {
            format!("[{}]", quoted(&placeholder))
        } else {
            quoted(&placeholder)
        };
        let _ = writeln!(
            out,
            "{}: {value}{}",
            field.name,
            comment(field, lang, &words)
        );
    }
    let declared = |name: &str| fields.iter().any(|f| f.name == name);
    let _ = writeln!(out, "# description: \"\"  # {}", words.description);
    if common.weighted && !declared("weight") {
        let _ = writeln!(out, "# weight: 1  # {}", words.weight);
    }
    if common.tags && !declared("tags") {
        let _ = writeln!(out, "# tags: []  # {}", words.tags);
    }
    let _ = writeln!(out, "# draft: true  # {}", words.draft);
    for field in fields.iter().filter(|f| !f.required) {
        let _ = writeln!(
            out,
            "# {}: {}{}",
            field.name,
            example(field, &words),
            comment(field, lang, &words)
        );
    }
    out.push_str("---\n\n");
    out.push_str(&words.body);
    out
}

/// One page of a section, in one language, as found on disk.
struct Existing {
    /// Site-relative path of its file.
    path: String,
    /// The file or folder name that names the page (`x` for `x.en.md` and `x/index.md`).
    name: String,
    lang: String,
    /// A page that is a folder (`x/index.md`).
    bundle: bool,
    /// The slug of its address (its `slug:` when it has one, slugified).
    url_slug: String,
    /// Byte offset of its `slug:` line, and its text, to point at it.
    slug_at: Option<usize>,
    text: String,
}

/// The pages (and subsections, which take an address too) directly in `content/<section>/`.
fn existing_pages(root: &Path, section: &str, languages: &Languages<'_>) -> Vec<Existing> {
    let folder = root.join("content").join(section);
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return found;
    };
    let mut read = |content_path: String, name: String, bundle: bool| {
        let path = format!("content/{content_path}");
        let (_, lang) = split_language(&content_path, languages);
        let text = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        // A page that does not parse keeps the address its name gives; `check` reports the rest.
        let slug = front_matter::split(&text, &path)
            .ok()
            .and_then(|s| FrontMatter::parse(&text, &s, &path).ok())
            .and_then(|fm| {
                let at = fm.offset_of("slug");
                fm.slug.map(|slug| (slug, at))
            });
        let (url_slug, slug_at) = match slug {
            Some((slug, at)) => (slugify(&slug), Some(at)),
            None => (slugify(&name), None),
        };
        found.push(Existing {
            path,
            name,
            lang: lang.to_string(),
            bundle,
            url_slug,
            slug_at,
            text,
        });
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            let Ok(inner) = std::fs::read_dir(&path) else {
                continue;
            };
            let mut inner: Vec<String> = inner
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            inner.sort();
            for file in inner {
                let content_path = format!("{section}/{name}/{file}");
                let (key, _) = split_language(&content_path, languages);
                let bundle = key.ends_with("/index.md");
                if bundle || key.ends_with("/_index.md") {
                    read(content_path, name.clone(), bundle);
                }
            }
        } else if let Some(stem) = name.strip_suffix(".md") {
            let content_path = format!("{section}/{name}");
            let (key, _) = split_language(&content_path, languages);
            if !key.ends_with("/_index.md") {
                let (stem, _) = split_language(&format!("{stem}.md"), languages);
                let stem = stem.trim_end_matches(".md").to_string();
                read(content_path, stem, false);
            }
        }
    }
    found
}

/// The sections a page can be made in: folders under `content/` with an
/// `_index.md` in some language, and the folders of collections.
fn sections(root: &Path, config: &Config, languages: &Languages<'_>) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, languages: &Languages<'_>, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `_data`, `_static` and hidden folders hold no pages.
            if name.starts_with(['_', '.']) || !entry.path().is_dir() {
                continue;
            }
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let has_index = std::fs::read_dir(entry.path()).is_ok_and(|files| {
                files.filter_map(Result::ok).any(|f| {
                    let file = f.file_name().to_string_lossy().into_owned();
                    split_language(&file, languages).0 == "_index.md"
                })
            });
            if has_index {
                out.push(rel.clone());
            }
            walk(&entry.path(), &rel, languages, out);
        }
    }
    let mut out = Vec::new();
    walk(&root.join("content"), "", languages, &mut out);
    for c in &config.collections {
        if !out.contains(&c.folder) {
            out.push(c.folder.clone());
        }
    }
    out.sort();
    out
}

fn read_config(root: &Path) -> Result<Config, Diagnostic> {
    let config_text = std::fs::read_to_string(root.join(CONFIG_PATH)).map_err(|e| {
        Diagnostic::error(
            CONFIG_PATH,
            tr!(
                "cannot read the config: {e}",
                "impossible de lire la configuration : {e}"
            ),
        )
        .with_hint(tr!(
            "run alumni in the site's root folder, or pass --root DIR",
            "lancez alumni dans le dossier racine du site, ou passez --root DOSSIER"
        ))
    })?;
    Config::parse(&config_text, None).map_err(|errors| {
        errors.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(
                CONFIG_PATH,
                tr!("the config has errors", "la configuration a des erreurs"),
            )
        })
    })
}

/// Where the new page goes, or why it cannot: the page of `slug` in
/// `lang` must not exist in any form; a translation of a bundle goes inside it.
fn place_page(
    section: &str,
    slug: &str,
    lang: &str,
    suffix: &str,
    title: &str,
    existing: &[Existing],
) -> Result<(String, Option<String>), Diagnostic> {
    let same_name = |e: &&Existing| slugify(&e.name) == slug;
    if let Some(e) = existing
        .iter()
        .filter(|e| e.lang == lang)
        .find(|e| same_name(e) || e.url_slug == slug)
    {
        let path = &e.path;
        let hint = tr!(
            "edit {path}, or choose another title",
            "modifiez {path}, ou choisissez un autre titre"
        );
        let error = if same_name(&e) {
            Diagnostic::error(
                path,
                tr!(
                    "this page already exists; alumni new never overwrites a file",
                    "cette page existe déjà ; alumni new n'écrase jamais un fichier"
                ),
            )
            .at_offset(&e.text, 0)
        } else {
            Diagnostic::error(
                path,
                tr!(
                    "this page's `slug:` already gives it the address of a page titled « {title} »",
                    "le `slug:` de cette page lui donne déjà l'adresse d'une page intitulée « {title} »"
                ),
            )
            .at_offset(&e.text, e.slug_at.unwrap_or(0))
        };
        return Err(error.with_hint(hint));
    }
    // The same page in another language: the new file is its translation, in its form.
    let original = existing
        .iter()
        .filter(same_name)
        .find(|e| e.bundle)
        .or_else(|| existing.iter().filter(same_name).find(|e| !e.bundle));
    Ok(match original {
        Some(e) if e.bundle => (
            format!("content/{section}/{}/index{suffix}.md", e.name),
            Some(e.path.clone()),
        ),
        Some(e) => (
            format!("content/{section}/{}{suffix}.md", e.name),
            Some(e.path.clone()),
        ),
        None => (format!("content/{section}/{slug}{suffix}.md"), None),
    })
}

/// What to do after writing `path` (a translation of `original` when given).
fn next_steps(path: &str, original: Option<&str>, lang: &str, placeholders: bool) -> Text {
    let mut text = Text::new(format!("{path}\n"), format!("{path}\n"));
    if let Some(original) = original {
        text = text.map(|t, l| match l {
            Lang::En => format!("{t}This is the `{lang}` version of {original}.\n"),
            Lang::Fr => format!("{t}C'est la version `{lang}` de {original}.\n"),
        });
    }
    let fill = if placeholders {
        let written = placeholder_in(lang);
        tr!(
            "replace every {written} and write the text",
            "remplacez chaque {written} et écrivez le texte"
        )
    } else {
        tr!("write the text", "écrivez le texte")
    };
    let steps = Text::new(
        format!(
            "Next:\n  1. edit {path}: {};\n  2. preview it with `alumni serve`;\n  3. run `alumni check` before opening the pull request.\n",
            fill.en
        ),
        format!(
            "Et maintenant :\n  1. modifiez {path} : {} ;\n  2. prévisualisez-la avec `alumni serve` ;\n  3. lancez `alumni check` avant d'ouvrir la pull request.\n",
            fill.fr
        ),
    );
    Text::new(text.en + &steps.en, text.fr + &steps.fr)
}

/// The error when the site has no section `section` among the `known`
/// ones, with the nearest name or the list of them.
fn check_section(section: &str, known: &[String]) -> Result<(), Diagnostic> {
    if known.iter().any(|s| s == section) {
        return Ok(());
    }
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let hint = if let Some(close) = did_you_mean(section, &names) {
        did_you_mean_hint(close)
    } else {
        let list = names.join(", ");
        tr!("sections are: {list}", "les sections sont : {list}")
    };
    Err(Diagnostic::general(tr!(
        "there is no section `{section}`",
        "il n'y a pas de section `{section}`"
    ))
    .with_hint(hint))
}

/// The file name (slug) that `title` gives a new page, or why it cannot
/// name one: empty, or `index`, which names a folder's own page (as
/// `_index.md` does), not a new one.
fn file_slug(title: &str) -> Result<String, Diagnostic> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::general(tr!(
            "`{title}` gives an empty file name",
            "`{title}` donne un nom de fichier vide"
        ))
        .with_hint(tr!(
            "use letters or digits in the title",
            "mettez des lettres ou des chiffres dans le titre"
        )));
    }
    if slug == "index" {
        return Err(Diagnostic::general(tr!(
            "`{title}` gives the file name index.md, which is a folder's own page",
            "`{title}` donne le nom de fichier index.md, qui est la page d'un dossier"
        ))
        .with_hint(tr!("choose another title", "choisissez un autre titre")));
    }
    Ok(slug)
}

/// Writes `text` to a new file at `path`, with its folders. `create_new`
/// refuses a file that appeared since the page was placed: never over one.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())
}

/// Writes a new page of the section in `section` (a folder under
/// `content/`) titled `title`, in `lang` (the default language when `None`);
/// returns its path and what to do next.
pub fn new_page(
    root: &Path,
    section: &str,
    title: &str,
    lang: Option<&str>,
) -> Result<Created, Diagnostic> {
    let config = read_config(root)?;
    let languages = Languages::of(&config);
    check_section(section, &sections(root, &config, &languages))?;
    let lang = lang.unwrap_or(&config.default_language);
    if config.language(lang).is_none() {
        let codes = languages.codes.join(", ");
        return Err(Diagnostic::error(
            CONFIG_PATH,
            tr!(
                "the site has no language `{lang}`",
                "le site n'a pas de langue `{lang}`"
            ),
        )
        .with_hint(tr!("languages are: {codes}", "les langues sont : {codes}")));
    }
    let slug = file_slug(title)?;
    let suffix = if lang == config.default_language {
        String::new()
    } else {
        format!(".{lang}")
    };
    let existing = existing_pages(root, section, &languages);
    let (rel, original) = place_page(section, &slug, lang, &suffix, title, &existing)?;
    let options = config.section_options(section);
    let today = match options.sort_by {
        SortBy::Date => Some(
            crate::schedule::now()
                .map_err(|why| Diagnostic::error(crate::schedule::SOURCE_DATE_EPOCH, why))?
                .format("%F", "en"),
        ),
        SortBy::Weight | SortBy::Title => None,
    };
    let common = Common {
        date: today.as_deref(),
        weighted: options.sort_by == SortBy::Weight,
        tags: config.taxonomies.iter().any(|t| t.name == "tags"),
    };
    let fields = config
        .collection(section)
        .map_or(&[][..], |c| c.fields.as_slice());
    let text = page_text(title, common, fields, lang);
    write_new(&root.join(&rel), &text).map_err(|e| {
        Diagnostic::error(
            &rel,
            tr!(
                "cannot write the page: {e}",
                "impossible d'écrire la page : {e}"
            ),
        )
    })?;
    let placeholders = fields.iter().any(|f| f.required);
    Ok(Created {
        next_steps: next_steps(&rel, original.as_deref(), lang, placeholders),
        path: rel,
    })
}
