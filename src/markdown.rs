//! Markdown stage: one page body in, its HTML and what templates need out.
//!
//! `CommonMark` plus tables, footnotes, strikethrough, task lists, smart
//! punctuation and `{#id}` heading attributes (pulldown-cmark). Headings get
//! ids (ASCII slugs, made unique in the page) and an anchor link; the table of
//! contents, the summary (what comes before `<!-- more -->`), the word count
//! and the reading time come out beside the HTML. Links written as a source
//! path (`@/clubs/biotech.md#contact`) are replaced by the target's URL; a
//! missing target is a diagnostic at the link. Fragments are returned, not
//! checked: the target's headings are only known once every page is rendered.
//! In an untrusted page (see [`crate::sanitize`]) raw HTML is judged and
//! written again, headings never take an id of the theme, and what the
//! sanitiser removes comes out as located errors and warnings.
//!
//! Every diagnostic is placed from the parser's own offsets (events, raw
//! HTML tokens, shortcode arguments) mapped back through the shortcode
//! placeholders to the file, never by searching the text for what it
//! reports: an image without alternative text (Markdown or raw HTML, in
//! every page), a heading id given twice, a link or image whose address
//! holds a space (which Markdown leaves as text), a shortcode call the
//! theme refuses, each at its own token.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::collection::Collection;
use crate::diagnostic::{Diagnostic, Severity};
use crate::i18n::Text;
use crate::sanitize::Finding;
use crate::shortcode::{self, Shortcodes};
use crate::slug::slugify;

mod html_nesting;

/// The marker that ends a page's summary.
pub const MORE_MARKER: &str = "<!-- more -->";

/// How deep lists, quotes, emphasis and (in sanitised pages) HTML elements
/// may nest. Far beyond any real page; it bounds the sanitiser's HTML parser,
/// whose cost grows with the depth of every element it opens, so that a page
/// of 10,000 nested quotes fails in milliseconds instead of taking minutes.
pub const MAX_NESTING: usize = 64;

/// Words read per minute, for the reading time.
const WORDS_PER_MINUTE: usize = 200;

/// One heading in the table of contents, with the headings under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's id, for `#fragment` links.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Headings of a deeper level until the next one of this level.
    pub children: Vec<TocEntry>,
}

/// A link to another page's fragment, to check once all pages are rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FragmentLink {
    /// The target's source path under `content/` (`clubs/biotech.md`).
    pub target: String,
    /// The target's URL, without the fragment.
    pub url: String,
    /// The fragment, without `#`.
    pub fragment: String,
    /// Byte offset of the link's destination in the file.
    pub offset: usize,
}

/// A Markdown link or image, as published and as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkSource {
    /// The address as published (`@/` links resolved to their URL).
    pub url: String,
    /// Whether it is an image's.
    pub image: bool,
    /// Byte offset in the file of the address as written (of the link's
    /// start when the address is not written in it: a reference link).
    pub offset: usize,
}

/// A rendered body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The body's HTML.
    pub html: String,
    /// The HTML before `<!-- more -->`, when the marker is there.
    pub summary: Option<String>,
    /// Nested headings.
    pub toc: Vec<TocEntry>,
    /// Every heading id, in order (for fragment checks).
    pub anchors: Vec<String>,
    /// Words in the body's text and code.
    pub word_count: usize,
    /// Minutes to read, at least 1.
    pub reading_time: usize,
    /// Links to fragments of other pages (or of this one).
    pub fragment_links: Vec<FragmentLink>,
    /// Every Markdown link and image of the body (shortcode bodies
    /// included), in the order of the file: for placing what later stages
    /// find wrong with an address at the very link that wrote it.
    pub links: Vec<LinkSource>,
    /// Located problems that do not stop a build: what the sanitiser drops
    /// from an untrusted page (a `style`, a `class`, a `<font>`), once per
    /// line and message.
    pub warnings: Vec<Diagnostic>,
}

/// Where a body comes from: for locating diagnostics in the file.
#[derive(Clone, Copy, Debug)]
pub struct BodySource<'a> {
    /// Site-relative path of the file.
    pub path: &'a str,
    /// The whole file's text.
    pub file_text: &'a str,
    /// Byte offset of the body in the file.
    pub body_start: usize,
    /// The file's own source path under `content/`, for `@/` links to itself.
    pub content_path: &'a str,
}

/// The Markdown extensions pages are written with (tables, footnotes,
/// strikethrough, task lists, smart punctuation, heading attributes).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// What rendering a body needs from the rest of the site.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// Maps a source path under `content/` to its URL (for `@/` links).
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// The theme's shortcodes; without them, calls are left as text.
    pub shortcodes: Option<&'a dyn Shortcodes>,
    /// The language edition the body is rendered for.
    pub lang: &'a str,
    /// The collection of the page, when its section has one: an untrusted
    /// collection gets its HTML sanitised and only its allowed shortcodes.
    pub collection: Option<&'a Collection>,
}

/// Renders `body`, its shortcodes, and its links for `env`. The HTML of an
/// untrusted page goes through the sanitiser last, shortcode output included
/// (their arguments are the page author's too). The diagnostics returned are
/// errors; warnings are in [`Rendered::warnings`].
pub fn render(body: &str, source: BodySource<'_>, env: &Env<'_>) -> (Rendered, Vec<Diagnostic>) {
    let (mut out, diagnostics) = render_inner(body, source, env);
    if env.collection.is_some_and(|c| !c.trusted) {
        out.html = crate::sanitize::clean(&out.html);
        out.summary = out.summary.map(|s| crate::sanitize::clean(&s));
    }
    let (warnings, errors) = diagnostics.into_iter().partition(|d| !d.is_error());
    out.warnings = warnings;
    (out, errors)
}

fn render_inner(body: &str, source: BodySource<'_>, env: &Env<'_>) -> (Rendered, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let (calls, syntax_errors) = match env.shortcodes {
        Some(_) => shortcode::find_calls(body),
        None => (Vec::new(), Vec::new()),
    };
    // Syntax errors come in the order of the body: one locator places them
    // all in one pass (16,000 unclosed calls on one line were quadratic).
    let mut locate = crate::diagnostic::Locator::new(source.file_text);
    for e in syntax_errors {
        errors.push(
            locate
                .at(
                    Diagnostic::error(
                        source.path,
                        e.message.map(|m, lang| match lang {
                            crate::i18n::Lang::En => format!("shortcode: {m}"),
                            crate::i18n::Lang::Fr => format!("shortcode : {m}"),
                        }),
                    ),
                    source.body_start + e.offset,
                )
                .with_hint(e.hint),
        );
    }
    // What the bodies of calls add: their words and their links.
    let mut inner = Rendered::default();
    let outputs: Vec<String> = calls
        .iter()
        .map(|call| render_call(call, body, source, env, &mut errors, &mut inner))
        .collect();
    if env.collection.is_some_and(|c| !c.trusted) {
        let found = calls
            .iter()
            .zip(&outputs)
            .flat_map(|(call, html)| shortcode_findings(call, html, source.body_start))
            .collect();
        errors.extend(report_findings(found, source));
    }
    let (text, shifts) = if calls.is_empty() {
        (std::borrow::Cow::Borrowed(body), Vec::new())
    } else {
        (
            std::borrow::Cow::Owned(shortcode::replace_calls(body, &calls)),
            shifts_of(body, &calls),
        )
    };
    let (mut out, link_errors) = render_markdown(&text, source, env, &shifts);
    errors.extend(link_errors);
    if !outputs.is_empty() {
        for text in std::iter::once(&mut out.html).chain(out.summary.as_mut()) {
            *text = fill_placeholders(text, &outputs);
        }
    }
    out.word_count += inner.word_count;
    out.links.append(&mut inner.links);
    out.links.sort_by_key(|l| l.offset);
    out.reading_time = out.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
    // Every page's HTML stays in memory until the render stage: no slack.
    out.html.shrink_to_fit();
    (out, errors)
}

