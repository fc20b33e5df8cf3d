//! `alumni new <collection> "Title"`: a new page that lists its collection's fields.
//!
//! In: the site root, a collection name (a section folder), a title and a
//! language. Out: `content/<section>/<slug>.md` (or `.<lang>.md`), written
//! only if no such file exists, with every required field holding the
//! placeholder that `check` rejects until it is filled in, and every optional
//! field as a comment ready to uncomment.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::collection::{Field, FieldKind, PLACEHOLDER};
use crate::config::{CONFIG_PATH, Config};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::slug::slugify;

/// YAML double-quoted text.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The comment after a field: allowed values and what it is for.
fn comment(field: &Field, lang: &str) -> String {
    let mut parts = Vec::new();
    let values = field.values_for(lang);
    if !values.is_empty() {
        parts.push(values.join(" | "));
    }
    if let Some(d) = &field.description {
        parts.push(d.clone());
    }
    if field.kind == FieldKind::List {
        parts.push(
            if lang == "fr" {
                "liste : [a, b]"
            } else {
                "list: [a, b]"
            }
            .to_string(),
        );
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("  # {}", parts.join(" — "))
    }
}

/// An example value for an optional field, shown commented out.
fn example(field: &Field) -> &'static str {
    match field.kind {
        FieldKind::Date => "2026-11-28",
        FieldKind::Datetime => "2026-12-10T18:30:00+01:00",
        FieldKind::Url => "https://",
        FieldKind::Email => "nom@example.org",
        FieldKind::List => "[]",
        FieldKind::Image => "{ src: image.jpg, alt: \"\" }",
        FieldKind::Reference => "section/page.md",
        _ => "\"\"",
    }
}

/// The text of a new page.
pub fn page_text(title: &str, fields: &[Field], lang: &str) -> String {
    let mut out = format!("---\ntitle: {}\n", quoted(title));
    for field in fields {
        if field.required {
            let value = if field.kind == FieldKind::List {
                format!("[{}]", quoted(PLACEHOLDER))
            } else {
                quoted(PLACEHOLDER)
            };
            let _ = writeln!(out, "{}: {value}{}", field.name, comment(field, lang));
        }
    }
    let about = if lang == "fr" {
        "une phrase pour les listes et les moteurs de recherche"
    } else {
        "one sentence for listings and search engines"
    };
    let _ = writeln!(out, "# description: \"\"  # {about}");
    for field in fields.iter().filter(|f| !f.required) {
        let _ = writeln!(
            out,
            "# {}: {}{}",
            field.name,
            example(field),
            comment(field, lang)
        );
    }
    out.push_str("---\n\n");
    if lang == "fr" {
        out.push_str("Présentez ici en quelques phrases ce que vous proposez.\n\n## Nous contacter\n\nDites comment vous joindre.\n");
    } else {
        out.push_str("Say here in a few sentences what you offer.\n\n## Contact us\n\nSay how to reach you.\n");
    }
    out
}

/// Writes a new page of `collection` titled `title` in `lang` (the default
/// language when `None`); returns its site-relative path.
pub fn new_page(
    root: &Path,
    collection: &str,
    title: &str,
    lang: Option<&str>,
) -> Result<String, Diagnostic> {
    let config_text = std::fs::read_to_string(root.join(CONFIG_PATH)).map_err(|e| {
        Diagnostic::error(CONFIG_PATH, format!("cannot read the config: {e}"))
            .with_hint("run alumni in the site's root folder, or pass --root DIR")
    })?;
    let config = Config::parse(&config_text, None).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error(CONFIG_PATH, "the config has errors"))
    })?;
    let Some(found) = config.collection(collection) else {
        let names: Vec<&str> = config
            .collections
            .iter()
            .map(|c| c.folder.as_str())
            .collect();
        let hint = match did_you_mean(collection, &names) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("collections are: {}", names.join(", ")),
        };
        return Err(Diagnostic::error(
            CONFIG_PATH,
            format!("there is no collection `{collection}`"),
        )
        .with_hint(hint));
    };
    let lang = lang.unwrap_or(&config.default_language);
    if config.language(lang).is_none() {
        let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        return Err(
            Diagnostic::error(CONFIG_PATH, format!("the site has no language `{lang}`"))
                .with_hint(format!("languages are: {}", codes.join(", "))),
        );
    }
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(
            Diagnostic::error("title", format!("`{title}` gives an empty file name"))
                .with_hint("use letters or digits in the title"),
        );
    }
    let suffix = if lang == config.default_language {
        String::new()
    } else {
        format!(".{lang}")
    };
    let rel = format!("content/{}/{slug}{suffix}.md", found.folder);
    let path: PathBuf = root.join(&rel);
    if path.exists() {
        return Err(Diagnostic::error(
            &rel,
            "this page already exists; alumni new never overwrites a file",
        )
        .with_hint("edit it, or choose another title"));
    }
    let text = page_text(title, &found.fields, lang);
    let write = || -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // `create_new` refuses a file that appeared since the check above.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        std::io::Write::write_all(&mut file, text.as_bytes())
    };
    write().map_err(|e| Diagnostic::error(&rel, format!("cannot write the page: {e}")))?;
    Ok(rel)
}
