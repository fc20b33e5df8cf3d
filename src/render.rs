//! Render stage: Tera templates over the views, one output per page and section.
//!
//! In: the theme's template texts, the assembled site and its shared views.
//! Out: HTML handed to a writer as soon as it is rendered (so memory holds
//! the model, not the whole output), plus located diagnostics. Templates are
//! compiled once; pages render in parallel with no lock between them; errors
//! from many pages at one template line are reported once.
//!
//! Templates can call `url(path=...)` (a content source path such as
//! `@/clubs/biotech.md`, or a site path such as `/clubs/`) and
//! `asset(path=...)` (a file of the theme's `static/`), and use the
//! `date(format=..., lang=...)` filter.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::date::DateTime;
use crate::diagnostic::{Diagnostic, Position};
use crate::load::{TextFile, ThemeFiles};
use crate::model::Site;
use crate::view::{self, SharedViews};

/// The compiled templates of a theme.
pub struct Engine {
    tera: Tera,
    /// Template name -> (site-relative path, text), for locating errors.
    sources: HashMap<String, (String, String)>,
}

/// The names every template's context holds, for the "unknown variable" hint.
const CONTEXT_NAMES: &str =
    "page (on pages), section, ancestors (on sections), site, data, config, lang, current_url";

/// What a template function needs to know of the site.
struct Links {
    base_path: String,
    /// Content source path (`clubs/biotech.md`) -> site path.
    content: HashMap<String, String>,
    /// Files of the theme's `static/`, relative to it.
    assets: HashSet<String>,
}

fn template_name(file: &TextFile) -> &str {
    file.path
        .split_once("/templates/")
        .map_or(file.path.as_str(), |(_, n)| n)
}

/// Compiles the theme's templates and registers the site's functions.
/// Every template with a syntax error is reported, not only the first.
pub fn compile(theme: &ThemeFiles, site: &Site) -> Result<Engine, Vec<Diagnostic>> {
    let links = Arc::new(Links {
        base_path: site.config.base_path.clone(),
        content: site
            .path_index()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        assets: theme
            .static_files
            .iter()
            .filter_map(|f| {
                f.path
                    .split_once("/static/")
                    .map(|(_, rest)| rest.to_string())
            })
            .collect(),
    });
    let sources: HashMap<String, (String, String)> = theme
        .templates
        .iter()
        .map(|f| {
            (
                template_name(f).to_string(),
                (f.path.clone(), f.text.clone()),
            )
        })
        .collect();
    let engine = Engine {
        tera: new_tera(&links),
        sources,
    };
    let mut tera = engine.tera;
    let all = theme
        .templates
        .iter()
        .map(|f| (template_name(f), f.text.as_str()));
    if let Err(err) = tera.add_raw_templates(all) {
        // Tera stops at the first broken template: compile each alone to find
        // every syntax error, and fall back to the combined error otherwise.
        let mut errors: Vec<Diagnostic> = theme
            .templates
            .iter()
            .filter_map(|f| {
                let mut alone = new_tera(&links);
                match alone.add_raw_template(template_name(f), &f.text) {
                    Err(e) if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) => {
                        Some(to_diagnostic(&e, &engine.sources))
                    }
                    _ => None,
                }
            })
            .collect();
        if errors.is_empty() {
            errors.push(to_diagnostic(&err, &engine.sources));
        }
        return Err(errors);
    }
    Ok(Engine {
        tera,
        sources: engine.sources,
    })
}

fn new_tera(links: &Arc<Links>) -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    let l = Arc::clone(links);
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            resolve_url(&l, path).map_err(tera::Error::message)
        },
    );
    let l = Arc::clone(links);
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            let inner = path.trim_start_matches('/');
            if l.assets.contains(inner) {
                Ok(format!("{}static/{inner}", l.base_path))
            } else {
                Err(tera::Error::message(format!(
                    "asset(path=\"{path}\"): there is no file `static/{inner}` in the theme"
                )))
            }
        },
    );
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let date = DateTime::parse(value)
                .map_err(|why| tera::Error::message(format!("date filter: `{value}`: {why}")))?;
            let lang = match kwargs.get::<&str>("lang")? {
                Some(l) => l.to_string(),
                None => state
                    .get::<String>("lang")?
                    .unwrap_or_else(|| "fr".to_string()),
            };
            Ok(match kwargs.get::<&str>("format")? {
                Some(format) => date.format(format, &lang),
                None => date.long(&lang),
            })
        },
    );
    tera
}

