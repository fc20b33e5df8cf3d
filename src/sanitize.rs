//! Sanitising the HTML of untrusted pages (a collection with `trusted: false`).
//!
//! Stage: inside the Markdown stage, for untrusted pages only.
//! In: the raw HTML an author wrote ([`raw_html`]), the HTML of the shortcodes
//! an author called ([`theme_html`]), then the rendered body ([`clean`]).
//! Out: the raw HTML written again token by token, without `id`, `class` and
//! comments, with a [`Finding`] for everything the allow-list will remove;
//! then the body with everything outside the allow-list removed (ammonia): no
//! script, style, iframe, object, embed or form, no event handler, links only
//! to `http`, `https`, `mailto`, `tel` or relative addresses, and images only
//! from files of the site (relative or root-relative paths).
//!
//! Invariants: one allow-list. The findings are read from the configured
//! ammonia builder itself (its tags, attributes and URL schemes) and from the
//! same attribute filter it runs, so that the report says what the cleaning
//! does. Errors are what would run code or load something from another host;
//! warnings are what is only dropped, the page still making sense. Every tag
//! the cleaning parses in raw HTML is one the report judged: the re-written
//! HTML escapes all text, so that no text becomes markup later.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};
use html5ever::tokenizer::{TagKind, Token};

use crate::diagnostic::Severity;
use crate::i18n::Text;

/// The ids the theme's templates give elements (`themes/sorbonne`): the skip
/// link's target, the home page's sections, the search page's fields. A
/// heading of an untrusted page never takes one of them, and no id of an
/// untrusted page may be one. `sanitize::theme_ids_are_those_of_the_templates`
/// (tests/suite/sanitize.rs) keeps this list equal to the templates' ids.
pub const THEME_IDS: &[&str] = &[
    "actualites",
    "alter-ego",
    "chiffres",
    "clubs",
    "contenu",
    "etapes",
    "evenements",
    "past",
    "search-query",
    "search-results",
    "search-status",
    "upcoming",
];

/// Whether `id` is one the theme's pages use.
pub fn is_theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id)
}

/// Something the allow-list removes from untrusted HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the HTML judged: the element, or the attribute's name.
    pub offset: usize,
    /// An error for what would run or load from another host, a warning
    /// for what is only dropped.
    pub severity: Severity,
    /// What is removed, in one sentence.
    pub message: Text,
    /// What to write instead.
    pub hint: Text,
    /// The attribute's value, when the finding is about an attribute.
    pub value: Option<String>,
}

/// Elements refused with an error: they run code, embed or submit to another
/// site, or change the whole page (its style sheet, its address, its end).
const REFUSED: &[&str] = &[
    "applet",
    "base",
    "embed",
    "form",
    "frame",
    "frameset",
    "iframe",
    "link",
    "meta",
    "object",
    "plaintext",
    "portal",
    "script",
    "style",
];

/// Attributes holding addresses, where a `javascript:` or `data:` one is refused.
const URL_ATTRIBUTES: &[&str] = &[
    "action",
    "background",
    "cite",
    "codebase",
    "data",
    "dynsrc",
    "formaction",
    "href",
    "longdesc",
    "lowsrc",
    "manifest",
    "ping",
    "poster",
    "src",
    "srcset",
    "usemap",
    "xlink:href",
];

fn code_hint() -> Text {
    tr!(
        "pages of this section cannot run code or embed other sites: remove it, or use an allowed shortcode",
        "les pages de cette section ne peuvent ni exécuter de code ni intégrer d'autres sites : retirez-le, ou utilisez un shortcode permis"
    )
}

fn image_hint() -> Text {
    tr!(
        "place the image beside the page and write its name: a page written as a folder, `mon-club/index.md`, shows `logo.png` of that folder with ![The club's logo](logo.png)",
        "placez l'image à côté de la page et écrivez son nom : une page écrite comme un dossier, `mon-club/index.md`, montre `logo.png` de ce dossier avec ![Logo du club](logo.png)"
    )
}

