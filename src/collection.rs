//! Collections: the front-matter fields that a section's pages must or may
//! have, declared in `content/site.yaml`, and the check of pages against them.
//!
//! In: the `collections:` mapping of the config (read once), then each page
//! of a section that has a collection. Out: every problem of every page,
//! located at the field in the Markdown file. Nothing here knows what a club
//! or an event is: the site declares it.
//!
//! ```yaml
//! collections:
//!   events:
//!     trusted: true
//!     fields:
//!       start: { type: datetime, required: true }
//!       end: { type: datetime, required: true, after: start }
//!       club: { type: reference, collection: clubs }
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::date::DateTime;
use crate::diagnostic::{Diagnostic, Locator, did_you_mean};
use crate::front_matter::COMMON_KEYS;
use crate::parse::Document;
use crate::yaml::{self, Value};

/// What `alumni new` writes for a required field, and what `check` rejects.
pub const PLACEHOLDER: &str = "À COMPLÉTER";

/// The type of a field.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// One line of text.
    String,
    /// Text, possibly on several lines.
    Text,
    /// A calendar date (`2026-11-28`).
    Date,
    /// A date and time with its offset (`2026-12-10T18:30:00+01:00`).
    Datetime,
    /// An absolute `http(s)://` address.
    Url,
    /// An e-mail address.
    Email,
    /// One of `values`.
    Enum,
    /// A list of `of`.
    List,
    /// `{ src, alt }`: a file beside the page or in `content/_static/`, with alternative text.
    Image,
    /// A page of another collection, by its source path (`clubs/biotech.md`).
    Reference,
}

impl FieldKind {
    /// How the type is named to a person.
    pub fn describe(self) -> &'static str {
        match self {
            FieldKind::String => "a single line of text",
            FieldKind::Text => "a text",
            FieldKind::Date => "a date like 2026-11-28",
            FieldKind::Datetime => {
                "a date and time with its offset, like 2026-12-10T18:30:00+01:00"
            }
            FieldKind::Url => "an address starting with https://",
            FieldKind::Email => "an e-mail address",
            FieldKind::Enum => "one of the listed values",
            FieldKind::List => "a list",
            FieldKind::Image => "an image: { src: photo.jpg, alt: \"what it shows\" }",
            FieldKind::Reference => "the path of a page under content/, like clubs/biotech.md",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    kind: FieldKind,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(default)]
    of: Option<FieldKind>,
    #[serde(default)]
    collection: Option<String>,
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    #[serde(default)]
    trusted: bool,
    #[serde(default)]
    shortcodes: Option<Vec<String>>,
    #[serde(default)]
    fields: yaml::Mapping,
}

/// One declared field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Its front-matter key.
    pub name: String,
    /// Its type.
    pub kind: FieldKind,
    /// The type of the items of a list.
    pub item: Option<FieldKind>,
    /// Whether a page must have it.
    pub required: bool,
    /// The value templates see when the page does not give one.
    pub default: Option<Value>,
    /// Allowed values of an enum, by language (`*` for every language).
    pub values: BTreeMap<String, Vec<String>>,
    /// For a reference: the collection (section folder) of the target.
    pub collection: Option<String>,
    /// For a date: the field it must come after.
    pub after: Option<String>,
    /// What the field is for, shown in hints and in pages made by `alumni new`.
    pub description: Option<String>,
}

impl Field {
    /// The allowed values of an enum for a page in `lang`.
    pub fn values_for(&self, lang: &str) -> &[String] {
        self.values
            .get(lang)
            .or_else(|| self.values.get("*"))
            .map_or(&[], Vec::as_slice)
    }
}

/// A section's schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    /// The section's folder under `content/` (`clubs`).
    pub folder: String,
    /// Whether raw HTML and every shortcode are allowed in its pages.
    pub trusted: bool,
    /// Shortcodes allowed in untrusted pages (`None`: all of them, for trusted pages).
    pub shortcodes: Option<Vec<String>>,
    /// Its fields, in the order written.
    pub fields: Vec<Field>,
}

impl Collection {
    /// Whether `name` may be called in this collection's pages.
    pub fn allows_shortcode(&self, name: &str) -> bool {
        match &self.shortcodes {
            Some(list) => list.iter().any(|s| s == name),
            None => self.trusted,
        }
    }
}

