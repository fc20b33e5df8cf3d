//! Parse stage: every Markdown file's front matter, in parallel.
//!
//! In: the loaded Markdown texts. Out: one [`Document`] per file (its kind,
//! its place under `content/`, its typed front matter and where its body
//! starts), plus every diagnostic found. Documents come out in path order
//! whatever the thread count.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::front_matter::{self, FrontMatter};
use crate::load::TextFile;
use crate::trust::Trust;

/// What a Markdown file is to the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// `_index.md`: the section of its folder.
    Section,
    /// `<slug>.md`: a page.
    Page,
    /// `<slug>/index.md`: a page with its files beside it.
    Bundle,
}

/// A parsed Markdown file.
#[derive(Clone, Debug)]
pub struct Document {
    /// The file as loaded.
    pub file: TextFile,
    /// Path under `content/` (`clubs/biotech.md`): what `@/` links name.
    pub content_path: String,
    /// Section, page or bundle.
    pub kind: DocumentKind,
    /// Its language: the suffix of `page.en.md`, else the site's default.
    pub lang: String,
    /// The path shared by all translations: `clubs/biotech.md` for
    /// `clubs/biotech.en.md` too.
    pub translation_key: String,
    /// Typed front matter.
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_start: usize,
    /// Who may have written it, from its path (see [`crate::trust`]).
    pub trust: Trust,
    /// Set when the body was let go after the front matter was read (a
    /// build's pages, see [`Bodies`]): `file.text` then holds the front
    /// matter only, and [`Document::text`] reads the file again.
    pub dropped: Option<DroppedBody>,
}

/// A body left on disk: where, and what it was when first read, so that a
/// file changed between the two reads is an error rather than a page made
/// of two versions of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedBody {
    /// The file's absolute path.
    pub abs: PathBuf,
    /// The body's length in bytes, and its hash.
    pub len: usize,
    hash: u64,
    /// The hash of the front matter's text (up to the body), which may be
    /// let go of too (see [`Document::let_go_of_front_matter`]).
    front: u64,
}

/// What the parse stage keeps of each page's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bodies {
    /// Every text stays whole (`check`, `serve`: diagnostics and edits
    /// come back to them).
    Held,
    /// A page's body is dropped once its front matter is read, unless it
    /// holds the summary marker (its summary is rendered before the
    /// pages are): a build reads it again when it renders the page, and
    /// holds the site's front matter, not its text.
    Dropped,
}

/// The hash of a body, to know it again when it is read twice.
fn body_hash(body: &str) -> u64 {
    // Fixed seeds: the same text hashes alike in both reads.
    ahash::RandomState::with_seeds(1, 2, 3, 4).hash_one(body)
}

impl Document {
    /// The Markdown body, as held: empty when it was dropped (see
    /// [`Document::text`]).
    pub fn body(&self) -> &str {
        self.file.text.get(self.body_start..).unwrap_or("")
    }

    /// The whole text of the file: as held, or read again when its body
    /// was dropped, and then the same as first read or an error.
    pub fn text(&self) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        let Some(dropped) = &self.dropped else {
            return Ok(std::borrow::Cow::Borrowed(&self.file.text));
        };
        let again = crate::load::read_text_as(self.file.path.clone(), &dropped.abs)?;
        let same = again.text.len() == self.body_start + dropped.len
            && again
                .text
                .get(..self.body_start)
                .is_some_and(|front| body_hash(front) == dropped.front)
            && body_hash(&again.text[self.body_start..]) == dropped.hash;
        if !same {
            return Err(Diagnostic::error(
                &self.file.path,
                tr!(
                    "this file changed while the site was being built",
                    "ce fichier a changé pendant la construction du site"
                ),
            )
            .with_hint(tr!(
                "build again once it is saved",
                "relancez la construction une fois le fichier enregistré"
            )));
        }
        Ok(std::borrow::Cow::Owned(again.text))
    }

    /// Lets go of the front matter's text of a document whose body was
    /// let go of, once no diagnostic will be placed in it: a build of
    /// 100,000 pages holds 30 MB less. [`Document::text`] still reads the
    /// whole file, and still refuses one whose front matter changed.
    pub(crate) fn let_go_of_front_matter(&mut self) {
        if self.dropped.is_some() {
            self.file.text = String::new();
        }
    }

    /// The folder under `content/` this document describes or lives in:
    /// a section's own folder, a bundle's folder, a page's parent folder.
    pub fn folder(&self) -> &str {
        let p = self.content_path.as_str();
        p.rfind('/').map_or("", |i| &p[..i])
    }
}

