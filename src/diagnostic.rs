//! Located diagnostics: the one error type of every stage.
//!
//! A [`Diagnostic`] names a site-relative file, a 1-based line and column, a
//! message and an optional hint, and carries the part of the offending line
//! that is shown under it (at most 120 characters around the
//! caret, cut when it is made, so that a thousand mistakes on a megabyte line
//! cost kilobytes, not gigabytes), so that it can be printed without reading
//! the file again. Stages never stop at their first problem: they return
//! every diagnostic they found, and [`sort`] orders them by file and position
//! so that output does not depend on thread scheduling, and keeps at most
//! [`MAX_PER_FILE`] of each file, so that a page written to fail ten
//! thousand times prints one screen, not megabytes of annotations.

use std::fmt::{self, Write as _};
use std::path::Path;

use crate::i18n::{Lang, Text};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The site cannot be built as it is.
    Error,
    /// The site builds, but something is probably wrong.
    Warning,
    /// Worth knowing, never wrong (a page not translated where translations
    /// are optional): printed, never counted as a problem, even by `--strict`.
    Info,
}

impl Severity {
    /// The word printed before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The word printed before the message for a person reading `lang`.
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::Fr) => "erreur",
            (Severity::Warning, Lang::Fr) => "avertissement",
            (Severity::Info, Lang::En) => "info",
            (Severity::Info, Lang::Fr) => "information",
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
        let offset = floor_char_boundary(text, offset);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: newlines(&text[..line_start]) + 1,
            col: text[line_start..offset].chars().count() + 1,
        }
    }
}

/// `offset` clamped to `text` and moved back to a character's start.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line breaks in `text`, eight bytes at a time: every diagnostic made with
/// [`Diagnostic::at_offset`] counts those before it.
fn newlines(text: &str) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let in_word = |bytes: &[u8]| {
        // Zero padding is no line break.
        let mut word = [0; 8];
        word[..bytes.len()].copy_from_slice(bytes);
        // Bytes equal to `\n` become zero; a zero byte, and only a zero
        // byte, keeps its high bit clear in `(x & !HIGH) + !HIGH | x`.
        let x = u64::from_ne_bytes(word) ^ (ONES * u64::from(b'\n'));
        (!(((x & !HIGH) + !HIGH) | x) & HIGH).count_ones() as usize
    };
    let mut chunks = text.as_bytes().chunks_exact(8);
    let n: usize = chunks.by_ref().map(in_word).sum();
    n + in_word(chunks.remainder())
}

/// The excerpt for a caret at byte `offset` of `text`, on the line that
/// starts at `line_start`, after `before` characters of it, at column `col`.
/// Reads the line no further than the excerpt can reach: a megabyte line
/// with a thousand mistakes is not read a thousand times to its end.
fn excerpt_at(text: &str, line_start: usize, offset: usize, before: usize, col: usize) -> Excerpt {
    let mut end = text.len();
    let mut at_line_end = true;
    for (n, (i, c)) in text[offset..].char_indices().enumerate() {
        if c == '\n' {
            end = offset + i;
            break;
        }
        if n > SHOWN_LINE + 1 {
            end = offset + i;
            at_line_end = false;
            break;
        }
    }
    let mut line = &text[line_start..end];
    if at_line_end {
        // Without the `\r` an editor does not show.
        line = line.trim_end_matches('\r');
    }
    let in_line = offset - line_start;
    // An offset on a trailing `\r` stands past the shown line; the
    // characters skipped are `\r`, one byte each.
    let caret_byte = in_line.min(line.len());
    Excerpt::new(line, caret_byte, before - (in_line - caret_byte), col)
}

/// Places diagnostics in one text, in time linear in the text when their
/// offsets come in order (as a stage reading a file from its start finds
/// its problems), where each [`Diagnostic::at_offset`] counts the lines
/// before it again: 50,000 unknown keys in one front matter took minutes.
#[derive(Debug)]
pub struct Locator<'a> {
    text: &'a str,
    /// The last offset placed, the start of its line, its line number and
    /// the characters between the two.
    at: usize,
    line_start: usize,
    line: usize,
    before: usize,
}