/// The allow-list: ammonia configured, and what the report reads of it.
struct Policy {
    builder: Builder<'static>,
    tags: HashSet<&'static str>,
    generic_attributes: HashSet<&'static str>,
    tag_attributes: HashMap<&'static str, HashSet<&'static str>>,
    url_schemes: HashSet<&'static str>,
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut b = Builder::default();
        b.add_tags(["figure", "figcaption", "input", "del", "section"])
            .add_generic_attributes([
                "id",
                "class",
                "lang",
                "role",
                "aria-hidden",
                "aria-label",
                "tabindex",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
            .add_tag_attributes("img", ["loading"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .url_relative(UrlRelative::PassThrough)
            // Links stay as written: no `rel` is added, so trusted and untrusted pages look alike.
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                passes_filter(element, attribute, value).then_some(Cow::Borrowed(value))
            });
        Policy {
            tags: b.clone_tags(),
            generic_attributes: b.clone_generic_attributes(),
            tag_attributes: b.clone_tag_attributes(),
            url_schemes: b.clone_url_schemes(),
            builder: b,
        }
    })
}

/// The filter ammonia runs on the attributes its lists allow: no image from
/// another host, no id of the theme.
fn passes_filter(element: &str, attribute: &str, value: &str) -> bool {
    let external =
        loads_file(element, attribute) && urls(attribute, value).any(|u| !is_site_file(u));
    !(external || attribute == "id" && is_theme_id(value))
}

/// Whether the browser fetches the address in `attribute` as soon as the
/// page shows (an image, a poster, a media file), rather than on a click.
fn loads_file(element: &str, attribute: &str) -> bool {
    matches!(
        (element, attribute),
        (
            "img" | "source" | "input" | "video" | "audio" | "track",
            "src"
        ) | ("img" | "source", "srcset")
            | ("video", "poster")
            | ("image" | "use", "href" | "xlink:href")
            | (_, "background")
    )
}

/// The addresses of an attribute: the candidates of a `srcset`, else the value.
fn urls<'v>(attribute: &str, value: &'v str) -> Box<dyn Iterator<Item = &'v str> + 'v> {
    if attribute == "srcset" {
        Box::new(
            value
                .split(',')
                .filter_map(|candidate| candidate.split_whitespace().next()),
        )
    } else {
        Box::new(std::iter::once(value))
    }
}

/// Whether `url` names a file of the site: a relative or root-relative path,
/// not an address with a scheme (`https:`) or a host (`//host/x`, which a
/// browser also reads in `/\host/x` and with tabs or newlines inside).
pub fn is_site_file(url: &str) -> bool {
    let normalised: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    !normalised.starts_with("//")
        && url::Url::parse(&normalised) == Err(url::ParseError::RelativeUrlWithoutBase)
}

/// The scheme of an absolute address, as a browser reads it (`jav\tascript:` is `javascript`).
fn scheme(url: &str) -> Option<String> {
    url::Url::parse(url).ok().map(|u| u.scheme().to_string())
}

/// Whether ammonia checks the scheme of this attribute (its own list of URL attributes).
fn scheme_checked(element: &str, attribute: &str) -> bool {
    matches!(attribute, "href" | "xlink:href" | "src")
        || matches!(
            (element, attribute),
            ("form", "action")
                | ("object", "data")
                | ("button" | "input", "formaction")
                | ("a", "ping")
                | ("video", "poster")
        )
}