/// `html` with each call's placeholder replaced by its output, in one pass
/// (a pass per call was quadratic: 20,000 calls took 20 s). A call alone on
/// its lines became a paragraph of its own: its output replaces the
/// paragraph, not just its text. Outputs are not scanned again.
fn fill_placeholders(html: &str, outputs: &[String]) -> String {
    let mut out =
        String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find('\u{E000}') {
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        let call = after.find('\u{E001}').and_then(|end| {
            let n: usize = after[..end].parse().ok()?;
            Some((outputs.get(n)?, end + '\u{E001}'.len_utf8()))
        });
        let Some((output, len)) = call else {
            // Not a placeholder of this body: the character stays as written.
            let next = start + '\u{E000}'.len_utf8();
            out.push_str(&rest[..next]);
            rest = &rest[next..];
            continue;
        };
        out.push_str(&rest[..start]);
        let mut tail = &after[len..];
        if out.ends_with("<p>") && tail.starts_with("</p>") {
            out.truncate(out.len() - "<p>".len());
            tail = &tail["</p>".len()..];
        }
        out.push_str(output);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The words of `t` as `str::split_whitespace` counts them (runs of
/// anything but Unicode white space), leaving out the words that hold a
/// shortcode placeholder (`U+E000`): their output is counted apart. Every
/// text event of every page goes through it: a text whose bytes cannot
/// start a placeholder or white space beyond ASCII (`U+00A0` starts with
/// `C2`, `U+2009` with `E2`...; `é` with `C3`) is counted byte by byte,
/// without decoding a character.
fn word_count(t: &str) -> usize {
    let decoded = |b: &u8| matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEE);
    if t.as_bytes().iter().any(decoded) {
        return t
            .split_whitespace()
            .filter(|w| !w.contains('\u{E000}'))
            .count();
    }
    let (mut count, mut after_space) = (0, true);
    for &b in t.as_bytes() {
        // U+0009 to U+000D and U+0020: ASCII's white space for Unicode.
        let space = b == b' ' || (b'\t'..=b'\r').contains(&b);
        count += usize::from(after_space && !space);
        after_space = space;
    }
    count
}

/// Where each call ends in the replaced text and in the body, to map
/// offsets in the replaced text back to the file.
fn shifts_of(body: &str, calls: &[shortcode::Call]) -> Vec<(usize, usize)> {
    let mut shifts = Vec::new();
    let mut text_pos = 0;
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        text_pos += call.range.start - last;
        let newlines = body[call.range.clone()].matches('\n').count();
        text_pos += shortcode::placeholder(n).len() + newlines;
        shifts.push((text_pos, call.range.end));
        last = call.range.end;
    }
    shifts
}

fn to_body_offset(offset: usize, shifts: &[(usize, usize)]) -> usize {
    match shifts
        .iter()
        .rev()
        .find(|(text_pos, _)| *text_pos <= offset)
    {
        Some((text_pos, body_pos)) => body_pos + (offset - text_pos),
        None => offset,
    }
}

/// Renders one call: checks its name and arguments, renders its body, and
/// asks the theme for its HTML. Problems become diagnostics at the call, or
/// at the argument at fault, in the page: never in a theme file, which the
/// page's author did not write.
fn render_call(
    call: &shortcode::Call,
    body: &str,
    source: BodySource<'_>,
    env: &Env<'_>,
    errors: &mut Vec<Diagnostic>,
    inner: &mut Rendered,
) -> String {
    let Some(shortcodes) = env.shortcodes else {
        return String::new();
    };
    let site = CallSite::new(call, body, source);
    let signature = match admitted_signature(call, shortcodes, env, &site) {
        Ok(signature) => signature,
        Err(refused) => {
            errors.push(refused);
            return String::new();
        }
    };
    let argument_errors = argument_errors(call, &signature, &site);
    let ok = argument_errors.is_empty();
    errors.extend(argument_errors);
    let body_html = call.body.as_ref().map(|range| {
        let body_source = BodySource {
            body_start: source.body_start + range.start,
            ..source
        };
        let (rendered, inner_errors) = render_inner(&body[range.clone()], body_source, env);
        errors.extend(inner_errors);
        inner.word_count += rendered.word_count;
        inner.links.extend(rendered.links);
        rendered.html
    });
    if !ok {
        return String::new();
    }
    match shortcodes.render(&call.name, &call.args, body_html.as_deref(), env.lang) {
        Ok(html) => html,
        Err(failure) => {
            errors.push(render_failure(failure, call, &site));
            String::new()
        }
    }
}

/// Where a call is in the page, for its diagnostics: the file, and the
/// offset of the shortcode's name in the body.
struct CallSite<'a> {
    source: BodySource<'a>,
    name_offset: usize,
}

impl<'a> CallSite<'a> {
    /// Where `call`, found in `body`, is in the page of `source`.
    fn new(call: &shortcode::Call, body: &str, source: BodySource<'a>) -> Self {
        let name = call.name.as_str();
        let name_offset = call.range.start + body[call.range.clone()].find(name).unwrap_or(0);
        CallSite {
            source,
            name_offset,
        }
    }

    /// An error at `offset` in the body.
    fn error_at(&self, offset: usize, message: Text, hint: Text) -> Diagnostic {
        Diagnostic::error(self.source.path, message)
            .at_offset(self.source.file_text, self.source.body_start + offset)
            .with_hint(hint)
    }
}

