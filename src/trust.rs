//! Trust: who may have written a source, decided once from its path.
//!
//! In: the collections of the config (those marked `trusted: false`) and a
//! site-relative path. Out: a [`Trust`], stored on the source when it enters
//! the model (a `parse::Document` at the parse stage, a
//! `load::CopyFile` when the files to copy are gathered). Every
//! later stage reads it from there; none looks the path up again.
//!
//! Everything under an untrusted collection's folder, at any depth, is
//! untrusted: pages, bundles, the collection's own `_index*.md`, nested
//! folders, every file. Staff own the rest of the tree (`site.yaml`,
//! `_data/`, `_static/`, the themes), which a pull request touching an
//! untrusted folder alone cannot change.

use crate::config::Config;

/// Longest `slug:` an untrusted page may choose, in characters.
pub(crate) const MAX_SLUG_CHARS: usize = 80;
/// Most `aliases:` an untrusted page may have.
pub(crate) const MAX_ALIASES: usize = 10;
/// Most terms an untrusted page may give one taxonomy (`tags: [...]`).
pub(crate) const MAX_TERMS: usize = 10;
/// Longest term an untrusted page may write, in characters.
pub(crate) const MAX_TERM_CHARS: usize = 60;

/// Who to ask when an untrusted page may not do something itself.
pub(crate) const ASK_STAFF: &str =
    "the communications staff can do it in a pull request of their own";
/// [`ASK_STAFF`] in French.
pub(crate) const ASK_STAFF_FR: &str =
    "l'équipe de communication peut le faire dans sa propre pull request";

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
