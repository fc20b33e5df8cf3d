//! Front matter: the YAML block between `---` lines at the top of a Markdown file.
//!
//! [`split`] cuts a file into its YAML and its body, keeping the byte offset of
//! each so that later diagnostics point at the real line of the file.
//! [`FrontMatter::parse`] reads the common fields with their types and keeps
//! everything else, in file order, in `extra` for templates. This is the one
//! place that types the common fields ([`COMMON_KEYS`]); whether a key of
//! `extra` is allowed at all (a taxonomy, a field of the section's
//! collection, or a mistake) is decided by `front_check::check_keys`,
//! for every page and section. Every wrong field of a file is reported, not
//! only the first one.

use crate::date::DateTime;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::yaml::{self, Mapping, Value};

/// A Markdown file cut at its front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text, without the `---` lines.
    pub yaml: &'a str,
    /// Byte offset of `yaml` in the file.
    pub yaml_start: usize,
    /// The Markdown after the closing `---` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_start: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r']).trim_end() == "---"
}

/// Cuts `text` into front matter and body. `path` is for the diagnostic.
pub fn split<'a>(text: &'a str, path: &str) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if text.trim().is_empty() {
        return Err(
            Diagnostic::error(path, tr!("the file is empty", "le fichier est vide"))
                .at_offset(text, 0)
                .with_hint(tr!(
                    "write its front matter (a line `---`, then `title: ...`, then a line `---`) and its text, or delete the file",
                    "écrivez son en-tête (une ligne `---`, puis `title: ...`, puis une ligne `---`) et son texte, ou supprimez le fichier"
                )),
        );
    }
    if !is_fence(first) {
        return Err(Diagnostic::error(
            path,
            tr!(
                "the file does not start with front matter",
                "le fichier ne commence pas par un en-tête"
            ),
        )
        .at_offset(text, 0)
        .with_hint(tr!(
            "start the file with a line `---`, then `title: ...`, then a line `---`",
            "commencez le fichier par une ligne `---`, puis `title: ...`, puis une ligne `---`"
        )));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        if is_fence(line) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_start,
                body: &text[offset + line.len()..],
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        tr!(
            "the front matter is never closed",
            "l'en-tête n'est jamais fermé"
        ),
    )
    .at_offset(text, 0)
    .with_hint(tr!(
        "add a line `---` after the last front-matter field",
        "ajoutez une ligne `---` après le dernier champ de l'en-tête"
    )))
}

/// The common front-matter fields, typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    /// Required, non-empty.
    pub title: String,
    /// One sentence for listings and `<meta name="description">`.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<DateTime>,
    /// Last significant update.
    pub updated: Option<DateTime>,
    /// Left out of the build until this instant (unless `--future`).
    pub publish_date: Option<DateTime>,
    /// Left out of the build from this instant on (unless `--expired`).
    pub expiry_date: Option<DateTime>,
    /// Left out of the build unless drafts are asked for.
    pub draft: bool,
    /// Overrides the slug taken from the file name.
    pub slug: Option<String>,
    /// Order within a section sorted by weight.
    pub weight: Option<i64>,
    /// Template to render with instead of the default one.
    pub template: Option<String>,
    /// Old URLs of the page.
    pub aliases: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Every other field, in file order, for templates.
    pub extra: Mapping,
    /// Where each key and value is written in the file, for later diagnostics.
    pub spans: yaml::LazySpans,
    /// The common keys the file gives (typed or not), in file order.
    pub common_given: Vec<&'static str>,
}

/// The keys this module reads and types itself, in every section; anything
/// else goes to `extra`.
pub const COMMON_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "publish_date",
    "expiry_date",
    "draft",
    "slug",
    "weight",
    "template",
    "aliases",
    "tags",
];

/// What is wrong with the value of a common field.
enum Wrong {
    /// Not of the kind the field takes: what it takes (`a date like 2026-11-28`).
    Expected(Text),
    /// A message and a hint of their own.
    Said(Text, Text),
}