/// The arguments the called shortcode takes, or the error at its name:
/// the theme has no such shortcode, or the page's collection does not allow it.
fn admitted_signature(
    call: &shortcode::Call,
    shortcodes: &dyn shortcode::Shortcodes,
    env: &Env<'_>,
    site: &CallSite<'_>,
) -> Result<Vec<shortcode::Param>, Diagnostic> {
    let name = call.name.as_str();
    let Some(signature) = shortcodes.signature(name) else {
        let names = shortcodes.names();
        let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        let hint = if let Some(close) = crate::diagnostic::did_you_mean(name, &candidates) {
            tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?")
        } else {
            let list = candidates.join(", ");
            tr!("the shortcodes are: {list}", "les shortcodes sont : {list}")
        };
        return Err(site.error_at(
            site.name_offset,
            tr!("unknown shortcode `{name}`", "shortcode inconnu : `{name}`"),
            hint,
        ));
    };
    if let Some(collection) = env.collection.filter(|c| !c.allows_shortcode(name)) {
        let allowed = collection.shortcodes.clone().unwrap_or_default();
        let hint = if allowed.is_empty() {
            tr!(
                "pages of this section take no shortcode",
                "les pages de cette section ne prennent aucun shortcode"
            )
        } else {
            let list = allowed.join(", ");
            tr!("allowed here: {list}", "permis ici : {list}")
        };
        let folder = &collection.folder;
        return Err(site.error_at(
            site.name_offset,
            tr!(
                "the shortcode `{name}` is not allowed in pages of {folder}",
                "le shortcode `{name}` n'est pas permis dans les pages de {folder}"
            ),
            hint,
        ));
    }
    Ok(signature)
}

/// The errors in the call's arguments against the shortcode's `signature`:
/// arguments it does not take, values of the wrong kind, required ones
/// missing. None when the call may be rendered.
fn argument_errors(
    call: &shortcode::Call,
    signature: &[shortcode::Param],
    site: &CallSite<'_>,
) -> Vec<Diagnostic> {
    let name = call.name.as_str();
    let mut errors = Vec::new();
    let known: Vec<&str> = signature.iter().map(|p| p.name.as_str()).collect();
    for arg in &call.args {
        let argument = arg.name.as_str();
        let Some(param) = signature.iter().find(|p| p.name == arg.name) else {
            let hint = if let Some(close) = crate::diagnostic::did_you_mean(argument, &known) {
                tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?")
            } else {
                let list = known.join(", ");
                tr!("`{name}` takes: {list}", "`{name}` prend : {list}")
            };
            errors.push(site.error_at(
                arg.offset,
                tr!(
                    "`{name}` has no argument `{argument}`",
                    "`{name}` n'a pas d'argument `{argument}`"
                ),
                hint,
            ));
            continue;
        };
        if let Some(kind) = param.kind.filter(|k| !k.accepts(&arg.value)) {
            let (expected, value) = (kind.describe(), &arg.value);
            errors.push(site.error_at(
                arg.offset,
                Text::new(
                    format!(
                        "`{argument}` of `{name}` must be {}, not {value}",
                        expected.en
                    ),
                    format!(
                        "`{argument}` de `{name}` doit être {}, pas {value}",
                        expected.fr
                    ),
                ),
                match kind {
                    shortcode::Kind::Text => tr!(
                        "put the value in double quotes: {argument}=\"{value}\"",
                        "mettez la valeur entre guillemets droits : {argument}=\"{value}\""
                    ),
                    _ => tr!(
                        "write the value without quotes",
                        "écrivez la valeur sans guillemets"
                    ),
                },
            ));
        }
    }
    for param in signature.iter().filter(|p| p.required) {
        if !call.args.iter().any(|a| a.name == param.name) {
            let argument = &param.name;
            errors.push(site.error_at(
                site.name_offset,
                tr!(
                    "`{name}` needs the argument `{argument}`",
                    "`{name}` demande l'argument `{argument}`"
                ),
                tr!(
                    "add {argument}=\"...\" inside the parentheses",
                    "ajoutez {argument}=\"...\" entre les parenthèses"
                ),
            ));
        }
    }
    errors
}

/// The error for a call the theme did not render: at the argument it
/// refused (or the name) when the call is at fault, at the name with the
/// theme's place when its template failed.
fn render_failure(
    failure: shortcode::RenderError,
    call: &shortcode::Call,
    site: &CallSite<'_>,
) -> Diagnostic {
    let name = call.name.as_str();
    match failure {
        shortcode::RenderError::Refused { message, argument } => {
            // The theme's reason is in its own words, in both languages
            // when it wrote both (`message_fr`).
            let offset = argument
                .and_then(|a| call.args.iter().find(|arg| arg.name == a))
                .map_or(site.name_offset, |arg| arg.offset);
            site.error_at(
                offset,
                Text::new(
                    format!("`{name}` refuses this call: {}", message.en),
                    format!("`{name}` refuse cet appel : {}", message.fr),
                ),
                tr!(
                    "change the arguments of this call as the message says",
                    "modifiez les arguments de cet appel comme le dit le message"
                ),
            )
        }
        shortcode::RenderError::Theme { message, location } => site.error_at(
            site.name_offset,
            Text::new(
                format!(
                    "the theme failed to render the shortcode `{name}`: {} (in {location})",
                    message.en
                ),
                format!(
                    "le thème n'a pas pu rendre le shortcode `{name}` : {} (dans {location})",
                    message.fr
                ),
            ),
            tr!(
                "the call looks right: the theme's shortcode is at fault; tell the site's team",
                "l'appel semble juste : c'est le shortcode du thème qui est en cause ; prévenez l'équipe du site"
            ),
        ),
    }
}

/// What the sanitiser removes from a shortcode's output, at the argument it
/// comes from (`src="https://..."` of a `figure`), with offsets in the file.
/// What no argument holds is the theme's own markup, or the call's body,
/// judged where it is written.
fn shortcode_findings(
    call: &shortcode::Call,
    html: &str,
    body_start: usize,
) -> Vec<(usize, Finding)> {
    crate::sanitize::theme_html(html)
        .into_iter()
        .filter_map(|finding| {
            let value = finding.value.as_deref()?;
            // The longest argument the value holds: `src`, rather than an `alt` of one letter.
            let (arg, _) = call
                .args
                .iter()
                .filter_map(|a| match &a.value {
                    shortcode::ArgValue::Str(s) if !s.is_empty() && value.contains(s.as_str()) => {
                        Some((a, s.len()))
                    }
                    _ => None,
                })
                .max_by_key(|(_, len)| *len)?;
            Some((body_start + arg.offset, finding))
        })
        .collect()
}

/// At most this many of the sanitiser's findings become diagnostics for
/// one body, the rest counted in a summary: locating each costs a pass over
/// the file, and a long paste can hold a hundred thousand. No more could be
/// printed for the file anyway.
const MAX_FINDINGS: usize = crate::diagnostic::MAX_PER_FILE;