fn enum_values(value: Option<Value>) -> Result<BTreeMap<String, Vec<String>>, String> {
    let list = |v: &Value| -> Result<Vec<String>, String> {
        v.as_sequence()
            .ok_or_else(|| "`values` must be a list, or lists by language".to_string())?
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "enum values must be texts".to_string())
            })
            .collect()
    };
    let mut out = BTreeMap::new();
    match value {
        None => {}
        Some(v @ Value::Sequence(_)) => {
            out.insert("*".to_string(), list(&v)?);
        }
        Some(Value::Mapping(by_lang)) => {
            for (lang, v) in by_lang {
                let lang = lang.as_str().unwrap_or_default().to_string();
                out.insert(lang, list(&v)?);
            }
        }
        Some(_) => return Err("`values` must be a list, or lists by language".to_string()),
    }
    Ok(out)
}

/// Reads the `collections:` mapping. `locate` gives the byte offset of a key
/// in the config file, for diagnostics.
pub fn parse_collections(
    raw: yaml::Mapping,
    path: &str,
    text: &str,
    locate: &dyn Fn(&str) -> usize,
) -> (Vec<Collection>, Vec<Diagnostic>) {
    let mut collections = Vec::new();
    let mut errors = Vec::new();
    let mut error = |key: &str, message: String, hint: &str| {
        errors.push(
            Diagnostic::error(path, message)
                .at_offset(text, locate(key))
                .with_hint(hint),
        );
    };
    for (folder, value) in raw {
        let folder = folder.as_str().unwrap_or_default().to_string();
        let raw: RawCollection = match yaml::from_value(value) {
            Ok(r) => r,
            Err(message) => {
                error(
                    &folder,
                    format!("`collections.{folder}`: {message}"),
                    "a collection takes `trusted`, `shortcodes` and `fields`",
                );
                continue;
            }
        };
        let mut fields = Vec::new();
        for (name, spec) in raw.fields {
            let name = name.as_str().unwrap_or_default().to_string();
            let spec: RawField = match yaml::from_value(spec) {
                Ok(s) => s,
                Err(message) => {
                    error(
                        &name,
                        format!("`collections.{folder}.fields.{name}`: {message}"),
                        "a field takes `type`, and may take `required`, `default`, `values`, `of`, `collection`, `after`, `description`",
                    );
                    continue;
                }
            };
            let values = match enum_values(spec.values) {
                Ok(v) => v,
                Err(message) => {
                    error(
                        &name,
                        format!("`collections.{folder}.fields.{name}`: {message}"),
                        "write `values: [a, b]` or `values: { fr: [a], en: [b] }`",
                    );
                    continue;
                }
            };
            let needs_values = spec.kind == FieldKind::Enum || spec.of == Some(FieldKind::Enum);
            if needs_values && values.is_empty() {
                error(
                    &name,
                    format!("`{name}` is an enum with no `values`"),
                    "list the allowed values: `values: [a, b]`",
                );
            }
            if spec.kind == FieldKind::List && spec.of.is_none() {
                error(
                    &name,
                    format!("`{name}` is a list without `of`"),
                    "say what the list holds: `of: string`",
                );
            }
            let is_reference =
                spec.kind == FieldKind::Reference || spec.of == Some(FieldKind::Reference);
            if is_reference && spec.collection.is_none() {
                error(
                    &name,
                    format!("`{name}` is a reference without `collection`"),
                    "name the section it points to: `collection: clubs`",
                );
            }
            fields.push(Field {
                name,
                kind: spec.kind,
                item: spec.of,
                required: spec.required,
                default: spec.default,
                values,
                collection: spec.collection,
                after: spec.after,
                description: spec.description,
            });
        }
        for field in &fields {
            if let Some(after) = &field.after {
                if !fields.iter().any(|f| &f.name == after)
                    && !COMMON_KEYS.contains(&after.as_str())
                {
                    error(
                        &field.name,
                        format!(
                            "`{}` must come after `{after}`, which is not a field",
                            field.name
                        ),
                        "name another date field of the collection",
                    );
                }
            }
        }
        collections.push(Collection {
            folder,
            trusted: raw.trusted,
            shortcodes: raw.shortcodes,
            fields,
        });
    }
    (collections, errors)
}

/// What a page's fields are checked against, besides its collection.
pub struct Context<'a> {
    /// The page's language.
    pub lang: &'a str,
    /// Taxonomy names (front-matter keys that are always allowed).
    pub taxonomies: &'a [String],
    /// Site-relative paths of the files under `content/`, for images.
    pub files: &'a HashSet<String>,
    /// Source paths under `content/` of the pages of each collection, for references.
    pub pages_of: &'a dyn Fn(&str) -> Vec<String>,
}

fn is_placeholder(value: &Value) -> bool {
    match value {
        Value::String(s) => s.trim() == PLACEHOLDER,
        Value::Sequence(items) => items.iter().any(is_placeholder),
        _ => false,
    }
}