impl Wrong {
    /// The message and hint for this, the mistake in the `value` of `key`.
    fn told(self, key: &str, value: &Value) -> (Text, Text) {
        match self {
            Wrong::Expected(expected) => {
                let found = yaml::describe(value);
                (
                    Text::new(
                        format!("`{key}` must be {}", expected.en),
                        format!("`{key}` doit être {}", expected.fr),
                    ),
                    Text::new(
                        format!("found {}", found.en),
                        format!("valeur trouvée : {}", found.fr),
                    ),
                )
            }
            Wrong::Said(message, hint) => (message, hint),
        }
    }
}

impl FrontMatter {
    /// Reads the fields of `split` (from the file at `path` whose text is
    /// `text`); any mistake is an error.
    pub fn parse(
        text: &str,
        split: &Split<'_>,
        path: &str,
    ) -> Result<FrontMatter, Vec<Diagnostic>> {
        match FrontMatter::read(text, split, path)? {
            (front, errors) if errors.is_empty() => Ok(front),
            (_, errors) => Err(errors),
        }
    }

    /// Reads the fields of `split` as far as they go: `Err` when the YAML
    /// cannot be read at all; otherwise the front matter without the
    /// fields that have the wrong type, and their errors, so that the
    /// page's other fields are still judged in the same run.
    pub fn read(
        text: &str,
        split: &Split<'_>,
        path: &str,
    ) -> Result<(FrontMatter, Vec<Diagnostic>), Vec<Diagnostic>> {
        let source = yaml::Source {
            path,
            file_text: text,
            start: split.yaml_start,
        };
        let mapping: Mapping = yaml::parse(split.yaml, source).map_err(|d| vec![d])?;
        let spans = yaml::LazySpans::of(split.yaml, split.yaml_start);
        let value_at = |key: &str| spans.get().value(&[key]).map_or(0, |s| s.start);
        let mut errors = Vec::new();
        let mut fm = FrontMatter::default();
        for (key, value) in mapping {
            let Some(key) = key.as_str() else {
                errors.push(
                    Diagnostic::error(
                        path,
                        tr!(
                            "front-matter keys must be words",
                            "les clés de l'en-tête doivent être des mots"
                        ),
                    )
                    .at_offset(text, split.yaml_start)
                    .with_hint(tr!(
                        "write keys like `title:` without quotes or brackets",
                        "écrivez les clés comme `title:`, sans guillemets ni crochets"
                    )),
                );
                continue;
            };
            if let Some(&common) = COMMON_KEYS.iter().find(|&&k| k == key) {
                fm.common_given.push(common);
            }
            match fm.set_common(key, &value) {
                Ok(true) => {}
                Ok(false) => {
                    fm.extra.insert(Value::String(key.to_string()), value);
                }
                Err(wrong) => {
                    let (message, hint) = wrong.told(key, &value);
                    errors.push(
                        Diagnostic::error(path, message)
                            .at_offset(text, value_at(key))
                            .with_hint(hint),
                    );
                }
            }
        }
        if fm.title.is_empty() && !errors.iter().any(|d| d.message.starts_with("`title`")) {
            errors.push(
                Diagnostic::error(
                    path,
                    tr!(
                        "missing required field `title`",
                        "champ obligatoire manquant : `title`"
                    ),
                )
                .at_offset(text, 0)
                .with_hint(tr!(
                    "add a line `title: ...` to the front matter",
                    "ajoutez une ligne `title: ...` à l'en-tête"
                )),
            );
        }
        if let Some((message, hint)) = fm.empty_window() {
            errors.push(
                Diagnostic::error(path, message)
                    .at_offset(text, value_at("expiry_date"))
                    .with_hint(hint),
            );
        }
        fm.spans = spans;
        Ok((fm, errors))
    }