/// The sanitiser's findings for one body (with their offsets in the file)
/// as diagnostics, in the order of the file: a warning once per line and
/// message (a pasted line can repeat one `style` twenty times), at most
/// [`MAX_FINDINGS`] of them.
fn report_findings(mut found: Vec<(usize, Finding)>, source: BodySource<'_>) -> Vec<Diagnostic> {
    found.sort_by_key(|(offset, _)| *offset);
    let text = source.file_text.as_bytes();
    let (mut line, mut counted) = (1, 0);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    // Where the first finding left out is, and how many errors and warnings are.
    let mut left_out: Option<(usize, usize, usize)> = None;
    for (offset, finding) in found {
        let offset = offset.min(text.len());
        line += text[counted.min(offset)..offset]
            .split(|b| *b == b'\n')
            .count()
            - 1;
        counted = offset;
        let error = finding.severity == Severity::Error;
        if !error && !seen.insert((line, finding.message.clone())) {
            continue;
        }
        if out.len() == MAX_FINDINGS {
            let more = left_out.get_or_insert((offset, 0, 0));
            if error {
                more.1 += 1;
            } else {
                more.2 += 1;
            }
            continue;
        }
        let d = if error {
            Diagnostic::error(source.path, finding.message)
        } else {
            Diagnostic::warning(source.path, finding.message)
        };
        out.push(
            d.at_offset(source.file_text, offset)
                .with_hint(finding.hint),
        );
    }
    if let Some((offset, errors, warnings)) = left_out {
        out.push(Diagnostic::left_out(
            source.path,
            source.file_text,
            offset,
            errors,
            warnings,
        ));
    }
    out
}

/// The raw HTML of a page, judged: `raw` holds, for each raw HTML event,
/// its index in `events` and its offset in the text; `in_file` maps such an
/// offset to the file. The lines of one HTML block are judged together (a
/// tag can span them), and never across the summary's end. In a sanitised
/// page the sanitiser writes it again and reports what it removes; in a
/// trusted one it stays as written and only images without `alt` are
/// reported. Returns the findings, with their offsets in the file.
fn judge_raw_html(
    events: &mut [Event<'_>],
    raw: &[(usize, usize)],
    summary_at: Option<usize>,
    sanitised: bool,
    in_file: impl Fn(usize) -> usize,
) -> Vec<(usize, Finding)> {
    let mut found = Vec::new();
    let mut state = crate::sanitize::RawState::default();
    let mut i = 0;
    while i < raw.len() {
        let mut end = i + 1;
        while end < raw.len()
            && raw[end].0 == raw[end - 1].0 + 1
            && Some(raw[end].0) != summary_at
            && matches!(
                (&events[raw[end - 1].0], &events[raw[end].0]),
                (Event::Html(_), Event::Html(_))
            )
        {
            end += 1;
        }
        // (offset in the joined text, offset in the page's text) of each piece.
        let mut pieces = Vec::new();
        let mut joined = String::new();
        for &(index, text_offset) in &raw[i..end] {
            if let Event::Html(h) | Event::InlineHtml(h) = &events[index] {
                pieces.push((joined.len(), text_offset));
                joined.push_str(h);
            }
        }
        let findings = if sanitised {
            let (html, findings) = crate::sanitize::raw_html(&joined, &mut state);
            let first = raw[i].0;
            events[first] = match events[first] {
                Event::InlineHtml(_) => Event::InlineHtml(CowStr::from(html)),
                _ => Event::Html(CowStr::from(html)),
            };
            for &(index, _) in &raw[i + 1..end] {
                events[index] = Event::Html(CowStr::Borrowed(""));
            }
            findings
        } else {
            crate::sanitize::images_without_alt(&joined, &mut state)
        };
        for finding in findings {
            let piece = pieces
                .partition_point(|(start, _)| *start <= finding.offset)
                .saturating_sub(1);
            let (start, text_offset) = pieces.get(piece).copied().unwrap_or((0, raw[i].1));
            found.push((in_file(text_offset + finding.offset - start), finding));
        }
        i = end;
    }
    found
}

/// Links and images that Markdown left as text because their address
/// holds a space (`![](Photo de groupe.jpg)`, `[flyer](Flyer rentrée.pdf)`):
/// published as they are written, brackets and all. `text` are the ranges
/// of `body` that Markdown read as text, outside code; a link is never
/// there, so a `](` in them did not make one. `[note] (voir plus bas)`, with
/// a space before `(`, is no link. Returns the findings, at the address's
/// offset in `body`.
fn addresses_with_spaces(body: &str, text: &[std::ops::Range<usize>]) -> Vec<(usize, Finding)> {
    let is_text = |at: usize| {
        let i = text.partition_point(|r| r.end <= at);
        text.get(i).is_some_and(|r| r.contains(&at))
    };
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    for range in text {
        // `]` and `(` are often text events of their own.
        for (i, _) in body[range.clone()].match_indices(']') {
            let close = range.start + i;
            if bytes.get(close + 1) != Some(&b'(') || !is_text(close + 1) {
                continue;
            }
            // The `[` this `]` closes, on the same line.
            let line_start = body[..close].rfind('\n').map_or(0, |n| n + 1);
            let mut depth = 0usize;
            let open = (line_start..close).rev().find(|&k| {
                match bytes[k] {
                    b']' => depth += 1,
                    b'[' if depth == 0 => return is_text(k),
                    b'[' => depth -= 1,
                    _ => {}
                }
                false
            });
            let Some(open) = open else { continue };
            // The address: to the `)` that closes the `(`, on the same line.
            let start = close + 2;
            let line_end = body[start..].find('\n').map_or(body.len(), |n| start + n);
            let mut parens = 0usize;
            let Some(end) = (start..line_end).find(|&k| {
                match bytes[k] {
                    b'(' => parens += 1,
                    b')' if parens == 0 => return true,
                    b')' => parens -= 1,
                    _ => {}
                }
                false
            }) else {
                continue;
            };
            let address = body[start..end].trim();
            if address.is_empty() || address.starts_with('<') || !address.contains([' ', '\t']) {
                continue;
            }
            let image = open > 0 && bytes[open - 1] == b'!';
            found.push((start, space_finding(address, image)));
        }
    }
    found
}

/// The error for a link or image whose `address` holds a space, with both
/// fixes: angle brackets, or a name without spaces.
fn space_finding(address: &str, image: bool) -> Finding {
    let (stem, extension) = match address.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains(['/', ' ']) && !ext.is_empty() => {
            (stem, format!(".{ext}"))
        }
        _ => (address, String::new()),
    };
    let (folder, name) = stem.rsplit_once('/').map_or(("", stem), |(f, n)| (f, n));
    let folder = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let renamed = format!("{folder}{}{extension}", slugify(name));
    let message = if image {
        tr!(
            "the address of this image holds a space, so Markdown publishes it as plain text: `{address}`",
            "l'adresse de cette image contient une espace, Markdown la publie donc comme du texte : `{address}`"
        )
    } else {
        tr!(
            "the address of this link holds a space, so Markdown publishes it as plain text: `{address}`",
            "l'adresse de ce lien contient une espace, Markdown le publie donc comme du texte : `{address}`"
        )
    };
    Finding {
        offset: 0,
        severity: Severity::Error,
        message,
        hint: tr!(
            "write it between angle brackets, (<{address}>), or rename the file without spaces: `{renamed}`",
            "écrivez-la entre chevrons, (<{address}>), ou renommez le fichier sans espaces : `{renamed}`"
        ),
        value: Some(address.to_string()),
    }
}

