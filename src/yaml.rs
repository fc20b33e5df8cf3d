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
    result.map_err(|err| to_diagnostic(&err, yaml, source))
}

/// Converts an already parsed value into `T`; the error message is the backend's.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    backend::from_value(value).map_err(|e| explain(&e.to_string()).0)
}

/// Strings, numbers and booleans all read as text: `title: 2026` is a fine title.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a person would name it in a message: "the text `x`", "a list".
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(_) => "a tagged value".to_string(),
    }
}

/// Serialises a value back to YAML text (used to write new pages).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain maps and strings cannot fail.
    backend::to_string(value).unwrap_or_default()
}

/// Byte offset of 1-based `line` and `col` (in characters) in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let rest = &text[start..];
    Some(
        start
            + rest
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(rest.len(), |(i, _)| i),
    )
}

/// Reads "L column C" at the start of `s`.
fn line_col(s: &str) -> Option<(usize, usize)> {
    let (line, rest) = s.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

fn to_diagnostic(err: &backend::Error, yaml: &str, source: Source<'_>) -> Diagnostic {
    let full = err.to_string();
    // The backend writes "PROBLEM at line L column C, while parsing THING at
    // line L column C". An unclosed list, mapping or quote is best shown where
    // it opens; anything else where the parser stopped.
    let (problem, context) = match full.split_once(", while ") {
        Some((p, c)) => (p, Some(c)),
        None => (full.as_str(), None),
    };
    let problem = problem
        .split(" at line ")
        .next()
        .unwrap_or(problem)
        .to_string();
    let mut offset = err
        .location()
        .map_or(source.start, |l| source.start + l.index());
    let mut unclosed = None;
    if let Some(context) = context {
        let (thing, at) = context.split_once(" at line ").unwrap_or((context, ""));
        let opener = [
            ("flow sequence", "["),
            ("flow mapping", "{"),
            ("quoted scalar", "quote"),
        ]
        .into_iter()
        .find(|(name, _)| thing.ends_with(name));
        if let (Some((_, opener)), Some((line, col))) = (opener, line_col(at)) {
            if let Some(o) = offset_of(yaml, line, col) {
                offset = source.start + o;
                unclosed = Some(opener);
            }
        }
    }
    if unclosed.is_none() {
        if let Some(tab) = indenting_tab(source.file_text, offset) {
            return Diagnostic::error(source.path, "invalid YAML: a tab indents this line")
                .at_offset(source.file_text, tab)
                .with_hint("indent YAML with spaces, never tabs");
        }
    }
    if problem.contains("repetition limit exceeded") {
        // A "billion laughs": anchors that expand to gigabytes through aliases.
        let at = first_alias(yaml).map_or(offset, |o| source.start + o);
        return Diagnostic::error(
            source.path,
            "invalid YAML: its aliases (`*name`) repeat too much data",
        )
        .at_offset(source.file_text, at)
        .with_hint("write the values out instead of repeating them with `&anchor` and `*alias`");
    }
    if problem.contains("recursion limit exceeded") {
        return Diagnostic::error(
            source.path,
            "invalid YAML: lists or mappings are nested too deep here",
        )
        .at_offset(source.file_text, offset)
        .with_hint("nest them less deeply (at most 128 levels)");
    }
    let (message, hint) = match unclosed {
        Some("quote") => (
            "invalid YAML: this quoted text is never closed".to_string(),
            Some("add the closing quote at the end of the value".to_string()),
        ),
        Some(bracket) => (
            format!("invalid YAML: this `{bracket}` is never closed"),
            Some(format!(
                "close it with `{}` on the same line, or put the whole value in quotes if the `{bracket}` is part of the text",
                if bracket == "[" { "]" } else { "}" }
            )),
        ),
        _ => explain(&problem),
    };
    let mut d = Diagnostic::error(source.path, message).at_offset(source.file_text, offset);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// The offset of the first tab in the indentation of the line holding
/// `offset`, when the error is within that indentation or right after it.
fn indenting_tab(text: &str, offset: usize) -> Option<usize> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if offset > line_start + indent {
        return None;
    }
    line[..indent].find('\t').map(|i| line_start + i)
}

/// The offset of the first alias (`*name`) in `yaml`.
fn first_alias(yaml: &str) -> Option<usize> {
    let bytes = yaml.as_bytes();
    (1..bytes.len())
        .find(|&i| {
            bytes[i - 1] == b'*'
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                && (i == 1 || matches!(bytes[i - 2], b' ' | b'[' | b',' | b'\n' | b'-' | b':'))
        })
        .map(|i| i - 1)
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
    if let Some((place, rest)) = message
        .split_once("invalid type: ")
        .or_else(|| message.split_once("invalid value: "))
    {
        let place = place.trim_end_matches(": ");
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let subject = if place.is_empty() {
            "this value".to_string()
        } else {
            format!("`{place}`")
        };
        return (
            format!("{subject} must be {expected}"),
            Some(format!("found {found}")),
        );
    }
    if message.contains("tab character") {
        return (
            format!("invalid YAML: {message}"),
            Some("indent YAML with spaces, never tabs".to_string()),
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
        let file = "---\ntitle: ok\ndescription: [unclosed\ndate: 2026-01-01\n---\nbody\n";
        let yaml = &file[4..=file.find("\n---\n").unwrap()];
        let err = parse::<Value>(yaml, src("content/a.md", file, 4)).unwrap_err();
        assert_eq!(err.location(), "content/a.md:3:14");
        assert_eq!(err.message, "invalid YAML: this `[` is never closed");
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
