//! Shortcodes: template calls written in Markdown.
//!
//! Two forms, each found outside code blocks and code spans:
//!
//! ```text
//! {{ video(title="Alter Ego, épisode 1", poster="poster.svg") }}
//! {% note(kind="info") %}
//! Markdown **body**.
//! {% end %}
//! ```
//!
//! This module only finds and parses calls, with the byte offset of every
//! part for diagnostics; the Markdown stage renders their bodies and asks a
//! [`Shortcodes`] implementation (the theme) to render them. The theme says
//! what each shortcode takes ([`Param`], with its [`Kind`]) and why it
//! refuses a call ([`RenderError`]), so that the Markdown stage can point
//! at the call or the argument at fault rather than at a theme file.

use std::fmt;

use crate::i18n::Text;

/// How deep calls with bodies may nest (`{% note %}` inside `{% note %}`...).
pub const MAX_NESTING: usize = 32;

/// An argument's value, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// `"text"`.
    Str(String),
    /// `42`, `-1`.
    Int(i64),
    /// `1.5`.
    Float(f64),
    /// `true`, `false`.
    Bool(bool),
}

impl fmt::Display for ArgValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgValue::Str(s) => write!(f, "{s:?}"),
            ArgValue::Int(i) => write!(f, "{i}"),
            ArgValue::Float(x) => write!(f, "{x}"),
            ArgValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One `name=value` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The argument's name.
    pub name: String,
    /// Its value.
    pub value: ArgValue,
    /// Byte offset of the name in the source.
    pub offset: usize,
}

/// A shortcode call found in Markdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The shortcode's name.
    pub name: String,
    /// Its arguments, in order.
    pub args: Vec<Arg>,
    /// Byte range of the whole call in the source (through `{% end %}`).
    pub range: std::ops::Range<usize>,
    /// Byte range of the body, for `{% name() %} ... {% end %}`.
    pub body: Option<std::ops::Range<usize>>,
}

/// A mistake in a call's syntax, at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the source.
    pub offset: usize,
    /// What is wrong.
    pub message: Text,
    /// What to do.
    pub hint: Text,
}

/// One argument a shortcode declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Whether a call must give it (it has no default).
    pub required: bool,
    /// The type it declares, when it declares one.
    pub kind: Option<Kind>,
}

/// The type of a shortcode argument, as the theme declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A quoted text.
    Text,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number with a fraction.
    Float,
    /// Any number.
    Number,
    /// What a call written in Markdown cannot give (a list, a map).
    Other,
}

impl Kind {
    /// Whether `value` is of this type (a whole number is also a number with a fraction).
    pub fn accepts(self, value: &ArgValue) -> bool {
        matches!(
            (self, value),
            (Kind::Text, ArgValue::Str(_))
                | (Kind::Bool, ArgValue::Bool(_))
                | (Kind::Integer, ArgValue::Int(_))
                | (
                    Kind::Float | Kind::Number,
                    ArgValue::Int(_) | ArgValue::Float(_)
                )
        )
    }

    /// What a value of this type looks like, for a message.
    pub fn describe(self) -> Text {
        match self {
            Kind::Text => tr!("a quoted text", "un texte entre guillemets"),
            Kind::Bool => tr!("true or false", "true ou false"),
            Kind::Integer => tr!("a whole number", "un nombre entier"),
            Kind::Float | Kind::Number => tr!("a number", "un nombre"),
            Kind::Other => tr!(
                "a value a call cannot write",
                "une valeur qu'un appel ne peut pas écrire"
            ),
        }
    }
}

/// Why the theme did not render a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// The shortcode refused the call's arguments (a theme's
    /// `throw(message=..., argument=...)`): the call is at fault.
    Refused {
        /// The theme's reason, as it wrote it (`message`, and `message_fr`
        /// when the theme gives one; its one text in both otherwise).
        message: Text,
        /// The argument it names, when it names one.
        argument: Option<String>,
    },
    /// The shortcode's template failed on a valid call: the theme is at fault.
    Theme {
        /// What failed (the template engine's message, in a sentence of ours).
        message: Text,
        /// Where, as `path:line:col` in the theme.
        location: String,
    },
}

