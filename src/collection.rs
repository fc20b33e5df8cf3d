//! Collections: the front-matter fields that a section's pages must or may
//! have, declared in `content/site.yaml`: the schema, read with the config.
//!
//! In: the `collections:` mapping of the config (read once). Out: the
//! [`Collection`]s, or located problems in `content/site.yaml`. Every
//! document has a schema: the common fields (typed by
//! [`crate::front_matter`], the one place that reads them), the site's
//! taxonomies, and for a page of a section with a collection, the
//! collection's fields. Pages are checked against it once parsed, by the
//! front-matter check above the parser. Nothing here knows what a club or
//! an event is: the site declares it.
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

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::front_matter::COMMON_KEYS;
use crate::i18n::{Lang, Text};
use crate::yaml::{self, Value};

/// What `alumni new` writes for a required field, in the page's language.
/// `check` rejects it in either language (a page may start as a copy of
/// another language's).
pub fn placeholder() -> Text {
    tr!("TO BE COMPLETED", "À COMPLÉTER")
}

/// [`placeholder`] in the language of a page (`fr`, `en`).
pub fn placeholder_in(lang: &str) -> String {
    placeholder()
        .get(Lang::parse(lang).unwrap_or_default())
        .to_string()
}

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
    pub fn describe(self) -> Text {
        match self {
            FieldKind::String => tr!("a single line of text", "une seule ligne de texte"),
            FieldKind::Text => tr!("a text", "un texte"),
            FieldKind::Date => tr!("a date like 2026-11-28", "une date comme 2026-11-28"),
            FieldKind::Datetime => tr!(
                "a date and time with its offset, like 2026-12-10T18:30:00+01:00",
                "une date et une heure avec le décalage horaire, comme 2026-12-10T18:30:00+01:00"
            ),
            FieldKind::Url => tr!(
                "an address starting with https://",
                "une adresse qui commence par https://"
            ),
            FieldKind::Email => tr!("an e-mail address", "une adresse électronique"),
            FieldKind::Enum => tr!("one of the listed values", "une des valeurs de la liste"),
            FieldKind::List => tr!("a list", "une liste"),
            FieldKind::Image => tr!(
                "an image: {{ src: photo.jpg, alt: \"what it shows\" }}",
                "une image : {{ src: photo.jpg, alt: \"ce qu'elle montre\" }}"
            ),
            FieldKind::Reference => tr!(
                "the path of a page under content/, like clubs/biotech.md",
                "le chemin d'une page sous content/, comme clubs/biotech.md"
            ),
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

fn enum_values(value: Option<Value>) -> Result<BTreeMap<String, Vec<String>>, Text> {
    let not_lists = || {
        tr!(
            "`values` must be a list, or lists by language",
            "`values` doit être une liste, ou des listes par langue"
        )
    };
    let list = |v: &Value| -> Result<Vec<String>, Text> {
        v.as_sequence()
            .ok_or_else(not_lists)?
            .iter()
            .map(|x| {
                x.as_str().map(str::to_string).ok_or_else(|| {
                    tr!(
                        "enum values must be texts",
                        "les valeurs d'une énumération doivent être des textes"
                    )
                })
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
        Some(_) => return Err(not_lists()),
    }
    Ok(out)
}

/// Reads the `collections:` mapping. `locate` gives the byte offset in
/// the config file of an entry of that mapping, by its path under
/// `collections` (`["events", "fields", "start"]`), for diagnostics.
pub fn parse_collections(
    raw: yaml::Mapping,
    path: &str,
    text: &str,
    locate: &dyn Fn(&[&str]) -> usize,
) -> (Vec<Collection>, Vec<Diagnostic>) {
    let mut collections = Vec::new();
    let mut errors = Vec::new();
    let mut error = |at: &[&str], message: Text, hint: Text| {
        errors.push(
            Diagnostic::error(path, message)
                .at_offset(text, locate(at))
                .with_hint(hint),
        );
    };
    for (folder, value) in raw {
        let folder = folder.as_str().unwrap_or_default().to_string();
        let raw: RawCollection = match yaml::from_value(value) {
            Ok(r) => r,
            Err(message) => {
                error(
                    &[&folder],
                    Text::new(
                        format!("`collections.{folder}`: {}", message.en),
                        format!("`collections.{folder}` : {}", message.fr),
                    ),
                    tr!(
                        "a collection takes `trusted`, `shortcodes` and `fields`",
                        "une collection prend `trusted`, `shortcodes` et `fields`"
                    ),
                );
                continue;
            }
        };
        let mut fields = Vec::new();
        for (name, spec) in raw.fields {
            let name = name.as_str().unwrap_or_default().to_string();
            match parse_field(&folder, name, spec) {
                Ok(field) => {
                    for (message, hint) in declaration_problems(&field) {
                        error(&[&folder, "fields", &field.name], message, hint);
                    }
                    fields.push(field);
                }
                Err((name, message, hint)) => error(&[&folder, "fields", &name], message, hint),
            }
        }
        for (field, message, hint) in unknown_after(&fields) {
            error(&[&folder, "fields", &field.name], message, hint);
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

/// A message and its hint.
type Problem = (Text, Text);

/// The field `name` of the collection `folder`, read from its `spec`; or,
/// when it cannot be read, its name with the message and the hint.
fn parse_field(folder: &str, name: String, spec: Value) -> Result<Field, (String, Text, Text)> {
    let spec: RawField = match yaml::from_value(spec) {
        Ok(s) => s,
        Err(message) => {
            let message = Text::new(
                format!("`collections.{folder}.fields.{name}`: {}", message.en),
                format!("`collections.{folder}.fields.{name}` : {}", message.fr),
            );
            return Err((
                name,
                message,
                tr!(
                    "a field takes `type`, and may take `required`, `default`, `values`, `of`, `collection`, `after`, `description`",
                    "un champ prend `type`, et peut prendre `required`, `default`, `values`, `of`, `collection`, `after`, `description`"
                ),
            ));
        }
    };
    let values = match enum_values(spec.values) {
        Ok(v) => v,
        Err(message) => {
            let message = message.map(|m, lang| {
                let colon = if lang == Lang::Fr { " :" } else { ":" };
                format!("`collections.{folder}.fields.{name}`{colon} {m}")
            });
            return Err((
                name,
                message,
                tr!(
                    "write `values: [a, b]` or `values: {{ fr: [a], en: [b] }}`",
                    "écrivez `values: [a, b]` ou `values: {{ fr: [a], en: [b] }}`"
                ),
            ));
        }
    };
    Ok(Field {
        name,
        kind: spec.kind,
        item: spec.of,
        required: spec.required,
        default: spec.default,
        values,
        collection: spec.collection,
        after: spec.after,
        description: spec.description,
    })
}

/// What the declaration of `field` lacks for its type: an enum's
/// `values`, a list's `of`, a reference's `collection`.
fn declaration_problems(field: &Field) -> Vec<Problem> {
    let name = &field.name;
    let mut problems = Vec::new();
    let needs_values = field.kind == FieldKind::Enum || field.item == Some(FieldKind::Enum);
    if needs_values && field.values.is_empty() {
        problems.push((
            tr!(
                "`{name}` is an enum with no `values`",
                "`{name}` est une énumération sans `values`"
            ),
            tr!(
                "list the allowed values: `values: [a, b]`",
                "donnez les valeurs permises : `values: [a, b]`"
            ),
        ));
    }
    if field.kind == FieldKind::List && field.item.is_none() {
        problems.push((
            tr!(
                "`{name}` is a list without `of`",
                "`{name}` est une liste sans `of`"
            ),
            tr!(
                "say what the list holds: `of: string`",
                "dites ce que contient la liste : `of: string`"
            ),
        ));
    }
    let is_reference =
        field.kind == FieldKind::Reference || field.item == Some(FieldKind::Reference);
    if is_reference && field.collection.is_none() {
        problems.push((
            tr!(
                "`{name}` is a reference without `collection`",
                "`{name}` est une référence sans `collection`"
            ),
            tr!(
                "name the section it points to: `collection: clubs`",
                "nommez la section visée : `collection: clubs`"
            ),
        ));
    }
    problems
}

/// The fields of a collection that must come `after` a key that is
/// neither one of its fields nor a common one, each with its problem.
fn unknown_after(fields: &[Field]) -> Vec<(&Field, Text, Text)> {
    fields
        .iter()
        .filter_map(|field| {
            let after = field.after.as_deref()?;
            if fields.iter().any(|f| f.name == after) || COMMON_KEYS.contains(&after) {
                return None;
            }
            let name = &field.name;
            Some((
                field,
                tr!(
                    "`{name}` must come after `{after}`, which is not a field",
                    "`{name}` doit venir après `{after}`, qui n'est pas un champ"
                ),
                tr!(
                    "name another date field of the collection",
                    "nommez un autre champ de date de la collection"
                ),
            ))
        })
        .collect()
}

/// "did you mean `x`?", the hint of every near miss.
pub fn did_you_mean_hint(close: &str) -> Text {
    tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?")
}

/// The source path under `content/` that a reference names, in the one
/// form pages are known by (their translation key, `clubs/biotech.md`),
/// whichever accepted form it is written in: `clubs/biotech.md`,
/// `@/clubs/biotech.md` (as a link) or `clubs/biotech`. The collection
/// check and the calendars of organisers both read references through it,
/// so that a reference `check` accepts is one the calendar finds.
pub fn reference_target(text: &str) -> String {
    let target = text.trim().trim_start_matches("@/");
    if target.ends_with(".md") {
        target.to_string()
    } else {
        format!("{target}.md")
    }
}