fn resolve_url(links: &Links, path: &str) -> Result<String, String> {
    if let Some(source) = path.strip_prefix("@/") {
        let (source, fragment) = match source.split_once('#') {
            Some((s, f)) => (s, format!("#{f}")),
            None => (source, String::new()),
        };
        return links
            .content
            .get(source)
            .map(|p| format!("{}{p}{fragment}", links.base_path))
            .ok_or_else(|| format!("url(path=\"{path}\"): there is no page `content/{source}`"));
    }
    if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
        return Ok(path.to_string());
    }
    Ok(format!(
        "{}{}",
        links.base_path,
        path.trim_start_matches('/')
    ))
}

/// Maps a Tera error to a diagnostic located in the template file.
fn to_diagnostic(err: &tera::Error, sources: &HashMap<String, (String, String)>) -> Diagnostic {
    let locate = |name: &str, line: usize, col: usize, message: String| {
        let (path, text) = sources
            .get(name)
            .map_or((format!("templates/{name}"), ""), |(p, t)| {
                (p.clone(), t.as_str())
            });
        let d = Diagnostic::error(path, message);
        if line == 0 {
            d
        } else {
            d.at(text, Position { line, col })
        }
    };
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            if let Some(source) = std::error::Error::source(err) {
                message = format!("{message}: {source}");
            }
            let mut d = locate(
                report.filename(),
                span.start_line,
                span.start_col + 1,
                message,
            );
            if d.message.contains("not defined")
                || d.message.contains("not found")
                || d.message.contains("undefined")
            {
                d = d.with_hint(format!(
                    "check the spelling; templates see {CONTEXT_NAMES}; for an optional field write `x | default(value=...)` or test it with `{{% if x %}}`"
                ));
            } else if d.message == "Unknown tag" {
                d = d.with_hint("tags are block, extends, include, if, elif, else, for, break, continue, set, set_global, filter, raw, component and their `end` forms; check the spelling");
            }
            d
        }
        tera::ErrorKind::MissingParent { current, parent } => locate(
            current,
            0,
            0,
            format!("extends `{parent}`, which is not in the theme's templates/"),
        )
        .with_hint("check the name in `{% extends %}`"),
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => locate(
            tpl,
            0,
            0,
            format!(
                "templates extend each other in a loop: {}",
                inheritance_chain.join(" -> ")
            ),
        ),
        tera::ErrorKind::CircularInclude { tpl, include_chain } => locate(
            tpl,
            0,
            0,
            format!(
                "templates include each other in a loop: {}",
                include_chain.join(" -> ")
            ),
        ),
        _ => {
            // Validation errors (unknown filter, function, include) come as a
            // pre-rendered report: read its `--> name:line:col` line.
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
                Some((name, line, col)) => locate(&name, line, col, first),
                None => Diagnostic::error("themes", text),
            }
        }
    }
}

/// Receives each rendered output: its path in the output folder and its bytes.
pub type Writer<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Diagnostics grouped by (file, position, message), with the pages that hit each.
type Grouped = BTreeMap<(String, Option<Position>, String), (Diagnostic, Vec<String>)>;

/// One output to render: which template, which context.
struct Job {
    output: String,
    template: String,
    /// The source that asked for it, to name in errors.
    source: String,
    kind: JobKind,
}

enum JobKind {
    Page(usize),
    Section(usize),
    NotFound,
}

