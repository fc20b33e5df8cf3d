//! Render stage: Tera templates over the views, one output per page, section
//! (page of a) list, taxonomy and term, in every language.
//!
//! In: the theme's templates, shortcodes and UI strings, the assembled site
//! and its shared views. Out: HTML handed to a writer as soon as it is
//! rendered (so memory holds the model, not the whole output), plus located
//! diagnostics. Templates are compiled once; outputs render in parallel with
//! no lock between them; errors from many pages at one template line are
//! reported once.
//!
//! Templates can call `url(path=...)` (a content source path such as
//! `@/clubs/biotech.md`, resolved in the current language, or a site path
//! such as `/clubs/`), `asset(path=...)` (a file of the theme's `static/`)
//! and `t(key=...)` (a UI string of the current language), and use the
//! `date(format=..., lang=...)` and `json` filters. `image(field=...,
//! page=...)` (or `path=`, `asset=`) returns a raster image's variants for
//! `<picture>` markup and Open Graph tags (see
//! [`crate::images::Image::to_value`]). A shortcode refuses its call with
//! `throw(message=..., argument="alt")`: the error is then the page's, at
//! that argument of the call (at the call without `argument`), not the
//! theme's. Messages of the engine, which are English, come inside
//! a sentence of ours in French and English. Tera 2 functions take keyword
//! arguments only, hence `t(key="nav.home")` rather than `t("nav.home")`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::date::DateTime;
use crate::diagnostic::{Diagnostic, Position};
use crate::i18n::{Lang, Text};
use crate::images::Images;
use crate::load::{TextFile, ThemeFiles};
use crate::markdown::Rendered;
use crate::model::{LinkIndex, Site};
use crate::shortcode::{Arg, ArgValue, Param, RenderError, Shortcodes};
use crate::timings::Renders;
use crate::view::{self, Pager, SharedViews};
use crate::yaml;

/// UI strings: language -> key -> text.
type Strings = HashMap<String, HashMap<String, String>>;

/// The compiled templates of a theme.
pub struct Engine {
    tera: Tera,
    /// Template name -> (site-relative path, text), for locating errors.
    sources: HashMap<String, (String, String)>,
    /// Names of the shortcodes (files of `shortcodes/`).
    shortcodes: BTreeSet<String>,
    /// The planned images, whose `<img>` every output gets responsive.
    images: Arc<Images>,
}

/// The names every template's context holds, for the "unknown variable" hint.
const CONTEXT_NAMES: &str = "page (on pages), section, ancestors (on sections), taxonomy and term (on taxonomy pages), paginator, site, data, config, lang, current_url";

/// What template functions need to know of the site.
#[derive(Default)]
struct Links {
    base_path: String,
    index: LinkIndex,
    /// Files of the theme's `static/`, relative to it, with their site path.
    assets: HashMap<String, String>,
    /// `base_url` without its trailing slash, for absolute URLs.
    base_url: String,
    /// The planned images (for `image()`).
    images: Arc<Images>,
    /// Output path of each planned image's original, by its source file
    /// (`content/clubs/x/logo.png`).
    image_sources: HashMap<String, String>,
}

fn template_name(file: &TextFile) -> String {
    match file.path.split_once("/templates/") {
        Some((_, n)) => n.to_string(),
        None => match file.path.split_once("/shortcodes/") {
            Some((_, n)) => format!("shortcodes/{n}"),
            None => file.path.clone(),
        },
    }
}

/// The language of the render: the `lang=` argument, else the context's
/// `lang`. Components only see what they declare, so one that formats dates
/// or strings declares `@lang` (Tera 2's implicit argument) to receive it.
fn current_lang(kwargs: &Kwargs, state: &State, what: &str) -> tera::TeraResult<String> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return Ok(lang.to_string());
    }
    // As a value, then its text: reading it as a `String` would format it
    // through `Display`, a tenth of the rendering time of a page that
    // calls `t()` forty times.
    let lang = state.get::<Value>("lang")?;
    match lang.as_ref().and_then(Value::as_str) {
        Some(lang) if !lang.is_empty() => Ok(lang.to_string()),
        _ => Err(engine_error(&tr!(
            "{what}: no language here; inside a component, add `@lang` to its arguments, or pass lang=\"fr\"",
            "{what} : pas de langue ici ; dans un composant, ajoutez `@lang` à ses arguments, ou passez lang=\"fr\""
        ))),
    }
}

/// Compiles the theme's templates and shortcodes, reads its UI strings and
/// registers the site's functions. Every broken template is reported.
pub(crate) fn compile(
    theme: &ThemeFiles,
    site: &Site,
    images: &Arc<Images>,
) -> Result<Engine, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let strings = read_strings(theme, site, &mut errors);
    let links = Arc::new(Links::of(theme, site, images));
    let strings = Arc::new(strings);
    let files: Vec<&TextFile> = theme.templates.iter().chain(&theme.shortcodes).collect();
    let sources: HashMap<String, (String, String)> = files
        .iter()
        .map(|f| (template_name(f), (f.path.clone(), f.text.clone())))
        .collect();
    check_string_keys(&files, &strings, site, &mut errors);
    let mut tera = new_tera(&links, &strings);
    let all: Vec<(String, &str)> = files
        .iter()
        .map(|f| (template_name(f), f.text.as_str()))
        .collect();
    if let Err(err) = tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), *t))) {
        errors.extend(syntax_errors(&all, &links, &strings, &err, &sources));
        return Err(errors);
    }
    let shortcodes = shortcode_components(theme, &tera, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Engine {
        tera,
        sources,
        shortcodes,
        images: Arc::clone(images),
    })
}

impl Links {
    /// What template functions need to know of `site`, its `theme`'s
    /// static files (by their fingerprinted path where there is one) and
    /// its planned `images`.
    fn of(theme: &ThemeFiles, site: &Site, images: &Arc<Images>) -> Links {
        Links {
            base_path: site.config.base_path.clone(),
            index: LinkIndex::new(site),
            assets: theme
                .static_files
                .iter()
                .filter_map(|f| {
                    f.path
                        .split_once("/static/")
                        .map(|(_, rest)| rest.to_string())
                })
                .map(|inner| {
                    let output = site
                        .fingerprinted
                        .get(&inner)
                        .cloned()
                        .unwrap_or_else(|| format!("static/{inner}"));
                    (inner, output)
                })
                .collect(),
            base_url: site.config.base_url.trim_end_matches('/').to_string(),
            images: Arc::clone(images),
            image_sources: images
                .iter()
                .map(|i| (i.source.clone(), i.output().to_string()))
                .collect(),
        }
    }
}

/// Every syntax error of the templates `all` (name, text), when they fail
/// together with `combined`. Tera stops at the first broken template:
/// each is compiled alone, in an engine with the site's `links` and
/// `strings`, to find every syntax error, with `combined` as the fallback
/// otherwise.
fn syntax_errors(
    all: &[(String, &str)],
    links: &Arc<Links>,
    strings: &Arc<Strings>,
    combined: &tera::Error,
    sources: &HashMap<String, (String, String)>,
) -> Vec<Diagnostic> {
    let mut syntax: Vec<Diagnostic> = all
        .iter()
        .filter_map(|(name, text)| {
            let mut alone = new_tera(links, strings);
            match alone.add_raw_template(name, text) {
                Err(e) if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) => {
                    Some(to_diagnostic(&e, sources))
                }
                _ => None,
            }
        })
        .collect();
    if syntax.is_empty() {
        syntax.push(to_diagnostic(combined, sources));
    }
    syntax
}