impl<'a> Locator<'a> {
    /// A locator for `text`.
    pub fn new(text: &'a str) -> Self {
        Locator {
            text,
            at: 0,
            line_start: 0,
            line: 1,
            before: 0,
        }
    }

    /// `d` placed at byte `offset` of the text, as [`Diagnostic::at_offset`] does.
    pub fn at(&mut self, mut d: Diagnostic, offset: usize) -> Diagnostic {
        let offset = floor_char_boundary(self.text, offset);
        if offset < self.at {
            // Out of order: count from the start again.
            *self = Locator::new(self.text);
        }
        let between = &self.text[self.at..offset];
        match between.rfind('\n') {
            Some(i) => {
                // Not past the last line break: the rest may be a megabyte line.
                self.line += newlines(&between[..=i]);
                self.line_start = self.at + i + 1;
                self.before = self.text[self.line_start..offset].chars().count();
            }
            None => self.before += between.chars().count(),
        }
        self.at = offset;
        let col = self.before + 1;
        d.position = Some(Position {
            line: self.line,
            col,
        });
        d.excerpt = Some(excerpt_at(
            self.text,
            self.line_start,
            offset,
            self.before,
            col,
        ));
        d
    }
}

/// The part of a source line shown under a diagnostic, with the caret's
/// place in it: the whole line when it is short, else `SHOWN_LINE`
/// characters around the caret with `…` where it was cut (a minified or
/// generated line can be megabytes long).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Excerpt {
    text: String,
    /// The caret's 1-based column in `text`.
    caret: usize,
}

impl Excerpt {
    /// The excerpt of `line` for a caret at column `col`, which stands at
    /// `caret_byte`, after `before` characters (`col - 1`, unless the caret
    /// is past the line's end). Reads at most a few times `SHOWN_LINE`
    /// characters of the line, however long it is.
    fn new(line: &str, caret_byte: usize, before: usize, col: usize) -> Self {
        // Characters after the caret, counted as far as they can matter.
        let after = line[caret_byte..].chars().take(SHOWN_LINE + 1).count();
        if before + after <= SHOWN_LINE {
            return Excerpt {
                text: line.to_string(),
                caret: col,
            };
        }
        // When `after` was cut short, the line is long enough for the first
        // bound to be the smaller one: the result is that of the whole length.
        let start = col
            .saturating_sub(1)
            .saturating_sub(SHOWN_LINE / 2)
            .min(before + after - SHOWN_LINE);
        let start_byte = match before - start {
            0 => caret_byte,
            back => line[..caret_byte]
                .char_indices()
                .nth_back(back - 1)
                .map_or(0, |(i, _)| i),
        };
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        let mut rest = line[start_byte..].chars();
        text.extend(rest.by_ref().take(SHOWN_LINE));
        if rest.next().is_some() {
            text.push('…');
        }
        Excerpt {
            text,
            caret: col - start + usize::from(start > 0),
        }
    }
}

/// The problems of one file that [`sort`] left out, which a summary
/// diagnostic stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Hidden {
    errors: usize,
    warnings: usize,
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
    /// What is wrong, in one sentence, in English and French.
    pub message: Text,
    /// What to do about it, in English and French.
    pub hint: Option<Text>,
    /// What is shown of the line at `position`.
    excerpt: Option<Excerpt>,
    /// For the summary that ends a file's list: the problems left out.
    hidden: Option<Hidden>,
}

impl Diagnostic {
    /// An error that is in no file: a command-line argument, a folder that
    /// is missing or cannot be read. Printed `alumni: error: ...`, without a
    /// `file` for GitHub annotations and with `"path": null` in JSON, so that
    /// no word of the message is taken for a file name.
    pub fn general(message: impl Into<Text>) -> Self {
        Diagnostic::error("", message)
    }

    /// Whether the diagnostic is about a file (see [`Diagnostic::general`]).
    pub fn in_file(&self) -> bool {
        !self.path.is_empty()
    }