/// Checks one value against a type; the error says what was expected.
fn check_value(
    field: &Field,
    kind: FieldKind,
    value: &Value,
    doc: &Document,
    cx: &Context<'_>,
) -> Result<(), (String, String)> {
    let expected = || {
        (
            format!("`{}` must be {}", field.name, kind.describe()),
            format!("found {}", yaml::describe(value)),
        )
    };
    match kind {
        FieldKind::String => match yaml::scalar_text(value) {
            Some(s) if !s.contains('\n') => Ok(()),
            Some(_) => Err((
                format!("`{}` must be a single line", field.name),
                "use `text` in the collection for longer texts".to_string(),
            )),
            None => Err(expected()),
        },
        FieldKind::Text => yaml::scalar_text(value).map(|_| ()).ok_or_else(expected),
        FieldKind::Date | FieldKind::Datetime => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            crate::date::check_field(
                &field.name,
                field.after.as_deref(),
                &text,
                kind == FieldKind::Datetime,
                &|key| {
                    doc.front
                        .extra
                        .get(key)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                },
            )
            .map_err(Into::into)
        }
        FieldKind::Url => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let ok = (text.starts_with("https://") || text.starts_with("http://"))
                && !text.contains(char::is_whitespace)
                && text.len() > 10;
            if ok { Ok(()) } else { Err(expected()) }
        }
        FieldKind::Email => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let ok = text.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            }) && !text.contains(char::is_whitespace);
            if ok { Ok(()) } else { Err(expected()) }
        }
        FieldKind::Enum => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let allowed = field.values_for(cx.lang);
            if allowed.iter().any(|v| v == &text) {
                return Ok(());
            }
            let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let hint = match did_you_mean(&text, &candidates) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("allowed values: {}", candidates.join(", ")),
            };
            Err((format!("`{}` cannot be `{text}`", field.name), hint))
        }
        FieldKind::List => {
            let item = field.item.unwrap_or(FieldKind::String);
            let items: Vec<&Value> = match value {
                Value::Sequence(list) => list.iter().collect(),
                other => vec![other],
            };
            items
                .into_iter()
                .try_for_each(|v| check_value(field, item, v, doc, cx))
        }
        FieldKind::Image => {
            let (Some(src), alt) = (
                value.get("src").and_then(Value::as_str),
                value.get("alt").and_then(Value::as_str),
            ) else {
                return Err(expected());
            };
            // The type is a file of the site: an address would have every reader call another host.
            if !crate::sanitize::is_site_file(src) {
                return Err((
                    format!("`{}`: images must be files of the site, not `{src}`", field.name),
                    "place the image beside the page (the page a folder, `page/index.md`) and write its name, or put it in content/_static/".to_string(),
                ));
            }
            // Beside the page only for a bundle (`page/index.md`), whose files are copied next to it.
            let bundle = doc.kind == crate::parse::DocumentKind::Bundle;
            let beside = format!("content/{}/{src}", doc.folder());
            let in_static = format!("content/_static/{}", src.trim_start_matches('/'));
            let found = cx.files.contains(&in_static) || (bundle && cx.files.contains(&beside));
            if !found {
                let hint = if bundle {
                    format!("put the file at {beside}, or in content/_static/")
                } else {
                    format!(
                        "make the page a folder, {}/index.md, with {src} beside it; or put {src} in content/_static/",
                        doc.content_path
                            .trim_end_matches(".md")
                            .trim_end_matches(&format!(".{}", doc.lang))
                    )
                };
                return Err((
                    format!("`{}`: the image `{src}` does not exist", field.name),
                    hint,
                ));
            }
            if alt.is_none_or(|a| a.trim().is_empty()) {
                return Err((
                    format!(
                        "`{}`: the image `{src}` has no alternative text",
                        field.name
                    ),
                    "add `alt: \"what the image shows\"` for readers who cannot see it".to_string(),
                ));
            }
            Ok(())
        }
        FieldKind::Reference => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let target = text.trim_start_matches("@/").to_string();
            let target = if target.ends_with(".md") {
                target
            } else {
                format!("{target}.md")
            };
            let collection = field.collection.as_deref().unwrap_or_default();
            let pages = (cx.pages_of)(collection);
            if pages.contains(&target) {
                return Ok(());
            }
            let candidates: Vec<&str> = pages.iter().map(String::as_str).collect();
            let hint = match did_you_mean(&target, &candidates) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "write the path of a page of {collection}/, e.g. `{}`",
                    candidates.first().copied().unwrap_or("clubs/biotech.md")
                ),
            };
            Err((
                format!(
                    "`{}`: there is no page `content/{target}` in {collection}",
                    field.name
                ),
                hint,
            ))
        }
    }
}