/// The names of the theme's shortcodes: the file stems that define a
/// component of their name in `tera`; an error for each file that does not.
fn shortcode_components(
    theme: &ThemeFiles,
    tera: &Tera,
    errors: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut shortcodes = BTreeSet::new();
    for file in &theme.shortcodes {
        let name = template_name(file);
        let stem = name
            .trim_start_matches("shortcodes/")
            .trim_end_matches(".html")
            .to_string();
        if tera.get_component_definition(&stem).is_some() {
            shortcodes.insert(stem);
        } else {
            errors.push(
                Diagnostic::error(
                    &file.path,
                    tr!(
                        "this shortcode file defines no component `{stem}`",
                        "ce fichier de shortcode ne définit aucun composant `{stem}`"
                    ),
                )
                .with_hint(tr!(
                    "wrap it in {{% component {stem}(arg, other=\"default\") %}} ... {{% endcomponent {stem} %}}",
                    "entourez-le de {{% component {stem}(arg, autre=\"défaut\") %}} ... {{% endcomponent {stem} %}}"
                )),
            );
        }
    }
    shortcodes
}

/// Reads `i18n/<lang>.yaml` of every language (nested keys are joined with dots).
fn read_strings(theme: &ThemeFiles, site: &Site, errors: &mut Vec<Diagnostic>) -> Strings {
    let mut strings = Strings::new();
    for file in &theme.i18n {
        let lang = file
            .path
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml").or_else(|| n.strip_suffix(".yml")))
            .unwrap_or_default()
            .to_string();
        let source = yaml::Source {
            path: &file.path,
            file_text: &file.text,
            start: 0,
        };
        match yaml::parse::<yaml::Value>(&file.text, source) {
            Ok(value) => {
                let mut flat = HashMap::new();
                flatten("", &value, &mut flat, &file.path, errors);
                strings.insert(lang, flat);
            }
            Err(d) => errors.push(d),
        }
    }
    if !theme.i18n.is_empty() {
        for language in &site.config.languages {
            if !strings.contains_key(&language.code) {
                let code = &language.code;
                errors.push(
                    Diagnostic::error(
                        format!("themes/{}/i18n/{code}.yaml", site.config.theme),
                        tr!(
                            "the theme has no UI strings for `{code}`",
                            "le thème n'a pas de textes d'interface pour `{code}`"
                        ),
                    )
                    .with_hint(tr!(
                        "copy another language's file and translate its values",
                        "copiez le fichier d'une autre langue et traduisez ses valeurs"
                    )),
                );
            }
        }
    }
    strings
}

fn flatten(
    prefix: &str,
    value: &yaml::Value,
    out: &mut HashMap<String, String>,
    path: &str,
    errors: &mut Vec<Diagnostic>,
) {
    match value {
        yaml::Value::Mapping(map) => {
            for (k, v) in map {
                let key = match k.as_str() {
                    Some(k) if prefix.is_empty() => k.to_string(),
                    Some(k) => format!("{prefix}.{k}"),
                    None => continue,
                };
                flatten(&key, v, out, path, errors);
            }
        }
        yaml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        yaml::Value::Number(n) => {
            out.insert(prefix.to_string(), n.to_string());
        }
        _ => errors.push(
            Diagnostic::error(
                path,
                tr!(
                    "the UI string `{prefix}` must be a text",
                    "le texte d'interface `{prefix}` doit être un texte"
                ),
            )
            .with_hint(tr!("write `key: \"text\"`", "écrivez `clé: \"texte\"`")),
        ),
    }
}

/// Every literal `t(key="...")` in the templates must exist in every
/// language, and every key of one language must exist in the others.
fn check_string_keys(
    files: &[&TextFile],
    strings: &Strings,
    site: &Site,
    errors: &mut Vec<Diagnostic>,
) {
    let mut reported = HashSet::new();
    for file in files {
        for (offset, key) in literal_keys(&file.text) {
            for language in &site.config.languages {
                let has = strings
                    .get(&language.code)
                    .is_some_and(|s| s.contains_key(&key));
                if !has && strings.contains_key(&language.code) {
                    reported.insert((language.code.clone(), key.clone()));
                    let (code, theme) = (&language.code, &site.config.theme);
                    errors.push(
                        Diagnostic::error(
                            &file.path,
                            tr!(
                                "the UI string `{key}` is missing in `{code}`",
                                "le texte d'interface `{key}` manque en `{code}`"
                            ),
                        )
                        .at_offset(&file.text, offset)
                        .with_hint(tr!(
                            "add `{key}: ...` to themes/{theme}/i18n/{code}.yaml",
                            "ajoutez `{key}: ...` à themes/{theme}/i18n/{code}.yaml"
                        )),
                    );
                }
            }
        }
    }
    let mut all_keys: BTreeMap<&str, &str> = BTreeMap::new();
    let mut langs: Vec<&String> = strings.keys().collect();
    langs.sort();
    for lang in &langs {
        for key in strings[*lang].keys() {
            all_keys.entry(key.as_str()).or_insert(lang.as_str());
        }
    }
    for lang in langs {
        for (key, defined_in) in &all_keys {
            if !strings[lang].contains_key(*key)
                && !reported.contains(&(lang.clone(), (*key).to_string()))
            {
                errors.push(
                    Diagnostic::error(
                        format!("themes/{}/i18n/{lang}.yaml", site.config.theme),
                        tr!(
                            "the UI string `{key}` (in {defined_in}.yaml) is missing here",
                            "le texte d'interface `{key}` (dans {defined_in}.yaml) manque ici"
                        ),
                    )
                    .with_hint(tr!(
                        "add `{key}: ...`, translated",
                        "ajoutez `{key}: ...`, traduit"
                    )),
                );
            }
        }
    }
}

/// `(offset, key)` of each `t(key="...")` with a literal key in a template.
fn literal_keys(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("t(key=") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = &text[i + "t(key=".len()..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        // Only a whole literal is a key: `t(key="note." ~ kind)` is built at render time.
        if let Some(end) = rest[1..].find(quote) {
            let after = rest[end + 2..].trim_start();
            if after.starts_with(')') || after.starts_with(',') {
                found.push((i, rest[1..=end].to_string()));
            }
        }
    }
    found
}