/// The site's languages, for reading file-name suffixes.
#[derive(Clone, Debug)]
pub(crate) struct Languages<'a> {
    /// The default language's code.
    pub default: &'a str,
    /// Every language's code.
    pub codes: Vec<&'a str>,
}

impl<'a> Languages<'a> {
    /// The languages of `config`.
    pub(crate) fn of(config: &'a crate::config::Config) -> Languages<'a> {
        Languages {
            default: &config.default_language,
            codes: config.languages.iter().map(|l| l.code.as_str()).collect(),
        }
    }
}

/// Splits `clubs/biotech.en.md` into (`clubs/biotech.md`, `en`). A suffix
/// that is not one of the site's languages is part of the name.
pub(crate) fn split_language<'a>(
    content_path: &str,
    languages: &Languages<'a>,
) -> (String, &'a str) {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    if let Some((base, suffix)) = stem.rsplit_once('.') {
        if let Some(code) = languages.codes.iter().find(|c| **c == suffix) {
            if !base.ends_with('/') && !base.is_empty() {
                return (format!("{base}.md"), code);
            }
        }
    }
    (content_path.to_string(), languages.default)
}

fn classify(translation_key: &str) -> DocumentKind {
    let name = translation_key
        .rsplit('/')
        .next()
        .unwrap_or(translation_key);
    match name {
        "_index.md" => DocumentKind::Section,
        "index.md" => DocumentKind::Bundle,
        _ => DocumentKind::Page,
    }
}

/// Parses one file, of the trust the load stage gave it. Any mistake of
/// its front matter is an error.
pub(crate) fn parse_one(
    file: TextFile,
    languages: &Languages<'_>,
    trust: Trust,
) -> Result<Document, Vec<Diagnostic>> {
    match read_one(file, languages, trust)? {
        (document, errors) if errors.is_empty() => Ok(document),
        (_, errors) => Err(errors),
    }
}

/// Parses one file as far as it goes: `Err` when its front matter cannot be
/// read at all; otherwise the document and the errors of its common fields
/// (see [`FrontMatter::read`]).
fn read_one(
    file: TextFile,
    languages: &Languages<'_>,
    trust: Trust,
) -> Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>> {
    let content_path = file
        .path
        .strip_prefix("content/")
        .unwrap_or(&file.path)
        .to_string();
    let (translation_key, lang) = split_language(&content_path, languages);
    let split = front_matter::split(&file.text, &file.path).map_err(|d| vec![d])?;
    let (front, errors) = FrontMatter::read(&file.text, &split, &file.path)?;
    let body_start = split.body_start;
    let document = Document {
        trust,
        kind: classify(&translation_key),
        lang: lang.to_string(),
        translation_key,
        content_path,
        file,
        front,
        body_start,
        dropped: None,
    };
    Ok((document, errors))
}

/// Lets go of `document`'s body, when `bodies` says so and it may.
fn drop_body(mut document: Document, abs: &Path, bodies: Bodies) -> Document {
    let body = document.body();
    if bodies == Bodies::Held
        || document.kind == DocumentKind::Section
        || body.contains(crate::markdown::MORE_MARKER)
    {
        return document;
    }
    document.dropped = Some(DroppedBody {
        abs: abs.to_path_buf(),
        len: body.len(),
        hash: body_hash(body),
        front: body_hash(document.file.text.get(..document.body_start).unwrap_or("")),
    });
    document.file.text.truncate(document.body_start);
    document.file.text.shrink_to_fit();
    document
}

/// Reads and parses every Markdown file of `paths` (absolute, under
/// `root`, each with the trust the load stage gave it) in parallel, each text read, parsed and, with
/// [`Bodies::Dropped`], cut to its front matter before the next: memory
/// holds front matter, not the site's text. Documents and diagnostics in
/// path order. A document whose common fields have errors is among the
/// documents too (without those fields), so that the rest of it is
/// judged in the same run; the errors name it.
pub(crate) fn read_all(
    root: &Path,
    paths: &[(PathBuf, Trust)],
    languages: &Languages<'_>,
    bodies: Bodies,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let results: Vec<_> = paths
        .par_iter()
        .map(|(abs, trust)| {
            let file = crate::load::read_text(root, abs).map_err(|d| vec![d])?;
            let (document, errors) = read_one(file, languages, trust.clone())?;
            Ok((drop_body(document, abs, bodies), errors))
        })
        .collect();
    collect(results)
}

