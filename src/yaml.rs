//! The one door to YAML: config, front matter and data files all go through here.
//!
//! The backend is named once, below. `serde_yaml` is archived upstream; its
//! maintained forks (`serde_yaml_ng`, `serde_norway`) keep the same API, so
//! switching is a change of that one line (and of `Cargo.toml`).
//!
//! Errors come back as [`Diagnostic`]s located in the *file*, not in the YAML
//! snippet: callers say at which byte of the file the YAML text starts, so an
//! error in front matter points at the real line of the Markdown file.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, did_you_mean};

use serde_yaml as backend;

/// A YAML value, for data files and free-form fields.
pub type Value = backend::Value;

/// A YAML mapping (keeps the file's key order).
pub type Mapping = backend::Mapping;

/// A YAML snippet inside a file: where it is, what the whole file says, and
/// where in the file the snippet starts.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Site-relative path of the file, for diagnostics.
    pub path: &'a str,
    /// The whole file's text, for the caret line.
    pub file_text: &'a str,
    /// Byte offset in `file_text` where the YAML text starts.
    pub start: usize,
}

/// Parses `yaml` (which sits at `source.start` in the file) into `T`.
///
/// An empty document is read as an empty mapping, so that a file with only
/// comments, or front matter with no field, gives the type's defaults or a
/// "missing field" error rather than a parser error about `null`.
pub fn parse<T: DeserializeOwned>(yaml: &str, source: Source<'_>) -> Result<T, Diagnostic> {
    let is_empty = yaml
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let result = if is_empty {
        backend::from_str("{}")
    } else {
        backend::from_str(yaml)
    };
    result.map_err(|err| to_diagnostic(&err, source))
}

/// Serialises a value back to YAML text (used to write new pages).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain maps and strings cannot fail.
    backend::to_string(value).unwrap_or_default()
}

fn to_diagnostic(err: &backend::Error, source: Source<'_>) -> Diagnostic {
    let full = err.to_string();
    // The backend appends " at line L column C"; we print our own location.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let offset = err.location().map_or(source.start, |l| source.start + l.index());
    let (message, hint) = explain(&message);
    let mut d = Diagnostic::error(source.path, message).at_offset(source.file_text, offset);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// Rewrites the backend's messages into ours, with a hint where we can give one.
fn explain(message: &str) -> (String, Option<String>) {
    let unknown = ["unknown field `", "unknown variant `"]
        .into_iter()
        .find(|m| message.contains(m));
    if let Some(marker) = unknown {
        let is_value = marker.contains("variant");
        let prefix = message.split(marker).next().unwrap_or("");
        let rest = message.split(marker).nth(1).unwrap_or("");
        let key = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split(", expected ")
            .nth(1)
            .map(|list| {
                list.split('`')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect()
            })
            .unwrap_or_default();
        let place = prefix.trim_end_matches(": ");
        let what = if is_value { "value" } else { "key" };
        let message = if place.is_empty() {
            format!("unknown {what} `{key}`")
        } else {
            format!("unknown {what} `{key}` in `{place}`")
        };
        let hint = match did_you_mean(key, &expected) {
            Some(close) => format!("did you mean `{close}`?"),
            None if expected.is_empty() => format!("remove this {what}"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return (message, Some(hint));
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or("");
        return (
            format!("missing required key `{key}`"),
            Some(format!("add a line `{key}: ...`")),
        );
    }
    if message.contains("found character that cannot start any token")
        || message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        return (
            format!("invalid YAML: {message}"),
            Some(
                "check the indentation and quoting on this line; values with `: ` or starting with `[`, `{`, `@` or `*` need quotes".to_string(),
            ),
        );
    }
    (format!("invalid YAML: {message}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fields {
        title: String,
        description: Option<String>,
    }

    fn src<'a>(path: &'a str, text: &'a str, start: usize) -> Source<'a> {
        Source {
            path,
            file_text: text,
            start,
        }
    }

    #[test]
    fn error_points_at_the_file_line_not_the_snippet_line() {
        let file = "---\ntitle: ok\ndescription: [unclosed\n---\nbody\n";
        let yaml = &file[4..file.find("\n---\n").unwrap() + 1];
        let err = parse::<Fields>(yaml, src("content/a.md", file, 4)).unwrap_err();
        let pos = err.position.unwrap();
        assert!(pos.line >= 3, "{err}");
        assert!(err.message.starts_with("invalid YAML"), "{err}");
    }

    #[test]
    fn unknown_key_gets_did_you_mean() {
        let text = "titel: x\n";
        let err = parse::<Fields>(text, src("site.yaml", text, 0)).unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.position.unwrap().line, 1);
    }

    #[test]
    fn empty_document_is_an_empty_mapping() {
        let err = parse::<Fields>("# only a comment\n", src("a.md", "", 0)).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
    }
}