fn new_tera(links: &Arc<Links>, strings: &Arc<Strings>) -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.register_function("throw", throw);
    let l = Arc::clone(links);
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            if !path.starts_with("@/") {
                return resolve_url(&l, path, "").map_err(|t| engine_error(&t));
            }
            let lang = current_lang(&kwargs, state, "url()")?;
            resolve_url(&l, path, &lang).map_err(|t| engine_error(&t))
        },
    );
    let l = Arc::clone(links);
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            let inner = path.trim_start_matches('/');
            if let Some(output) = l.assets.get(inner) {
                Ok(crate::urls::address(&l.base_path, output))
            } else {
                Err(engine_error(&tr!(
                    "asset(path=\"{path}\"): there is no file `static/{inner}` in the theme",
                    "asset(path=\"{path}\") : il n'y a pas de fichier `static/{inner}` dans le thème"
                )))
            }
        },
    );
    let l = Arc::clone(links);
    tera.register_function(
        "image",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> { image_function(&l, &kwargs) },
    );
    let s = Arc::clone(strings);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let key = kwargs.must_get::<&str>("key")?;
            let lang = current_lang(&kwargs, state, "t()")?;
            s.get(&lang)
                .and_then(|strings| strings.get(key))
                .cloned()
                .ok_or_else(|| {
                    engine_error(&tr!(
                        "t(key=\"{key}\"): no UI string `{key}` in i18n/{lang}.yaml",
                        "t(key=\"{key}\") : pas de texte d'interface `{key}` dans i18n/{lang}.yaml"
                    ))
                })
        },
    );
    // For `<script type="application/ld+json">`: JSON text, with `<` escaped
    // so that no value can close the script element.
    tera.register_filter(
        "json",
        |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let text = serde_json::to_string(value)
                .map_err(|e| engine_error(&tr!("json filter: {e}", "filtre json : {e}")))?;
            Ok(Value::safe_string(&text.replace('<', "\\u003c")))
        },
    );
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let date = DateTime::parse(value).map_err(|why| {
                engine_error(&Text::new(
                    format!("date filter: `{value}`: {}", why.en),
                    format!("filtre date : `{value}` : {}", why.fr),
                ))
            })?;
            let lang = current_lang(&kwargs, state, "date")?;
            Ok(match kwargs.get::<&str>("format")? {
                Some(format) => date.format(format, &lang),
                None => date.long(&lang),
            })
        },
    );
    tera
}

/// `image(field=..., page=...)`, `image(path=...)` or `image(asset=...)`,
/// with `alt`, `width` and `sizes` optional: the variants of a raster image
/// of the site (see [`crate::images::Image::to_value`]). `field` is a
/// page's image field (`{ src, alt }`), found as the schema finds it:
/// beside the page when `page` (a page or a list's item) is a bundle's,
/// else in `content/_static/`. `path` is a site path (`/clubs/x/logo.png`),
/// `asset` a file of the theme's `static/`.
fn image_function(links: &Links, kwargs: &Kwargs) -> tera::TeraResult<Value> {
    let field = kwargs.get::<&Value>("field")?;
    let path = kwargs.get::<&str>("path")?;
    let asset = kwargs.get::<&str>("asset")?;
    let width = kwargs.get::<u32>("width")?;
    let sizes = kwargs.get::<&str>("sizes")?;
    let mut alt = kwargs.get::<&str>("alt")?;
    let (output, looked_for) = match (field, path, asset) {
        (Some(field), None, None) => {
            let src = field
                .get_from_path("src")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    engine_error(&tr!(
                        "image(field=...): this is not an image field, which is written `{{ src: logo.png, alt: \"...\" }}`; is the field missing on this page? test it with `{{% if page.extra.logo %}}`",
                        "image(field=...) : ce n'est pas un champ image, qui s'écrit `{{ src: logo.png, alt: \"...\" }}` ; le champ manque-t-il sur cette page ? testez-le avec `{{% if page.extra.logo %}}`"
                    ))
                })?;
            if alt.is_none() {
                alt = field.get_from_path("alt").and_then(Value::as_str);
            }
            let source = match kwargs.get::<&Value>("page")? {
                Some(page) => page.get_from_path("source").and_then(Value::as_str),
                None => None,
            };
            let Some(source) = source else {
                return Err(engine_error(&tr!(
                    "image(field=...): add `page=page` (or the list's item): an image field names a file beside its page",
                    "image(field=...) : ajoutez `page=page` (ou l'élément de la liste) : un champ image nomme un fichier à côté de sa page"
                )));
            };
            let src = src.trim_start_matches("./");
            let (folder, name) = source.rsplit_once('/').unwrap_or(("", source));
            let mut candidates = Vec::new();
            if name.starts_with("index.") && !folder.is_empty() {
                candidates.push(format!("content/{folder}/{src}"));
            }
            candidates.push(format!("content/_static/{}", src.trim_start_matches('/')));
            let found = candidates
                .iter()
                .find_map(|c| links.image_sources.get(c).cloned());
            (found, candidates.join(", "))
        }
        (None, Some(path), None) => {
            let inner = crate::urls::site_path(&links.base_path, path).trim_start_matches('/');
            let found = links.images.get(inner).map(|i| i.output().to_string());
            (found, format!("/{inner}"))
        }
        (None, None, Some(asset)) => {
            let inner = asset.trim_start_matches('/');
            let found = links
                .assets
                .get(inner)
                .filter(|output| links.images.get(output).is_some())
                .cloned();
            (found, format!("static/{inner}"))
        }
        _ => {
            return Err(engine_error(&tr!(
                "image(): give one of `field=` (a page's image field, with `page=`), `path=` (a site path) or `asset=` (a file of the theme's static/)",
                "image() : donnez un seul de `field=` (le champ image d'une page, avec `page=`), `path=` (un chemin du site) ou `asset=` (un fichier du dossier static/ du thème)"
            )));
        }
    };
    let Some(image) = output.as_deref().and_then(|o| links.images.get(o)) else {
        return Err(engine_error(&tr!(
            "image(): no raster image of the site at {looked_for}; SVG and other files have no variants: show them with url() or asset() in an <img>",
            "image() : pas d'image matricielle du site en {looked_for} ; le SVG et les autres fichiers n'ont pas de variantes : affichez-les avec url() ou asset() dans une <img>"
        )));
    };
    let shown = crate::images::Shown {
        alt: alt.unwrap_or_default(),
        width: width.filter(|w| *w > 0),
        sizes,
    };
    Ok(image.to_value(
        &links.images.settings,
        &links.base_path,
        &links.base_url,
        &shown,
    ))
}

fn resolve_url(links: &Links, path: &str, lang: &str) -> Result<String, Text> {
    if let Some(source) = path.strip_prefix("@/") {
        let (source, fragment) = match source.split_once('#') {
            Some((s, f)) => (s, format!("#{f}")),
            None => (source, String::new()),
        };
        return links
            .index
            .resolve(source, lang)
            .map(|p| crate::urls::address(&links.base_path, p) + &fragment)
            .ok_or_else(|| {
                tr!(
                    "url(path=\"{path}\"): there is no page `content/{source}`",
                    "url(path=\"{path}\") : il n'y a pas de page `content/{source}`"
                )
            });
    }
    // A scheme that runs script or carries its own document is refused,
    // whatever wrote the address (a value of an untrusted page's front
    // matter may reach `url()` through a template).
    if let Some(scheme) = crate::urls::unlinkable_scheme(path) {
        return Err(tr!(
            "url(path=\"{path}\"): a `{scheme}:` address is not allowed; link to a page (`@/...`), a file of the site, or an http, https, mailto or tel address",
            "url(path=\"{path}\") : une adresse `{scheme}:` n'est pas permise ; faites un lien vers une page (`@/...`), un fichier du site, ou une adresse http, https, mailto ou tel"
        ));
    }
    // Another host or protocol, or a place in the page: as written.
    if crate::urls::leaves_the_site(path) || path.starts_with('#') {
        return Ok(path.to_string());
    }
    Ok(format!(
        "{}{}",
        links.base_path,
        path.trim_start_matches('/')
    ))
}