/// A heading or footnote of an untrusted page at `offset` of the file: an
/// id of the theme is refused (its skip link leads to `#contenu`), heading
/// classes and attributes (`{.card}`) are dropped, as the theme's hooks.
fn untrusted_markdown<'a>(
    event: Event<'a>,
    offset: usize,
    found: &mut Vec<(usize, Finding)>,
) -> Event<'a> {
    let mut report = |severity, message: Text, hint: Text| {
        let finding = Finding {
            offset: 0,
            severity,
            message,
            hint,
            value: None,
        };
        found.push((offset, finding));
    };
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => {
            if let Some(id) = id.as_deref().filter(|id| crate::sanitize::is_theme_id(id)) {
                report(
                    Severity::Error,
                    tr!(
                        "the id `{id}` is used by the theme's pages",
                        "l'id `{id}` est utilisé par les pages du thème"
                    ),
                    tr!(
                        "give this heading another id: {{#{id}-of-the-club}}",
                        "donnez un autre id à ce titre : {{#{id}-du-club}}"
                    ),
                );
            }
            for class in &classes {
                report(
                    Severity::Warning,
                    tr!(
                        "the class `{class}` of this heading is removed",
                        "la classe `{class}` de ce titre est retirée"
                    ),
                    tr!(
                        "the theme styles headings: write the title alone",
                        "le thème met en forme les titres : écrivez le titre seul"
                    ),
                );
            }
            for (name, _) in &attrs {
                report(
                    Severity::Warning,
                    tr!(
                        "the attribute `{name}` of this heading is removed",
                        "l'attribut `{name}` de ce titre est retiré"
                    ),
                    tr!(
                        "a heading takes an id alone: `## Sign up {{#join}}`",
                        "un titre ne prend qu'un id : `## Inscription {{#inscrire}}`"
                    ),
                );
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes: Vec::new(),
                attrs: Vec::new(),
            })
        }
        Event::Start(Tag::FootnoteDefinition(ref name)) if crate::sanitize::is_theme_id(name) => {
            report(
                Severity::Error,
                tr!(
                    "the note name `{name}` is an id used by the theme's pages",
                    "le nom de note `{name}` est un id utilisé par les pages du thème"
                ),
                tr!(
                    "name the note otherwise, e.g. `[^note-1]`",
                    "nommez la note autrement, par exemple `[^note-1]`"
                ),
            );
            Event::Start(Tag::FootnoteDefinition(CowStr::from(format!(
                "note-{name}"
            ))))
        }
        // Renamed with its definition, so that the note still works in a
        // preview and its link is not reported a second time as broken.
        Event::FootnoteReference(name) if crate::sanitize::is_theme_id(&name) => {
            Event::FootnoteReference(CowStr::from(format!("note-{name}")))
        }
        other => other,
    }
}

/// The Markdown proper: headings, links, summary, counts.
fn render_markdown(
    body: &str,
    source: BodySource<'_>,
    env: &Env<'_>,
    shifts: &[(usize, usize)],
) -> (Rendered, Vec<Diagnostic>) {
    let mut walk = Walk::new(body, source, *env, shifts);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if walk.too_deep(&event, &range) {
            return (Rendered::default(), walk.errors);
        }
        walk.event(event, range);
    }
    walk.finish()
}

/// One body's walk through its Markdown events: the events as they will
/// be written, and what the walk has gathered so far.
struct Walk<'a> {
    body: &'a str,
    source: BodySource<'a>,
    env: Env<'a>,
    /// Where shortcode placeholders moved the body's offsets.
    shifts: &'a [(usize, usize)],
    /// An untrusted page: its raw HTML is judged and cleaned.
    sanitised: bool,
    errors: Vec<Diagnostic>,
    out: Rendered,
    events: Vec<Event<'a>>,
    /// Heading ids taken so far (in an untrusted page, the theme's too).
    used_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// The headings, level, id and text, before they are nested.
    flat_toc: Vec<(u8, String, String)>,
    /// Index in `events` where `<!-- more -->` stood.
    summary_at: Option<usize>,
    depth: usize,
    /// The HTML block around the marker was dropped: drop its end too.
    skip_block_end: bool,
    /// Where the open image starts, and its alternative text so far.
    image_alt: Option<(usize, String)>,
    /// Index in `events` of the open heading, its offset in `body`, and its text so far.
    heading: Option<(usize, usize, String)>,
    /// Elements open around the current event: Markdown's own, plus those
    /// of raw HTML in pages the sanitiser will parse.
    nesting: usize,
    html_nesting: html_nesting::HtmlNesting,
    /// Raw HTML: (index in `events`, offset in `body`).
    raw_html: Vec<(usize, usize)>,
    /// What the sanitiser removes: (offset in the file, finding).
    found: Vec<(usize, Finding)>,
    /// Where text outside code blocks is written (in `body`), in order: what
    /// Markdown left as text there and looks like a link was not read as one.
    text_ranges: Vec<std::ops::Range<usize>>,
    in_code_block: bool,
}

