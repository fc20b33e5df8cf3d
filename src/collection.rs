//! Collections: the front-matter fields that a section's pages must or may
//! have, declared in `content/site.yaml`, and the check of pages against them.
//!
//! In: the `collections:` mapping of the config (read once), then every
//! page and section of the site. Out: every problem of every page, located
//! at the field in the Markdown file. Every document has a schema: the
//! common fields (typed by [`crate::front_matter`], the one place that reads
//! them), the site's taxonomies, and for a page of a section with a
//! collection, the collection's fields; any other key is an error at the
//! key with the nearest allowed name ([`check_keys`]). Nothing here knows
//! what a club or an event is: the site declares it.
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
use crate::i18n::{Lang, Text};
use crate::parse::Document;
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
            let spec: RawField = match yaml::from_value(spec) {
                Ok(s) => s,
                Err(message) => {
                    error(
                        &[&folder, "fields", &name],
                        Text::new(
                            format!("`collections.{folder}.fields.{name}`: {}", message.en),
                            format!("`collections.{folder}.fields.{name}` : {}", message.fr),
                        ),
                        tr!(
                            "a field takes `type`, and may take `required`, `default`, `values`, `of`, `collection`, `after`, `description`",
                            "un champ prend `type`, et peut prendre `required`, `default`, `values`, `of`, `collection`, `after`, `description`"
                        ),
                    );
                    continue;
                }
            };
            let values = match enum_values(spec.values) {
                Ok(v) => v,
                Err(message) => {
                    error(
                        &[&folder, "fields", &name],
                        message.map(|m, lang| {
                            let colon = if lang == Lang::Fr { " :" } else { ":" };
                            format!("`collections.{folder}.fields.{name}`{colon} {m}")
                        }),
                        tr!(
                            "write `values: [a, b]` or `values: {{ fr: [a], en: [b] }}`",
                            "écrivez `values: [a, b]` ou `values: {{ fr: [a], en: [b] }}`"
                        ),
                    );
                    continue;
                }
            };
            let needs_values = spec.kind == FieldKind::Enum || spec.of == Some(FieldKind::Enum);
            if needs_values && values.is_empty() {
                error(
                    &[&folder, "fields", &name],
                    tr!(
                        "`{name}` is an enum with no `values`",
                        "`{name}` est une énumération sans `values`"
                    ),
                    tr!(
                        "list the allowed values: `values: [a, b]`",
                        "donnez les valeurs permises : `values: [a, b]`"
                    ),
                );
            }
            if spec.kind == FieldKind::List && spec.of.is_none() {
                error(
                    &[&folder, "fields", &name],
                    tr!(
                        "`{name}` is a list without `of`",
                        "`{name}` est une liste sans `of`"
                    ),
                    tr!(
                        "say what the list holds: `of: string`",
                        "dites ce que contient la liste : `of: string`"
                    ),
                );
            }
            let is_reference =
                spec.kind == FieldKind::Reference || spec.of == Some(FieldKind::Reference);
            if is_reference && spec.collection.is_none() {
                error(
                    &[&folder, "fields", &name],
                    tr!(
                        "`{name}` is a reference without `collection`",
                        "`{name}` est une référence sans `collection`"
                    ),
                    tr!(
                        "name the section it points to: `collection: clubs`",
                        "nommez la section visée : `collection: clubs`"
                    ),
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
                    let name = &field.name;
                    error(
                        &[&folder, "fields", name],
                        tr!(
                            "`{name}` must come after `{after}`, which is not a field",
                            "`{name}` doit venir après `{after}`, qui n'est pas un champ"
                        ),
                        tr!(
                            "name another date field of the collection",
                            "nommez un autre champ de date de la collection"
                        ),
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

/// What a document's fields are checked against, besides its collection.
pub struct Context<'a> {
    /// The folder of the section the document belongs to (`""` for the root).
    pub section: &'a str,
    /// The document's language.
    pub lang: &'a str,
    /// Taxonomy names (front-matter keys that are always allowed).
    pub taxonomies: &'a [String],
    /// Site-relative paths of the files under `content/`, for images.
    pub files: &'a HashSet<String>,
    /// Source paths under `content/` of the pages of each collection, by
    /// folder, sorted and without repeats (references are looked up in them).
    pub pages_of: &'a HashMap<&'a str, Vec<String>>,
}

/// The placeholder `value` still holds (itself or one of its items), in
/// whichever language it was written.
fn placeholder_left(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => {
            let words = placeholder();
            (s.trim() == words.en || s.trim() == words.fr).then(|| s.trim().to_string())
        }
        Value::Sequence(items) => items.iter().find_map(placeholder_left),
        _ => None,
    }
}

/// "did you mean `x`?", the hint of every near miss.
pub fn did_you_mean_hint(close: &str) -> Text {
    tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?")
}

/// The hint that names the value found, described by [`yaml::describe`].
fn found_value(found: &Text) -> Text {
    Text::new(
        format!("found {}", found.en),
        format!("valeur trouvée : {}", found.fr),
    )
}

/// A message and its hint.
type Problem = (Text, Text);

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

/// Checks one value against a type; the error says what was expected.
fn check_value(
    field: &Field,
    kind: FieldKind,
    value: &Value,
    doc: &Document,
    cx: &Context<'_>,
) -> Result<(), Problem> {
    let name = field.name.as_str();
    let must_be = |what: &Text| {
        Text::new(
            format!("`{name}` must be {}", what.en),
            format!("`{name}` doit être {}", what.fr),
        )
    };
    let expected = || {
        let found = yaml::describe(value);
        (must_be(&kind.describe()), found_value(&found))
    };
    match kind {
        FieldKind::String => match yaml::scalar_text(value) {
            Some(s) if !s.contains('\n') => Ok(()),
            Some(_) => Err((
                tr!(
                    "`{name}` must be a single line",
                    "`{name}` doit tenir sur une seule ligne"
                ),
                tr!(
                    "use `text` in the collection for longer texts",
                    "déclarez-le `text` dans la collection pour un texte plus long"
                ),
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
            // `www.club.fr`, as printed on a flyer: the same with its scheme.
            let bare_host = !text.contains([' ', ':', '/', '@'])
                && text.contains('.')
                && !text.starts_with('.')
                && !text.ends_with('.');
            match (ok, bare_host) {
                (true, _) => Ok(()),
                (false, true) => Err((
                    must_be(&kind.describe()),
                    tr!("write `https://{text}`", "écrivez `https://{text}`"),
                )),
                (false, false) => Err(expected()),
            }
        }
        FieldKind::Email => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            // The theme writes it into a `mailto:` link, where `?`, `&`, `%`
            // and `#` would add headers (`?cc=`, `&body=`) or cut the address:
            // only the characters of ordinary addresses are taken.
            let ok = text.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && user
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
                    && host
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
            });
            if ok { Ok(()) } else { Err(expected()) }
        }
        FieldKind::Enum => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let allowed = field.values_for(cx.lang);
            if allowed.iter().any(|v| v == &text) {
                return Ok(());
            }
            let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let hint = if let Some(close) = did_you_mean(&text, &candidates) {
                did_you_mean_hint(close)
            } else {
                let list = candidates.join(", ");
                tr!("allowed values: {list}", "valeurs permises : {list}")
            };
            Err((
                tr!(
                    "`{name}` cannot be `{text}`",
                    "`{name}` ne peut pas valoir `{text}`"
                ),
                hint,
            ))
        }
        FieldKind::List => {
            let item = field.item.unwrap_or(FieldKind::String);
            let items: Vec<&Value> = match value {
                Value::Sequence(list) => list.iter().collect(),
                // One value alone is a list of one, as for taxonomies; with
                // commas it is a list without its brackets (one error, the
                // same as the taxonomy's when the field is one).
                Value::String(one) if one.contains(',') => {
                    return crate::front_matter::terms(name, value).map(|_| ());
                }
                other => vec![other],
            };
            items
                .into_iter()
                .try_for_each(|v| check_value(field, item, v, doc, cx))
        }
        FieldKind::Image => {
            check_image(name, value, doc, cx).map_err(|problem| problem.unwrap_or_else(expected))
        }
        FieldKind::Reference => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            let target = reference_target(&text);
            let collection = field.collection.as_deref().unwrap_or_default();
            let pages = cx.pages_of.get(collection).map_or(&[][..], Vec::as_slice);
            if pages.binary_search(&target).is_ok() {
                return Ok(());
            }
            let candidates: Vec<&str> = pages.iter().map(String::as_str).collect();
            let hint = if let Some(close) = did_you_mean(&target, &candidates) {
                did_you_mean_hint(close)
            } else {
                let example = candidates.first().copied().unwrap_or("clubs/biotech.md");
                tr!(
                    "write the path of a page of {collection}/, e.g. `{example}`",
                    "écrivez le chemin d'une page de {collection}/, par exemple `{example}`"
                )
            };
            Err((
                tr!(
                    "`{name}`: there is no page `content/{target}` in {collection}",
                    "`{name}` : il n'y a pas de page `content/{target}` dans {collection}"
                ),
                hint,
            ))
        }
    }
}