    /// An error in `path` with no position yet.
    pub fn error(path: impl Into<String>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            position: None,
            message: message.into(),
            hint: None,
            excerpt: None,
            hidden: None,
        }
    }

    /// A warning in `path` with no position yet.
    pub fn warning(path: impl Into<String>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// A piece of information about `path` with no position yet: printed,
    /// never counted as a problem.
    pub fn info(path: impl Into<String>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Info,
            ..Diagnostic::error(path, message)
        }
    }

    /// Places the diagnostic at `position` and keeps what is shown of that line of `text`.
    #[must_use]
    pub fn at(mut self, text: &str, position: Position) -> Self {
        let line_start = match position.line {
            0 | 1 => Some(0),
            n => text.match_indices('\n').nth(n - 2).map(|(i, _)| i + 1),
        };
        self.excerpt = line_start.map(|start| {
            let rest = &text[start..];
            let line = rest[..rest.find('\n').unwrap_or(rest.len())].trim_end_matches('\r');
            let (byte, before) = line
                .char_indices()
                .enumerate()
                .nth(position.col.saturating_sub(1))
                .map_or_else(|| (line.len(), line.chars().count()), |(n, (i, _))| (i, n));
            excerpt_at(text, start, start + byte, before, position.col)
        });
        self.position = Some(position);
        self
    }

    /// Places the diagnostic at byte `offset` of `text`.
    #[must_use]
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        Locator::new(text).at(self, offset)
    }

    /// Adds a hint saying what to do.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<Text>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `path:line:col` prefix (or `path` alone when there is no
    /// position; the program's name for a diagnostic in no file).
    pub fn location(&self) -> String {
        if !self.in_file() {
            return "alumni".to_string();
        }
        match self.position {
            Some(p) => format!("{}:{}:{}", self.path, p.line, p.col),
            None => self.path.clone(),
        }
    }

    /// What is shown of the source line (at most 120 characters,
    /// with `…` where it was cut) and the caret's 1-based column in it.
    pub fn source_line(&self) -> Option<(&str, usize)> {
        self.excerpt.as_ref().map(|e| (e.text.as_str(), e.caret))
    }
}

impl Diagnostic {
    /// The diagnostic printed for a person reading `lang`: the
    /// [`fmt::Display`] format with the message, hint and words in that language.
    pub fn display(&self, lang: Lang) -> impl fmt::Display + '_ {
        Shown { d: self, lang }
    }
}

/// A [`Diagnostic`] printed in one language.
struct Shown<'a> {
    d: &'a Diagnostic,
    lang: Lang,
}

/// A writer that shows the control characters of what it is given instead
/// of sending them: a contributor's line holding `ESC [ 2 K` would otherwise
/// erase or recolour what a maintainer's terminal or a CI log shows (a
/// forged "0 errors"), and a bidirectional override would reorder it.
/// Each becomes one visible character, so carets stay in their column.
struct Visible<'a, 'b>(&'a mut fmt::Formatter<'b>);

/// The visible stand-in for `c`, or `None` when it is printed as it is.
fn visible(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        // U+2400..U+241F, the control pictures, and U+2421 for DEL.
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

impl fmt::Write for Visible<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if !text.chars().any(|c| visible(c).is_some()) {
            return self.0.write_str(text);
        }
        for c in text.chars() {
            self.0.write_char(visible(c).unwrap_or(c))?;
        }
        Ok(())
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let d = self.d;
        let f = &mut Visible(f);
        write!(
            f,
            "{}: {}{} {}",
            d.location(),
            d.severity.word(self.lang),
            colon(self.lang),
            d.message.get(self.lang)
        )?;
        if let (Some(pos), Some((shown, col))) = (d.position, d.source_line()) {
            let number = pos.line.to_string();
            let pad = " ".repeat(number.len());
            // Tabs stay tabs under the caret so that it lines up in any terminal.
            let mut caret = String::new();
            for c in shown.chars().take(col.saturating_sub(1)) {
                caret.push(if c == '\t' { '\t' } else { ' ' });
            }
            caret.push('^');
            write!(f, "\n{pad} |\n{number} | {shown}\n{pad} | {caret}")?;
        }
        if let Some(hint) = &d.hint {
            write!(
                f,
                "\n  = {}{} {}",
                hint_word(self.lang),
                colon(self.lang),
                hint.get(self.lang)
            )?;
        }
        Ok(())
    }
}