impl<'a> Walk<'a> {
    fn new(
        body: &'a str,
        source: BodySource<'a>,
        env: Env<'a>,
        shifts: &'a [(usize, usize)],
    ) -> Walk<'a> {
        let sanitised = env.collection.is_some_and(|c| !c.trusted);
        // An untrusted page's headings never take an id the theme's pages use.
        let used_ids: HashSet<String> = if sanitised {
            crate::sanitize::THEME_IDS
                .iter()
                .map(|id| (*id).to_string())
                .collect()
        } else {
            HashSet::new()
        };
        Walk {
            body,
            source,
            env,
            shifts,
            sanitised,
            errors: Vec::new(),
            out: Rendered::default(),
            events: Vec::new(),
            used_ids,
            next_suffix: HashMap::new(),
            flat_toc: Vec::new(),
            summary_at: None,
            depth: 0,
            skip_block_end: false,
            image_alt: None,
            heading: None,
            nesting: 0,
            html_nesting: html_nesting::HtmlNesting::default(),
            raw_html: Vec::new(),
            found: Vec::new(),
            text_ranges: Vec::new(),
            in_code_block: false,
        }
    }

    /// The offset in the file of `offset` in the body as parsed.
    fn in_file(&self, offset: usize) -> usize {
        self.source.body_start + to_body_offset(offset, self.shifts)
    }

    /// Counts the elements `event` opens or closes; past [`MAX_NESTING`],
    /// an error at it, and the walk stops.
    fn too_deep(&mut self, event: &Event<'_>, range: &std::ops::Range<usize>) -> bool {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                self.nesting += 1;
                self.in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                self.nesting = self.nesting.saturating_sub(1);
                self.in_code_block = false;
            }
            Event::Start(_) => self.nesting += 1,
            Event::End(_) => self.nesting = self.nesting.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) if self.sanitised => {
                self.html_nesting
                    .read(h, MAX_NESTING.saturating_sub(self.nesting));
            }
            _ => {}
        }
        if self.nesting + self.html_nesting.depth() <= MAX_NESTING {
            return false;
        }
        let at = self.in_file(range.start);
        self.errors.push(
            Diagnostic::error(
                self.source.path,
                tr!(
                    "lists, quotes or HTML elements are nested more than {MAX_NESTING} levels deep here",
                    "listes, citations ou éléments HTML sont imbriqués sur plus de {MAX_NESTING} niveaux ici"
                ),
            )
            .at_offset(self.source.file_text, at)
            .with_hint(tr!(
                "nest fewer of them inside one another",
                "imbriquez-en moins les uns dans les autres"
            )),
        );
        true
    }

    /// Takes in one event of the body.
    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        let event = if self.sanitised {
            let offset = self.in_file(range.start);
            untrusted_markdown(event, offset, &mut self.found)
        } else {
            event
        };
        match event {
            Event::Start(Tag::Heading { .. }) => {
                self.heading = Some((self.events.len(), range.start, String::new()));
                self.depth += 1;
                self.events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                self.depth = self.depth.saturating_sub(1);
                self.end_heading(level, event);
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                self.depth += 1;
                self.start_link(tag, &range);
            }
            Event::End(TagEnd::Image) => {
                self.depth = self.depth.saturating_sub(1);
                self.end_image();
                self.events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if matches!(event, Event::Text(_)) && !self.in_code_block {
                    self.text_ranges.push(range.clone());
                }
                self.text(t);
                self.events.push(event);
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) if self.is_more_marker(h) => {
                // The marker is an HTML block of its own: drop the block around it too.
                if self.depth == 1 {
                    self.events.pop();
                    self.depth = 0;
                    self.skip_block_end = true;
                }
                self.summary_at = Some(self.events.len());
            }
            Event::End(TagEnd::HtmlBlock) if self.skip_block_end => self.skip_block_end = false,
            Event::Start(_) => {
                self.depth += 1;
                self.events.push(event);
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.events.push(event);
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                // Judged once the walk is done: the lines of an HTML block
                // are events of their own, and a tag can span them.
                self.raw_html.push((self.events.len(), range.start));
                self.events.push(event);
            }
            Event::TaskListMarker(done) => self.task_marker(done),
            _ => self.events.push(event),
        }
    }

    /// Whether raw HTML `h` is the first `<!-- more -->`, on its own.
    fn is_more_marker(&self, h: &str) -> bool {
        self.summary_at.is_none()
            && h.trim() == MORE_MARKER
            && (self.depth == 0
                || self.depth == 1
                    && matches!(self.events.last(), Some(Event::Start(Tag::HtmlBlock))))
    }

    /// A heading ends: its id (written, or made from its text and unique
    /// in the page), its anchor link, its entry in the table of contents.
    fn end_heading(&mut self, level: HeadingLevel, event: Event<'a>) {
        let Some((start, heading_at, text)) = self.heading.take() else {
            self.events.push(event);
            return;
        };
        let text = text.trim().to_string();
        let id = match &self.events[start] {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                // Theme ids in untrusted pages are refused apart.
                let theme = self.sanitised && crate::sanitize::is_theme_id(id);
                if self.used_ids.contains(id.as_ref()) && !theme {
                    let at = self.in_file(heading_at);
                    self.errors.push(
                        Diagnostic::error(
                            self.source.path,
                            tr!(
                                "a heading above already has the id `{id}`",
                                "un titre plus haut a déjà l'id `{id}`"
                            ),
                        )
                        .at_offset(self.source.file_text, at)
                        .with_hint(tr!(
                            "give this heading another id: links to `#{id}` lead to the first one",
                            "donnez un autre id à ce titre : les liens vers `#{id}` mènent au premier"
                        )),
                    );
                }
                id.to_string()
            }
            _ => unique_id(&slugify(&text), &self.used_ids, &mut self.next_suffix),
        };
        self.used_ids.insert(id.clone());
        if let Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) = &self.events[start]
        {
            self.events[start] = Event::Start(Tag::Heading {
                level: *level,
                id: Some(CowStr::from(id.clone())),
                classes: classes.clone(),
                attrs: attrs.clone(),
            });
        }
        self.events.push(Event::Html(CowStr::from(format!(
            " <a class=\"heading-anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
        ))));
        self.flat_toc.push((level_number(level), id.clone(), text));
        self.out.anchors.push(id);
        self.events.push(event);
    }

    /// A link or an image starts: its address judged (untrusted pages),
    /// resolved (`@/` paths), and recorded where it is written.
    fn start_link(&mut self, tag: Tag<'a>, range: &std::ops::Range<usize>) {
        let image = matches!(tag, Tag::Image { .. });
        if image {
            self.image_alt = Some((range.start, String::new()));
        }
        if let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }, true) =
            (&tag, self.sanitised)
        {
            if let Some(finding) = crate::sanitize::judge_url(image, dest_url) {
                self.found.push((self.in_file(range.start), finding));
            }
        }
        let written = match &tag {
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => self
                .body
                .get(range.clone())
                .and_then(|s| s.find(dest_url.as_ref()).filter(|_| !dest_url.is_empty()))
                .map_or(range.start, |i| range.start + i),
            _ => range.start,
        };
        let (body, source, shifts, resolve) =
            (self.body, self.source, self.shifts, self.env.resolve);
        let (out, errors) = (&mut self.out, &mut self.errors);
        let tag = retarget(tag, |dest| {
            resolve_dest(dest, body, range, source, resolve, shifts, out, errors)
        });
        if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &tag {
            let offset = self.in_file(written);
            self.out.links.push(LinkSource {
                url: dest_url.to_string(),
                image,
                offset,
            });
        }
        self.events.push(Event::Start(tag));
    }

    /// An image ends: without alternative text, an error at the image.
    fn end_image(&mut self) {
        let Some((offset, alt)) = self.image_alt.take() else {
            return;
        };
        if !alt.trim().is_empty() {
            return;
        }
        let at = self.in_file(offset);
        self.errors.push(
            Diagnostic::error(
                self.source.path,
                tr!(
                    "this image has no alternative text",
                    "cette image n'a pas de texte alternatif"
                ),
            )
            .at_offset(self.source.file_text, at)
            .with_hint(tr!(
                "describe what it shows between the brackets: ![The episode's poster](poster.svg)",
                "décrivez ce qu'elle montre entre les crochets : ![Affiche de l'épisode](poster.svg)"
            )),
        );
    }

    /// Text or code: counted, and gathered by the open image or heading.
    fn text(&mut self, t: &str) {
        if let Some((_, alt)) = self.image_alt.as_mut() {
            alt.push_str(t);
        }
        self.out.word_count += word_count(t);
        if let Some((_, _, h)) = self.heading.as_mut() {
            h.push_str(t);
        }
    }

    /// A task list's checkbox, named by its state in the page's language:
    /// pulldown-cmark's has no label, and screen readers would announce an
    /// unnamed control.
    fn task_marker(&mut self, done: bool) {
        let label = if done {
            tr!("done", "fait")
        } else {
            tr!("to do", "à faire")
        };
        let label = label.get(crate::i18n::Lang::parse(self.env.lang).unwrap_or_default());
        let checked = if done { " checked=\"\"" } else { "" };
        self.events.push(Event::InlineHtml(CowStr::from(format!(
            "<input type=\"checkbox\" disabled=\"\"{checked} aria-label=\"{label}\"> "
        ))));
    }

    /// The walk is over: raw HTML judged, addresses with spaces found, the
    /// summary and the body written.
    fn finish(mut self) -> (Rendered, Vec<Diagnostic>) {
        let (source, shifts) = (self.source, self.shifts);
        let in_file = |offset| source.body_start + to_body_offset(offset, shifts);
        // The sanitiser removes what it reports anyway; saying so tells the author why it vanished.
        self.found.extend(judge_raw_html(
            &mut self.events,
            &self.raw_html,
            self.summary_at,
            self.sanitised,
            in_file,
        ));
        self.text_ranges.sort_by_key(|r| r.start);
        self.found.extend(
            addresses_with_spaces(self.body, &self.text_ranges)
                .into_iter()
                .map(|(offset, finding)| (in_file(offset), finding)),
        );
        self.errors.extend(report_findings(self.found, source));
        let mut out = self.out;
        if let Some(at) = self.summary_at {
            let mut summary = String::new();
            html::push_html(&mut summary, self.events[..at].iter().cloned());
            out.summary = Some(summary);
        }
        // Sized for the body's length: the buffer then grows once or twice, not a dozen times.
        out.html.reserve(self.body.len() + self.body.len() / 4);
        html::push_html(&mut out.html, self.events.into_iter());
        out.toc = nest(&self.flat_toc);
        (out, self.errors)
    }
}