/// Marks the message of a shortcode's `throw()`, which the template engine
/// hands back as text: what follows names the argument refused (maybe
/// none) up to [`REFUSAL_END`], then the theme's reason. Private-use
/// characters, which no message of the engine holds.
const REFUSAL: char = '\u{E002}';
/// Ends the argument's name after [`REFUSAL`].
const REFUSAL_END: char = '\u{E003}';

/// `throw(message=..., message_fr=..., argument=...)` for templates: a
/// shortcode refusing its call (`argument` names the argument at fault, so
/// that the error points at it in the page; `message_fr` is the reason in
/// French, the one `message` serves both languages without it), the template
/// engine's own `throw` otherwise.
#[allow(clippy::needless_pass_by_value)] // The template engine hands functions their arguments by value.
fn throw(kwargs: Kwargs, _: &State) -> tera::TeraResult<bool> {
    let message = kwargs.must_get::<&str>("message")?;
    let french = kwargs.get::<&str>("message_fr")?.unwrap_or(message);
    let argument = kwargs.get::<&str>("argument")?.unwrap_or("");
    Err(tera::Error::message(format!(
        "{REFUSAL}{argument}{REFUSAL_END}{message}{FRENCH}{french}"
    )))
}

fn kind_of(arg: &tera::ComponentArg) -> Option<crate::shortcode::Kind> {
    use crate::shortcode::Kind;
    Some(match arg.arg_type()? {
        tera::ComponentArgType::String => Kind::Text,
        tera::ComponentArgType::Bool => Kind::Bool,
        tera::ComponentArgType::Integer => Kind::Integer,
        tera::ComponentArgType::Float => Kind::Float,
        tera::ComponentArgType::Number => Kind::Number,
        _ => Kind::Other,
    })
}

impl Shortcodes for Engine {
    fn signature(&self, name: &str) -> Option<Vec<Param>> {
        if !self.shortcodes.contains(name) {
            return None;
        }
        let info = self.tera.get_component_definition(name)?;
        Some(
            info.args()
                .iter()
                .filter(|a| !a.is_implicit())
                .map(|a| Param {
                    name: a.name().to_string(),
                    required: a.is_required(),
                    kind: kind_of(a),
                })
                .collect(),
        )
    }

    fn names(&self) -> Vec<String> {
        self.shortcodes.iter().cloned().collect()
    }

    fn render(
        &self,
        name: &str,
        args: &[Arg],
        body: Option<&str>,
        lang: &str,
    ) -> Result<String, RenderError> {
        let mut context = Context::new();
        for arg in args {
            let key = arg.name.clone();
            match &arg.value {
                ArgValue::Str(s) => context.insert(key, s),
                ArgValue::Int(i) => context.insert(key, i),
                ArgValue::Float(x) => context.insert(key, x),
                ArgValue::Bool(b) => context.insert(key, b),
            }
        }
        let mut implicits = Context::new();
        implicits.insert("lang", lang);
        self.tera
            .render_component_with_implicits(name, &context, &implicits, body, true)
            .map_err(|e| {
                if let tera::ErrorKind::RenderingError(report) = e.kind() {
                    if let Some((argument, message)) = report
                        .message()
                        .split_once(REFUSAL)
                        .and_then(|(_, refusal)| refusal.split_once(REFUSAL_END))
                    {
                        let (en, fr) = message.split_once(FRENCH).unwrap_or((message, message));
                        return RenderError::Refused {
                            message: Text::new(en, fr),
                            argument: (!argument.is_empty()).then(|| argument.to_string()),
                        };
                    }
                }
                let d = to_diagnostic(&e, &self.sources);
                let location = d.location();
                RenderError::Theme {
                    message: d.message,
                    location,
                }
            })
    }
}

/// Separates the English and the French text of a message of ours that
/// goes through the template engine, which carries one string.
const FRENCH: char = '\u{E004}';

/// An error of a template function, in both languages.
fn engine_error(text: &Text) -> tera::Error {
    tera::Error::message(format!("{}{FRENCH}{}", text.en, text.fr))
}

/// A message of the template engine in both languages: ours (made by
/// [`engine_error`]) as written; the engine's own, which is English, as
/// the detail of a sentence of ours.
fn engine_text(message: &str, syntax: bool) -> Text {
    if let Some((en, fr)) = message.split_once(FRENCH) {
        return Text::new(en, fr);
    }
    if syntax {
        tr!(
            "this template cannot be read: {message}",
            "ce gabarit ne peut pas être lu : {message}"
        )
    } else {
        tr!(
            "this template failed: {message}",
            "ce gabarit a échoué : {message}"
        )
    }
}

/// Maps a Tera error to a diagnostic located in the template file.
fn to_diagnostic(err: &tera::Error, sources: &HashMap<String, (String, String)>) -> Diagnostic {
    let locate = |name: &str, line: usize, col: usize, message: Text| {
        in_template(sources, name, Position { line, col }, message)
    };
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            if let Some(source) = std::error::Error::source(err) {
                message = format!("{message}: {source}");
            }
            let syntax = matches!(err.kind(), tera::ErrorKind::SyntaxError(_));
            let mut d = locate(
                report.filename(),
                span.start_line,
                span.start_col + 1,
                engine_text(&message, syntax),
            );
            if let Some(hint) = report_hint(&message) {
                d = d.with_hint(hint);
            }
            d
        }
        tera::ErrorKind::MissingParent { current, parent } => locate(
            current,
            0,
            0,
            tr!(
                "extends `{parent}`, which is not in the theme's templates/",
                "étend `{parent}`, qui n'est pas dans templates/ du thème"
            ),
        )
        .with_hint(tr!(
            "check the name in `{{% extends %}}`",
            "vérifiez le nom dans `{{% extends %}}`"
        )),
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            let parent = inheritance_chain.get(1).map(String::as_str);
            let at = tag_position(sources, tpl, "extends", parent);
            let chain = inheritance_chain.join(" -> ");
            locate(
                tpl,
                at.line,
                at.col,
                tr!(
                    "templates extend each other in a loop: {chain}",
                    "des gabarits s'étendent l'un l'autre en boucle : {chain}"
                ),
            )
            .with_hint(tr!(
                "one of these `{{% extends %}}` must name another template",
                "l'un de ces `{{% extends %}}` doit nommer un autre gabarit"
            ))
        }
        tera::ErrorKind::CircularInclude { tpl, include_chain } => {
            // The loop closes where the last-but-one template includes the last.
            let mut names = include_chain.iter().rev();
            let target = names.next().map(String::as_str);
            let closer = names.next().map_or(tpl.as_str(), String::as_str);
            let at = tag_position(sources, closer, "include", target);
            let chain = include_chain.join(" -> ");
            locate(
                closer,
                at.line,
                at.col,
                tr!(
                    "templates include each other in a loop: {chain}",
                    "des gabarits s'incluent l'un l'autre en boucle : {chain}"
                ),
            )
            .with_hint(tr!(
                "remove this `{{% include %}}`, or include a template that does not lead back here",
                "retirez cet `{{% include %}}`, ou incluez un gabarit qui ne ramène pas ici"
            ))
        }
        _ => validation_diagnostic(err, sources),
    }
}