/// Checks an image value `{ src, alt }`; `Err(None)` when it is not one at all.
fn check_image(
    name: &str,
    value: &Value,
    doc: &Document,
    cx: &Context<'_>,
) -> Result<(), Option<Problem>> {
    let (Some(src), alt) = (
        value.get("src").and_then(Value::as_str),
        value.get("alt").and_then(Value::as_str),
    ) else {
        return Err(None);
    };
    // The type is a file of the site: an address would have every reader call another host.
    if !crate::sanitize::is_site_file(src) {
        return Err(Some((
            tr!(
                "`{name}`: images must be files of the site, not `{src}`",
                "`{name}` : une image doit être un fichier du site, pas `{src}`"
            ),
            tr!(
                "place the image beside the page (the page a folder, `page/index.md`) and write its name, or put it in content/_static/",
                "placez l'image à côté de la page (la page devient un dossier, `page/index.md`) et écrivez son nom, ou mettez-la dans content/_static/"
            ),
        )));
    }
    // Beside the page only for a bundle (`page/index.md`), whose files are copied next to it.
    let bundle = doc.kind == crate::parse::DocumentKind::Bundle;
    let beside = format!("content/{}/{src}", doc.folder());
    let in_static = format!("content/_static/{}", src.trim_start_matches('/'));
    let found = cx.files.contains(&in_static) || (bundle && cx.files.contains(&beside));
    if !found {
        let hint = if bundle {
            tr!(
                "put the file at {beside}, or in content/_static/",
                "placez le fichier en {beside}, ou dans content/_static/"
            )
        } else {
            let folder = doc
                .content_path
                .trim_end_matches(".md")
                .trim_end_matches(&format!(".{}", doc.lang));
            tr!(
                "make the page a folder, {folder}/index.md, with {src} beside it; or put {src} in content/_static/",
                "faites de la page un dossier, {folder}/index.md, avec {src} à côté ; ou mettez {src} dans content/_static/"
            )
        };
        return Err(Some((
            tr!(
                "`{name}`: the image `{src}` does not exist",
                "`{name}` : l'image `{src}` n'existe pas"
            ),
            hint,
        )));
    }
    if alt.is_none_or(|a| a.trim().is_empty()) {
        return Err(Some((
            tr!(
                "`{name}`: the image `{src}` has no alternative text",
                "`{name}` : l'image `{src}` n'a pas de texte de remplacement"
            ),
            tr!(
                "add `alt: \"what the image shows\"` for readers who cannot see it",
                "ajoutez `alt: \"ce que montre l'image\"` pour les lecteurs qui ne la voient pas"
            ),
        )));
    }
    Ok(())
}

