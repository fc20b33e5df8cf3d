//! Trust: who may have written a source, decided once from its path.
//!
//! In: the collections of the config (those marked `trusted: false`) and a
//! site-relative path. Out: a [`Trust`], stored on the source when it enters
//! the model (a [`crate::parse::Document`] at the parse stage, a
//! [`crate::load::CopyFile`] when the files to copy are gathered). Every
//! later stage reads it from there; none looks the path up again.
//!
//! Everything under an untrusted collection's folder, at any depth, is
//! untrusted: pages, bundles, the collection's own `_index*.md`, nested
//! folders, every file. Staff own the rest of the tree (`site.yaml`,
//! `_data/`, `_static/`, the themes), which a pull request touching an
//! untrusted folder alone cannot change.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::parse::{Document, DocumentKind};

/// Longest `slug:` an untrusted page may choose, in characters.
pub(crate) const MAX_SLUG_CHARS: usize = 80;
/// Most `aliases:` an untrusted page may have.
pub(crate) const MAX_ALIASES: usize = 10;
/// Most terms an untrusted page may give one taxonomy (`tags: [...]`).
pub(crate) const MAX_TERMS: usize = 10;
/// Longest term an untrusted page may write, in characters.
pub(crate) const MAX_TERM_CHARS: usize = 60;

/// Who to ask when an untrusted page may not do something itself.
const ASK_STAFF: &str = "the communications staff can do it in a pull request of their own";
/// [`ASK_STAFF`] in French.
const ASK_STAFF_FR: &str = "l'équipe de communication peut le faire dans sa propre pull request";

/// Who may have written a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Communications staff: raw HTML, every shortcode, any front matter.
    Staff,
    /// An outside contributor (a club leader's pull request): the
    /// sanitiser, the schema and the shortcode allow-list of `collection`
    /// apply, and front matter that moves or restyles a page is refused.
    Untrusted {
        /// The folder of the untrusted collection the source lies under (`clubs`).
        collection: String,
    },
}

impl Trust {
    /// Whether the source comes from an outside contributor.
    pub fn is_untrusted(&self) -> bool {
        matches!(self, Trust::Untrusted { .. })
    }

    /// The untrusted collection's folder, for an untrusted source.
    pub fn collection(&self) -> Option<&str> {
        match self {
            Trust::Staff => None,
            Trust::Untrusted { collection } => Some(collection),
        }
    }
}

/// The folders of untrusted collections, and what their pages may weigh, from the config.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rules {
    untrusted: Vec<String>,
    /// `limits:` of the config.
    pub limits: crate::config::Limits,
}

impl Rules {
    /// The rules of `config`: its collections marked `trusted: false`.
    pub(crate) fn new(config: &Config) -> Rules {
        Rules {
            untrusted: config
                .collections
                .iter()
                .filter(|c| !c.trusted)
                .map(|c| c.folder.clone())
                .collect(),
            limits: config.limits,
        }
    }

