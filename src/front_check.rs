//! The checks of each parsed document's front matter, once the site's
//! sources are parsed and before the model is assembled.
//!
//! In: a [`Document`] and what it is checked against. Out: every problem,
//! located at the key in the Markdown file. Two checks, whose rules are
//! declared elsewhere and read here:
//!
//! - against the document's schema ([`check_keys`], [`check_page`]): the
//!   common fields (typed by [`crate::front_matter`], the one place that
//!   reads them), the site's taxonomies, and for a page of a section with a
//!   collection, the collection's fields ([`crate::collection`]); any other
//!   key is an error at the key with the nearest allowed name;
//! - against what an untrusted document may do ([`check_untrusted`]), its
//!   limits from [`crate::trust`].
//!
//! The schema and the trust rules stay below the parser, which stamps each
//! document with its trust; these checks read parsed documents, so they sit
//! above it.

use std::collections::{HashMap, HashSet};

use crate::collection::{
    Collection, Field, FieldKind, did_you_mean_hint, placeholder, reference_target,
};
use crate::config::Config;
use crate::date::DateTime;
use crate::diagnostic::{Diagnostic, Locator, did_you_mean};
use crate::front_matter::COMMON_KEYS;
use crate::i18n::Text;
use crate::parse::{Document, DocumentKind};
use crate::trust::{ASK_STAFF, ASK_STAFF_FR, MAX_ALIASES, MAX_SLUG_CHARS};
use crate::yaml::{self, Value};

/// What a document's fields are checked against, besides its collection.
pub(crate) struct Context<'a> {
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

/// The hint that names the value found, described by [`yaml::describe`].
fn found_value(found: &Text) -> Text {
    Text::new(
        format!("found {}", found.en),
        format!("valeur trouvée : {}", found.fr),
    )
}

/// A message and its hint.
type Problem = (Text, Text);

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
            check_date(field, kind, &text, doc)
        }
        FieldKind::Url => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            match (is_web_address(&text), is_bare_host(&text)) {
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
            if is_mail_address(&text) {
                Ok(())
            } else {
                Err(expected())
            }
        }
        FieldKind::Enum => {
            let text = yaml::scalar_text(value).ok_or_else(expected)?;
            check_enum(field, &text, cx.lang)
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
            check_reference(field, &text, cx)
        }
    }
}

/// Checks the date (or date and time) `text` of `field`, against the
/// field it must come after in the same front matter.
fn check_date(field: &Field, kind: FieldKind, text: &str, doc: &Document) -> Result<(), Problem> {
    crate::date::check_field(
        &field.name,
        field.after.as_deref(),
        text,
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

/// Whether `text` is a whole web address, with its scheme.
fn is_web_address(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text.contains(char::is_whitespace)
        && text.len() > 10
}

/// Whether `text` is a host name alone, `www.club.fr` as printed on a
/// flyer: the address it means is the same with its scheme.
fn is_bare_host(text: &str) -> bool {
    !text.contains([' ', ':', '/', '@'])
        && text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
}

/// Whether `text` is an email address a `mailto:` link can take as it
/// is. The theme writes it into such a link, where `?`, `&`, `%` and `#`
/// would add headers (`?cc=`, `&body=`) or cut the address: only the
/// characters of ordinary addresses are taken.
fn is_mail_address(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, host)| {
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
    })
}