/// The id of a heading whose slug is `base`: `base` itself, else the first
/// `base-N` not in `used`. `next` keeps, for each base, the N to try first:
/// ids are never given back, so every smaller N is still taken, and each
/// `base-N` is tried once in a page (40,000 `## a` took minutes when every
/// heading tried 1, 2, 3... again).
fn unique_id(base: &str, used: &HashSet<String>, next: &mut HashMap<String, usize>) -> String {
    let base = if base.is_empty() { "section" } else { base };
    if !used.contains(base) {
        return base.to_string();
    }
    let n = next.entry(base.to_string()).or_insert(1);
    // `used` is finite: some N is free.
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if !used.contains(&id) {
            return id;
        }
    }
}

/// A link or image with its destination passed through `f`.
fn retarget<'a>(tag: Tag<'a>, f: impl FnOnce(&CowStr<'a>) -> CowStr<'a>) -> Tag<'a> {
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Link {
            link_type,
            dest_url: f(&dest_url),
            title,
            id,
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Image {
            link_type,
            dest_url: f(&dest_url),
            title,
            id,
        },
        other => other,
    }
}

/// Replaces an `@/path.md#frag` destination with the target's URL.
#[allow(clippy::too_many_arguments)]
fn resolve_dest<'a>(
    dest: &CowStr<'a>,
    body: &str,
    range: &std::ops::Range<usize>,
    source: BodySource<'_>,
    resolve: &dyn Fn(&str) -> Option<String>,
    shifts: &[(usize, usize)],
    out: &mut Rendered,
    errors: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let Some(target) = dest.strip_prefix("@/") else {
        return dest.clone();
    };
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    // Point at the destination itself when it can be found inside the link.
    let in_link = body
        .get(range.clone())
        .and_then(|s| s.find(dest.as_ref()))
        .unwrap_or(0);
    let offset = source.body_start + to_body_offset(range.start + in_link, shifts);
    let path = if path.is_empty() {
        source.content_path
    } else {
        path
    };
    let Some(url) = resolve(path) else {
        errors.push(
            Diagnostic::error(
                source.path,
                tr!(
                    "link to a missing page `@/{path}`",
                    "lien vers une page qui n'existe pas : `@/{path}`"
                ),
            )
            .at_offset(source.file_text, offset)
            .with_hint(tr!(
                "write the target's path under content/, e.g. `@/clubs/club-des-docteurs.md`; check the spelling and that the page is not a draft or scheduled for later (`publish_date`)",
                "écrivez le chemin de la cible sous content/, par exemple `@/clubs/club-des-docteurs.md` ; vérifiez l'orthographe, et que la page n'est pas un brouillon ni prévue pour plus tard (`publish_date`)"
            )),
        );
        return dest.clone();
    };
    match fragment {
        Some(fragment) => {
            out.fragment_links.push(FragmentLink {
                target: path.to_string(),
                url: url.clone(),
                fragment: fragment.to_string(),
                offset,
            });
            CowStr::from(format!("{url}#{fragment}"))
        }
        None => CowStr::from(url),
    }
}