    /// The message and hint when the page's publication window is empty:
    /// it expires before it is published.
    fn empty_window(&self) -> Option<(Text, Text)> {
        let (publish, expiry) = (self.publish_date?, self.expiry_date?);
        (expiry.utc_minutes() <= publish.utc_minutes()).then(|| {
            (
                tr!(
                    "`expiry_date` is not after `publish_date`: the page would never be published",
                    "`expiry_date` n'est pas après `publish_date` : la page ne serait jamais publiée"
                ),
                tr!(
                    "put the expiry date after the publication date, or remove one of them",
                    "mettez la date d'expiration après la date de publication, ou retirez l'une des deux"
                ),
            )
        })
    }

    /// Sets the common field `key` (one of [`COMMON_KEYS`]) from `value`;
    /// `Ok(false)` when `key` is not a common field (it belongs to
    /// `extra`), and what is wrong with a value it cannot take.
    fn set_common(&mut self, key: &str, value: &Value) -> Result<bool, Wrong> {
        let expected = |text: Text| Err(Wrong::Expected(text));
        match key {
            "title" => match yaml::scalar_text(value) {
                Some(t) if !t.trim().is_empty() => self.title = t,
                _ => return expected(tr!("a non-empty text", "un texte non vide")),
            },
            "description" => match yaml::scalar_text(value) {
                Some(t) => self.description = Some(t),
                None => return expected(tr!("a text", "un texte")),
            },
            "date" | "updated" | "publish_date" | "expiry_date" => {
                let parsed = yaml::scalar_text(value).map(|t| DateTime::parse(&t));
                let date = match parsed {
                    Some(Ok(d)) => d,
                    Some(Err(why)) => {
                        return expected(Text::new(
                            format!("a date ({})", why.en),
                            format!("une date ({})", why.fr),
                        ));
                    }
                    None => {
                        return expected(tr!(
                            "a date like 2026-11-28",
                            "une date comme 2026-11-28"
                        ));
                    }
                };
                *match key {
                    "date" => &mut self.date,
                    "updated" => &mut self.updated,
                    "publish_date" => &mut self.publish_date,
                    _ => &mut self.expiry_date,
                } = Some(date);
            }
            "draft" => match value.as_bool() {
                Some(b) => self.draft = b,
                None => return expected(tr!("true or false", "true ou false")),
            },
            "slug" => match yaml::scalar_text(value) {
                Some(s) => self.slug = Some(s),
                None => return expected(tr!("a text", "un texte")),
            },
            "weight" => match value.as_i64() {
                Some(w) => self.weight = Some(w),
                None => return expected(tr!("a whole number", "un nombre entier")),
            },
            "template" => match value.as_str() {
                Some(t) => self.template = Some(t.to_string()),
                None => {
                    return expected(tr!(
                        "a template file name such as `page.html`",
                        "un nom de fichier de gabarit comme `page.html`"
                    ));
                }
            },
            "tags" => match terms(key, value) {
                Ok(list) => self.tags = list,
                Err((message, hint)) => return Err(Wrong::Said(message, hint)),
            },
            "aliases" => match text_list(value) {
                Some(list) => self.aliases = list,
                None => {
                    return expected(tr!(
                        "a list of texts, e.g. `[un, deux]`",
                        "une liste de textes, par exemple `[un, deux]`"
                    ));
                }
            },
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Byte offset in the file of the value of the top-level `key` (for an
    /// empty value, after its `:`), or 0 when it is not there.
    pub fn value_offset(&self, key: &str) -> usize {
        self.spans.get().value(&[key]).map_or(0, |s| s.start)
    }

    /// Byte offset in the file of the top-level `key`, or 0 when it is not there.
    pub fn offset_of(&self, key: &str) -> usize {
        self.spans.get().key(&[key]).map_or(0, |s| s.start)
    }
}

/// The terms of the taxonomy `name` in a page, every taxonomy alike: a
/// list of texts, or one text alone (`tags: sciences`). A text with commas
/// is a list written without its brackets (`tags: sciences, emploi`, which
/// would be one term `sciences-emploi`): an error with the list to write.
/// The error is (message, hint).
pub fn terms(name: &str, value: &Value) -> Result<Vec<String>, (Text, Text)> {
    if let Some(one) = value.as_str() {
        if one.contains(',') {
            let list = one
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            return Err((
                tr!(
                    "`{name}` holds a comma: write several values as a list",
                    "`{name}` contient une virgule : écrivez plusieurs valeurs sous forme de liste"
                ),
                tr!("write `{name}: [{list}]`", "écrivez `{name}: [{list}]`"),
            ));
        }
        return Ok(vec![one.to_string()]);
    }
    text_list(value).ok_or_else(|| {
        let found = yaml::describe(value);
        (
            tr!(
                "`{name}` must be a list of texts",
                "`{name}` doit être une liste de textes"
            ),
            Text::new(
                format!("write e.g. `{name}: [un, deux]` (found {})", found.en),
                format!(
                    "écrivez par exemple `{name}: [un, deux]` (valeur trouvée : {})",
                    found.fr
                ),
            ),
        )
    })
}

fn text_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Sequence(items) => items.iter().map(yaml::scalar_text).collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let s = split(text, "a.md").map_err(|d| vec![d])?;
        FrontMatter::parse(text, &s, "a.md")
    }

    #[test]
    fn splits_with_offsets_and_crlf() {
        let text = "---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text, "a.md").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(&text[s.body_start..], "Body\r\n");
    }

    #[test]
    fn empty_file_is_an_error_at_line_one() {
        for text in ["", "\n\n", "  \n"] {
            let d = split(text, "a.md").unwrap_err();
            assert_eq!(d.message, "the file is empty");
            assert_eq!(d.location(), "a.md:1:1");
        }
    }

    #[test]
    fn never_closed_is_an_error_at_line_one() {
        let d = split("---\ntitle: A\nbody\n", "a.md").unwrap_err();
        assert_eq!(d.message, "the front matter is never closed");
        assert_eq!(d.location(), "a.md:1:1");
    }

    #[test]
    fn reads_common_fields_and_keeps_extra_in_order() {
        let fm = parse("---\ntitle: Club\ndate: 2026-11-28\nweight: 3\nkind: thématique\nfaculty: Lettres\ntags: [a, b]\n---\n").unwrap();
        assert_eq!(fm.title, "Club");
        assert_eq!(fm.weight, Some(3));
        assert_eq!(fm.tags, ["a", "b"]);
        let keys: Vec<_> = fm.extra.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["kind", "faculty"]);
    }