/// What the Markdown stage needs of the theme to render shortcodes.
pub trait Shortcodes: Sync {
    /// The shortcode's arguments, or `None` when there is no such shortcode.
    fn signature(&self, name: &str) -> Option<Vec<Param>>;
    /// Every shortcode's name, for "did you mean" hints.
    fn names(&self) -> Vec<String>;
    /// Renders a call to HTML. `body` is the rendered HTML of a body call.
    fn render(
        &self,
        name: &str,
        args: &[Arg],
        body: Option<&str>,
        lang: &str,
    ) -> Result<String, RenderError>;
}

/// Byte ranges of code blocks and code spans, where calls are plain text,
/// in order (they do not overlap).
fn code_ranges(source: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut ranges = Vec::new();
    for (event, range) in Parser::new(source).into_offset_iter() {
        if matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)) {
            ranges.push(range);
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Whether byte `at` is in one of `ranges` (from [`code_ranges`]): a binary
/// search, as a page may hold 100,000 code spans and as many `{{`.
fn in_ranges(ranges: &[std::ops::Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.contains(&at))
}

struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }
    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start_matches([' ', '\t', '\n', '\r']);
        self.pos = self.src.len() - trimmed.len();
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (*i > 0 && *c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 || rest.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        let name = rest[..len].to_string();
        self.pos += len;
        Some(name)
    }
    fn error(&self, message: Text, hint: Text) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message,
            hint,
        }
    }

    fn value(&mut self) -> Result<ArgValue, SyntaxError> {
        let rest = self.rest();
        if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let start = self.pos;
            self.pos += 1;
            let mut text = String::new();
            let mut chars = self.rest().char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => text.push('\n'),
                        Some((_, other)) => text.push(other),
                        None => break,
                    },
                    c if c == quote => {
                        self.pos += i + 1;
                        return Ok(ArgValue::Str(text));
                    }
                    c => text.push(c),
                }
            }
            self.pos = start;
            return Err(self.error(
                tr!("this text is never closed", "ce texte n'est jamais fermé"),
                tr!(
                    "add the closing {quote} at the end of the value",
                    "ajoutez le {quote} fermant à la fin de la valeur"
                ),
            ));
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = match word {
            "true" => Some(ArgValue::Bool(true)),
            "false" => Some(ArgValue::Bool(false)),
            _ => word.parse::<i64>().map(ArgValue::Int).ok().or_else(|| {
                word.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(ArgValue::Float)
            }),
        };
        match value {
            Some(v) => {
                self.pos += len;
                Ok(v)
            }
            None => Err(self.error(
                tr!(
                    "an argument's value must be a quoted text, a number, true or false",
                    "la valeur d'un argument est un texte entre guillemets, un nombre, true ou false"
                ),
                tr!(
                    "put text values in double quotes: title=\"...\"",
                    "mettez les textes entre guillemets droits : title=\"...\""
                ),
            )),
        }
    }

    /// `(a="x", b=2)`, the cursor on `(`.
    fn args(&mut self) -> Result<Vec<Arg>, SyntaxError> {
        let mut args = Vec::new();
        if !self.eat("(") {
            return Err(self.error(
                tr!("expected `(`", "`(` attendue"),
                tr!(
                    "write the call as name(arg=\"value\")",
                    "écrivez l'appel ainsi : nom(argument=\"valeur\")"
                ),
            ));
        }
        loop {
            self.skip_ws();
            if self.eat(")") {
                return Ok(args);
            }
            let offset = self.pos;
            let Some(name) = self.ident() else {
                return Err(self.error(
                    tr!(
                        "expected an argument name or `)`",
                        "nom d'argument ou `)` attendu"
                    ),
                    tr!(
                        "write arguments as name=\"value\", separated by commas",
                        "écrivez les arguments ainsi : nom=\"valeur\", séparés par des virgules"
                    ),
                ));
            };
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.error(
                    tr!("expected `=` after `{name}`", "`=` attendu après `{name}`"),
                    tr!("write {name}=\"value\"", "écrivez {name}=\"valeur\""),
                ));
            }
            self.skip_ws();
            let value = self.value()?;
            if args.iter().any(|a: &Arg| a.name == name) {
                return Err(SyntaxError {
                    offset,
                    message: tr!("`{name}` is given twice", "`{name}` est donné deux fois"),
                    hint: tr!("keep one of them", "gardez-en un seul"),
                });
            }
            args.push(Arg {
                name,
                value,
                offset,
            });
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            if !self.rest().starts_with(')') {
                return Err(self.error(
                    tr!("expected `,` or `)`", "`,` ou `)` attendue"),
                    tr!(
                        "separate arguments with commas",
                        "séparez les arguments par des virgules"
                    ),
                ));
            }
        }
    }
}