/// Turns a flat list of (level, id, title) into a tree.
fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn take(flat: &[(u8, String, String)], i: &mut usize, min_level: u8) -> Vec<TocEntry> {
        let mut entries = Vec::new();
        while *i < flat.len() && flat[*i].0 >= min_level {
            let (level, id, title) = flat[*i].clone();
            *i += 1;
            let children = take(flat, i, level + 1);
            entries.push(TocEntry {
                level,
                id,
                title,
                children,
            });
        }
        entries
    }
    let mut i = 0;
    let mut roots = Vec::new();
    while i < flat.len() {
        let min = flat[i].0;
        roots.extend(take(flat, &mut i, min));
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "un",
            " deux mots ",
            "l'école\u{a0}: oui",
            "tab\tnew\nline\r\u{b}\u{c}end",
            "espace\u{2003}cadratin\u{3000}idéographique",
            "ex\u{E000}0\u{E000} et \u{E000}1\u{E000}",
            "œuvre  à   l'œil",
        ] {
            let expected = text
                .split_whitespace()
                .filter(|w| !w.contains('\u{E000}'))
                .count();
            assert_eq!(word_count(text), expected, "{text:?}");
        }
    }

    fn run(body: &str) -> (Rendered, Vec<Diagnostic>) {
        let source = BodySource {
            path: "content/a.md",
            file_text: body,
            body_start: 0,
            content_path: "a.md",
        };
        let resolve = |p: &str| (p == "clubs/biotech.md").then(|| "/clubs/biotech/".to_string());
        let env = Env {
            resolve: &resolve,
            shortcodes: None,
            lang: "fr",
            collection: None,
        };
        render(body, source, &env)
    }

    /// Task-list checkboxes are named in the page's language, from the
    /// message catalogue. Catches a label missing or in the wrong language.
    #[test]
    fn checkboxes_are_named_in_the_page_language() {
        let resolve = |_: &str| None;
        for (lang, done, todo) in [("fr", "fait", "à faire"), ("en", "done", "to do")] {
            let body = "- [x] a\n- [ ] b\n";
            let source = BodySource {
                path: "content/a.md",
                file_text: body,
                body_start: 0,
                content_path: "a.md",
            };
            let env = Env {
                resolve: &resolve,
                shortcodes: None,
                lang,
                collection: None,
            };
            let (rendered, _) = render(body, source, &env);
            for label in [done, todo] {
                assert!(
                    rendered.html.contains(&format!("aria-label=\"{label}\"")),
                    "{lang}: {}",
                    rendered.html
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled_in_one_pass_paragraphs_included() {
        let outputs = [
            "<figure>A</figure>".to_string(),
            "<b>\u{E000}0\u{E001}</b>".to_string(),
        ];
        assert_eq!(
            fill_placeholders(
                "<p>\u{E000}0\u{E001}</p>\n<p>x \u{E000}1\u{E001} \u{E000}9\u{E001} \u{E000}</p>",
                &outputs
            ),
            "<figure>A</figure>\n<p>x <b>\u{E000}0\u{E001}</b> \u{E000}9\u{E001} \u{E000}</p>"
        );
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_toc() {
        let (r, _) =
            run("## Nous contacter\n\n### Détails\n\n## Nous contacter\n\n## Autre {#perso}\n");
        assert!(r.html.contains("<h2 id=\"nous-contacter\">Nous contacter <a class=\"heading-anchor\" href=\"#nous-contacter\""), "{}", r.html);
        assert_eq!(
            r.anchors,
            ["nous-contacter", "details", "nous-contacter-1", "perso"]
        );
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "details");
    }

    #[test]
    fn extensions_are_on() {
        let (r, _) = run(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1] \"quoted\"\n\n- [x] done\n\n[^1]: note\n",
        );
        for needle in [
            "<table>",
            "<del>old</del>",
            "footnote-definition",
            "type=\"checkbox\"",
            "\u{201c}quoted\u{201d}",
        ] {
            assert!(r.html.contains(needle), "{needle} in {}", r.html);
        }
    }

    #[test]
    fn summary_stops_at_more_marker() {
        let (r, _) = run("First paragraph.\n\n<!-- more -->\n\nSecond.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>First paragraph.</p>\n"));
        assert!(r.html.contains("Second."));
        assert!(!r.html.contains("more -->"));
    }

    #[test]
    fn counts_words_and_reading_time() {
        let body = "mot ".repeat(401);
        let (r, _) = run(&body);
        assert_eq!(r.word_count, 401);
        assert_eq!(r.reading_time, 3);
    }

    #[test]
    fn internal_links_resolve_or_fail_at_the_link() {
        let (r, errs) =
            run("Voir [le club](@/clubs/biotech.md#contact).\n\nEt [rien](@/clubs/nope.md).\n");
        assert!(
            r.html.contains("href=\"/clubs/biotech/#contact\""),
            "{}",
            r.html
        );
        assert_eq!(r.fragment_links[0].fragment, "contact");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].location(), "content/a.md:3:11");
        assert_eq!(errs[0].message, "link to a missing page `@/clubs/nope.md`");
    }

    /// A `figure` that refuses an empty `alt`, naming it.
    struct Refusing;

    impl Shortcodes for Refusing {
        fn signature(&self, name: &str) -> Option<Vec<shortcode::Param>> {
            let text = |name: &str| shortcode::Param {
                name: name.into(),
                required: true,
                kind: Some(shortcode::Kind::Text),
            };
            (name == "figure").then(|| vec![text("src"), text("alt")])
        }

        fn names(&self) -> Vec<String> {
            vec!["figure".into()]
        }

        fn render(
            &self,
            _: &str,
            args: &[shortcode::Arg],
            _: Option<&str>,
            _: &str,
        ) -> Result<String, shortcode::RenderError> {
            if args
                .iter()
                .any(|a| a.value == shortcode::ArgValue::Str(String::new()))
            {
                return Err(shortcode::RenderError::Refused {
                    message: tr!("alt must describe the image", "alt doit décrire l'image"),
                    argument: Some("alt".into()),
                });
            }
            Ok("<figure></figure>".into())
        }
    }

    #[test]
    fn a_refused_call_points_at_the_argument_the_theme_names() {
        let body =
            "{{ figure(src=\"a.png\", alt=\"A\") }}\n\n{{ figure(src=\"a.png\", alt=\"\") }}\n";
        let source = BodySource {
            path: "content/a.md",
            file_text: body,
            body_start: 0,
            content_path: "a.md",
        };
        let resolve = |_: &str| None;
        let env = Env {
            resolve: &resolve,
            shortcodes: Some(&Refusing),
            lang: "fr",
            collection: None,
        };
        let (_, errs) = render(body, source, &env);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].location(), "content/a.md:3:24");
        assert_eq!(
            errs[0].message,
            "`figure` refuses this call: alt must describe the image"
        );
    }

    #[test]
    fn brackets_that_are_no_link_are_not_addresses_with_spaces() {
        for body in [
            "Une [note] (voir plus bas).\n",
            "`[code](a b.pdf)`\n",
            "```\n[bloc](a b.pdf)\n```\n",
            "    [indenté](a b.pdf)\n",
            "[lien](<a b.pdf>) et [titre](a.pdf \"Le titre\")\n",
            "(parenthèses) [crochets] et ](a b) seul\n",
        ] {
            let (_, errs) = run(body);
            assert_eq!(errs, [], "{body}");
        }
        let (_, errs) = run("[a](a.pdf)\n\nLe [flyer](Flyer de la rentrée.pdf) !\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].location(), "content/a.md:3:12");
        assert!(
            errs[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("`flyer-de-la-rentree.pdf`")),
            "{:?}",
            errs[0].hint
        );
    }

    #[test]
    fn links_come_out_at_the_address_each_wrote() {
        use crate::diagnostic::Position;
        // The same address twice: each at its own line, not the first match.
        let body = "[a](x.pdf)\n\n[b](x.pdf) ![Logo](logo.png)\n\n[club](@/clubs/biotech.md)\n";
        let (r, _) = run(body);
        let found: Vec<_> = r
            .links
            .iter()
            .map(|l| {
                (
                    l.url.as_str(),
                    l.image,
                    Position::from_offset(body, l.offset),
                )
            })
            .collect();
        let at = |line, col| Position { line, col };
        assert_eq!(
            found,
            [
                ("x.pdf", false, at(1, 5)),
                ("x.pdf", false, at(3, 5)),
                ("logo.png", true, at(3, 20)),
                ("/clubs/biotech/", false, at(5, 8)),
            ]
        );
    }
}