/// Whether ammonia keeps `url` in an attribute it checks (its own rule).
fn scheme_allowed(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(u) => policy().url_schemes.contains(u.scheme()),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// "a" or "an" before an element's name.
fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A verdict: severity, message, hint.
type Verdict = (Severity, Text, Text);

/// What the allow-list does to an element `name` of the author's HTML.
fn judge_element(name: &str) -> Option<Verdict> {
    if policy().tags.contains(name) {
        return None;
    }
    if REFUSED.contains(&name) {
        return Some((
            Severity::Error,
            {
                let article = article(name);
                tr!(
                    "{article} <{name}> element is not allowed in this page",
                    "l'élément <{name}> n'est pas permis dans cette page"
                )
            },
            code_hint(),
        ));
    }
    let hint = match name {
        "font" | "big" | "blink" | "marquee" => tr!(
            "the theme sets fonts and colours: write **bold** or *italic* in Markdown",
            "le thème choisit polices et couleurs : écrivez **gras** ou *italique* en Markdown"
        ),
        "svg" | "math" => tr!(
            "save the drawing as a file beside the page and show it with ![what it shows](drawing.svg)",
            "enregistrez le dessin dans un fichier à côté de la page et montrez-le avec ![ce qu'il montre](dessin.svg)"
        ),
        "picture" | "source" | "video" | "audio" => tr!(
            "show an image with ![what it shows](image.jpg), the file beside the page",
            "montrez une image avec ![ce qu'elle montre](image.jpg), le fichier à côté de la page"
        ),
        word if word.contains(':') => tr!(
            "this is markup of a word processor: paste the text without its formatting (Ctrl+Shift+V), then format it in Markdown",
            "c'est le balisage d'un traitement de texte : collez le texte sans sa mise en forme (Ctrl+Maj+V), puis mettez-le en forme en Markdown"
        ),
        _ => tr!(
            "pages of this section keep the HTML of an allow-list: write it in Markdown",
            "les pages de cette section ne gardent que le HTML d'une liste permise : écrivez-le en Markdown"
        ),
    };
    Some((
        Severity::Warning,
        tr!(
            "the <{name}> element is removed (its text is kept)",
            "l'élément <{name}> est retiré (son texte est gardé)"
        ),
        hint,
    ))
}

/// What the allow-list does to the attribute `name="value"` of `element`.
/// `kept`: whether the element itself stays (the element's own finding
/// covers the attributes it takes away with it, errors apart). `raw`: HTML
/// the author wrote, whose ids and classes are removed; the theme's (a
/// shortcode's output) keeps them.
fn judge_attribute(
    element: &str,
    name: &str,
    value: &str,
    kept: bool,
    raw: bool,
) -> Option<Verdict> {
    refused_attribute(element, name, value).or_else(|| {
        if kept {
            removed_attribute(element, name, value, raw)
        } else {
            None
        }
    })
}

/// The error verdict on the attribute `name="value"` of `element` when it
/// could run code or load a file from elsewhere: refused whether or not
/// the element stays.
fn refused_attribute(element: &str, name: &str, value: &str) -> Option<Verdict> {
    if name.starts_with("on") {
        return Some((
            Severity::Error,
            tr!(
                "an event-handler attribute (`{name}`) is not allowed in this page",
                "un attribut de gestion d'événement (`{name}`) n'est pas permis dans cette page"
            ),
            code_hint(),
        ));
    }
    if let Some(verdict) = scheme_verdict(name, value) {
        return Some(verdict);
    }
    if loads_file(element, name) {
        if let Some(url) = urls(name, value).find(|u| !is_site_file(u)) {
            return Some((
                Severity::Error,
                tr!(
                    "images must be files of the site, not `{url}`",
                    "les images doivent être des fichiers du site, pas `{url}`"
                ),
                image_hint(),
            ));
        }
    }
    if name == "style" && value.to_ascii_lowercase().contains("url(") {
        return Some((
            Severity::Error,
            tr!(
                "a style that loads a file (`url(...)`) is not allowed in this page",
                "un style qui charge un fichier (`url(...)`) n'est pas permis dans cette page"
            ),
            tr!(
                "remove the style: the theme sets how pages look, and images go in the text with ![what it shows](image.jpg)",
                "retirez le style : le thème décide de l'apparence des pages, et les images vont dans le texte avec ![ce qu'elle montre](image.jpg)"
            ),
        ));
    }
    None
}

/// The verdict on the addresses in the attribute `name="value"` by their
/// scheme: an error for a script or a `data:` address, none for others.
fn scheme_verdict(name: &str, value: &str) -> Option<Verdict> {
    if !URL_ATTRIBUTES.contains(&name) {
        return None;
    }
    for url in urls(name, value) {
        match scheme(url).as_deref() {
            Some(s @ ("javascript" | "vbscript")) => {
                return Some((
                    Severity::Error,
                    tr!(
                        "a {s}: address is not allowed in this page",
                        "une adresse {s}: n'est pas permise dans cette page"
                    ),
                    code_hint(),
                ));
            }
            Some("data") => {
                return Some((
                    Severity::Error,
                    tr!(
                        "a data: address is not allowed in this page",
                        "une adresse data: n'est pas permise dans cette page"
                    ),
                    tr!(
                        "put the file beside the page and write its name",
                        "placez le fichier à côté de la page et écrivez son nom"
                    ),
                ));
            }
            _ => {}
        }
    }
    None
}

/// The warning verdict on the attribute `name="value"` of `element`, an
/// element that stays: the attribute is removed (an id or a class of the
/// author's `raw` HTML, an attribute off the allow-list, an address of
/// another scheme, an id of the theme's), or kept (`None`).
fn removed_attribute(element: &str, name: &str, value: &str, raw: bool) -> Option<Verdict> {
    let p = policy();
    if raw && name == "id" {
        let hint = id_hint(value);
        return Some((
            Severity::Warning,
            tr!("the id `{value}` is removed", "l'id `{value}` est retiré"),
            hint,
        ));
    }
    if raw && name == "class" {
        return Some((
            Severity::Warning,
            tr!(
                "the class `{value}` is removed",
                "la classe `{value}` est retirée"
            ),
            tr!(
                "the theme styles pages of this section: write the text in Markdown, or use an allowed shortcode",
                "le thème met en forme les pages de cette section : écrivez le texte en Markdown, ou utilisez un shortcode permis"
            ),
        ));
    }
    let allowed = p.generic_attributes.contains(name)
        || p.tag_attributes
            .get(element)
            .is_some_and(|a| a.contains(name));
    if !allowed {
        let hint = if name == "style" {
            tr!(
                "the theme sets fonts, colours and spacing: write **bold**, *italic* and ## titles in Markdown",
                "le thème choisit polices, couleurs et espacements : écrivez **gras**, *italique* et ## titres en Markdown"
            )
        } else {
            tr!(
                "pages of this section keep the attributes of an allow-list; the text stays",
                "les pages de cette section ne gardent que les attributs d'une liste permise ; le texte reste"
            )
        };
        return Some((
            Severity::Warning,
            tr!(
                "the `{name}` attribute of <{element}> is removed",
                "l'attribut `{name}` de <{element}> est retiré"
            ),
            hint,
        ));
    }
    if scheme_checked(element, name) && !scheme_allowed(value) {
        return Some((
            Severity::Warning,
            tr!(
                "the address `{value}` is removed",
                "l'adresse `{value}` est retirée"
            ),
            tr!(
                "links lead to pages of the site, or to http, https, mailto and tel addresses",
                "les liens mènent à des pages du site, ou à des adresses http, https, mailto et tel"
            ),
        ));
    }
    if !passes_filter(element, name, value) {
        return Some((
            Severity::Warning,
            tr!(
                "the id `{value}` is removed: the theme's pages use it",
                "l'id `{value}` est retiré : les pages du thème l'utilisent"
            ),
            tr!("choose another id", "choisissez un autre id"),
        ));
    }
    None
}

/// The hint for an id removed from the author's HTML: where the page's
/// ids come from, and whether `value` is one of the theme's own.
fn id_hint(value: &str) -> Text {
    if is_theme_id(value) {
        tr!(
            "`{value}` is an id of the theme's pages; ids of this page come from its headings: `## Inscription` is `#inscription`",
            "`{value}` est un id des pages du thème ; les id de cette page viennent de ses titres : `## Inscription` donne `#inscription`"
        )
    } else {
        tr!(
            "ids of this page come from its headings: `## Inscription` is `#inscription`, `## Inscription {{#inscrire}}` is `#inscrire`",
            "les id de cette page viennent de ses titres : `## Inscription` donne `#inscription`, `## Inscription {{#inscrire}}` donne `#inscrire`"
        )
    }
}

/// What the allow-list does to the address of a Markdown link
/// (`image: false`) or image (`image: true`).
pub fn judge_url(image: bool, url: &str) -> Option<Finding> {
    let (element, attribute) = if image { ("img", "src") } else { ("a", "href") };
    judge_attribute(element, attribute, url, true, false).map(|(severity, message, hint)| Finding {
        offset: 0,
        severity,
        message,
        hint,
        value: Some(url.to_string()),
    })
}

/// How far after the previous attribute the next one is looked for: a tag
/// of thousands of attributes is located in linear time.
const ATTRIBUTE_WINDOW: usize = 4096;

/// Where the attribute `name` is written in `tag_text` (the text from the
/// tag's `<`), at or after `from`: for pointing at it rather than at the tag.
fn attribute_offset(tag_text: &str, name: &str, from: usize) -> Option<usize> {
    let bytes = tag_text.as_bytes();
    let needle = name.as_bytes();
    let last = bytes
        .len()
        .min(from + ATTRIBUTE_WINDOW)
        .checked_sub(needle.len())?;
    (from.max(1)..=last).find(|&i| {
        bytes[i..i + needle.len()].eq_ignore_ascii_case(needle)
            && matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'"' | b'\''
            )
            && !bytes
                .get(i + needle.len())
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_'))
    })
}