/// The fields a document may have: the common ones (typed by
/// [`crate::front_matter`]), the site's taxonomies, and, for a page of a
/// section with a collection, the collection's own. A section's `_index.md`
/// takes the common fields and taxonomies only: a collection describes pages.
pub fn allowed_fields<'a>(
    doc: &Document,
    collection: Option<&'a Collection>,
    taxonomies: &'a [String],
) -> Vec<&'a str> {
    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    for name in taxonomies.iter().map(String::as_str).chain(
        collection
            .filter(|_| doc.kind != crate::parse::DocumentKind::Section)
            .into_iter()
            .flat_map(|c| c.fields.iter().map(|f| f.name.as_str())),
    ) {
        if !allowed.contains(&name) {
            allowed.push(name);
        }
    }
    allowed
}

/// How messages name the place of a document: "a page of news", "the section clubs".
fn place(doc: &Document, section: &str) -> Text {
    match (doc.kind, section) {
        (crate::parse::DocumentKind::Section, "") => tr!("the home page", "la page d'accueil"),
        (crate::parse::DocumentKind::Section, _) => {
            let folder = doc.folder();
            tr!("the section {folder}", "la section {folder}")
        }
        (_, "") => tr!(
            "a page at the root of content/",
            "une page à la racine de content/"
        ),
        _ => tr!("a page of {section}", "une page de {section}"),
    }
}

