//! Parse stage: every Markdown file's front matter, in parallel.
//!
//! In: the loaded Markdown texts. Out: one [`Document`] per file (its kind,
//! its place under `content/`, its typed front matter and where its body
//! starts), plus every diagnostic found. Documents come out in path order
//! whatever the thread count.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::front_matter::{self, FrontMatter};
use crate::load::TextFile;

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
    /// Typed front matter.
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_start: usize,
}

impl Document {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// The folder under `content/` this document describes or lives in:
    /// a section's own folder, a bundle's folder, a page's parent folder.
    pub fn folder(&self) -> &str {
        let p = self.content_path.as_str();
        p.rfind('/').map_or("", |i| &p[..i])
    }
}

fn classify(content_path: &str) -> DocumentKind {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    match name {
        "_index.md" => DocumentKind::Section,
        "index.md" => DocumentKind::Bundle,
        _ => DocumentKind::Page,
    }
}

/// Parses one file.
pub fn parse_one(file: TextFile) -> Result<Document, Vec<Diagnostic>> {
    let content_path = file
        .path
        .strip_prefix("content/")
        .unwrap_or(&file.path)
        .to_string();
    let split = front_matter::split(&file.text, &file.path).map_err(|d| vec![d])?;
    let front = FrontMatter::parse(&file.text, &split, &file.path)?;
    let body_start = split.body_start;
    Ok(Document {
        kind: classify(&content_path),
        content_path,
        file,
        front,
        body_start,
    })
}

/// Parses every file in parallel; documents and diagnostics in path order.
pub fn parse_all(files: Vec<TextFile>) -> (Vec<Document>, Vec<Diagnostic>) {
    let results: Vec<_> = files.into_par_iter().map(parse_one).collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(d) => documents.push(d),
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

    #[test]
    fn folder_of_each_kind() {
        let doc = |p: &str| {
            parse_one(TextFile {
                path: format!("content/{p}"),
                text: "---\ntitle: T\n---\n".to_string(),
            })
            .unwrap()
        };
        assert_eq!(doc("_index.md").folder(), "");
        assert_eq!(doc("clubs/_index.md").folder(), "clubs");
        assert_eq!(doc("alter-ego/ep/index.md").folder(), "alter-ego/ep");
        assert_eq!(doc("clubs/biotech.md").folder(), "clubs");
    }
}