/// The colon after a word, as `lang` writes it: French puts a space before.
/// (The one after `path:line:col` is the location's, which editors read.)
fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ":",
        Lang::Fr => " :",
    }
}

/// The word before a hint.
fn hint_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "hint",
        Lang::Fr => "conseil",
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, then the source line with a caret
    /// under the column, then `hint: ...`, in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display(Lang::En).fmt(f)
    }
}

/// Characters of a source line shown under a diagnostic, at most.
const SHOWN_LINE: usize = 120;

/// Diagnostics printed per file, at most; one more says how many were left out.
/// Fifty fill a screen or two; a page with thousands of mistakes (written on
/// purpose, or generated) would otherwise print megabytes, and annotate a
/// pull request thousands of times.
pub const MAX_PER_FILE: usize = 50;

/// `49950` as `49,950` in English, `49 950` in French (with a narrow
/// no-break space).
fn thousands(n: usize, lang: Lang) -> String {
    let separator = match lang {
        Lang::En => ',',
        Lang::Fr => '\u{202F}',
    };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

impl Diagnostic {
    /// A summary standing for `errors` and `warnings` of `path` that a stage
    /// did not make into diagnostics (locating each would cost a pass over
    /// the file), from `offset` of `text` on. [`sort`] merges it with the
    /// summary of what it leaves out itself, so the count printed is the
    /// file's whole.
    pub fn left_out(path: &str, text: &str, offset: usize, errors: usize, warnings: usize) -> Self {
        summary(
            path.to_string(),
            Hidden { errors, warnings },
            Some(Position::from_offset(text, offset)),
        )
    }
}

/// The diagnostic that ends the list of `path`, standing for `hidden`
/// problems from `from` on.
fn summary(path: String, hidden: Hidden, from: Option<Position>) -> Diagnostic {
    let n = hidden.errors + hidden.warnings;
    let severity = if hidden.errors > 0 {
        Severity::Error
    } else {
        Severity::Warning
    };
    Diagnostic {
        severity,
        path,
        position: from,
        message: Text::new(
            format!(
                "… and {} more problem{} in this file",
                thousands(n, Lang::En),
                if n == 1 { "" } else { "s" }
            ),
            format!(
                "… et {} problème{} de plus dans ce fichier",
                thousands(n, Lang::Fr),
                if n == 1 { "" } else { "s" }
            ),
        ),
        hint: Some(tr!(
            "each run shows the first {MAX_PER_FILE} problems of a file: fix them and run again to see the next ones",
            "chaque passage montre les {MAX_PER_FILE} premiers problèmes d'un fichier : corrigez-les et relancez pour voir les suivants"
        )),
        excerpt: None,
        hidden: Some(hidden),
    }
}

/// Sorts diagnostics by file, then position, then message: the order in
/// which they are printed, whatever order the threads found them in. Drops
/// duplicates, and keeps the first [`MAX_PER_FILE`] of each file, followed
/// by one diagnostic saying how many more there are (at the first one left
/// out).
///
/// Sorting a list again keeps its summaries: when lists already cut are
/// merged (`check` judges the site twice, with and without scheduled pages,
/// and both runs mostly find the same problems), a file's summary stands for
/// the larger of their counts plus whatever the merge itself leaves out.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, &a.message, a.severity, &a.hint)
            .cmp(&(&b.path, b.position, &b.message, b.severity, &b.hint))
    });
    diagnostics.dedup();
    let all = std::mem::take(diagnostics);
    let mut all = all.into_iter().peekable();
    while let Some(path) = all.peek().map(|d| d.path.clone()) {
        let (mut kept, mut cut, mut earlier) = (0, Hidden::default(), Hidden::default());
        let mut from: Option<Option<Position>> = None;
        while let Some(d) = all.next_if(|d| d.path == path) {
            if let Some(h) = d.hidden {
                earlier.errors = earlier.errors.max(h.errors);
                earlier.warnings = earlier.warnings.max(h.warnings);
                from = Some(from.map_or(d.position, |f| f.min(d.position)));
            } else if d.severity == Severity::Info {
                // Information fails nothing, so it never takes the place of
                // a problem the author must see.
                diagnostics.push(d);
            } else if kept < MAX_PER_FILE {
                kept += 1;
                diagnostics.push(d);
            } else {
                // In order: the first one left out is where the summary points.
                from = Some(from.map_or(d.position, |f| f.min(d.position)));
                match d.severity {
                    Severity::Error => cut.errors += 1,
                    Severity::Warning => cut.warnings += 1,
                    Severity::Info => {}
                }
            }
        }
        if let Some(from) = from {
            let hidden = Hidden {
                errors: cut.errors + earlier.errors,
                warnings: cut.warnings + earlier.warnings,
            };
            diagnostics.push(summary(path, hidden, from));
        }
    }
}