/// Reports every front-matter key of `doc` that is not one of its
/// [`allowed_fields`], at the key, with the nearest allowed name. Every
/// document has this schema, with or without a collection.
pub fn check_keys(
    doc: &Document,
    collection: Option<&Collection>,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    let allowed = allowed_fields(doc, collection, cx.taxonomies);
    // The common keys never reach `extra`: the front-matter reader took them.
    // A page may have thousands of others: each costs a lookup in the
    // spanned view, not a search of every key.
    let place = place(doc, cx.section);
    let list = allowed.join(", ");
    let every_field = Text::new(
        format!("the fields allowed for {} are: {list}", place.en),
        format!("champs permis pour {} : {list}", place.fr),
    );
    let mut locate = Locator::new(&doc.file.text);
    let mut errors = Vec::new();
    for key in doc.front.extra.keys().filter_map(Value::as_str) {
        if allowed.contains(&key) {
            continue;
        }
        let hint = if let Some(close) = did_you_mean(key, &allowed) {
            did_you_mean_hint(close)
        } else {
            every_field.clone()
        };
        let offset = doc.front.offset_of(key);
        let message = Text::new(
            format!("unknown field `{key}` for {}", place.en),
            format!("champ inconnu `{key}` pour {}", place.fr),
        );
        errors.push(
            locate
                .at(Diagnostic::error(&doc.file.path, message), offset)
                .with_hint(hint),
        );
    }
    errors
}

/// Checks a page against its schema (see [`allowed_fields`]) and its
/// section's collection if it has one, fills in the collection's defaults,
/// and returns every problem.
pub fn check_page(
    doc: &mut Document,
    collection: Option<&Collection>,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    let mut errors = check_keys(doc, collection, cx);
    if let Some(collection) = collection {
        check_fields(doc, collection, cx, &mut errors);
    }
    errors
}

