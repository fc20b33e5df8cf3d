//! Site configuration: `content/site.yaml`, read raw and then resolved.
//!
//! [`RawConfig`] mirrors the file and rejects unknown keys (with a "did you
//! mean" hint); [`Config`] is the validated form the rest of the pipeline
//! uses, with defaults filled in and the base URL split into its parts.
//! Turning one into the other destructures the raw struct by field name, so a
//! new key cannot be forgotten.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::collection::Collection;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
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

/// What a language edition shows for a page or section not translated into it.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MissingTranslation {
    /// Leave it out of that language's edition.
    #[default]
    Omit,
    /// Publish the default-language text there, marked with its `lang` and a notice.
    Fallback,
}

/// Whether a section's pages must exist in every language: what the
/// report says of a missing translation (what the other language shows is
/// [`MissingTranslation`]'s business).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Translations {
    /// A missing translation is a warning (a failure under `check --strict`).
    Required,
    /// A missing translation is an info: printed, never a failure
    /// ("le français d'abord, puis l'anglais si possible").
    Optional,
}

/// Per-section options, keyed in the config by the section's folder under `content/`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SectionOptions {
    /// Order of the section's pages.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Pages per list page; all on one page when absent.
    #[serde(default)]
    pub paginate_by: Option<usize>,
    /// What other languages show for pages of this section not translated yet.
    #[serde(default)]
    pub missing_translation: MissingTranslation,
    /// Whether its pages must be translated. When absent: the nearest
    /// parent section's (a nested section is a part of its parent); else required where
    /// an untranslated page is left out of the other language (`omit`: its
    /// readers lose it), optional where the default language's text is
    /// shown in its place (`fallback`: they lose nothing).
    #[serde(default)]
    pub translations: Option<Translations>,
}

/// A language of the site, as written in the config.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// A language edition of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Language {
    /// Code (`fr`, `en`): the file suffix (`page.en.md`) and the URL prefix (`/en/`).
    pub code: String,
    /// Its own name for itself (`Français`, `English`), for language switchers.
    pub name: String,
    /// The site's title in this language.
    pub title: String,
    /// The site's description in this language.
    pub description: String,
}

/// The events calendar: which section holds events and which of their
/// fields say when and where.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// The section of events (`events`).
    pub section: String,
    /// The field with the start, a date-time with offset.
    #[serde(default = "default_start")]
    pub start: String,
    /// The field with the end.
    #[serde(default = "default_end")]
    pub end: String,
    /// The field with the place.
    #[serde(default)]
    pub location: Option<String>,
    /// A reference field naming the page that organises the event (a club):
    /// each such page gets a calendar of its events.
    #[serde(default)]
    pub group_by: Option<String>,
}

fn default_start() -> String {
    "start".to_string()
}

fn default_end() -> String {
    "end".to_string()
}

/// The search index: which sections' pages it covers.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Section folders whose pages are indexed (`clubs`, `news`...).
    pub sections: Vec<String>,
}

/// What one page of an untrusted collection may weigh (`limits:`), so
/// that a pull request cannot cost CI more than a few seconds and a few
/// hundred MB: its Markdown file, each file beside it, and all its files
/// together, in bytes.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The page's Markdown file.
    #[serde(default = "Limits::default_page_bytes")]
    pub page_bytes: u64,
    /// Each file beside it (an image, a PDF).
    #[serde(default = "Limits::default_file_bytes")]
    pub file_bytes: u64,
    /// All the files of one page (a bundle's folder) together.
    #[serde(default = "Limits::default_page_files_bytes")]
    pub page_files_bytes: u64,
}

impl Limits {
    fn default_page_bytes() -> u64 {
        1024 * 1024
    }
    fn default_file_bytes() -> u64 {
        10 * 1024 * 1024
    }
    fn default_page_files_bytes() -> u64 {
        25 * 1024 * 1024
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            page_bytes: Limits::default_page_bytes(),
            file_bytes: Limits::default_file_bytes(),
            page_files_bytes: Limits::default_page_files_bytes(),
        }
    }
}