/// How many errors and warnings `diagnostics` report, counting those a
/// summary of [`sort`] stands for.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    diagnostics
        .iter()
        .fold((0, 0), |(errors, warnings), d| match d.hidden {
            Some(h) => (errors + h.errors, warnings + h.warnings),
            None => match d.severity {
                Severity::Error => (errors + 1, warnings),
                Severity::Warning => (errors, warnings + 1),
                Severity::Info => (errors, warnings),
            },
        })
}

/// Prints every diagnostic in the human format for a person reading
/// `lang`, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{}\n", d.display(lang));
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
    // The log that shows it reads ANSI sequences too: controls made visible.
    let text: String = text.chars().map(|c| visible(c).unwrap_or(c)).collect();
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (also `:` and `,`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Prints diagnostics in `format`, one after the other, in `lang`.
pub fn render(diagnostics: &[Diagnostic], format: Format, lang: Lang) -> String {
    match format {
        Format::Human => render_all(diagnostics, lang),
        Format::Github => {
            let mut out = String::new();
            for d in diagnostics {
                let mut props = String::new();
                if d.in_file() {
                    let _ = write!(props, "file={},", github_property(&d.path));
                    if let Some(p) = d.position {
                        let _ = write!(props, "line={},col={},", p.line, p.col);
                    }
                }
                let mut message = d.message.get(lang).to_string();
                if let Some(hint) = &d.hint {
                    let _ = write!(
                        message,
                        "\n{}{} {}",
                        hint_word(lang),
                        colon(lang),
                        hint.get(lang)
                    );
                }
                let _ = writeln!(
                    out,
                    "::{} {props}title=alumni::{}",
                    // GitHub's three levels: error, warning, notice.
                    match d.severity {
                        Severity::Info => "notice",
                        other => other.label(),
                    },
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
                    "path": d.in_file().then_some(&d.path),
                    "line": d.position.map(|p| p.line),
                    "column": d.position.map(|p| p.col),
                    "message": d.message.get(lang),
                    "hint": d.hint.as_ref().map(|h| h.get(lang)),
                    // Cut like the human format: a minified line can be megabytes.
                    "source_line": d.source_line().map(|(shown, _)| shown),
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

/// The Levenshtein distance between two short words, in characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    candidates
        .iter()
        .filter_map(|c| {
            let chars: Vec<char> = c.chars().collect();
            let limit = (chars.len() / 3).max(1) + 1;
            // The distance is at least the difference in length: a long
            // word (a hostile page's ten-kilobyte key) costs nothing here.
            if word.len().abs_diff(chars.len()) > limit {
                return None;
            }
            let d = edit_distance(&word, &chars);
            (d <= limit).then_some((d, *c))
        })
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cuts_a_long_source_line_like_the_human_format() {
        let text = format!("{}X{}\n", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::error("p.md", tr!("here", "here")).at_offset(&text, 5000);
        let json = render(&[d], Format::Json, Lang::En);
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
        let d = Diagnostic::error("a.md", tr!("m", "m")).at(&line, Position { line: 1, col: 1001 });
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines[2].strip_prefix("1 | ").unwrap();
        assert_eq!(source.chars().count(), SHOWN_LINE + 2);
        assert!(source.starts_with('…') && source.ends_with('…'));
        let caret = lines[3].strip_prefix("  | ").unwrap();
        // The caret stands under the `X`.
        assert_eq!(source.chars().nth(caret.len() - 1), Some('X'));
        // At the start of a long line, nothing is cut before.
        let d = Diagnostic::error("a.md", tr!("m", "m")).at(&line, Position { line: 1, col: 1 });
        let (shown, col) = d.source_line().unwrap();
        assert!(shown.starts_with('a') && shown.ends_with('…'));
        assert_eq!(col, 1);
    }

    #[test]
    fn display_has_location_caret_and_hint() {
        let text = "title: x\ndraft: maybe\n";
        let d = Diagnostic::error(
            "content/a.md",
            tr!(
                "`draft` must be true or false",
                "`draft` doit valoir true ou false"
            ),
        )
        .at(text, Position { line: 2, col: 8 })
        .with_hint(tr!(
            "write `draft: true` or remove the line",
            "écrivez `draft: true` ou supprimez la ligne"
        ));
        assert_eq!(
            d.to_string(),
            "content/a.md:2:8: error: `draft` must be true or false\n  |\n2 | draft: maybe\n  |        ^\n  = hint: write `draft: true` or remove the line"
        );
        assert_eq!(
            d.display(Lang::Fr).to_string(),
            "content/a.md:2:8: erreur : `draft` doit valoir true ou false\n  |\n2 | draft: maybe\n  |        ^\n  = conseil : écrivez `draft: true` ou supprimez la ligne"
        );
    }

    #[test]
    fn github_and_json_formats() {
        let text = "title: x\ndraft: maybe\n";
        let d = Diagnostic::error("content/a,b.md", tr!("bad: 100%", "faux : 100 %"))
            .at(text, Position { line: 2, col: 8 })
            .with_hint(tr!("fix it", "corrigez"));
        assert_eq!(
            render(std::slice::from_ref(&d), Format::Github, Lang::En),
            "::error file=content/a%2Cb.md,line=2,col=8,title=alumni::bad: 100%25%0Ahint: fix it\n"
        );
        assert_eq!(
            render(std::slice::from_ref(&d), Format::Github, Lang::Fr),
            "::error file=content/a%2Cb.md,line=2,col=8,title=alumni::faux : 100 %25%0Aconseil : corrigez\n"
        );
        assert_eq!(
            render(&[d], Format::Json, Lang::Fr),
            "{\"column\":8,\"hint\":\"corrigez\",\"line\":2,\"message\":\"faux : 100 %\",\"path\":\"content/a,b.md\",\"severity\":\"error\",\"source_line\":\"draft: maybe\"}\n"
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
            Diagnostic::error("b.md", tr!("x", "x")).at(t, Position { line: 1, col: 1 }),
            Diagnostic::error("a.md", tr!("y", "y")).at(t, Position { line: 3, col: 1 }),
            Diagnostic::error("a.md", tr!("z", "z")).at(t, Position { line: 2, col: 1 }),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(Diagnostic::location).collect();
        assert_eq!(order, ["a.md:2:1", "a.md:3:1", "b.md:1:1"]);
    }

    /// What the human format showed before excerpts were cut when made:
    /// the whole line, cut around the caret when longer than `SHOWN_LINE`.
    fn shown_from_whole_line(line: &str, col: usize) -> (String, usize) {
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

    #[test]
    fn excerpts_cut_when_made_show_what_the_whole_line_showed() {
        let lines = [
            String::new(),
            "court".to_string(),
            "é".repeat(120),
            "é".repeat(121),
            format!("{}«X»{}", "a".repeat(59), "b".repeat(59)),
            format!("{}X{}", "€".repeat(300), "b".repeat(300)),
            format!("{}\r\r", "x".repeat(200)),
            "y".repeat(5000),
        ];
        for line in &lines {
            let text = format!("avant\n{line}\naprès");
            let start = text.find('\n').unwrap() + 1;
            let len = line.chars().count();
            for col in [
                1,
                2,
                59,
                60,
                61,
                62,
                119,
                120,
                121,
                122,
                180,
                len - len.min(3),
                len,
                len + 1,
                len + 5,
            ] {
                let col = col.max(1);
                let expected = shown_from_whole_line(line.trim_end_matches('\r'), col);
                let d =
                    Diagnostic::error("a.md", tr!("m", "m")).at(&text, Position { line: 2, col });
                let (shown, caret) = d.source_line().unwrap();
                assert_eq!(
                    (shown.to_string(), caret),
                    expected,
                    "line of {len}, column {col}"
                );
                if col <= len + 1 {
                    let offset = start
                        + line
                            .char_indices()
                            .nth(col - 1)
                            .map_or(line.len(), |(i, _)| i);
                    let d = Diagnostic::error("a.md", tr!("m", "m")).at_offset(&text, offset);
                    assert_eq!(d.position, Some(Position { line: 2, col }));
                    let (shown, caret) = d.source_line().unwrap();
                    assert_eq!(
                        (shown.to_string(), caret),
                        expected,
                        "offset, line of {len}, column {col}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_locator_places_like_at_offset_in_any_order() {
        let text = format!(
            "a: 1\n{}\nclé: « x »\n\n{}fin",
            "z".repeat(400),
            "é".repeat(300)
        );
        let mut offsets: Vec<usize> = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(7)
            .collect();
        offsets.push(text.len());
        offsets.extend([3, 0, 500, 2]);
        let mut locator = Locator::new(&text);
        for offset in offsets {
            let expected = Diagnostic::error("a.md", tr!("m", "m")).at_offset(&text, offset);
            assert_eq!(
                expected.position,
                Some(Position::from_offset(&text, offset))
            );
            assert_eq!(
                locator.at(Diagnostic::error("a.md", tr!("m", "m")), offset),
                expected,
                "at {offset}"
            );
        }
    }

    fn many(path: &str, n: usize, make: fn(&str, Text) -> Diagnostic) -> Vec<Diagnostic> {
        let text = "x\n".repeat(n);
        (0..n)
            .map(|i| {
                make(path, tr!("problem {i:04}", "problème {i:04}")).at(
                    &text,
                    Position {
                        line: i + 1,
                        col: 1,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn each_file_keeps_its_first_fifty_problems_and_says_how_many_more() {
        let mut list = many("a.md", 1234, |p, m| Diagnostic::error(p, m));
        list.extend(many("b.md", 3, |p, m| Diagnostic::warning(p, m)));
        list.reverse();
        sort(&mut list);
        assert_eq!(list.len(), MAX_PER_FILE + 1 + 3);
        let summary = &list[MAX_PER_FILE];
        assert_eq!(
            summary.to_string(),
            "a.md:51:1: error: … and 1,184 more problems in this file\n  = hint: each run shows the first 50 problems of a file: fix them and run again to see the next ones"
        );
        assert_eq!(list[MAX_PER_FILE - 1].message, "problem 0049");
        assert_eq!(list[MAX_PER_FILE + 1].path, "b.md");
        assert_eq!(count(&list), (1234, 3));
        // Sorting again, or merging two lists already cut, changes nothing.
        let once = list.clone();
        sort(&mut list);
        assert_eq!(list, once);
        list.extend(once.clone());
        sort(&mut list);
        assert_eq!(list, once);
        let json = render(&list, Format::Json, Lang::En);
        assert_eq!(json.lines().count(), MAX_PER_FILE + 1 + 3);
        let github = render(&list, Format::Github, Lang::En);
        assert!(github.contains("::error file=a.md,line=51,col=1,title=alumni::… and 1,184 more problems in this file%0Ahint: "));
    }

    #[test]
    fn a_summary_of_warnings_is_a_warning() {
        let mut list = many("a.md", MAX_PER_FILE + 1, |p, m| Diagnostic::warning(p, m));
        sort(&mut list);
        let summary = list.last().unwrap();
        assert_eq!(summary.severity, Severity::Warning);
        assert_eq!(summary.message, "… and 1 more problem in this file");
        assert_eq!(count(&list), (0, MAX_PER_FILE + 1));
        assert_eq!(thousands(1_234_567, Lang::En), "1,234,567");
        assert_eq!(thousands(1_234_567, Lang::Fr), "1\u{202F}234\u{202F}567");
        assert_eq!(thousands(999, Lang::En), "999");
    }

    #[test]
    fn newlines_are_counted_eight_bytes_at_a_time_as_one_by_one() {
        let text = "a\nbé\n\n\u{10a}\u{a0a}\n\u{8a0a}x".repeat(5);
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let slow = text[..end].matches('\n').count();
            assert_eq!(newlines(&text[..end]), slow, "{end}");
        }
    }
}