fn check_fields(
    doc: &mut Document,
    collection: &Collection,
    cx: &Context<'_>,
    errors: &mut Vec<Diagnostic>,
) {
    let path = doc.file.path.clone();
    for field in &collection.fields {
        let name = field.name.as_str();
        let described = field
            .description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if COMMON_KEYS.contains(&name) {
            // Typed by the front-matter reader; only presence is the collection's business.
            let present = doc.front.common_given.contains(&name);
            if field.required && !present {
                errors.push(missing(
                    &path,
                    &doc.file.text,
                    name,
                    &Text::new(described.clone(), described),
                ));
            }
            continue;
        }
        let Some(value) = doc.front.extra.get(name).cloned() else {
            match &field.default {
                Some(default) => {
                    doc.front
                        .extra
                        .insert(Value::String(field.name.clone()), default.clone());
                }
                None if field.required => {
                    let values = field.values_for(cx.lang);
                    let what = if values.is_empty() {
                        field.kind.describe()
                    } else {
                        let list = values.join(", ");
                        tr!("one of: {list}", "une valeur parmi : {list}")
                    };
                    let what = what.map(|w, _| format!(" ({w}){described}"));
                    errors.push(missing(&path, &doc.file.text, name, &what));
                }
                None => {}
            }
            continue;
        };
        let at = doc.front.value_offset(name);
        if let Some(written) = placeholder_left(&value) {
            let what = field.kind.describe();
            errors.push(
                Diagnostic::error(
                    &path,
                    tr!(
                        "`{name}` still says {written}",
                        "`{name}` contient encore {written}"
                    ),
                )
                .at_offset(&doc.file.text, at)
                .with_hint(Text::new(
                    format!("replace it with {}{described}", what.en),
                    format!("remplacez-le par {}{described}", what.fr),
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
            if let (Some(this), Some(before)) = (date_of(name), date_of(after)) {
                if this.utc_minutes() <= before.utc_minutes() {
                    errors.push(
                        Diagnostic::error(
                            &path,
                            tr!(
                                "`{name}` ({this}) is not after `{after}` ({before})",
                                "`{name}` ({this}) n'est pas après `{after}` ({before})"
                            ),
                        )
                        .at_offset(&doc.file.text, at)
                        .with_hint(tr!(
                            "an event ends after it starts: check both dates and their offsets",
                            "un événement finit après avoir commencé : vérifiez les deux dates et leurs décalages horaires"
                        )),
                    );
                }
            }
        }
    }
}

/// "missing required field", at the top of the file; `what` follows the `add` hint.
fn missing(path: &str, text: &str, name: &str, what: &Text) -> Diagnostic {
    Diagnostic::error(
        path,
        tr!(
            "missing required field `{name}`",
            "champ obligatoire manquant : `{name}`"
        ),
    )
    .at_offset(text, 0)
    .with_hint(Text::new(
        format!("add `{name}: ...`{}", what.en),
        format!("ajoutez `{name}: ...`{}", what.fr),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::TextFile;
    use crate::parse::{Languages, parse_one};
    use crate::trust::Rules;

    fn doc(path: &str, front: &str) -> Document {
        let languages = Languages {
            default: "fr",
            codes: vec!["fr", "en"],
        };
        let file = TextFile {
            path: format!("content/{path}"),
            text: format!("---\n{front}---\nTexte.\n"),
        };
        parse_one(file, &languages, &Rules::default()).unwrap()
    }

    fn club() -> Collection {
        Collection {
            folder: "clubs".to_string(),
            trusted: false,
            shortcodes: None,
            fields: vec![Field {
                name: "contact".to_string(),
                kind: FieldKind::String,
                item: None,
                required: false,
                default: None,
                values: BTreeMap::new(),
                collection: None,
                after: None,
                description: None,
            }],
        }
    }

    fn keys(doc: &Document, collection: Option<&Collection>, section: &str) -> Vec<String> {
        let taxonomies = ["tags".to_string(), "region".to_string()];
        let files = HashSet::new();
        let cx = Context {
            section,
            lang: "fr",
            taxonomies: &taxonomies,
            files: &files,
            pages_of: &HashMap::new(),
        };
        check_keys(doc, collection, &cx)
            .iter()
            .map(|d| {
                assert!(!d.message.lacks_french() && !d.hint.as_ref().unwrap().lacks_french());
                format!(
                    "{} {} / {}",
                    d.location(),
                    d.message.fr,
                    d.hint.as_ref().unwrap().fr
                )
            })
            .collect()
    }

    #[test]
    fn every_document_has_the_common_fields_and_the_taxonomies() {
        let news = doc(
            "news/a.md",
            "title: A\ndate: 2026-11-25\nregion: [Lyon]\ndat: x\n",
        );
        assert_eq!(
            keys(&news, None, "news"),
            [
                "content/news/a.md:5:1 champ inconnu `dat` pour une page de news / vouliez-vous dire `date` ?"
            ]
        );
    }

    #[test]
    fn a_collection_adds_its_fields_to_pages_not_to_its_section() {
        let page = doc("clubs/a.md", "title: A\ncontact: x\n");
        assert!(keys(&page, Some(&club()), "clubs").is_empty());
        let section = doc("clubs/_index.md", "title: Clubs\ncontact: x\n");
        assert_eq!(
            keys(&section, Some(&club()), "clubs"),
            [
                "content/clubs/_index.md:3:1 champ inconnu `contact` pour la section clubs / champs permis pour la section clubs : title, description, date, updated, publish_date, expiry_date, draft, slug, weight, template, aliases, tags, region"
            ]
        );
    }

    #[test]
    fn an_e_mail_field_refuses_what_a_mailto_link_would_read_as_headers() {
        let mut club = club();
        club.fields[0].name = "contact_email".to_string();
        club.fields[0].kind = FieldKind::Email;
        let errors = |address: &str| {
            let mut page = doc(
                "clubs/a.md",
                &format!("title: A\ncontact_email: \"{address}\"\n"),
            );
            let taxonomies: [String; 0] = [];
            let files = HashSet::new();
            let cx = Context {
                section: "clubs",
                lang: "fr",
                taxonomies: &taxonomies,
                files: &files,
                pages_of: &HashMap::new(),
            };
            check_page(&mut page, Some(&club), &cx).len()
        };
        assert_eq!(errors("bureau.club-lyon+info@example.org"), 0);
        assert_eq!(errors("présidence@société.fr"), 0);
        for bad in [
            "club@example.org?cc=tous@example.org",
            "club@example.org&body=x",
            "a%40b@example.org",
            "club@example.org#x",
            "a@b@example.org",
            "club@localhost",
        ] {
            assert_eq!(errors(bad), 1, "{bad}");
        }
    }
}