/// What judging the raw HTML of a page carries from one piece to the next:
/// an `<svg>` opened in one inline tag holds the tags that follow.
#[derive(Debug, Default)]
pub struct RawState {
    /// Depth inside `<svg>` or `<math>`, whose parts go with them, unnamed.
    foreign: usize,
}

/// Whose HTML [`scan`] reads, which decides what it judges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Author {
    /// The author of an untrusted page: everything the allow-list removes,
    /// and images without alternative text.
    Untrusted,
    /// The theme (a shortcode's output): what the allow-list removes, its
    /// ids, classes and elements apart.
    Theme,
    /// The author of a trusted page: images without alternative text alone.
    Trusted,
}

/// What an image written without `alt` gets.
fn no_alt() -> Verdict {
    (
        Severity::Error,
        tr!(
            "this image has no alternative text",
            "cette image n'a pas de texte alternatif"
        ),
        tr!(
            "describe what it shows: alt=\"...\" (alt=\"\" for an image that only decorates)",
            "décrivez ce qu'elle montre : alt=\"...\" (alt=\"\" pour une image qui ne fait que décorer)"
        ),
    )
}

/// Judges `html` token by token and writes it again; see [`raw_html`].
fn scan(html: &str, author: Author, state: &mut RawState) -> (String, Vec<Finding>) {
    let raw = author == Author::Untrusted;
    let judged = author != Author::Trusted;
    let mut out = String::with_capacity(html.len());
    let mut findings = Vec::new();
    let foreign = &mut state.foreign;
    crate::html::located(html, false, |range, token| match token {
        Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
            let name: &str = &tag.name;
            let kept = policy().tags.contains(name);
            let mut push =
                |offset: usize, (severity, message, hint): Verdict, value: Option<String>| {
                    if *foreign == 0 || severity == Severity::Error {
                        findings.push(Finding {
                            offset,
                            severity,
                            message,
                            hint,
                            value,
                        });
                    }
                };
            if raw {
                if let Some(verdict) = judge_element(name) {
                    push(range.start, verdict, None);
                }
            }
            if author != Author::Theme
                && name == "img"
                && !tag.attrs.iter().any(|a| &*a.name.local == "alt")
            {
                push(range.start, no_alt(), None);
            }
            let tag_text = &html[range.clone()];
            let mut cursor = 0;
            out.push('<');
            out.push_str(name);
            for attribute in &tag.attrs {
                let attribute_name: &str = &attribute.name.local;
                let value: &str = &attribute.value;
                if let Some(verdict) = judged
                    .then(|| judge_attribute(name, attribute_name, value, kept, raw))
                    .flatten()
                {
                    let found = attribute_offset(tag_text, attribute_name, cursor);
                    cursor = found.map_or(cursor, |i| i + attribute_name.len());
                    let offset = range.start + found.unwrap_or(0);
                    push(offset, verdict, Some(value.to_string()));
                }
                if raw && matches!(attribute_name, "id" | "class") {
                    continue;
                }
                out.push(' ');
                out.push_str(attribute_name);
                out.push_str("=\"");
                crate::html::escape_into(&mut out, value);
                out.push('"');
            }
            if tag.self_closing {
                out.push_str(" /");
            }
            out.push('>');
            if matches!(name, "svg" | "math") && !tag.self_closing {
                *foreign += 1;
            }
        }
        Token::TagToken(tag) => {
            if matches!(&*tag.name, "svg" | "math") {
                *foreign = foreign.saturating_sub(1);
            }
            out.push_str("</");
            out.push_str(&tag.name);
            out.push('>');
        }
        Token::CharacterTokens(text) => crate::html::escape_into(&mut out, &text),
        // Comments, doctypes and NUL characters are dropped, as the cleaning does.
        _ => {}
    });
    (out, findings)
}