/// Renders every page and section and hands each result to `write`
/// (output path relative to the output folder, bytes). Returns how many
/// outputs were written and every diagnostic.
pub fn render_site(
    site: &Site,
    engine: &Engine,
    views: &SharedViews,
    write: &Writer<'_>,
) -> (usize, Vec<Diagnostic>) {
    let mut errors = Vec::new();
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
        jobs.push(Job {
            output: format!("{}index.html", s.path),
            template,
            source,
            kind: JobKind::Section(i),
        });
    }
    for (i, p) in site.pages.iter().enumerate() {
        let d = &p.document;
        jobs.push(Job {
            output: format!("{}index.html", p.path),
            template: d
                .front
                .template
                .clone()
                .unwrap_or_else(|| "page.html".to_string()),
            source: d.file.path.clone(),
            kind: JobKind::Page(i),
        });
    }
    if engine.tera.contains_template("404.html") {
        jobs.push(Job {
            output: "404.html".to_string(),
            template: "404.html".to_string(),
            source: "themes".to_string(),
            kind: JobKind::NotFound,
        });
    }
    // A missing template is the page's mistake: point at its `template:` line.
    jobs.retain(|job| {
        if engine.tera.contains_template(&job.template) {
            return true;
        }
        let document = match job.kind {
            JobKind::Page(i) => Some(&site.pages[i].document),
            JobKind::Section(i) => site.sections[i].document.as_ref(),
            JobKind::NotFound => None,
        };
        // Page templates sit at the top of templates/; partials below it are not candidates.
        let mut known: Vec<&str> = engine
            .sources
            .keys()
            .map(String::as_str)
            .filter(|n| !n.contains('/'))
            .collect();
        known.sort_unstable();
        let d = match document.filter(|d| d.front.template.is_some()) {
            Some(doc) => Diagnostic::error(
                &job.source,
                format!("there is no template `{}` in the theme", job.template),
            )
            .at_offset(&doc.file.text, doc.front.offset_of("template"))
            .with_hint(format!("templates are: {}", known.join(", "))),
            None => Diagnostic::error(
                format!("themes/{}/templates/{}", site.config.theme, job.template),
                format!(
                    "the theme has no `{}`, needed for `{}`",
                    job.template, job.source
                ),
            )
            .with_hint("add this template to the theme"),
        };
        errors.push(d);
        false
    });

    let results: Vec<Result<(), (Diagnostic, String)>> = jobs
        .par_iter()
        .map(|job| {
            let mut context = Context::new();
            context.insert_value("site", views.site.clone());
            context.insert_value("data", views.data.clone());
            context.insert_value("config", views.config.clone());
            context.insert("lang", &site.config.default_language);
            let current_path = match job.kind {
                JobKind::Page(i) => {
                    let page = &site.pages[i];
                    context.insert_value("page", view::page_view(site, views, i));
                    context.insert_value("section", views.sections[page.section].clone());
                    page.path.as_str()
                }
                JobKind::Section(i) => {
                    let section = &site.sections[i];
                    context.insert_value("section", views.sections[i].clone());
                    let parent = section
                        .parent
                        .map_or(Value::from(Vec::<Value>::new()), |p| {
                            view::ancestors(site, p)
                        });
                    context.insert_value("ancestors", parent);
                    section.path.as_str()
                }
                JobKind::NotFound => "404.html",
            };
            context.insert("current_url", &view::url_of(site, current_path));
            let html = engine
                .tera
                .render(&job.template, &context)
                .map_err(|e| (to_diagnostic(&e, &engine.sources), job.source.clone()))?;
            write(&job.output, html.as_bytes()).map_err(|d| (d, String::new()))
        })
        .collect();

    // The same template mistake on many pages is one diagnostic.
    let mut grouped = Grouped::new();
    let mut written = 0;
    for r in results {
        match r {
            Ok(()) => written += 1,
            Err((d, source)) => {
                let key = (d.path.clone(), d.position, d.message.clone());
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
        if let Some(first) = sources.first() {
            let others = match sources.len() {
                1 => String::new(),
                2 => " and 1 other page".to_string(),
                n => format!(" and {} other pages", n - 1),
            };
            d.message = format!("{} (rendering {first}{others})", d.message);
        }
        errors.push(d);
    }
    (written, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            base_path: "/alumni/".to_string(),
            content: HashMap::from([(
                "clubs/biotech.md".to_string(),
                "clubs/biotech/".to_string(),
            )]),
            assets: HashSet::from(["site.css".to_string()]),
        }
    }

    #[test]
    fn url_resolves_content_and_site_paths() {
        let l = links();
        assert_eq!(
            resolve_url(&l, "@/clubs/biotech.md#contact").unwrap(),
            "/alumni/clubs/biotech/#contact"
        );
        assert_eq!(resolve_url(&l, "/clubs/").unwrap(), "/alumni/clubs/");
        assert_eq!(
            resolve_url(&l, "https://example.org/").unwrap(),
            "https://example.org/"
        );
        assert!(
            resolve_url(&l, "@/nope.md")
                .unwrap_err()
                .contains("no page `content/nope.md`")
        );
    }
}
