//! Located diagnostics: the one error type of every stage.
//!
//! A [`Diagnostic`] names a site-relative file, a 1-based line and column, a
//! message and an optional hint, and carries the offending source line so that
//! it can be printed with a caret without reading the file again. Stages never
//! stop at their first problem: they return every diagnostic they found, and
//! [`sort`] orders them by file and position so that output does not depend on
//! thread scheduling.

use std::fmt::{self, Write as _};
use std::path::Path;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The site cannot be built as it is.
    Error,
    /// The site builds, but something is probably wrong.
    Warning,
}

impl Severity {
    /// The word printed before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in a file: 1-based line and 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub col: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text's end).
    pub fn from_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        Position { line, col }
    }
}

/// One problem found in the site, located in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators (`content/clubs/a.md`).
    pub path: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The text of the line at `position`, for the caret display.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error in `path` with no position yet.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            position: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A warning in `path` with no position yet.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Places the diagnostic at `position` and keeps that line of `text`.
    #[must_use]
    pub fn at(mut self, text: &str, position: Position) -> Self {
        self.source_line = text
            .split('\n')
            .nth(position.line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self.position = Some(position);
        self
    }

    /// Places the diagnostic at byte `offset` of `text`.
    #[must_use]
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let position = Position::from_offset(text, offset);
        self.at(text, position)
    }

    /// Adds a hint saying what to do.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `path:line:col` prefix (or `path` alone when there is no position).
    pub fn location(&self) -> String {
        match self.position {
            Some(p) => format!("{}:{}:{}", self.path, p.line, p.col),
            None => self.path.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, then the source line with a caret
    /// under the column, then `hint: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity.label(),
            self.message
        )?;
        if let (Some(pos), Some(line)) = (self.position, &self.source_line) {
            let number = pos.line.to_string();
            let pad = " ".repeat(number.len());
            let (shown, col) = window(line, pos.col);
            // Tabs stay tabs under the caret so that it lines up in any terminal.
            let mut caret = String::new();
            for c in shown.chars().take(col.saturating_sub(1)) {
                caret.push(if c == '\t' { '\t' } else { ' ' });
            }
            caret.push('^');
            write!(f, "\n{pad} |\n{number} | {shown}\n{pad} | {caret}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Characters of a source line shown under a diagnostic, at most.
const SHOWN_LINE: usize = 120;

/// The part of `line` shown under a diagnostic, and the caret's 1-based
/// column in it: the whole line when it is short, else `SHOWN_LINE`
/// characters around `col` with `…` where it was cut (a minified or
/// generated line can be megabytes long).
fn window(line: &str, col: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= SHOWN_LINE {
        return (line.to_string(), col);
    }
    let start = col
        .saturating_sub(1)
        .saturating_sub(SHOWN_LINE / 2)
        .min(len - SHOWN_LINE);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(SHOWN_LINE));
    if start + SHOWN_LINE < len {
        shown.push('…');
    }
    (shown, col - start + usize::from(start > 0))
}

/// Sorts diagnostics by file, then position, then message: the order in
/// which they are printed, whatever order the threads found them in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, &a.message, a.severity)
            .cmp(&(&b.path, b.position, &b.message, b.severity))
    });
}