/// A taxonomy: a front-matter field whose values group pages (`tags`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// The front-matter field, also the URL segment once slugified (`club_kind` -> `/club-kind/`).
    pub name: String,
    /// Pages per term page; all on one page when absent.
    #[serde(default)]
    pub paginate_by: Option<usize>,
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
    /// A mapping rather than a map type: the order written is the order shown.
    #[serde(default)]
    languages: yaml::Mapping,
    #[serde(default)]
    taxonomies: Vec<Taxonomy>,
    /// Kept as written: fields are listed in their order.
    #[serde(default)]
    collections: yaml::Mapping,
    #[serde(default)]
    sections: BTreeMap<String, SectionOptions>,
    #[serde(default)]
    calendar: Option<Calendar>,
    #[serde(default)]
    search: Option<Search>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    images: crate::image_settings::Settings,
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
    /// Every language, the default first, then by code.
    pub languages: Vec<Language>,
    /// The taxonomies, in config order.
    pub taxonomies: Vec<Taxonomy>,
    /// The schemas of sections' pages.
    pub collections: Vec<Collection>,
    /// The events calendar, when the site has one.
    pub calendar: Option<Calendar>,
    /// The search index, when the site has one.
    pub search: Option<Search>,
    /// What a page of an untrusted collection may weigh.
    pub limits: Limits,
    /// How images are resized, encoded, limited and cached.
    pub images: crate::image_settings::Settings,
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
            languages: raw_languages,
            taxonomies,
            collections: raw_collections,
            calendar,
            search,
            limits,
            images,
            theme,
            sections,
            extra,
        } = raw;
        let places = Places {
            text,
            spans: yaml::Spans::of(text, 0),
        };
        let mut errors = Vec::new();
        let base_url = base_url_override.map_or(base_url, str::to_string);
        let (base_url, base_path) =
            match base_url_parts(&base_url, base_url_override.is_some(), &places) {
                Ok(parts) => parts,
                Err(d) => {
                    errors.push(d);
                    (String::new(), "/".to_string())
                }
            };
        errors.extend(theme_error(&theme, &places));
        let (languages, language_errors) = read_languages(
            &default_language,
            raw_languages,
            &title,
            &description,
            &places,
        );
        errors.extend(language_errors);
        errors.extend(taxonomy_errors(&taxonomies, &places));
        for (key, message, hint) in images.problems() {
            errors.push(
                Diagnostic::error(CONFIG_PATH, message)
                    .at_offset(text, places.entry(&["images", key]))
                    .with_hint(hint),
            );
        }
        errors.extend(section_errors(&sections, &places));
        let (collections, collection_errors) =
            crate::collection::parse_collections(raw_collections, CONFIG_PATH, text, &|path| {
                places.entry(&[["collections"].as_slice(), path].concat())
            });
        errors.extend(collection_errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title,
            description,
            base_url,
            base_path,
            default_language,
            languages,
            taxonomies,
            collections,
            calendar,
            search,
            limits,
            images,
            theme,
            sections,
            extra,
        })
    }

    /// The site-path prefix of a language's edition: `""` for the default, `en/` for English.
    pub fn language_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    /// The language called `code`, if the site has it.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The collection of the section in `folder`, if it has one.
    pub fn collection(&self, folder: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.folder == folder)
    }

    /// The options of the section in `folder` (defaults when not configured).
    pub fn section_options(&self, folder: &str) -> SectionOptions {
        self.sections.get(folder).cloned().unwrap_or_default()
    }
}

/// Where the keys and values of `site.yaml` are written, for its errors.
struct Places<'a> {
    text: &'a str,
    spans: yaml::Spans,
}

impl Places<'_> {
    /// An error about an entry: at its key (or, when it is not written, at
    /// its nearest parent).
    fn entry(&self, path: &[&str]) -> usize {
        self.spans.entry(path).map_or(0, |s| s.start)
    }

    /// An error about a value written there: at the value.
    fn value(&self, path: &[&str]) -> usize {
        self.spans
            .value(path)
            .map_or_else(|| self.entry(path), |s| s.start)
    }
}

/// The origin and base path of `base_url`, or an error at `base_url:` (or
/// about `--base-url`, when the command line gave it).
fn base_url_parts(
    base_url: &str,
    from_command_line: bool,
    places: &Places<'_>,
) -> Result<(String, String), Diagnostic> {
    let message = match split_base_url(base_url) {
        Ok(parts) => return Ok(parts),
        Err(message) => message,
    };
    let d = Diagnostic::error(CONFIG_PATH, message).with_hint(tr!(
        "write the site's public address, e.g. `base_url: https://alumni.sorbonne-universite.fr`",
        "écrivez l'adresse publique du site, par exemple `base_url: https://alumni.sorbonne-universite.fr`"
    ));
    if !from_command_line {
        return Err(d.at_offset(places.text, places.entry(&["base_url"])));
    }
    // The value came from the command line, not from the file.
    Err(Diagnostic::general(d.message.map(|m, lang| match lang {
        crate::i18n::Lang::Fr => format!("`--base-url` : {m}"),
        crate::i18n::Lang::En => format!("`--base-url`: {m}"),
    }))
    .with_hint(tr!(
        "pass the site's public address, e.g. `--base-url https://alumni.sorbonne-universite.fr`",
        "donnez l'adresse publique du site, par exemple `--base-url https://alumni.sorbonne-universite.fr`"
    )))
}