type Parsed = Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Documents and diagnostics of parsed files, in path order.
fn collect(results: Vec<Parsed>) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut documents = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((d, e)) => {
                documents.push(d);
                errors.extend(e);
            }
            Err(e) => errors.extend(e),
        }
    }
    documents.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    (documents, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sections_pages_and_bundles() {
        assert_eq!(classify("_index.md"), DocumentKind::Section);
        assert_eq!(classify("clubs/_index.md"), DocumentKind::Section);
        assert_eq!(
            classify("alter-ego/episode-1/index.md"),
            DocumentKind::Bundle
        );
        assert_eq!(classify("clubs/biotech.md"), DocumentKind::Page);
    }

    fn languages() -> Languages<'static> {
        Languages {
            default: "fr",
            codes: vec!["fr", "en"],
        }
    }

    #[test]
    fn language_suffixes() {
        let l = languages();
        assert_eq!(
            split_language("clubs/biotech.en.md", &l),
            ("clubs/biotech.md".to_string(), "en")
        );
        assert_eq!(
            split_language("clubs/_index.en.md", &l),
            ("clubs/_index.md".to_string(), "en")
        );
        assert_eq!(
            split_language("clubs/biotech.fr.md", &l),
            ("clubs/biotech.md".to_string(), "fr")
        );
        assert_eq!(
            split_language("notes.v2.md", &l),
            ("notes.v2.md".to_string(), "fr")
        );
        assert_eq!(
            split_language("clubs/.en.md", &l),
            ("clubs/.en.md".to_string(), "fr")
        );
        assert_eq!(classify("alter-ego/ep/index.md"), DocumentKind::Bundle);
    }

    /// A build reads a page twice: its front matter first, its body when
    /// it renders it. The body comes back whole when the file is as it was;
    /// a file saved in between (its body, or its front matter) is an error
    /// naming it, never a page made of two versions. Sections and bodies
    /// with the summary marker are held. Catches a second read that trusts
    /// the file, a body that is never dropped, and a front matter whose
    /// text was let go of compared to nothing.
    #[test]
    fn a_file_changed_between_its_two_reads_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            (path, Trust::Staff)
        };
        let page = "---\ntitle: Club\n---\n\nLe club se réunit le mardi.\n";
        let paths = vec![
            write(
                "content/clubs/_index.md",
                "---\ntitle: Clubs\n---\n\nTous les clubs.\n",
            ),
            write("content/clubs/a.md", page),
            write("content/clubs/b.md", page),
            write("content/clubs/c.md", page),
            write(
                "content/clubs/d.md",
                "---\ntitle: D\n---\n\nRésumé.\n\n<!-- more -->\n\nSuite.\n",
            ),
        ];
        let (docs, errors) = read_all(root, &paths, &languages(), Bodies::Dropped);
        assert!(errors.is_empty(), "{errors:?}");
        let doc = |name: &str| docs.iter().find(|d| d.content_path == name).unwrap();
        assert!(doc("clubs/_index.md").dropped.is_none());
        assert!(doc("clubs/d.md").dropped.is_none());
        assert_eq!(doc("clubs/a.md").body(), "");
        assert_eq!(doc("clubs/a.md").text().unwrap(), page);
        // Without its front matter's text too, a document reads whole,
        // and a front matter changed since is still seen.
        let mut bare = doc("clubs/a.md").clone();
        bare.let_go_of_front_matter();
        assert!(bare.file.text.is_empty());
        assert_eq!(bare.text().unwrap(), page);
        let mut bare_c = doc("clubs/c.md").clone();
        bare_c.let_go_of_front_matter();
        // Same length, another word; then another title.
        write("content/clubs/b.md", &page.replace("mardi", "jeudi"));
        write("content/clubs/c.md", &page.replace("Club", "Cleb"));
        assert!(bare_c.text().is_err(), "a front matter changed unseen");
        for name in ["clubs/b.md", "clubs/c.md"] {
            let e = doc(name).text().unwrap_err();
            assert_eq!(e.path, format!("content/{name}"));
            assert!(
                e.message
                    .en
                    .contains("changed while the site was being built")
            );
            assert!(e.message.fr.contains("a changé pendant la construction"));
        }
        let (held, _) = read_all(root, &paths, &languages(), Bodies::Held);
        assert!(
            held.iter()
                .all(|d| d.dropped.is_none() && !d.body().is_empty())
        );
    }

    #[test]
    fn folder_of_each_kind() {
        let doc = |p: &str| {
            parse_one(
                TextFile {
                    path: format!("content/{p}"),
                    text: "---\ntitle: T\n---\n".to_string(),
                },
                &languages(),
                Trust::Staff,
            )
            .unwrap()
        };
        assert_eq!(doc("_index.md").folder(), "");
        assert_eq!(doc("clubs/_index.md").folder(), "clubs");
        assert_eq!(doc("alter-ego/ep/index.md").folder(), "alter-ego/ep");
        assert_eq!(doc("clubs/biotech.md").folder(), "clubs");
    }
}