/// A diagnostic in the template `name`, at `at` (line 0: the whole file).
fn in_template(
    sources: &HashMap<String, (String, String)>,
    name: &str,
    at: Position,
    message: Text,
) -> Diagnostic {
    let (path, text) = sources
        .get(name)
        .map_or((format!("templates/{name}"), ""), |(p, t)| {
            (p.clone(), t.as_str())
        });
    let d = Diagnostic::error(path, message);
    if at.line == 0 { d } else { d.at(text, at) }
}

/// The hint for an engine report's `message`: a name that may be
/// misspelt, or a tag that does not exist.
fn report_hint(message: &str) -> Option<Text> {
    if message.contains("not defined")
        || message.contains("not found")
        || message.contains("undefined")
    {
        Some(tr!(
            "check the spelling; templates see {CONTEXT_NAMES}; for an optional field write `x | default(value=...)` or test it with `{{% if x %}}`",
            "vérifiez l'orthographe ; les gabarits voient {CONTEXT_NAMES} ; pour un champ facultatif écrivez `x | default(value=...)` ou testez-le avec `{{% if x %}}`"
        ))
    } else if message == "Unknown tag" {
        Some(tr!(
            "tags are block, extends, include, if, elif, else, for, break, continue, set, set_global, filter, raw, component and their `end` forms; check the spelling",
            "les balises sont block, extends, include, if, elif, else, for, break, continue, set, set_global, filter, raw, component et leurs formes `end` ; vérifiez l'orthographe"
        ))
    } else {
        None
    }
}

/// The diagnostic of a validation error (unknown filter, test, function,
/// component, block), located from its pre-rendered report: tera 2.4
/// builds a `ReportError` with its span for each, then keeps only their
/// rendered text (`Error::message(reports.join(..))` in
/// `Tera::finalize_templates`), so no span is there as data. Its
/// `--> name:line:col` line is read; without one, the template it names,
/// or none.
fn validation_diagnostic(
    err: &tera::Error,
    sources: &HashMap<String, (String, String)>,
) -> Diagnostic {
    let text = err.to_string();
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    let located = text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("--> ")?;
        let mut parts = rest.rsplitn(3, ':');
        let col: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        Some((parts.next()?.to_string(), line, col))
    });
    match located {
        Some((name, line, col)) => in_template(
            sources,
            &name,
            Position { line, col },
            engine_text(&first, true),
        ),
        None => match named_template(&text, sources) {
            Some(path) => Diagnostic::error(path, engine_text(&text, false)),
            // Not about one template: said as such, not as a file.
            None => Diagnostic::general(engine_text(&text, false)),
        },
    }
}

/// The file of the template that an engine message without position names
/// (the longest name it mentions, so `partials/card.html` wins over
/// `card.html`).
fn named_template(text: &str, sources: &HashMap<String, (String, String)>) -> Option<String> {
    sources
        .iter()
        .filter(|(name, _)| text.contains(name.as_str()))
        .max_by_key(|(name, _)| (name.len(), std::cmp::Reverse(name.as_str())))
        .map(|(_, (path, _))| path.clone())
}

/// Where the template `name` has the tag `{% keyword "target" %}` (any
/// target when `None`); line 0 when it cannot be found, which `locate`
/// reads as "no position".
fn tag_position(
    sources: &HashMap<String, (String, String)>,
    name: &str,
    keyword: &str,
    target: Option<&str>,
) -> Position {
    let Some((_, text)) = sources.get(name) else {
        return Position::default();
    };
    let found = text.match_indices(keyword).find(|(i, _)| {
        let before = text[..*i].trim_end();
        let after = text[i + keyword.len()..].trim_start();
        (before.ends_with("{%") || before.ends_with("{%-"))
            && target.is_none_or(|t| {
                after.starts_with(&format!("\"{t}\"")) || after.starts_with(&format!("'{t}'"))
            })
    });
    found.map_or_else(Position::default, |(i, _)| Position::from_offset(text, i))
}

/// Receives each rendered output: its path in the output folder and its bytes.
pub(crate) type Writer<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Diagnostics grouped by (file, position, message), with the pages that hit each.
type Grouped = BTreeMap<(String, Option<Position>, String), (Diagnostic, Vec<Text>)>;

/// One output to render: which template, which context.
struct Job {
    output: String,
    template: String,
    /// The source that asked for it, to name in errors: a page's path, or
    /// what a taxonomy's pages are.
    source: Text,
    lang: String,
    kind: JobKind,
}

/// What an HTML output of the render stage shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobKind {
    /// A page, by index.
    Page(usize),
    /// Page `pager` (1-based) of a section's list.
    Section {
        /// The section's index.
        index: usize,
        /// 1-based.
        pager: usize,
    },
    /// A taxonomy's list of terms.
    TaxonomyList(usize),
    /// Page `pager` of a term's list of pages.
    Term {
        /// The taxonomy's index.
        taxonomy: usize,
        /// The term's index in the taxonomy.
        term: usize,
        /// 1-based.
        pager: usize,
    },
    /// The 404 page of a language.
    NotFound,
}

/// Every HTML output the render stage writes for `site`, with what it
/// shows and its language: the list that output claims are made from.
pub(crate) fn html_outputs(site: &Site) -> Vec<(String, JobKind, String)> {
    jobs(site)
        .into_iter()
        .map(|j| (j.output, j.kind, j.lang))
        .collect()
}

fn page_job(site: &Site, i: usize) -> Job {
    let p = &site.pages[i];
    let d = &p.document;
    Job {
        output: format!("{}index.html", p.path),
        template: d
            .front
            .template
            .clone()
            .unwrap_or_else(|| "page.html".to_string()),
        source: Text::new(&d.file.path, &d.file.path),
        lang: p.lang.clone(),
        kind: JobKind::Page(i),
    }
}

fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (i, s) in site.sections.iter().enumerate() {
        let default = if s.folder.is_empty() {
            "index.html"
        } else {
            "section.html"
        };
        let (template, source) = match &s.document {
            Some(d) => (
                d.front
                    .template
                    .clone()
                    .unwrap_or_else(|| default.to_string()),
                d.file.path.clone(),
            ),
            None => (default.to_string(), "content/_index.md".to_string()),
        };
        let source = Text::new(&source, source.as_str());
        let pagers = s
            .options
            .paginate_by
            .map_or(1, |n| Pager::count(s.pages.len(), n));
        for pager in 1..=pagers {
            jobs.push(Job {
                output: format!("{}index.html", Pager::path_of(&s.path, pager)),
                template: template.clone(),
                source: source.clone(),
                lang: s.lang.clone(),
                kind: JobKind::Section { index: i, pager },
            });
        }
    }
    jobs.extend((0..site.pages.len()).map(|i| page_job(site, i)));
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let (name, lang) = (&taxonomy.name, &taxonomy.lang);
        let source = tr!("the `{name}` pages ({lang})", "les pages `{name}` ({lang})");
        jobs.push(Job {
            output: format!("{}index.html", taxonomy.path),
            template: "taxonomy_list.html".to_string(),
            source: source.clone(),
            lang: taxonomy.lang.clone(),
            kind: JobKind::TaxonomyList(t),
        });
        for (k, term) in taxonomy.terms.iter().enumerate() {
            let pagers = taxonomy
                .paginate_by
                .map_or(1, |n| Pager::count(term.pages.len(), n));
            for pager in 1..=pagers {
                jobs.push(Job {
                    output: format!("{}index.html", Pager::path_of(&term.path, pager)),
                    template: "taxonomy_term.html".to_string(),
                    source: source.clone(),
                    lang: taxonomy.lang.clone(),
                    kind: JobKind::Term {
                        taxonomy: t,
                        term: k,
                        pager,
                    },
                });
            }
        }
    }
    for language in &site.config.languages {
        jobs.push(Job {
            output: format!("{}404.html", site.config.language_prefix(&language.code)),
            template: "404.html".to_string(),
            source: Text::default(),
            lang: language.code.clone(),
            kind: JobKind::NotFound,
        });
    }
    jobs
}

/// A missing template is the page's mistake when it asked for it by
/// `template:`, else the theme's.
fn missing_template(site: &Site, engine: &Engine, job: &Job) -> Diagnostic {
    let document = match job.kind {
        JobKind::Page(i) => Some(&site.pages[i].document),
        JobKind::Section { index, .. } => site.sections[index].document.as_ref(),
        _ => None,
    };
    // Page templates sit at the top of templates/; partials below it are not candidates.
    let mut known: Vec<&str> = engine
        .sources
        .keys()
        .map(String::as_str)
        .filter(|n| !n.contains('/'))
        .collect();
    known.sort_unstable();
    let template = &job.template;
    if let Some(doc) = document.filter(|d| d.front.template.is_some()) {
        let list = known.join(", ");
        Diagnostic::error(
            &doc.file.path,
            tr!(
                "there is no template `{template}` in the theme",
                "il n'y a pas de gabarit `{template}` dans le thème"
            ),
        )
        .at_offset(&doc.file.text, doc.front.offset_of("template"))
        .with_hint(tr!("templates are: {list}", "les gabarits sont : {list}"))
    } else {
        let (en, fr) = (&job.source.en, &job.source.fr);
        Diagnostic::error(
            format!("themes/{}/templates/{template}", site.config.theme),
            Text::new(
                format!("the theme has no `{template}`, needed for `{en}`"),
                format!("le thème n'a pas de `{template}`, nécessaire pour `{fr}`"),
            ),
        )
        .with_hint(tr!(
            "add this template to the theme",
            "ajoutez ce gabarit au thème"
        ))
    }
}

fn paginate(context: &mut Context, site: &Site, views: &SharedViews, list: Pager<'_>) {
    context.insert_value("paginator", list.view(site, views));
}

fn context_for(site: &Site, views: &SharedViews, job: &Job, body: Option<&Rendered>) -> Context {
    let mut context = Context::new();
    context.insert_value(
        "site",
        views
            .sites
            .get(&job.lang)
            .cloned()
            .unwrap_or_else(Value::none),
    );
    context.insert_value("data", views.data.clone());
    context.insert_value("config", views.config.clone());
    context.insert("lang", &job.lang);
    context.insert_value("paginator", Value::none());
    let current_path = match job.kind {
        JobKind::Page(i) => {
            let page = &site.pages[i];
            let none = Rendered::default();
            let body = body.unwrap_or(&none);
            context.insert_value("page", view::page_view(site, views, i, body));
            context.insert_value("section", views.sections[page.section].clone());
            page.path.clone()
        }
        JobKind::Section { index, pager } => {
            let section = &site.sections[index];
            context.insert_value("section", views.sections[index].clone());
            let parent = section.parent.map_or_else(
                || Value::from(Vec::<Value>::new()),
                |p| view::ancestors(site, p),
            );
            context.insert_value("ancestors", parent);
            if let Some(per_page) = section.options.paginate_by {
                paginate(
                    &mut context,
                    site,
                    views,
                    Pager {
                        base: &section.path,
                        items: &section.pages,
                        per_page,
                        index: pager,
                    },
                );
            }
            Pager::path_of(&section.path, pager)
        }
        JobKind::TaxonomyList(t) => {
            context.insert_value("taxonomy", views.taxonomies[t].clone());
            site.taxonomies[t].path.clone()
        }
        JobKind::Term {
            taxonomy,
            term,
            pager,
        } => {
            let tax = &site.taxonomies[taxonomy];
            let k = term;
            let term = &tax.terms[k];
            context.insert_value("taxonomy", views.taxonomies[taxonomy].clone());
            context.insert_value("term", views.terms[taxonomy][k].clone());
            if let Some(per_page) = tax.paginate_by {
                paginate(
                    &mut context,
                    site,
                    views,
                    Pager {
                        base: &term.path,
                        items: &term.pages,
                        per_page,
                        index: pager,
                    },
                );
            }
            Pager::path_of(&term.path, pager)
        }
        JobKind::NotFound => format!("{}404.html", site.config.language_prefix(&job.lang)),
    };
    context.insert("current_url", &crate::urls::url_of(site, &current_path));
    context
}

/// Renders every output and hands each result to `write` (output path
/// relative to the output folder, bytes). Returns the number of outputs
/// written per language, and every diagnostic.
pub(crate) fn render_site(
    site: &Site,
    bodies: &crate::model::Bodies,
    engine: &Engine,
    views: &SharedViews,
    write: &Writer<'_>,
) -> (BTreeMap<String, usize>, Vec<Diagnostic>) {
    let from = BodiesFrom::Held(&bodies.pages);
    let (written, errors, _) = render_site_timed(site, engine, views, write, from);
    (written, errors)
}