/// An error when `theme` is not the name of a folder of `themes/`.
fn theme_error(theme: &str, places: &Places<'_>) -> Option<Diagnostic> {
    let named = !theme.is_empty() && !theme.contains(['/', '\\']) && !theme.starts_with('.');
    (!named).then(|| {
        Diagnostic::error(
            CONFIG_PATH,
            tr!(
                "`{theme}` is not a theme name",
                "`{theme}` n'est pas un nom de thème"
            ),
        )
        .at_offset(places.text, places.entry(&["theme"]))
        .with_hint(tr!(
            "name a folder of `themes/`, e.g. `theme: sorbonne`",
            "nommez un dossier de `themes/`, par exemple `theme: sorbonne`"
        ))
    })
}

/// The site's languages, default first, and the errors of their entries:
/// codes that are not language codes, entries that are not a language,
/// languages without month and day names.
fn read_languages(
    default_language: &str,
    raw_languages: yaml::Mapping,
    title: &str,
    description: &str,
    places: &Places<'_>,
) -> (Vec<Language>, Vec<Diagnostic>) {
    let text = places.text;
    let mut errors = Vec::new();
    if !is_language_code(default_language) {
        errors.push(
            Diagnostic::error(
                CONFIG_PATH,
                tr!(
                    "`{default_language}` is not a language code",
                    "`{default_language}` n'est pas un code de langue"
                ),
            )
            .at_offset(text, places.entry(&["default_language"]))
            .with_hint(tr!(
                "use a two- or three-letter code such as `fr` or `en`",
                "utilisez un code de deux ou trois lettres comme `fr` ou `en`"
            )),
        );
    }
    let mut ordered = Vec::new();
    for (code, value) in raw_languages {
        let code = code.as_str().unwrap_or_default().to_string();
        match yaml::from_value::<RawLanguage>(value) {
            Ok(language) => ordered.push((code, language)),
            Err(message) => errors.push(
                Diagnostic::error(
                    CONFIG_PATH,
                    Text::new(
                        format!("`languages.{code}`: {}", message.en),
                        format!("`languages.{code}` : {}", message.fr),
                    ),
                )
                .at_offset(text, places.entry(&["languages", &code]))
                .with_hint(tr!(
                    "a language takes `name`, and optionally `title` and `description`",
                    "une langue prend `name`, et si vous le voulez `title` et `description`"
                )),
            ),
        }
    }
    let languages = resolve_languages(default_language, ordered, title, description);
    for code in languages
        .iter()
        .map(|l| &l.code)
        .filter(|c| !is_language_code(c))
    {
        errors.push(
            Diagnostic::error(
                CONFIG_PATH,
                tr!(
                    "`{code}` is not a language code",
                    "`{code}` n'est pas un code de langue"
                ),
            )
            .at_offset(text, places.entry(&["languages", code]))
            .with_hint(tr!(
                "use a two- or three-letter lower-case code such as `fr` or `en`",
                "utilisez un code de deux ou trois lettres minuscules comme `fr` ou `en`"
            )),
        );
    }
    // Dates are written with month and day names; a language without
    // them is refused here, at its entry, rather than printed with
    // another language's names or bare numbers unseen.
    for code in languages
        .iter()
        .map(|l| &l.code)
        .filter(|c| is_language_code(c) && !crate::date::has_names(c))
    {
        let known = crate::date::NAMED_LANGUAGES.join(", ");
        let at = places
            .spans
            .entry(&["languages", code])
            .map_or_else(|| places.entry(&["default_language"]), |s| s.start);
        errors.push(
            Diagnostic::error(
                CONFIG_PATH,
                tr!(
                    "no month and day names for the language `{code}`: dates can be written in {known} only",
                    "pas de noms de mois et de jours pour la langue `{code}` : les dates ne peuvent s'écrire qu'en {known}"
                ),
            )
            .at_offset(text, at)
            .with_hint(tr!(
                "remove `{code}` from `languages`, or publish it under one of {known}",
                "retirez `{code}` de `languages`, ou publiez-la sous l'une des langues {known}"
            )),
        );
    }
    (languages, errors)
}