/// Checks a page against its collection, fills in defaults, and returns every problem.
pub fn check_page(
    doc: &mut Document,
    collection: &Collection,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let path = doc.file.path.clone();
    let value_offset = |doc: &Document, key: &str| {
        let at = doc.front.offset_of(key);
        let line_end = doc.file.text[at..]
            .find('\n')
            .map_or(doc.file.text.len(), |i| at + i);
        doc.file.text[at..line_end].find(':').map_or(at, |c| {
            let after = at + c + 1;
            after + doc.file.text[after..line_end].len()
                - doc.file.text[after..line_end].trim_start().len()
        })
    };
    // Unknown keys: not common, not a taxonomy, not declared. A page may
    // have thousands: each costs a lookup, not a search of every key.
    let declared: Vec<&str> = collection.fields.iter().map(|f| f.name.as_str()).collect();
    let mut candidates: Vec<&str> = declared.clone();
    candidates.extend(COMMON_KEYS);
    candidates.extend(cx.taxonomies.iter().map(String::as_str));
    let key_offsets: HashMap<&str, usize> = doc
        .front
        .key_offsets
        .iter()
        .rev()
        .map(|(k, o)| (k.as_str(), *o))
        .collect();
    let mut locate = Locator::new(&doc.file.text);
    for key in doc.front.extra.keys().filter_map(Value::as_str) {
        if declared.contains(&key) || cx.taxonomies.iter().any(|t| t == key) {
            continue;
        }
        let hint = match did_you_mean(key, &candidates) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "the fields of {} are: {}",
                collection.folder,
                declared.join(", ")
            ),
        };
        let offset = key_offsets.get(key).copied().unwrap_or(0);
        errors.push(
            locate
                .at(
                    Diagnostic::error(
                        &path,
                        format!("unknown field `{key}` for a page of {}", collection.folder),
                    ),
                    offset,
                )
                .with_hint(hint),
        );
    }
    for field in &collection.fields {
        let described = field
            .description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if COMMON_KEYS.contains(&field.name.as_str()) {
            // Typed by the front-matter reader; only presence is the collection's business.
            let present = doc.front.key_offsets.iter().any(|(k, _)| k == &field.name);
            if field.required && !present {
                errors.push(
                    Diagnostic::error(&path, format!("missing required field `{}`", field.name))
                        .at_offset(&doc.file.text, 0)
                        .with_hint(format!("add `{}: ...`{described}", field.name)),
                );
            }
            continue;
        }
        let Some(value) = doc.front.extra.get(field.name.as_str()).cloned() else {
            match &field.default {
                Some(default) => {
                    doc.front
                        .extra
                        .insert(Value::String(field.name.clone()), default.clone());
                }
                None if field.required => {
                    let values = field.values_for(cx.lang);
                    let what = if values.is_empty() {
                        field.kind.describe().to_string()
                    } else {
                        format!("one of: {}", values.join(", "))
                    };
                    errors.push(
                        Diagnostic::error(
                            &path,
                            format!("missing required field `{}`", field.name),
                        )
                        .at_offset(&doc.file.text, 0)
                        .with_hint(format!("add `{}: ...` ({what}){described}", field.name)),
                    );
                }
                None => {}
            }
            continue;
        };
        let at = value_offset(doc, &field.name);
        if is_placeholder(&value) {
            errors.push(
                Diagnostic::error(&path, format!("`{}` still says {PLACEHOLDER}", field.name))
                    .at_offset(&doc.file.text, at)
                    .with_hint(format!(
                        "replace it with {}{described}",
                        field.kind.describe()
                    )),
            );
            continue;
        }
        if let Err((message, hint)) = check_value(field, field.kind, &value, doc, cx) {
            errors.push(
                Diagnostic::error(&path, message)
                    .at_offset(&doc.file.text, at)
                    .with_hint(hint),
            );
            continue;
        }
        if let Some(after) = &field.after {
            let date_of = |key: &str| -> Option<DateTime> {
                if key == "date" {
                    return doc.front.date;
                }
                doc.front
                    .extra
                    .get(key)
                    .and_then(Value::as_str)
                    .and_then(|s| DateTime::parse(s).ok())
            };
            if let (Some(this), Some(before)) = (date_of(&field.name), date_of(after)) {
                if this.utc_minutes() <= before.utc_minutes() {
                    errors.push(
                        Diagnostic::error(
                            &path,
                            format!(
                                "`{}` ({this}) is not after `{after}` ({before})",
                                field.name
                            ),
                        )
                        .at_offset(&doc.file.text, at)
                        .with_hint(
                            "an event ends after it starts: check both dates and their offsets",
                        ),
                    );
                }
            }
        }
    }
    errors
}