/// Prints every diagnostic in the human format, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{d}\n");
    }
    out
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: error: message`, the source line with a caret, the hint.
    Human,
    /// GitHub Actions workflow commands: annotations on the pull request's lines.
    Github,
    /// One JSON object per line.
    Json,
}

/// Escapes a workflow-command message (`%`, CR, LF).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (also `:` and `,`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Prints diagnostics in `format`, one after the other.
pub fn render(diagnostics: &[Diagnostic], format: Format) -> String {
    match format {
        Format::Human => render_all(diagnostics),
        Format::Github => {
            let mut out = String::new();
            for d in diagnostics {
                let mut props = format!("file={}", github_property(&d.path));
                if let Some(p) = d.position {
                    let _ = write!(props, ",line={},col={}", p.line, p.col);
                }
                let mut message = d.message.clone();
                if let Some(hint) = &d.hint {
                    let _ = write!(message, "\nhint: {hint}");
                }
                let _ = writeln!(
                    out,
                    "::{} {props},title=alumni::{}",
                    d.severity.label(),
                    github_data(&message)
                );
            }
            out
        }
        Format::Json => {
            let mut out = String::new();
            for d in diagnostics {
                let value = serde_json::json!({
                    "severity": d.severity.label(),
                    "path": d.path,
                    "line": d.position.map(|p| p.line),
                    "column": d.position.map(|p| p.col),
                    "message": d.message,
                    "hint": d.hint,
                    // Cut like the human format: a minified line can be megabytes.
                    "source_line": d.source_line.as_ref().map(|line| {
                        window(line, d.position.map_or(1, |p| p.col)).0
                    }),
                });
                let _ = writeln!(out, "{value}");
            }
            out
        }
    }
}

/// The site-relative, `/`-separated form of `path` under `root`.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The Levenshtein distance between two short strings, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) + 1)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cuts_a_long_source_line_like_the_human_format() {
        let text = format!("{}X{}\n", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::error("p.md", "here").at_offset(&text, 5000);
        let json = render(&[d], Format::Json);
        let value: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
        let shown = value["source_line"].as_str().unwrap();
        assert_eq!(shown.chars().count(), SHOWN_LINE + 2, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…') && shown.contains('X'));
        assert_eq!(value["column"], 5001);
    }

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "a: 1\ntitre: « é »\n";
        let offset = text.find('é').unwrap();
        assert_eq!(
            Position::from_offset(text, offset),
            Position { line: 2, col: 10 }
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let d = Diagnostic::error("a.md", "m").at(&line, Position { line: 1, col: 1001 });
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines[2].strip_prefix("1 | ").unwrap();
        assert_eq!(source.chars().count(), SHOWN_LINE + 2);
        assert!(source.starts_with('…') && source.ends_with('…'));
        let caret = lines[3].strip_prefix("  | ").unwrap();
        // The caret stands under the `X`.
        assert_eq!(source.chars().nth(caret.len() - 1), Some('X'));
        // At the start of a long line, nothing is cut before.
        let (shown, col) = window(&line, 1);
        assert!(shown.starts_with('a') && shown.ends_with('…'));
        assert_eq!(col, 1);
    }

    #[test]
    fn display_has_location_caret_and_hint() {
        let text = "title: x\ndraft: maybe\n";
        let d = Diagnostic::error("content/a.md", "`draft` must be true or false")
            .at(text, Position { line: 2, col: 8 })
            .with_hint("write `draft: true` or remove the line");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:8: error: `draft` must be true or false\n  |\n2 | draft: maybe\n  |        ^\n  = hint: write `draft: true` or remove the line"
        );
    }

    #[test]
    fn github_and_json_formats() {
        let text = "title: x\ndraft: maybe\n";
        let d = Diagnostic::error("content/a,b.md", "bad: 100%")
            .at(text, Position { line: 2, col: 8 })
            .with_hint("fix it");
        assert_eq!(
            render(std::slice::from_ref(&d), Format::Github),
            "::error file=content/a%2Cb.md,line=2,col=8,title=alumni::bad: 100%25%0Ahint: fix it\n"
        );
        assert_eq!(
            render(&[d], Format::Json),
            "{\"column\":8,\"hint\":\"fix it\",\"line\":2,\"message\":\"bad: 100%\",\"path\":\"content/a,b.md\",\"severity\":\"error\",\"source_line\":\"draft: maybe\"}\n"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["title", "description", "base_url"];
        assert_eq!(did_you_mean("titel", &keys), Some("title"));
        assert_eq!(did_you_mean("baseurl", &keys), Some("base_url"));
        assert_eq!(did_you_mean("colour", &keys), None);
    }

    #[test]
    fn sort_orders_by_file_then_line() {
        let t = "a\nb\nc\n";
        let mut v = vec![
            Diagnostic::error("b.md", "x").at(t, Position { line: 1, col: 1 }),
            Diagnostic::error("a.md", "y").at(t, Position { line: 3, col: 1 }),
            Diagnostic::error("a.md", "z").at(t, Position { line: 2, col: 1 }),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(Diagnostic::location).collect();
        assert_eq!(order, ["a.md:2:1", "a.md:3:1", "b.md:1:1"]);
    }
}