    /// The trust of the source at `path`, site-relative (`content/clubs/x/logo.svg`)
    /// or relative to `content/` (`clubs/x.md`).
    pub(crate) fn of(&self, path: &str) -> Trust {
        let inner = path.strip_prefix("content/").unwrap_or(path);
        self.untrusted
            .iter()
            .find(|folder| {
                inner
                    .strip_prefix(folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map_or(Trust::Staff, |folder| Trust::Untrusted {
                collection: folder.clone(),
            })
    }
}

/// What an untrusted document may not do with its place and its front
/// matter, each refusal located at the key it concerns:
/// - open a section of its own below its collection (`clubs/x/_index.md`);
/// - choose a template (`template:`);
/// - take a `slug:` other than lower-case ASCII letters, digits and hyphens,
///   or longer than [`MAX_SLUG_CHARS`];
/// - have more than [`MAX_ALIASES`] aliases, or one outside its own
///   collection's addresses (`/clubs/...`, `/en/clubs/...`).
///
/// Trusted documents get an empty list.
pub(crate) fn check_document(document: &Document, config: &Config) -> Vec<Diagnostic> {
    let Some(collection) = document.trust.collection() else {
        return Vec::new();
    };
    let file = &document.file;
    let front = &document.front;
    let at = |key: &str, message: Text, hint: Text| {
        Diagnostic::error(&file.path, message)
            .at_offset(&file.text, front.offset_of(key))
            .with_hint(hint)
    };
    let mut errors = Vec::new();
    if document.kind == DocumentKind::Section && document.folder() != collection {
        errors.push(
            Diagnostic::error(
                &file.path,
                tr!(
                    "a folder of `content/{collection}/` cannot be a section of its own (this `_index` file opens one)",
                    "un dossier de `content/{collection}/` ne peut pas être une section à lui seul (ce fichier `_index` en ouvre une)"
                ),
            )
            .at_offset(&file.text, 0)
            .with_hint(tr!(
                "make it a page: rename the file `index.md` (a page with its images beside it), or put the page directly in `content/{collection}/`; {ASK_STAFF}",
                "faites-en une page : renommez le fichier `index.md` (une page avec ses images à côté), ou mettez la page directement dans `content/{collection}/` ; {ASK_STAFF_FR}"
            )),
        );
    }
    if front.template.is_some() {
        errors.push(at(
            "template",
            tr!(
                "pages of `{collection}` cannot choose their template",
                "les pages de `{collection}` ne peuvent pas choisir leur gabarit"
            ),
            tr!(
                "remove the `template:` line; {ASK_STAFF}",
                "supprimez la ligne `template:` ; {ASK_STAFF_FR}"
            ),
        ));
    }
    if let Some(slug) = &front.slug {
        let safe = !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !safe || slug.chars().count() > MAX_SLUG_CHARS {
            let suggestion: String = crate::slug::slugify(slug)
                .chars()
                .take(MAX_SLUG_CHARS)
                .collect::<String>()
                .trim_end_matches('-')
                .to_string();
            let hint = if suggestion.is_empty() {
                tr!(
                    "write lower-case letters, digits and hyphens, e.g. `slug: club-de-lyon`",
                    "écrivez des minuscules, des chiffres et des tirets, par exemple `slug: club-de-lyon`"
                )
            } else {
                tr!("write `slug: {suggestion}`", "écrivez `slug: {suggestion}`")
            };
            errors.push(at(
                "slug",
                tr!(
                    "`slug:` may only hold lower-case ASCII letters, digits and hyphens, at most {MAX_SLUG_CHARS} of them",
                    "`slug:` ne peut contenir que des minuscules ASCII, des chiffres et des tirets, {MAX_SLUG_CHARS} au plus"
                ),
                hint,
            ));
        }
    }
    if front.aliases.len() > MAX_ALIASES {
        errors.push(at(
            "aliases",
            tr!(
                "this page has {} aliases; pages of `{collection}` may have at most {MAX_ALIASES}",
                "cette page a {} alias ; les pages de `{collection}` en ont au plus {MAX_ALIASES}";
                front.aliases.len()
            ),
            tr!(
                "keep the old addresses people still use; {ASK_STAFF}",
                "gardez les anciennes adresses que l'on utilise encore ; {ASK_STAFF_FR}"
            ),
        ));
    } else {
        let own = format!("/{}{}/", config.language_prefix(&document.lang), collection);
        for alias in &front.aliases {
            if !alias.starts_with(&own) {
                errors.push(at(
                    "aliases",
                    tr!(
                        "the alias `{}` is outside the addresses of `{collection}`: pages of `{collection}` may only redirect from `{own}...`",
                        "l'alias `{}` est hors des adresses de `{collection}` : les pages de `{collection}` ne peuvent rediriger que depuis `{own}...`";
                        alias.escape_debug()
                    ),
                    tr!(
                        "write an old address under `{own}`; {ASK_STAFF}",
                        "écrivez une ancienne adresse sous `{own}` ; {ASK_STAFF_FR}"
                    ),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::{Rules, Trust};

    #[test]
    fn everything_under_an_untrusted_folder_is_untrusted_at_any_depth() {
        let rules = Rules {
            untrusted: vec!["clubs".to_string()],
            limits: crate::config::Limits::default(),
        };
        let untrusted = Trust::Untrusted {
            collection: "clubs".to_string(),
        };
        for path in [
            "content/clubs/_index.md",
            "content/clubs/_index.en.md",
            "content/clubs/x.md",
            "content/clubs/x/index.md",
            "content/clubs/x/logo.svg",
            "content/clubs/a/b/c/_index.md",
            "clubs/x.md",
        ] {
            assert_eq!(rules.of(path), untrusted, "{path}");
        }
        for path in [
            "content/clubs.md",
            "content/clubs-archives/x.md",
            "content/_index.md",
            "content/news/clubs/x.md",
            "content/_static/clubs/x.js",
        ] {
            assert_eq!(rules.of(path), Trust::Staff, "{path}");
        }
    }
}