    #[test]
    fn every_wrong_field_is_reported_at_its_value() {
        let errs = parse("---\ntitle: A\ndraft: maybe\nweight: heavy\ndate: 2026-02-30\n---\n")
            .unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|d| format!("{} {}", d.location(), d.message.en))
            .collect();
        assert_eq!(
            got,
            [
                "a.md:3:8 `draft` must be true or false",
                "a.md:4:9 `weight` must be a whole number",
                "a.md:5:7 `date` must be a date (2026-02 has no day 30)",
            ]
        );
    }

    #[test]
    fn reads_scheduling_dates_and_rejects_an_empty_window() {
        let fm = parse("---\ntitle: A\npublish_date: 2026-12-01T09:00:00+01:00\nexpiry_date: 2027-01-01\n---\n").unwrap();
        assert_eq!(
            fm.publish_date.unwrap().to_string(),
            "2026-12-01T09:00:00+01:00"
        );
        assert_eq!(fm.expiry_date.unwrap().to_string(), "2027-01-01");
        assert!(fm.extra.is_empty());
        let errs = parse("---\ntitle: A\npublish_date: 2026-12-01\nexpiry_date: 2026-11-01\n---\n")
            .unwrap_err();
        assert_eq!(errs[0].location(), "a.md:4:14");
        assert!(
            errs[0].message.contains("never be published"),
            "{}",
            errs[0].message.en
        );
        let errs = parse("---\ntitle: A\npublish_date: soon\n---\n").unwrap_err();
        assert_eq!(errs[0].location(), "a.md:3:15");
        assert!(errs[0].message.starts_with("`publish_date` must be a date"));
    }

    #[test]
    fn missing_title_is_an_error() {
        let errs = parse("---\ndescription: x\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "missing required field `title`");
    }
}