/// Whether the text at `pos` (just after `{{` or `{%`) looks like a call: `name(`.
fn looks_like_call(src: &str, pos: usize) -> bool {
    let mut c = Cursor { src, pos };
    c.skip_ws();
    if c.ident().is_none() {
        return false;
    }
    c.skip_ws();
    c.rest().starts_with('(')
}

fn is_end_tag(src: &str, pos: usize) -> Option<usize> {
    let mut c = Cursor { src, pos };
    if !c.eat("{%") {
        return None;
    }
    c.skip_ws();
    if !c.eat("end") {
        return None;
    }
    c.skip_ws();
    c.eat("%}").then_some(c.pos)
}

/// The name and arguments of the call that opens at `found` (a `{%` when
/// it is a `block`, else a `{{`), and the offset after its closing `%}`
/// or `}}`.
fn opening(
    source: &str,
    found: usize,
    block: bool,
) -> Result<(String, Vec<Arg>, usize), SyntaxError> {
    let mut c = Cursor {
        src: source,
        pos: found + 2,
    };
    c.skip_ws();
    let name = c.ident().unwrap_or_default();
    c.skip_ws();
    let args = c.args()?;
    c.skip_ws();
    let close = if block { "%}" } else { "}}" };
    if !c.eat(close) {
        return Err(c.error(
            tr!(
                "expected `{close}` to end the call to `{name}`",
                "`{close}` attendu pour finir l'appel à `{name}`"
            ),
            tr!("end the call with {close}", "finissez l'appel par {close}"),
        ));
    }
    Ok((name, args, c.pos))
}

/// Where the body that starts at `body_start` ends: the offsets of its
/// matching `{% end %}` and of what follows it (calls with bodies may
/// nest; tags in the `code` ranges do not count), or `None` when it is
/// never closed. The error when calls nest deeper than [`MAX_NESTING`]
/// there: rendering recurses into bodies, so an unbounded depth would
/// overflow the stack, and each level rescans its body.
fn body_end(
    source: &str,
    body_start: usize,
    code: &[std::ops::Range<usize>],
) -> Result<Option<(usize, usize)>, SyntaxError> {
    let mut depth = 1;
    let mut scan = body_start;
    while let Some(next) = source[scan..].find("{%").map(|i| scan + i) {
        scan = next + 2;
        if in_ranges(code, next) {
            continue;
        }
        if let Some(after) = is_end_tag(source, next) {
            depth -= 1;
            if depth == 0 {
                return Ok(Some((next, after)));
            }
        } else if looks_like_call(source, next + 2) {
            depth += 1;
            if depth > MAX_NESTING {
                return Err(SyntaxError {
                    offset: next,
                    message: tr!(
                        "shortcodes are nested more than {MAX_NESTING} deep here",
                        "des shortcodes sont imbriqués sur plus de {MAX_NESTING} niveaux ici"
                    ),
                    hint: tr!(
                        "close each shortcode with `{{% end %}}` before this point, or nest fewer of them",
                        "fermez chaque shortcode par `{{% end %}}` avant ce point, ou imbriquez-en moins"
                    ),
                });
            }
        }
    }
    Ok(None)
}