/// Where the pages' bodies come from as their outputs are rendered.
#[derive(Clone, Copy)]
pub(crate) enum BodiesFrom<'a> {
    /// Rendered beforehand, one per page (`Bodies::pages`).
    Held(&'a [Rendered]),
    /// Rendered with each page's output, then let go of.
    Streamed(&'a dyn PageBodies),
}

/// Where the bodies of pages come from when they are not held
/// beforehand: each is rendered when its page's output is, handed
/// back once that output is written, and dropped by the caller after it
/// keeps what later stages need. Memory then holds the model and the
/// outputs being rendered, not every body of the site.
pub(crate) trait PageBodies: Sync {
    /// Renders the body of page `index` (of `Site::pages`).
    fn render(&self, index: usize) -> Rendered;
    /// Page `index`'s output was rendered from `body` (and written, unless
    /// its template failed, which the render's errors say).
    fn rendered(&self, index: usize, body: Rendered);
}

/// [`render_site`], with what each template and output cost (`--timings`),
/// the page bodies from `bodies`.
pub(crate) fn render_site_timed(
    site: &Site,
    engine: &Engine,
    views: &SharedViews,
    write: &Writer<'_>,
    bodies: BodiesFrom<'_>,
) -> (BTreeMap<String, usize>, Vec<Diagnostic>, Renders) {
    render_jobs(site, engine, views, jobs(site), write, bodies)
}

/// Renders the outputs of the pages `pages` and nothing else (the live
/// server's rebuild of one edited page).
pub(crate) fn render_pages(
    site: &Site,
    bodies: &crate::model::Bodies,
    engine: &Engine,
    views: &SharedViews,
    pages: &[usize],
    write: &Writer<'_>,
) -> (BTreeMap<String, usize>, Vec<Diagnostic>) {
    let jobs = pages.iter().map(|&i| page_job(site, i)).collect();
    let from = BodiesFrom::Held(&bodies.pages);
    let (written, errors, _) = render_jobs(site, engine, views, jobs, write, from);
    (written, errors)
}

/// An output's result, with the time it took to render, then to write.
type Timed<'a> = (Result<&'a str, (Diagnostic, Text)>, Duration, Duration);

fn render_jobs(
    site: &Site,
    engine: &Engine,
    views: &SharedViews,
    mut jobs: Vec<Job>,
    write: &Writer<'_>,
    bodies: BodiesFrom<'_>,
) -> (BTreeMap<String, usize>, Vec<Diagnostic>, Renders) {
    let mut errors = Vec::new();
    // The 404 page is optional; every other template a job needs must exist.
    jobs.retain(|job| {
        if engine.tera.contains_template(&job.template) {
            return true;
        }
        if !matches!(job.kind, JobKind::NotFound) {
            errors.push(missing_template(site, engine, job));
        }
        false
    });
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message && a.position == b.position);

    let results: Vec<Timed<'_>> = jobs
        .par_iter()
        .map(|job| render_job(site, engine, views, job, bodies, write))
        .collect();
    let mut renders = Renders {
        threads: rayon::current_num_threads(),
        ..Renders::default()
    };
    for (job, (_, rendering, writing)) in jobs.iter().zip(&results) {
        renders.add(&job.output, &job.template, *rendering, *writing);
    }

    let (written, grouped) = counted_and_grouped(results);
    errors.extend(grouped);
    (written, errors, renders)
}

/// Renders the output of `job`, its page's body from `bodies`, and hands
/// it to `write`: its language, or the error with the page it was
/// rendered for, with the time it took to render, then to write.
fn render_job<'a>(
    site: &Site,
    engine: &Engine,
    views: &SharedViews,
    job: &'a Job,
    bodies: BodiesFrom<'_>,
    write: &Writer<'_>,
) -> Timed<'a> {
    // A streamed body is rendered here, inside the page's own
    // render, and handed back as soon as its output exists. Its
    // time is the body's stage (measured by `bodies`), not the
    // template's.
    let streamed = match (bodies, job.kind) {
        (BodiesFrom::Streamed(bodies), JobKind::Page(i)) => Some((bodies, i, bodies.render(i))),
        _ => None,
    };
    let body = match (&streamed, bodies, job.kind) {
        (Some((_, _, body)), _, _) => Some(body),
        (None, BodiesFrom::Held(held), JobKind::Page(i)) => held.get(i),
        _ => None,
    };
    let started = Instant::now();
    let context = context_for(site, views, job, body);
    // Into bytes: `render` would check the whole page is UTF-8 once
    // more (5% of a large build), and the writer wants bytes anyway.
    let mut html = Vec::with_capacity(16 * 1024);
    let rendered = engine.tera.render_to(&job.template, &context, &mut html);
    drop(context);
    let rendering = started.elapsed();
    if let Some((bodies, i, body)) = streamed {
        bodies.rendered(i, body);
    }
    if let Err(e) = rendered {
        let error = (to_diagnostic(&e, &engine.sources), job.source.clone());
        return (Err(error), rendering, Duration::ZERO);
    }
    let started = Instant::now();
    // Every `<img>` of the site's images made responsive, whichever
    // template, shortcode or body wrote it.
    let html =
        crate::images::html::rewrite(&html, &job.output, &engine.images, &site.config.base_path)
            .unwrap_or(html);
    let written = write(&job.output, &html).map_err(|d| (d, Text::default()));
    (
        written.map(|()| job.lang.as_str()),
        rendering,
        started.elapsed(),
    )
}

