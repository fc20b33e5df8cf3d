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
    if let Some(offset) = too_deep(yaml) {
        return Err(nested_too_deep(source.path).at_offset(source.file_text, source.start + offset));
    }
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
        return nested_too_deep(source.path).at_offset(source.file_text, offset);
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

fn nested_too_deep(path: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        "invalid YAML: lists or mappings are nested too deep here",
    )
    .with_hint(format!(
        "nest them less deeply (at most {MAX_DEPTH} levels)"
    ))
}

/// How deep the backend lets lists and mappings nest (its own limit: it
/// fails on anything deeper).
const MAX_DEPTH: usize = 128;

/// The offset of the first list or mapping of `yaml` that is surely nested
/// deeper than [`MAX_DEPTH`]. The backend fails there too, but only after
/// time quadratic in the depth (front matter nested 100,000 deep took 39 s);
/// this is one pass.
///
/// It counts what surely opens a level: a `[` or `{` outside quotes and
/// comments in flow context or where a value starts, each `- ` or `? ` that
/// starts a line's content, a `key:` before a value on its line; it skips
/// the text of block scalars (`|`, `>`). It may count fewer levels than the
/// backend does (then the backend judges), never more.
fn too_deep(yaml: &str) -> Option<usize> {
    let b = yaml.as_bytes();
    let space = |at: usize| {
        b.get(at)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
    };
    // Open flow collections, the block levels around them, and the quote
    // being read; all may run over several lines.
    let (mut flow, mut base, mut quote) = (0usize, 0usize, None::<u8>);
    // Inside a block scalar: lines indented more than this are its text.
    let mut block_text: Option<usize> = None;
    let mut line_start = 0;
    while line_start < b.len() {
        let line_end = yaml[line_start..]
            .find('\n')
            .map_or(b.len(), |i| line_start + i);
        let indent = b[line_start..line_end]
            .iter()
            .take_while(|&&c| c == b' ')
            .count();
        let mut at = line_start + indent;
        if let Some(parent) = block_text {
            if at >= line_end || b[at] == b'\r' || indent > parent {
                line_start = line_end + 1;
                continue;
            }
            block_text = None;
        }
        // Block levels counted on this line, and the column of the last
        // key or entry (a block scalar's text is indented more than it).
        let (mut level, mut column) = (0, indent);
        // Whether a token starts here (a quote there opens a quoted scalar).
        let mut token_start = true;
        while at < line_end {
            let c = b[at];
            if let Some(q) = quote {
                // Inside quotes: `\"` escapes in double quotes, `''` in single ones.
                match c {
                    b'\\' if q == b'"' => at += 1,
                    _ if c == q && q == b'\'' && b.get(at + 1) == Some(&b'\'') => at += 1,
                    _ if c == q => {
                        quote = None;
                        token_start = false;
                    }
                    _ => {}
                }
                at += 1;
                continue;
            }
            if c == b'#' && (at == line_start || space(at - 1)) {
                break;
            }
            if flow > 0 {
                match c {
                    b'[' | b'{' => {
                        flow += 1;
                        if base + flow > MAX_DEPTH {
                            return Some(at);
                        }
                    }
                    b']' | b'}' => flow -= 1,
                    b'"' | b'\'' if token_start => quote = Some(c),
                    _ => {}
                }
                token_start =
                    matches!(c, b'[' | b'{' | b',' | b':' | b'?') || (token_start && space(at));
                at += 1;
                if flow == 0 {
                    // What follows the collection on its line is not read.
                    break;
                }
                continue;
            }
            // Block context, where a node starts.
            match c {
                b' ' => at += 1,
                b'-' | b'?' if space(at + 1) => {
                    level += 1;
                    if level > MAX_DEPTH {
                        return Some(at);
                    }
                    column = at - line_start;
                    at += 1;
                }
                b'[' | b'{' => {
                    if level + 1 > MAX_DEPTH {
                        return Some(at);
                    }
                    (flow, base, token_start) = (1, level, true);
                    at += 1;
                }
                b'|' | b'>' => {
                    block_text = Some(column);
                    break;
                }
                b'&' | b'!' => {
                    // An anchor or a tag before the node.
                    while at < line_end && !space(at) {
                        at += 1;
                    }
                }
                b'"' | b'\'' => {
                    quote = Some(c);
                    at += 1;
                }
                _ => {
                    // A key, when `: ` follows on the line; else a scalar.
                    let rest = &yaml[at..line_end];
                    let key = rest
                        .find(": ")
                        .or_else(|| {
                            rest.trim_end()
                                .ends_with(':')
                                .then(|| rest.trim_end().len() - 1)
                        })
                        .filter(|&k| !rest[..k].contains(" #"));
                    let Some(k) = key else { break };
                    level += 1;
                    column = at - line_start;
                    at += k + 1;
                }
            }
        }
        line_start = line_end + 1;
    }
    None
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

    #[test]
    fn nesting_past_the_limit_is_found_in_one_pass_where_the_backend_fails() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("z: {}{}\n", open.repeat(n), close.repeat(n))
        };
        // The root mapping is a level: the 128th `[` is the 129th level.
        let yaml = deep("[", "]", 100_000);
        assert_eq!(too_deep(&yaml), Some(3 + 127));
        assert_eq!(too_deep(&deep("{a: ", "}", 200)), Some(3 + 4 * 127));
        assert_eq!(too_deep(&format!("{}x\n", "- ".repeat(200))), Some(2 * 128));
        assert_eq!(
            too_deep(&format!(
                "{}x\n",
                "- ".repeat(60) + "k: " + &"[".repeat(100)
            )),
            Some(60 * 2 + 3 + 67)
        );
        for lead in ["z: &a ", "z: !!seq ", "\"z\": ", "- z:\n    ", "z:\n  - "] {
            let yaml = format!("{lead}{}\n", "[".repeat(300));
            assert!(too_deep(&yaml).is_some(), "{yaml:.40}");
        }
        // Whatever it finds, the backend refuses too; what the backend takes, it takes.
        for n in 120..=135 {
            for yaml in [
                deep("[", "]", n),
                deep("{a: ", "}", n),
                format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
                format!("{}x\n", "- ".repeat(n)),
                format!("{}x\n", "? ".repeat(n)),
                format!("a:\n  b:\n    - {}x{}\n", "[".repeat(n), "]".repeat(n)),
            ] {
                let refused = backend::from_str::<Value>(&yaml).is_err();
                assert!(too_deep(&yaml).is_none() || refused, "{yaml:.60}");
            }
        }
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let brackets = "[".repeat(300);
        for yaml in [
            format!("title: \"{brackets}\"\n"),
            format!("title: '{brackets}'\n"),
            format!("title: l'été {brackets}\n"),
            format!("title: x # {brackets}\n"),
            format!("# {brackets}\ntitle: x\n"),
            format!("description: |\n  {brackets}\n  {brackets}\ntitle: x\n"),
            format!("- k: >-\n    {brackets}\n- j\n"),
            format!("tags: [\"a]\", 'b''{brackets}', c]\n"),
            format!("title: \"a\n  {brackets}\"\n"),
        ] {
            assert_eq!(too_deep(&yaml), None, "{yaml:.60}");
        }
    }
}