/// Taxonomies declared twice, without a usable name, or paginated by 0.
fn taxonomy_errors(taxonomies: &[Taxonomy], places: &Places<'_>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen = Vec::new();
    for (i, taxonomy) in taxonomies.iter().enumerate() {
        let slug = crate::slug::slugify(&taxonomy.name);
        if slug.is_empty() || seen.contains(&slug) || taxonomy.paginate_by == Some(0) {
            let field = if taxonomy.paginate_by == Some(0) {
                "paginate_by"
            } else {
                "name"
            };
            errors.push(
                Diagnostic::error(
                    CONFIG_PATH,
                    tr!(
                        "taxonomy `{}` is declared twice or has no usable name",
                        "la taxonomie `{}` est déclarée deux fois ou n'a pas de nom utilisable";
                        taxonomy.name
                    ),
                )
                .at_offset(places.text, places.value(&["taxonomies", &i.to_string(), field]))
                .with_hint(tr!(
                    "give each taxonomy a distinct name made of letters, and a `paginate_by` above 0",
                    "donnez à chaque taxonomie un nom distinct fait de lettres, et un `paginate_by` supérieur à 0"
                )),
            );
        }
        seen.push(slug);
    }
    errors
}

/// Sections paginated by 0, each at its own `paginate_by`.
fn section_errors(
    sections: &BTreeMap<String, SectionOptions>,
    places: &Places<'_>,
) -> Vec<Diagnostic> {
    sections
        .iter()
        .filter(|(_, options)| options.paginate_by == Some(0))
        .map(|(folder, _)| {
            Diagnostic::error(
                CONFIG_PATH,
                tr!(
                    "`sections.{folder}.paginate_by` must be above 0",
                    "`sections.{folder}.paginate_by` doit être supérieur à 0"
                ),
            )
            .at_offset(
                places.text,
                places.value(&["sections", folder, "paginate_by"]),
            )
            .with_hint(tr!(
                "remove it to list every page on one page",
                "retirez-le pour lister toutes les pages sur une seule page"
            ))
        })
        .collect()
}

/// The default language first (added when `languages:` does not list it),
/// then the others in the order written.
fn resolve_languages(
    default: &str,
    raw: Vec<(String, RawLanguage)>,
    title: &str,
    description: &str,
) -> Vec<Language> {
    let make = |code: &str, r: Option<RawLanguage>| {
        let r = r.unwrap_or_default();
        Language {
            code: code.to_string(),
            name: if r.name.is_empty() {
                code.to_string()
            } else {
                r.name
            },
            title: r.title.unwrap_or_else(|| title.to_string()),
            description: r.description.unwrap_or_else(|| description.to_string()),
        }
    };
    let (defaults, others): (Vec<_>, Vec<_>) =
        raw.into_iter().partition(|(code, _)| code == default);
    let mut languages = vec![make(default, defaults.into_iter().next().map(|(_, r)| r))];
    languages.extend(others.into_iter().map(|(code, r)| make(&code, Some(r))));
    languages
}

fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Splits `https://host/path/` into (`https://host/path`, `/path/`).
fn split_base_url(url: &str) -> Result<(String, String), Text> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            tr!(
                "base_url `{url}` must start with https:// or http://",
                "base_url `{url}` doit commencer par https:// ou http://"
            )
        })?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains([' ', '?', '#']) {
        return Err(tr!(
            "base_url `{url}` has no valid host",
            "base_url `{url}` n'a pas de nom d'hôte valable"
        ));
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
    fn languages_default_first() {
        let text = format!(
            "{MINIMAL}languages:\n  en:\n    name: English\n    title: Alumni network\n  fr:\n    name: Français\n"
        );
        let c = Config::parse(&text, None).unwrap();
        let codes: Vec<_> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["fr", "en"]);
        assert_eq!(c.languages[1].title, "Alumni network");
        assert_eq!(c.languages[0].title, "Alumni");
        assert_eq!(c.language_prefix("en"), "en/");
        assert_eq!(c.language_prefix("fr"), "");
    }

    #[test]
    fn bad_base_url_is_located() {
        let text = "title: A\nbase_url: example.org\ntheme: t\n";
        let errs = Config::parse(text, None).unwrap_err();
        assert_eq!(errs[0].location(), "content/site.yaml:2:1");
    }
}