/// Checks that `text` is one of the values of the enumerated `field` in
/// the document's language `lang`; the hint is the closest one, or the list.
fn check_enum(field: &Field, text: &str, lang: &str) -> Result<(), Problem> {
    let name = field.name.as_str();
    let allowed = field.values_for(lang);
    if allowed.iter().any(|v| v == text) {
        return Ok(());
    }
    let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let hint = if let Some(close) = did_you_mean(text, &candidates) {
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

/// Checks that the reference `text` of `field` names a page of the
/// field's collection; the hint is the closest page, or an example.
fn check_reference(field: &Field, text: &str, cx: &Context<'_>) -> Result<(), Problem> {
    let name = field.name.as_str();
    let target = reference_target(text);
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
    let bundle = doc.kind == DocumentKind::Bundle;
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
pub(crate) fn allowed_fields<'a>(
    doc: &Document,
    collection: Option<&'a Collection>,
    taxonomies: &'a [String],
) -> Vec<&'a str> {
    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    for name in taxonomies.iter().map(String::as_str).chain(
        collection
            .filter(|_| doc.kind != DocumentKind::Section)
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
        (DocumentKind::Section, "") => tr!("the home page", "la page d'accueil"),
        (DocumentKind::Section, _) => {
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
pub(crate) fn check_keys(
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
pub(crate) fn check_page(
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
                    let what = missing_what(field, cx.lang, &described);
                    errors.push(missing(&path, &doc.file.text, name, &what));
                }
                None => {}
            }
            continue;
        };
        let problem = if let Some(written) = placeholder_left(&value) {
            Some(placeholder_problem(field, &written, &described))
        } else if let Err(problem) = check_value(field, field.kind, &value, doc, cx) {
            Some(problem)
        } else {
            field
                .after
                .as_deref()
                .and_then(|after| order_problem(name, after, doc))
        };
        if let Some((message, hint)) = problem {
            errors.push(
                Diagnostic::error(&path, message)
                    .at_offset(&doc.file.text, doc.front.value_offset(name))
                    .with_hint(hint),
            );
        }
    }
}

/// What the hint for the missing required `field` asks for: its kind,
/// or its values in the language `lang`, then its `described` description.
fn missing_what(field: &Field, lang: &str, described: &str) -> Text {
    let values = field.values_for(lang);
    let what = if values.is_empty() {
        field.kind.describe()
    } else {
        let list = values.join(", ");
        tr!("one of: {list}", "une valeur parmi : {list}")
    };
    what.map(|w, _| format!(" ({w}){described}"))
}

/// The problem of a `field` that still holds the `written` placeholder of
/// the page's model: what to replace it with.
fn placeholder_problem(field: &Field, written: &str, described: &str) -> Problem {
    let name = field.name.as_str();
    let what = field.kind.describe();
    (
        tr!(
            "`{name}` still says {written}",
            "`{name}` contient encore {written}"
        ),
        Text::new(
            format!("replace it with {}{described}", what.en),
            format!("remplacez-le par {}{described}", what.fr),
        ),
    )
}

/// The problem when the date of the field `name` is not after the date
/// of the field `after`, both read from the document (`None` when either
/// is missing or not a date).
fn order_problem(name: &str, after: &str, doc: &Document) -> Option<Problem> {
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
    let (this, before) = (date_of(name)?, date_of(after)?);
    (this.utc_minutes() <= before.utc_minutes()).then(|| {
        (
            tr!(
                "`{name}` ({this}) is not after `{after}` ({before})",
                "`{name}` ({this}) n'est pas après `{after}` ({before})"
            ),
            tr!(
                "an event ends after it starts: check both dates and their offsets",
                "un événement finit après avoir commencé : vérifiez les deux dates et leurs décalages horaires"
            ),
        )
    })
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
pub(crate) fn check_untrusted(document: &Document, config: &Config) -> Vec<Diagnostic> {
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
    if let Some((message, hint)) = front.slug.as_deref().and_then(untrusted_slug_problem) {
        errors.push(at("slug", message, hint));
    }
    let own = format!("/{}{}/", config.language_prefix(&document.lang), collection);
    for (message, hint) in untrusted_alias_problems(&front.aliases, collection, &own) {
        errors.push(at("aliases", message, hint));
    }
    errors
}

/// The problem with the `slug` of an untrusted page, when it is not made
/// of lower-case ASCII letters, digits and hyphens, or is too long; the
/// hint suggests a slug that is.
fn untrusted_slug_problem(slug: &str) -> Option<Problem> {
    let safe = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if safe && slug.chars().count() <= MAX_SLUG_CHARS {
        return None;
    }
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
    Some((
        tr!(
            "`slug:` may only hold lower-case ASCII letters, digits and hyphens, at most {MAX_SLUG_CHARS} of them",
            "`slug:` ne peut contenir que des minuscules ASCII, des chiffres et des tirets, {MAX_SLUG_CHARS} au plus"
        ),
        hint,
    ))
}

/// The problems with the `aliases` of an untrusted page of `collection`:
/// too many of them (one problem), or else each one outside the
/// collection's addresses, which start with `own`.
fn untrusted_alias_problems(aliases: &[String], collection: &str, own: &str) -> Vec<Problem> {
    if aliases.len() > MAX_ALIASES {
        return vec![(
            tr!(
                "this page has {} aliases; pages of `{collection}` may have at most {MAX_ALIASES}",
                "cette page a {} alias ; les pages de `{collection}` en ont au plus {MAX_ALIASES}";
                aliases.len()
            ),
            tr!(
                "keep the old addresses people still use; {ASK_STAFF}",
                "gardez les anciennes adresses que l'on utilise encore ; {ASK_STAFF_FR}"
            ),
        )];
    }
    aliases
        .iter()
        .filter(|alias| !alias.starts_with(own))
        .map(|alias| {
            (
                tr!(
                    "the alias `{}` is outside the addresses of `{collection}`: pages of `{collection}` may only redirect from `{own}...`",
                    "l'alias `{}` est hors des adresses de `{collection}` : les pages de `{collection}` ne peuvent rediriger que depuis `{own}...`";
                    alias.escape_debug()
                ),
                tr!(
                    "write an old address under `{own}`; {ASK_STAFF}",
                    "écrivez une ancienne adresse sous `{own}` ; {ASK_STAFF_FR}"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

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
        let trust = Rules::default().of(&file.path);
        parse_one(file, &languages, trust).unwrap()
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