/// The outputs written per language among `results`, and their errors:
/// the same template mistake on many pages is one diagnostic, which names
/// the first page and how many others.
fn counted_and_grouped(results: Vec<Timed<'_>>) -> (BTreeMap<String, usize>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut grouped = Grouped::new();
    let mut written: BTreeMap<String, usize> = BTreeMap::new();
    for (r, _, _) in results {
        match r {
            Ok(lang) => *written.entry(lang.to_string()).or_default() += 1,
            Err((d, source)) => {
                let key = (d.path.clone(), d.position, d.message.en.clone());
                grouped
                    .entry(key)
                    .or_insert_with(|| (d, Vec::new()))
                    .1
                    .push(source);
            }
        }
    }
    for (_, (mut d, mut sources)) in grouped {
        sources.retain(|s| !s.is_empty());
        sources.sort();
        sources.dedup();
        if let Some(first) = sources.first() {
            let others = match sources.len() {
                1 => Text::default(),
                2 => tr!(" and 1 other page", " et 1 autre page"),
                n => {
                    let n = n - 1;
                    tr!(" and {n} other pages", " et {n} autres pages")
                }
            };
            d.message = d.message.map(|m, lang| match lang {
                Lang::En => format!("{m} (rendering {}{})", first.en, others.en),
                Lang::Fr => format!("{m} (en rendant {}{})", first.fr, others.fr),
            });
        }
        errors.push(d);
    }
    (written, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine error without position is given the template it names, or
    /// said as in no file (before, its path was the word `themes`, printed
    /// as if it were a file). Catches a diagnostic whose path is not a file.
    #[test]
    fn an_engine_error_without_position_names_its_template_or_no_file() {
        let sources: HashMap<String, (String, String)> = [
            ("card.html", "themes/t/templates/card.html"),
            (
                "partials/card.html",
                "themes/t/templates/partials/card.html",
            ),
        ]
        .into_iter()
        .map(|(name, path)| (name.to_string(), (path.to_string(), String::new())))
        .collect();
        let named = to_diagnostic(
            &tera::Error::message("Template 'partials/card.html' not found"),
            &sources,
        );
        assert_eq!(named.path, "themes/t/templates/partials/card.html");
        let general = to_diagnostic(&tera::Error::message("the engine gave up"), &sources);
        assert!(!general.in_file(), "{}", general.path);
        assert!(
            general
                .display(Lang::En)
                .to_string()
                .starts_with("alumni: error: "),
            "{}",
            general.display(Lang::En)
        );
    }

    /// `url()` keeps every address with a scheme or a host as written and
    /// puts the base path before the site's own. Catches the old test for
    /// `://` and `mailto:` alone, which made `tel:` and `data:` addresses
    /// and `//host` ones site paths (`/alumni/tel:+33...`).
    #[test]
    fn url_keeps_other_hosts_and_schemes_and_places_site_paths() {
        let links = Links {
            base_path: "/alumni/".to_string(),
            ..Links::default()
        };
        for external in [
            "https://www.sorbonne-universite.fr/",
            "mailto:alumni@example.org",
            "tel:+33144272727",
            "//cdn.example.org/x.js",
            "#programme",
        ] {
            assert_eq!(resolve_url(&links, external, "fr").unwrap(), external);
        }
        assert_eq!(
            resolve_url(&links, "/static/site.css", "fr").unwrap(),
            "/alumni/static/site.css"
        );
        assert_eq!(
            resolve_url(&links, "clubs/?q=https://x", "fr").unwrap(),
            "/alumni/clubs/?q=https://x"
        );
        // What runs script or carries its own document is refused, in
        // any case of letters.
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
        ] {
            let refused = resolve_url(&links, hostile, "fr").unwrap_err();
            assert!(
                refused.en.contains("is not allowed"),
                "{hostile}: {}",
                refused.en
            );
            assert!(
                refused.fr.contains("n'est pas permise"),
                "{hostile}: {}",
                refused.fr
            );
        }
    }

    #[test]
    fn json_filter_cannot_close_a_script() {
        let links = Arc::new(Links {
            base_path: "/".to_string(),
            ..Links::default()
        });
        let mut tera = new_tera(&links, &Arc::new(Strings::new()));
        tera.add_raw_template("t.html", "{{ {\"a\": x} | json }}")
            .unwrap();
        let mut context = Context::new();
        context.insert("x", "</script><script>alert(1)</script>");
        let out = tera.render("t.html", &context).unwrap();
        assert_eq!(
            out,
            "{\"a\":\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\"}"
        );
    }

    #[test]
    fn ui_strings_follow_the_context_language_and_need_one() {
        let links = Arc::new(Links {
            base_path: "/".to_string(),
            ..Links::default()
        });
        let strings: Strings = [("fr", "Bonjour"), ("en", "Hello")]
            .into_iter()
            .map(|(lang, text)| {
                let keys = HashMap::from([("hello".to_string(), text.to_string())]);
                (lang.to_string(), keys)
            })
            .collect();
        let mut tera = new_tera(&links, &Arc::new(strings));
        tera.add_raw_template("t.html", "{{ t(key=\"hello\") }}")
            .unwrap();
        let with = |lang: Option<&str>| {
            let mut context = Context::new();
            if let Some(lang) = lang {
                context.insert("lang", lang);
            }
            tera.render("t.html", &context)
        };
        assert_eq!(with(Some("fr")).unwrap(), "Bonjour");
        assert_eq!(with(Some("en")).unwrap(), "Hello");
        for missing in [None, Some("")] {
            let error = format!("{:?}", with(missing).unwrap_err());
            assert!(error.contains("no language here"), "{error}");
        }
    }

    /// `image()` finds a field's image beside a bundle's page, else in
    /// `_static/`, or by its site path, and refuses what is not a planned
    /// image with a message naming where it looked. Catches a field looked
    /// for beside a page that is not a bundle, a base path left on `path=`,
    /// and an unknown image that is not an error.
    #[test]
    fn image_finds_field_images_as_the_schema_does_and_names_what_is_missing() {
        let beside = crate::images::Images::with_one(
            "clubs/a/logo.png",
            "content/clubs/a/logo.png",
            crate::images::Format::Png,
            (480, 480),
            true,
        );
        let links = Arc::new(Links {
            base_path: "/alumni/".to_string(),
            base_url: "https://e.org/alumni".to_string(),
            image_sources: HashMap::from([(
                "content/clubs/a/logo.png".to_string(),
                "clubs/a/logo.png".to_string(),
            )]),
            images: Arc::new(beside),
            assets: HashMap::from([
                ("site.css".to_string(), "static/site.css".to_string()),
                ("logo.png".to_string(), "clubs/a/logo.png".to_string()),
            ]),
            ..Links::default()
        });
        let mut tera = new_tera(&links, &Arc::new(Strings::new()));
        let call = "{% set i = image(field=page.extra.logo, page=page, width=72) %}{{ i.src }} {{ i.width }}x{{ i.height }} {{ i.alt }} {{ i.og.url }}";
        tera.add_raw_templates([
            ("field.html", call),
            (
                "path.html",
                "{% set i = image(path=\"/alumni/clubs/a/logo.png\", alt=\"L\") %}{{ i.webp }}",
            ),
            ("none.html", "{{ image(alt=\"x\") }}"),
            (
                "asset.html",
                "{% set i = image(asset=\"logo.png\") %}{{ i.src }}",
            ),
            ("css.html", "{{ image(asset=\"site.css\") }}"),
            ("nopage.html", "{{ image(field=page.extra.logo) }}"),
        ])
        .unwrap();
        let render = |name: &str, source: &str, src: &str| {
            let mut context = Context::new();
            let page = serde_json::json!({"source": source, "extra": {"logo": {"src": src, "alt": "Logo A"}}});
            context.insert("page", &page);
            tera.render(name, &context).map_err(|e| format!("{e:?}"))
        };
        assert_eq!(
            render("field.html", "clubs/a/index.en.md", "logo.png").unwrap(),
            "/alumni/clubs/a/logo.png 72x72 Logo A https://e.org/alumni/clubs/a/logo.og.png"
        );
        assert_eq!(
            render("path.html", "", "").unwrap(),
            "/alumni/clubs/a/logo.160w.webp 160w, /alumni/clubs/a/logo.320w.webp 320w, /alumni/clubs/a/logo.480w.webp 480w"
        );
        // A page that is not a bundle has no files beside it.
        let error = render("field.html", "clubs/a.md", "a/logo.png").unwrap_err();
        assert!(
            error.contains("no raster image of the site at content/_static/a/logo.png"),
            "{error}"
        );
        let error = render("field.html", "clubs/a/index.md", "absent.png").unwrap_err();
        assert!(
            error.contains("at content/clubs/a/absent.png, content/_static/absent.png"),
            "{error}"
        );
        // A theme file: by its name in `static/`, an image only if planned.
        assert_eq!(
            render("asset.html", "", "").unwrap(),
            "/alumni/clubs/a/logo.png"
        );
        let error = render("css.html", "", "").unwrap_err();
        assert!(
            error.contains("no raster image of the site at static/site.css"),
            "{error}"
        );
        let error = render("none.html", "", "").unwrap_err();
        assert!(error.contains("give one of `field=`"), "{error}");
        let error = render("nopage.html", "", "logo.png").unwrap_err();
        assert!(error.contains("add `page=page`"), "{error}");
    }

    #[test]
    fn literal_keys_are_found_with_offsets() {
        let text = "<a>{{ t(key=\"nav.home\") }}</a>{{ alt(key=\"x\") }}{{ t(key='b') }}{{ t(key=\"c.\" ~ x) }}";
        let keys = literal_keys(text);
        assert_eq!(keys, [(6, "nav.home".to_string()), (51, "b".to_string())]);
    }
}
