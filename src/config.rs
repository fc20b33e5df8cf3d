//! Site configuration: `content/site.yaml`, read raw and then resolved.
//!
//! [`RawConfig`] mirrors the file and rejects unknown keys (with a "did you
//! mean" hint); [`Config`] is the validated form the rest of the pipeline
//! uses, with defaults filled in and the base URL split into its parts.
//! Turning one into the other destructures the raw struct by field name, so a
//! new key cannot be forgotten.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::yaml;

/// Where the config lives, relative to the site root.
pub const CONFIG_PATH: &str = "content/site.yaml";

/// How a section orders its pages.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first; undated pages last, by title.
    #[default]
    Date,
    /// Lightest `weight` first; pages without weight last, by title.
    Weight,
    /// Alphabetical by title, ignoring accents and case.
    Title,
}

/// Per-section options, keyed in the config by the section's folder under `content/`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SectionOptions {
    /// Order of the section's pages.
    #[serde(default)]
    pub sort_by: SortBy,
}

/// `site.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: String,
    #[serde(default = "default_language")]
    default_language: String,
    theme: String,
    #[serde(default)]
    sections: BTreeMap<String, SectionOptions>,
    #[serde(default)]
    extra: yaml::Mapping,
}

fn default_language() -> String {
    "fr".to_string()
}

/// The resolved configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site's name.
    pub title: String,
    /// One sentence about the site.
    pub description: String,
    /// Absolute base URL without trailing slash (`https://example.org/alumni`).
    pub base_url: String,
    /// The path part of `base_url`, with a trailing slash (`/alumni/` or `/`):
    /// every root-relative URL the site emits starts with it.
    pub base_path: String,
    /// The language of unsuffixed content files (`fr`).
    pub default_language: String,
    /// Folder name under `themes/`.
    pub theme: String,
    /// Options of sections, by folder under `content/` (`""` is the home).
    pub sections: BTreeMap<String, SectionOptions>,
    /// Free-form values for the theme.
    pub extra: yaml::Mapping,
}

impl Config {
    /// Reads and validates the config text of `content/site.yaml`.
    /// `base_url_override` is the command line's `--base-url`.
    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let source = yaml::Source {
            path: CONFIG_PATH,
            file_text: text,
            start: 0,
        };
        let raw: RawConfig = yaml::parse(text, source).map_err(|d| vec![d])?;
        let RawConfig {
            title,
            description,
            base_url,
            default_language,
            theme,
            sections,
            extra,
        } = raw;
        let mut errors = Vec::new();
        let locate = |key: &str| key_offset(text, key).unwrap_or(0);
        let base_url = base_url_override.map_or(base_url, str::to_string);
        let (base_url, base_path) = match split_base_url(&base_url) {
            Ok(parts) => parts,
            Err(message) => {
                let d = Diagnostic::error(CONFIG_PATH, message)
                    .with_hint("write the site's public address, e.g. `base_url: https://alumni.sorbonne-universite.fr`");
                let d = if base_url_override.is_some() {
                    Diagnostic::error("--base-url", d.message)
                } else {
                    d.at_offset(text, locate("base_url"))
                };
                errors.push(d);
                (String::new(), "/".to_string())
            }
        };
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            errors.push(
                Diagnostic::error(CONFIG_PATH, format!("`{theme}` is not a theme name"))
                    .at_offset(text, locate("theme"))
                    .with_hint("name a folder of `themes/`, e.g. `theme: sorbonne`"),
            );
        }
        if !is_language_code(&default_language) {
            errors.push(
                Diagnostic::error(
                    CONFIG_PATH,
                    format!("`{default_language}` is not a language code"),
                )
                .at_offset(text, locate("default_language"))
                .with_hint("use a two- or three-letter code such as `fr` or `en`"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title,
            description,
            base_url,
            base_path,
            default_language,
            theme,
            sections,
            extra,
        })
    }

    /// Byte offset of `key:` in the config text, for diagnostics about it.
    pub fn locate(text: &str, key: &str) -> usize {
        key_offset(text, key).unwrap_or(0)
    }
}

fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Splits `https://host/path/` into (`https://host/path`, `/path/`).
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// or http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains([' ', '?', '#']) {
        return Err(format!("base_url `{url}` has no valid host"));
    }
    let path = path.trim_matches('/');
    let scheme_len = url.len() - rest.len();
    let base = if path.is_empty() {
        format!("{}{host}", &url[..scheme_len])
    } else {
        format!("{}{host}/{path}", &url[..scheme_len])
    };
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    Ok((base, base_path))
}

/// Finds `key:` at the start of a line (any indentation), for locating a
/// semantic error at the key that caused it.
fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.trim_start_matches(['"', '\'']);
        if bare.starts_with(key)
            && bare[key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':')
        {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: Alumni\nbase_url: https://example.org/alumni/\ntheme: sorbonne\n";

    #[test]
    fn resolves_defaults_and_base_path() {
        let c = Config::parse(MINIMAL, None).unwrap();
        assert_eq!(c.base_url, "https://example.org/alumni");
        assert_eq!(c.base_path, "/alumni/");
        assert_eq!(c.default_language, "fr");
        let c = Config::parse(MINIMAL, Some("http://127.0.0.1:1111")).unwrap();
        assert_eq!(
            (c.base_url.as_str(), c.base_path.as_str()),
            ("http://127.0.0.1:1111", "/")
        );
    }

    #[test]
    fn unknown_nested_key_names_its_place() {
        let text = format!("{MINIMAL}sections:\n  clubs:\n    sortby: title\n");
        let errs = Config::parse(&text, None).unwrap_err();
        assert_eq!(errs[0].message, "unknown key `sortby` in `sections.clubs`");
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `sort_by`?"));
        assert_eq!(errs[0].position.unwrap().line, 6);
    }

    #[test]
    fn bad_base_url_is_located() {
        let text = "title: A\nbase_url: example.org\ntheme: t\n";
        let errs = Config::parse(text, None).unwrap_err();
        assert_eq!(errs[0].location(), "content/site.yaml:2:1");
    }
}