/// Finds the top-level calls in `source` (bodies are searched when rendered).
pub fn find_calls(source: &str) -> (Vec<Call>, Vec<SyntaxError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    if !source.contains("{{") && !source.contains("{%") {
        return (calls, errors);
    }
    let code = code_ranges(source);
    let in_code = |at: usize| in_ranges(&code, at);
    let mut pos = 0;
    while let Some(found) = source[pos..].find('{').map(|i| pos + i) {
        pos = found + 1;
        let opener = &source[found..];
        let block = opener.starts_with("{%");
        if !(block || opener.starts_with("{{"))
            || in_code(found)
            || !looks_like_call(source, found + 2)
        {
            continue;
        }
        let (name, args, tag_end) = match opening(source, found, block) {
            Ok(opening) => opening,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if !block {
            calls.push(Call {
                name,
                args,
                range: found..tag_end,
                body: None,
            });
            pos = tag_end;
            continue;
        }
        match body_end(source, tag_end, &code) {
            Ok(Some((body_end, after))) => {
                calls.push(Call {
                    name,
                    args,
                    range: found..after,
                    body: Some(tag_end..body_end),
                });
                pos = after;
            }
            Ok(None) => errors.push(SyntaxError {
                offset: found,
                message: tr!(
                    "`{name}` is opened here and never closed",
                    "`{name}` est ouvert ici et jamais fermé"
                ),
                hint: tr!(
                    "add a line `{{% end %}}` after its content",
                    "ajoutez une ligne `{{% end %}}` après son contenu"
                ),
            }),
            Err(too_deep) => {
                errors.push(too_deep);
                return (calls, errors);
            }
        }
    }
    (calls, errors)
}

/// The placeholder that stands for call `n` while the Markdown is parsed:
/// private-use characters that Markdown, HTML escaping and the sanitiser
/// all leave alone (an HTML comment would not survive sanitising).
pub fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `source` with each call replaced by its placeholder, keeping every line
/// break of the call so that later positions keep their line numbers.
pub fn replace_calls(source: &str, calls: &[Call]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        out.push_str(&source[last..call.range.start]);
        out.push_str(&placeholder(n));
        for c in source[call.range.clone()].chars().filter(|c| *c == '\n') {
            out.push(c);
        }
        last = call.range.end;
    }
    out.push_str(&source[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_and_body_calls_outside_code() {
        let src = "Intro\n\n{{ video(title=\"Épisode \\\"1\\\"\", id=\"abc\", width=640, autoplay=false) }}\n\n`{{ video(title=\"x\") }}`\n\n```\n{% note(kind=\"info\") %}x{% end %}\n```\n\n{% note(kind=\"info\") %}\nCorps {% note(kind=\"warning\") %}inner{% end %}\n{% end %}\n";
        let (calls, errors) = find_calls(src);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "video");
        assert_eq!(
            calls[0].args[0].value,
            ArgValue::Str("Épisode \"1\"".to_string())
        );
        assert_eq!(calls[0].args[2].value, ArgValue::Int(640));
        assert_eq!(calls[0].args[3].value, ArgValue::Bool(false));
        let body = &src[calls[1].body.clone().unwrap()];
        assert!(body.contains("inner{% end %}"), "{body}");
    }

    #[test]
    fn plain_braces_are_text() {
        let (calls, errors) = find_calls("Un ensemble {a, b} et {{ pas un appel }}.");
        assert!(calls.is_empty() && errors.is_empty());
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = "{{ video(title=\"x) }}\n";
        let (_, errors) = find_calls(src);
        assert_eq!(errors[0].offset, 15);
        assert_eq!(errors[0].message, "this text is never closed");
        let (_, errors) = find_calls("{% note(kind=\"info\") %}\nsans fin\n");
        assert_eq!(errors[0].message, "`note` is opened here and never closed");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
        // 1,000 nested notes used to recurse once per level while rendering
        // and abort the process with a stack overflow.
        let levels = 1000;
        let src = format!(
            "{}x\n{}",
            "{% note() %}\n".repeat(levels),
            "{% end %}\n".repeat(levels)
        );
        let (calls, errors) = find_calls(&src);
        assert!(calls.is_empty(), "{} calls", calls.len());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].offset, MAX_NESTING * "{% note() %}\n".len());
        assert_eq!(
            errors[0].message,
            format!("shortcodes are nested more than {MAX_NESTING} deep here")
        );
        let just_deep_enough = format!(
            "{}x\n{}",
            "{% note() %}\n".repeat(MAX_NESTING),
            "{% end %}\n".repeat(MAX_NESTING)
        );
        let (calls, errors) = find_calls(&just_deep_enough);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 1);
    }

    #[test]
    fn replacement_keeps_line_numbers() {
        let src = "a\n{% note() %}\nb\n{% end %}\nc\n";
        let (calls, _) = find_calls(src);
        let out = replace_calls(src, &calls);
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("\u{E000}0\u{E001}"));
        assert_eq!(out.lines().last(), Some("c"));
    }
}