/// Raw HTML an author wrote in an untrusted page (whole HTML blocks, or one
/// inline tag; `state` carried over the page's pieces, in order): the same
/// HTML written again from its tokens, without `id`, `class` and comments,
/// and what the allow-list will remove from it. Ids
/// and classes are the theme's hooks (`#contenu` is where its skip link
/// leads, `.card` what its script filters): those of the page are made by
/// Markdown and by the shortcodes, never written by hand.
pub fn raw_html(html: &str, state: &mut RawState) -> (String, Vec<Finding>) {
    scan(html, Author::Untrusted, state)
}

/// The images of raw HTML in a trusted page that have no `alt`, with the
/// offset of each tag: found by the tokenizer the sanitiser uses, so that
/// the error names the very `<img>` that lacks it.
pub fn images_without_alt(html: &str, state: &mut RawState) -> Vec<Finding> {
    scan(html, Author::Trusted, state).1
}

/// What the allow-list removes from HTML the theme wrote for the page (a
/// shortcode's output, whose arguments are the author's): its ids and
/// classes stay, its elements are not named.
pub fn theme_html(html: &str) -> Vec<Finding> {
    scan(html, Author::Theme, &mut RawState::default()).1
}

/// The allowed part of `html`.
pub fn clean(html: &str) -> String {
    policy().builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(html: &str) -> Vec<(Severity, String, usize)> {
        raw_html(html, &mut RawState::default())
            .1
            .into_iter()
            .map(|f| (f.severity, f.message.en, f.offset))
            .collect()
    }

    #[test]
    fn errors_for_what_runs_or_loads_from_elsewhere() {
        let error = |html: &str, message: &str, offset: usize| {
            let errors: Vec<_> = messages(html)
                .into_iter()
                .filter(|(severity, _, _)| *severity == Severity::Error)
                .collect();
            assert_eq!(
                errors,
                [(Severity::Error, message.to_string(), offset)],
                "{html}"
            );
        };
        error(
            "<SCRIPT>x</SCRIPT>",
            "a <script> element is not allowed in this page",
            0,
        );
        error(
            "<img src=x alt=\"\" onerror=alert(1)>",
            "an event-handler attribute (`onerror`) is not allowed in this page",
            18,
        );
        error(
            "<a href=\"jav&#x09;ascript:x\">x</a>",
            "a javascript: address is not allowed in this page",
            3,
        );
        error(
            "<a href=\"VBScript:x\">x</a>",
            "a vbscript: address is not allowed in this page",
            3,
        );
        error(
            "<img alt=\"\" src=\"https://tracker.example/p.gif\">",
            "images must be files of the site, not `https://tracker.example/p.gif`",
            12,
        );
        error(
            "<img alt=\"\" src=\"/\\tracker.example/p.gif\">",
            "images must be files of the site, not `/\\tracker.example/p.gif`",
            12,
        );
        error(
            "<img alt=\"\" src=\"a.png\" srcset=\"a.png 1x, //cdn.example/b.png 2x\">",
            "images must be files of the site, not `//cdn.example/b.png`",
            24,
        );
        error(
            "<video poster=\"https://t.example/p.jpg\"></video>",
            "images must be files of the site, not `https://t.example/p.jpg`",
            7,
        );
    }

    #[test]
    fn warnings_for_what_is_only_dropped() {
        let found = messages(
            "<p class=MsoNormal style='margin:0'>Texte<o:p></o:p> <font face=Arial>x</font></p>",
        );
        assert_eq!(
            found,
            [
                (
                    Severity::Warning,
                    "the class `MsoNormal` is removed".into(),
                    3
                ),
                (
                    Severity::Warning,
                    "the `style` attribute of <p> is removed".into(),
                    19
                ),
                (
                    Severity::Warning,
                    "the <o:p> element is removed (its text is kept)".into(),
                    41
                ),
                (
                    Severity::Warning,
                    "the <font> element is removed (its text is kept)".into(),
                    53
                ),
            ]
        );
        // The parts of a drawing go with it: one warning, also when its
        // tags are judged one by one (inline HTML of a paragraph).
        assert_eq!(
            messages("<svg viewBox=\"0 0 1 1\"><path d=\"M0\"/></svg>").len(),
            1
        );
        let mut state = RawState::default();
        let found: Vec<usize> = ["<svg>", "<path d=\"M0\"/>", "</svg>", "<font>"]
            .iter()
            .map(|html| raw_html(html, &mut state).1.len())
            .collect();
        assert_eq!(found, [1, 0, 0, 1]);
        assert_eq!(
            messages("<a href=\"ftp://example.org/x\">x</a>"),
            [(
                Severity::Warning,
                "the address `ftp://example.org/x` is removed".into(),
                3
            )]
        );
    }

    #[test]
    fn harmless_html_has_no_finding() {
        for html in [
            "<p>Les metadata: 2026</p>",
            "<a href=\"tel:+33144272727\">appeler</a>",
            "<a href=\"mailto:club@example.org\">écrire</a>",
            "<a href=\"https://example.org/\">un site</a> <a href=\"//example.org/\">un autre</a>",
            "<img src=\"logo.png\" alt=\"Logo\"> <img src=\"/logo.png\" alt=\"Logo\">",
            "<p title=\"a < b\">onward, ontology</p>",
        ] {
            assert_eq!(messages(html), [], "{html}");
        }
        // A script's text is not markup: one error, for the script.
        assert_eq!(
            messages("<script>var p = '<p id=x onclick=y>';</script>").len(),
            1
        );
    }

    #[test]
    fn raw_html_is_written_again_without_ids_classes_and_comments() {
        let (html, _) = raw_html(
            "<div id=\"contenu\" class=\"card\" lang=fr><!-- x -->a &amp; b<br/><textarea><p id=x></textarea></div>",
            &mut RawState::default(),
        );
        assert_eq!(
            html,
            "<div lang=\"fr\">a &amp; b<br /><textarea>&lt;p id=x&gt;</textarea></div>"
        );
    }

    #[test]
    fn a_tag_with_a_less_than_sign_in_a_value_is_found_where_it_starts() {
        let found = messages("text <p title=\"1<2\" style=x>y</p>");
        assert_eq!(
            found,
            [(
                Severity::Warning,
                "the `style` attribute of <p> is removed".into(),
                20
            )]
        );
    }

    #[test]
    fn keeps_markdown_output_and_drops_scripts() {
        let kept = "<h2 id=\"a\">A <a class=\"heading-anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>";
        assert_eq!(clean(kept), kept);
        let dirty = "<p onclick=\"x()\">Hi<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><img src=\"data:image/png;base64,AA\" alt=\"\"></p>";
        assert_eq!(clean(dirty), "<p>Hi<a>x</a><img alt=\"\"></p>");
    }

    #[test]
    fn cleaning_drops_images_of_other_hosts_and_theme_ids_and_keeps_tel() {
        assert_eq!(
            clean(
                "<img src=\"https://t.example/p.gif\" alt=\"\"><img src=\"//t.example/p.gif\" alt=\"\"><img src=\"p.gif\" alt=\"\">"
            ),
            "<img alt=\"\"><img alt=\"\"><img src=\"p.gif\" alt=\"\">"
        );
        assert_eq!(clean("<h2 id=\"contenu\">x</h2>"), "<h2>x</h2>");
        assert_eq!(
            clean("<a href=\"tel:+33\">x</a> <a href=\"//example.org/\">y</a>"),
            "<a href=\"tel:+33\">x</a> <a href=\"//example.org/\">y</a>"
        );
    }

    #[test]
    fn theme_html_keeps_its_classes_but_not_images_of_other_hosts() {
        let found = theme_html(
            "<figure class=\"figure\" id=\"contenu\"><img src=\"https://t.example/p.gif\" alt=\"x\" loading=\"lazy\"></figure>",
        );
        let messages: Vec<_> = found.iter().map(|f| f.message.en.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the id `contenu` is removed: the theme's pages use it",
                "images must be files of the site, not `https://t.example/p.gif`"
            ]
        );
        assert_eq!(found[1].value.as_deref(), Some("https://t.example/p.gif"));
    }

    #[test]
    fn markdown_addresses_are_judged_like_attributes() {
        assert!(judge_url(false, "https://example.org/").is_none());
        assert!(judge_url(false, "@/clubs/biotech.md#contact").is_none());
        assert!(judge_url(true, "poster.svg").is_none());
        assert_eq!(
            judge_url(true, "https://t.example/p.gif").map(|f| f.severity),
            Some(Severity::Error)
        );
        assert_eq!(
            judge_url(false, "data:text/html,x").map(|f| f.message.en),
            Some("a data: address is not allowed in this page".to_string())
        );
    }
}
