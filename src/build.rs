//! The build: load -> parse -> assemble -> Markdown -> render -> write.
//!
//! Each stage is a plain function over plain data; this module only chains
//! them and decides where the output goes. It does not stop at the first
//! stage with errors: a page whose own front matter (or file) has errors is
//! left out of the later stages ([`crate::model::LeftOut`]) and the rest of
//! the site goes through all of them, so that one run reports every mistake.
//! It stops early only for a mistake of the whole site: a bad config; a
//! theme or data file that cannot be read and templates that do not
//! compile, after which nothing is rendered (every output would repeat the
//! same error). Any error fails the build, whose previous output is then
//! left untouched. Nothing here prints or exits: the binary does that with
//! the returned report.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::date::DateTime;
use crate::diagnostic::{self, Diagnostic};
use crate::i18n::Text;
use crate::markdown::{self, BodySource, Rendered};
use crate::model::{self, Bodies, CopySources, LinkIndex, Site};
use crate::output::Staging;
use crate::relocate::Relocation;
use crate::schedule::{Change, Schedule};
use crate::timings::Timings;
use crate::{data, load, parse, render, view};

/// What to build and where.
#[derive(Clone, Debug)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent switches of the command line"
)]
pub struct BuildOptions {
    /// The site's root (holds `content/` and `themes/`).
    pub root: PathBuf,
    /// The output folder; `root/public` when `None`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of the config.
    pub base_url: Option<String>,
    /// Keep pages marked `draft: true`.
    pub drafts: bool,
    /// Keep pages whose `publish_date` is still to come.
    pub future: bool,
    /// Keep pages whose `expiry_date` has passed.
    pub expired: bool,
    /// Minify HTML, CSS and JS (see [`crate::minify`]).
    pub minify: bool,
    /// The build's now; `None` reads `SOURCE_DATE_EPOCH`, else the clock,
    /// when the build starts (see [`crate::schedule::now`]).
    pub now: Option<DateTime>,
}

impl BuildOptions {
    /// Options to build the site at `root` into `root/public`, as published
    /// (no drafts, no scheduled or expired pages, now from the clock).
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            future: false,
            expired: false,
            minify: false,
            now: None,
        }
    }

    /// The schedule of this build: `now` resolved.
    pub fn schedule(&self) -> Result<Schedule, BuildError> {
        let now = match self.now {
            Some(now) => now,
            None => crate::schedule::now().map_err(BuildError::Io)?,
        };
        Ok(Schedule {
            now,
            future: self.future,
            expired: self.expired,
        })
    }
}

/// What a successful build did.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// HTML files written (pages, sections, 404).
    pub html_files: usize,
    /// HTML files per language, in the config's order (default first).
    pub per_language: Vec<(String, usize)>,
    /// Files copied as they are.
    pub copied_files: usize,
    /// The images, and what their variants cost.
    pub images: ImageCounts,
    /// Where the output is.
    pub out: PathBuf,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Pages and sections of the default language that other languages lack.
    pub missing_translations: Vec<model::MissingTranslation>,
    /// Where the time went (`--timings` prints it).
    pub timings: Timings,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// The site has mistakes: every one found, sorted.
    Site(Vec<Diagnostic>),
    /// The output could not be written or swapped in (or the clock read).
    Io(Text),
}

/// The output folder for `options`.
pub fn output_dir(options: &BuildOptions) -> PathBuf {
    options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"))
}

fn fail(mut errors: Vec<Diagnostic>) -> BuildError {
    diagnostic::sort(&mut errors);
    BuildError::Site(errors)
}

/// Refuses output folders whose replacement would destroy the sources: the
/// root itself, a folder holding it, or anything under `content/`,
/// `themes/` or `src/`; and paths that do not end in a folder name
/// (`public/..` names the root through the back door).
fn check_output_dir(root: &Path, out: &Path) -> Result<(), BuildError> {
    if !matches!(out.components().next_back(), Some(Component::Normal(_))) {
        return Err(BuildError::Io(tr!(
            "refusing to use {} as the output folder: it must end in a folder name (not `..`, `.` or `/`)",
            "refus d'utiliser {} comme dossier de sortie : il doit finir par un nom de dossier (pas `..`, `.` ni `/`)";
            out.display()
        )));
    }
    let (root_c, out_c) = (resolved(root), resolved(out));
    let protected = [
        root_c.join("content"),
        root_c.join("themes"),
        root_c.join("src"),
    ];
    if root_c.starts_with(&out_c) || protected.iter().any(|p| out_c.starts_with(p)) {
        return Err(BuildError::Io(tr!(
            "refusing to use {} as the output folder: the build replaces it as a whole, and it holds the site's sources",
            "refus d'utiliser {} comme dossier de sortie : la construction le remplace en entier, et il contient les sources du site";
            out.display()
        )));
    }
    // Every output of a build holds its manifest; a folder with files but
    // no manifest is someone else's (a mistyped --out), which the swap
    // would throw away whole.
    let foreign = std::fs::read_dir(&out_c).is_ok_and(|mut entries| entries.next().is_some())
        && !out_c.join(crate::output::MANIFEST).exists();
    if foreign {
        return Err(BuildError::Io(tr!(
            "refusing to replace {}: it holds files but is not the output of a build (it has no {}); \
             choose an empty or new folder with --out, or delete this one yourself if it is an old output",
            "refus de remplacer {} : il contient des fichiers mais n'est pas la sortie d'une construction (il n'a pas de {}) ; \
             choisissez un dossier vide ou nouveau avec --out, ou supprimez celui-ci vous-même si c'est une ancienne sortie";
            out.display(),
            crate::output::MANIFEST
        )));
    }
    Ok(())
}

/// `path` made absolute, with links and `..` resolved as far as it exists;
/// the rest, which does not exist yet and so holds no link, is appended with
/// `..` applied to the words alone.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let components: Vec<Component<'_>> = absolute.components().collect();
    for existing in (1..=components.len()).rev() {
        let Ok(mut out) = components[..existing]
            .iter()
            .collect::<PathBuf>()
            .canonicalize()
        else {
            continue;
        };
        for c in &components[existing..] {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        return out;
    }
    absolute
}

/// Builds the site of `options.root` into its output folder.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let out = output_dir(options);
    check_output_dir(&options.root, &out)?;
    let mut prepared = finish(prepare_with(options, Purpose::Publish)?)?;
    let mut timings = std::mem::take(&mut prepared.timings);
    let clock = Instant::now();
    let staging = Staging::begin(&out).map_err(|e| {
        let (advice, place) = (io_advice(&e), out.display());
        let (en, fr) = (&advice.en, &advice.fr);
        BuildError::Io(tr!(
            "cannot create the output next to {place}: {e}; the previous output was left as it was{en}",
            "impossible de créer la sortie à côté de {place} : {e} ; la sortie précédente a été laissée telle quelle{fr}"
        ))
    })?;
    timings.stage(tr!("output folder", "dossier de sortie"), clock);
    let written = write_site_timed(&prepared, &staging, options.minify, &mut timings);
    let written = written.map_err(|e| {
        if staging.disk_full() {
            // One cause, one message, rather than one error per file.
            BuildError::Io(tr!(
                "the disk holding {} is full (no space left on device): the new output was not written and the previous one was left as it was; free some space, or build elsewhere with --out",
                "le disque qui contient {} est plein (plus de place sur le périphérique) : la nouvelle sortie n'a pas été écrite et la précédente a été laissée telle quelle ; libérez de la place, ou construisez ailleurs avec --out";
                out.display()
            ))
        } else {
            e
        }
    })?;
    let clock = Instant::now();
    staging.commit().map_err(|e| {
        let (advice, place) = (io_advice(&e), out.display());
        let (en, fr) = (&advice.en, &advice.fr);
        BuildError::Io(tr!(
            "cannot put the new output in place at {place}: {e}; the previous output was left as it was{en}",
            "impossible de mettre la nouvelle sortie en place à {place} : {e} ; la sortie précédente a été laissée telle quelle{fr}"
        ))
    })?;
    timings.stage(tr!("swap into place", "mise en place"), clock);
    let Written {
        per_language,
        copied_files,
        images,
        warnings: written_warnings,
    } = written;
    let mut warnings = std::mem::take(&mut prepared.warnings);
    warnings.extend(written_warnings);
    diagnostic::sort(&mut warnings);
    let missing_translations = prepared.site.missing_translations.clone();
    let per_language: Vec<(String, usize)> = prepared
        .site
        .config
        .languages
        .iter()
        .map(|l| {
            (
                l.code.clone(),
                per_language.get(&l.code).copied().unwrap_or(0),
            )
        })
        .collect();
    let report = BuildReport {
        html_files: total_outputs(&per_language),
        per_language,
        copied_files,
        images,
        out,
        elapsed: started.elapsed(),
        warnings,
        missing_translations,
        timings,
    };
    // Freeing the model (gigabytes of small allocations at 100,000 pages)
    // takes a second; a command-line build exits right after, so let a
    // thread do it instead of the caller.
    std::thread::spawn(move || drop(prepared));
    Ok(report)
}

/// What to do about an I/O error on the output folder, when we can tell
/// (empty otherwise), to append to a message.
fn io_advice(e: &std::io::Error) -> Text {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => tr!(
            "; make the output folder and the folder holding it writable (see `lsattr` for an immutable flag), or build elsewhere with --out",
            " ; rendez le dossier de sortie et le dossier qui le contient accessibles en écriture (voyez `lsattr` pour un attribut immuable), ou construisez ailleurs avec --out"
        ),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => tr!(
            "; free some space, or build elsewhere with --out",
            " ; libérez de la place, ou construisez ailleurs avec --out"
        ),
        _ => Text::default(),
    }
}

/// The names the theme's CSS and JS files are published under: one that
/// changes with their bytes (`site.css` -> `static/site.3f9a1c2b.css`), so
/// that a CDN can cache them for a year; `asset()` returns the new name.
/// The hash is that of the bytes as published (minified or not), so that
/// a name never stands for two contents. Decided before the site is
/// assembled, which places the copies under these names.
fn fingerprints(theme_files: &[load::CopyFile], minify: bool) -> BTreeMap<String, String> {
    let mut named = BTreeMap::new();
    for file in theme_files {
        let inner = model::theme_static_path(&file.path);
        let Some((stem, ext)) = inner.rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "css" | "js") {
            continue;
        }
        // An unreadable file keeps its name; the write stage reports it.
        let Ok(bytes) = std::fs::read(&file.abs) else {
            continue;
        };
        let published = minify
            .then(|| crate::minify::output(inner, &bytes))
            .flatten();
        let hash = crate::output::content_hash(published.as_deref().unwrap_or(&bytes));
        named.insert(
            inner.to_string(),
            format!("static/{stem}.{:08x}.{ext}", hash >> 32),
        );
    }
    named
}

fn total_outputs(per_language: &[(String, usize)]) -> usize {
    per_language.iter().map(|(_, n)| n).sum()
}

/// A site read, assembled, with templates compiled and Markdown rendered:
/// everything but the rendering of outputs.
pub struct PreparedSite {
    /// The model.
    pub site: Site,
    /// The Markdown stage's output: the bodies of the model's pages (or
    /// their summaries alone, when [`PreparedSite::streamed`]), sections
    /// and pages left out.
    pub bodies: Bodies,
    /// The raster images among the site's copies, planned (see
    /// [`crate::images`]): made once the site is assembled, beside it
    /// rather than in it; shared, being read by every page.
    pub images: std::sync::Arc<crate::images::Images>,
    /// The compiled theme.
    pub engine: render::Engine,
    /// The data files.
    pub data: crate::yaml::Value,
    /// Problems that do not stop the build (what the sanitiser drops from
    /// untrusted pages), sorted.
    pub warnings: Vec<Diagnostic>,
    /// The wall time of each stage so far.
    pub timings: Timings,
    /// The image cache's folder (see [`crate::images::cache`]).
    pub images_cache: PathBuf,
    /// What the cache's list of sources says of each image, and what the
    /// plan learnt (headers), for the stage that makes images.
    pub image_sources: std::sync::Arc<crate::images::cache::Sources>,
    /// Whether the pages' bodies are left to the writing stage, each
    /// rendered with its page's output and dropped once written (`build`),
    /// rather than held in [`PreparedSite::bodies`] (`check`, `serve`).
    /// Their summaries are there either way.
    pub streamed: bool,
}

/// Runs every stage before rendering; any error fails (with the warnings
/// found beside it, so that the author reads both in one run).
pub fn prepare(options: &BuildOptions) -> Result<PreparedSite, BuildError> {
    finish(prepare_with(options, Purpose::Preview)?)
}

/// What the stages before rendering made of a site, mistakes and all.
pub struct Preparation {
    /// The site without what was left out for its own errors, ready to
    /// render; `None` when a mistake of the whole site (config, theme, data,
    /// templates) leaves nothing to render.
    pub prepared: Option<PreparedSite>,
    /// Every error found; with the warnings too when `prepared` is `None`
    /// (otherwise they are its [`PreparedSite::warnings`]).
    pub problems: Vec<Diagnostic>,
}

/// Runs every stage before rendering and goes on past mistakes: a page or
/// file whose own front matter has errors is left out of the later stages
/// (see [`model::LeftOut`]) and the rest of the site goes through them, so
/// that one run reports every mistake (`check`). Fails only when the clock
/// cannot be read.
pub fn prepare_all(options: &BuildOptions) -> Result<Preparation, BuildError> {
    prepare_with(options, Purpose::Preview)
}

/// The site of `preparation`, or its problems as a failure when it has any.
fn finish(preparation: Preparation) -> Result<PreparedSite, BuildError> {
    let Preparation {
        prepared,
        mut problems,
    } = preparation;
    match prepared {
        Some(prepared) if problems.is_empty() => Ok(prepared),
        Some(mut prepared) => {
            problems.append(&mut prepared.warnings);
            Err(fail(problems))
        }
        None => Err(fail(problems)),
    }
}

/// Nothing to render: `problems` says why.
fn unrenderable(problems: Vec<Diagnostic>) -> Preparation {
    Preparation {
        prepared: None,
        problems,
    }
}

fn prepare_with(options: &BuildOptions, purpose: Purpose) -> Result<Preparation, BuildError> {
    let mut timings = Timings::default();
    let clock = Instant::now();
    let root = &options.root;
    let visibility = model::Visibility {
        drafts: options.drafts,
        schedule: options.schedule()?,
    };
    let config = match read_config(options) {
        Ok(config) => config,
        Err(errors) => return Ok(unrenderable(errors)),
    };
    let rules = crate::trust::Rules::new(&config);
    let (loaded, mut errors) = load::load(root, &rules);
    let (theme, theme_errors) = load::load_theme(root, &config.theme);
    let theme_read = theme_errors.is_empty();
    errors.extend(theme_errors);
    let clock = timings.stage(tr!("reading sources", "lecture des sources"), clock);
    let languages = parse::Languages::of(&config);
    // A build lets go of each page's text once its front matter is read,
    // and reads it again when it renders the page.
    let bodies = match purpose {
        Purpose::Publish => parse::Bodies::Dropped,
        Purpose::Preview => parse::Bodies::Held,
    };
    let (documents, parse_errors) = parse::read_all(root, &loaded.markdown, &languages, bodies);
    let unread = unread_sources(&documents, &errors, &parse_errors);
    let clock = timings.stage(tr!("front matter", "en-têtes YAML"), clock);
    let (data, data_errors) = data::load_data(&loaded.data);
    let data_read = data_errors.is_empty();
    errors.extend(data_errors);
    let clock = timings.stage(tr!("data files", "fichiers de données"), clock);

    let fingerprinted = match purpose {
        Purpose::Publish => fingerprints(&theme.static_files, options.minify),
        Purpose::Preview => BTreeMap::new(),
    };
    let copies = CopySources {
        content_files: loaded.content_files,
        static_files: loaded.static_files,
        theme_files: theme.static_files.clone(),
        fingerprinted,
    };
    let (site, model_errors) =
        model::assemble(config, documents, parse_errors, &unread, copies, visibility);
    errors.extend(model_errors);
    let clock = timings.stage(tr!("site model", "modèle du site"), clock);
    let planned = plan_images(root, &site);
    errors.extend(planned.errors);
    let images = planned.images;
    let clock = timings.stage(tr!("image headers", "en-têtes des images"), clock);
    errors.extend(crate::claims::check(&site, &images));
    let site = if purpose == Purpose::Publish && errors.is_empty() {
        without_front_positions(site)
    } else {
        site
    };
    let clock = timings.stage(tr!("output paths", "chemins de sortie"), clock);
    if !theme_read {
        return Ok(unrenderable(errors));
    }
    let engine = match render::compile(&theme, &site, &images) {
        Ok(engine) => engine,
        Err(template_errors) => {
            errors.extend(template_errors);
            return Ok(unrenderable(errors));
        }
    };
    let clock = timings.stage(tr!("templates", "gabarits"), clock);
    // A build streams its pages' bodies; one that will fail anyway renders
    // them here, to report their mistakes with the others in one run.
    let streamed = purpose == Purpose::Publish && errors.is_empty();
    let (bodies, body_errors) = render_markdown_with(&site, &engine, streamed);
    errors.extend(body_errors);
    let mut warnings = body_warnings(&site, &bodies);
    warnings.extend(planned.warnings);
    if !data_read {
        // Templates read the data: rendering them would only add errors
        // that say the same thing.
        errors.append(&mut warnings);
        return Ok(unrenderable(errors));
    }
    diagnostic::sort(&mut warnings);
    timings.stage(tr!("Markdown", "Markdown"), clock);
    Ok(Preparation {
        prepared: Some(PreparedSite {
            site,
            bodies,
            images,
            engine,
            data,
            warnings,
            timings,
            images_cache: planned.cache,
            image_sources: planned.sources,
            streamed,
        }),
        problems: errors,
    })
}

/// The configuration of `options.root`, read and parsed.
fn read_config(options: &BuildOptions) -> Result<Config, Vec<Diagnostic>> {
    let file = load::read_config(&options.root).map_err(|d| vec![d])?;
    Config::parse(&file.text, options.base_url.as_deref())
}

/// The Markdown sources that could not be read or parsed, sorted: their
/// errors (among `errors` and `parse_errors`) name them, and the model
/// leaves them out. Those read with errors in their common fields are
/// among `documents`, left out by the model with the errors of their
/// other fields.
fn unread_sources(
    documents: &[parse::Document],
    errors: &[Diagnostic],
    parse_errors: &[Diagnostic],
) -> Vec<String> {
    if errors.is_empty() && parse_errors.is_empty() {
        return Vec::new();
    }
    let parsed: HashSet<&str> = documents.iter().map(|d| d.file.path.as_str()).collect();
    let mut unread: Vec<String> = errors
        .iter()
        .chain(parse_errors)
        .map(|d| d.path.as_str())
        .filter(|p| p.starts_with("content/") && p.ends_with(".md") && !parsed.contains(p))
        .map(str::to_string)
        .collect();
    unread.sort_unstable();
    unread.dedup();
    unread
}

/// The image stage's plan of a site (see [`crate::images::plan`]).
struct PlannedImages {
    images: std::sync::Arc<crate::images::Images>,
    /// The image cache's folder, and what its list of sources says.
    cache: PathBuf,
    sources: std::sync::Arc<crate::images::cache::Sources>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Plans the raster images among `site`'s copies and those its pages'
/// fields name, reading their headers (or the cache's memory of them).
fn plan_images(root: &Path, site: &Site) -> PlannedImages {
    let named = crate::images::field_images(site);
    let cache = root.join(&site.config.images.cache_dir).join("images");
    let sources = std::sync::Arc::new(crate::images::cache::Sources::load(&cache));
    let (images, errors, warnings) =
        crate::images::plan(&site.copies, &named, &site.config.images, &sources);
    PlannedImages {
        images: std::sync::Arc::new(images),
        cache,
        sources,
        errors,
        warnings,
    }
}

/// `site` without its pages' front matter key positions, and without the
/// front matter's text where the body was let go of: what a build that
/// has found no error keeps once every diagnostic placed in front matter
/// is made (but for a `template:` the theme lacks, said when pages are
/// rendered, whose pages keep theirs).
fn without_front_positions(mut site: Site) -> Site {
    for p in &mut site.pages {
        if p.document.front.template.is_none() {
            p.document.front.spans = crate::yaml::LazySpans::default();
            p.document.let_go_of_front_matter();
        }
    }
    site
}

/// The warnings of the bodies of `site` (what the sanitiser drops from
/// untrusted pages), sorted later; a fallback renders the same file
/// again: its warnings are said once.
fn body_warnings(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    site.pages
        .iter()
        .zip(&bodies.pages)
        .filter(|(p, _)| !p.fallback)
        .flat_map(|(_, r)| r.warnings.iter().cloned())
        .chain(
            bodies
                .left_out
                .iter()
                .flat_map(|r| r.warnings.iter().cloned()),
        )
        .collect()
}

/// The outputs of a build held in memory: path in the output folder ->
/// bytes. What `check` judges and `serve` serves.
pub type Outputs = std::collections::BTreeMap<String, std::sync::Arc<Vec<u8>>>;

/// Renders every output of `prepared` into memory with `views`, as
/// [`write_site`] would write them (without minifying): pages, lists,
/// feeds, the sitemap and the copied files but the planned images (their
/// every output is named by the plan, `PreparedSite::images`, and made on request
/// by `serve`'s store). Returns them with the errors of rendering and
/// reading. The one in-memory build: `check` judges its outputs, `serve`
/// serves them.
pub fn render_in_memory(
    prepared: &PreparedSite,
    views: &view::SharedViews,
) -> (Outputs, Vec<Diagnostic>) {
    render_in_memory_with(prepared, views, &|_, bytes| {
        std::sync::Arc::new(bytes.to_vec())
    })
}

/// [`render_in_memory`], keeping of each output what `keep` makes of its
/// path and bytes (`check` keeps the tags it judges, not the pages).
pub(crate) fn render_in_memory_with<T: Send>(
    prepared: &PreparedSite,
    views: &view::SharedViews,
    keep: &(dyn Fn(&str, &[u8]) -> T + Sync),
) -> (BTreeMap<String, T>, Vec<Diagnostic>) {
    let site = &prepared.site;
    let collected = std::sync::Mutex::new(BTreeMap::new());
    let write = |path: &str, bytes: &[u8]| {
        let kept = keep(path, bytes);
        // The lock only guards inserting a finished page into the map.
        if let Ok(mut map) = collected.lock() {
            map.insert(path.to_string(), kept);
        }
        Ok(())
    };
    let (_, mut errors) =
        render::render_site(site, &prepared.bodies, &prepared.engine, views, &write);
    let mut outputs = collected.into_inner().unwrap_or_default();
    for (path, bytes) in crate::publish::outputs(site, &prepared.bodies) {
        let kept = keep(&path, &bytes);
        outputs.insert(path, kept);
    }
    for copy in &site.copies {
        if prepared.images.get(&copy.output).is_some() {
            continue;
        }
        match std::fs::read(&copy.file.abs) {
            Ok(bytes) => {
                let bytes = crate::images::strip::published(&copy.output, bytes);
                outputs.insert(copy.output.clone(), keep(&copy.output, &bytes));
            }
            Err(e) => errors.push(cannot_read(&copy.file.path, &e)),
        }
    }
    (outputs, errors)
}

/// A copied file that could not be read.
fn cannot_read(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        path,
        tr!(
            "cannot read the file: {e}",
            "impossible de lire le fichier : {e}"
        ),
    )
    .with_hint(tr!(
        "check that the file exists and may be read",
        "vérifiez que le fichier existe et peut être lu"
    ))
}

/// The next scheduled change of the site at `options.root` after the
/// build's now: when a page appears or expires, or an event of the
/// calendar's section starts or ends. Reads and parses the sources only;
/// `None` when nothing is scheduled.
pub fn next_rebuild(options: &BuildOptions) -> Result<Option<Change>, BuildError> {
    let config_file = load::read_config(&options.root).map_err(|d| fail(vec![d]))?;
    let config = Config::parse(&config_file.text, None).map_err(fail)?;
    let rules = crate::trust::Rules::new(&config);
    let (loaded, mut errors) = load::load(&options.root, &rules);
    let languages = parse::Languages::of(&config);
    let (documents, parse_errors) = parse::read_all(
        &options.root,
        &loaded.markdown,
        &languages,
        parse::Bodies::Held,
    );
    errors.extend(parse_errors);
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    let now = options.schedule()?.now;
    let sections: std::collections::HashSet<&str> = documents
        .iter()
        .filter(|d| d.kind == parse::DocumentKind::Section)
        .map(parse::Document::folder)
        .collect();
    let event = |doc: &parse::Document| {
        let calendar = config.calendar.as_ref()?;
        let folder = crate::model::section_folder_of(doc, &sections)?;
        (folder == calendar.section)
            .then(|| crate::calendar::span(calendar, &doc.front))
            .flatten()
    };
    Ok(crate::schedule::next_change(&documents, now, &event))
}

/// Renders the site into `staging`: HTML pages, then copied files, HTML,
/// CSS and JS minified when `minify` is set, and images with their
/// variants (made through the image cache, pruned after).
pub fn write_site(
    prepared: &PreparedSite,
    staging: &Staging,
    minify: bool,
) -> Result<Written, BuildError> {
    write_site_timed(prepared, staging, minify, &mut Timings::default())
}

/// [`write_site`], adding the time of each of its stages to `timings`.
fn write_site_timed(
    prepared: &PreparedSite,
    staging: &Staging,
    minify: bool,
    timings: &mut Timings,
) -> Result<Written, BuildError> {
    let clock = Instant::now();
    let site = &prepared.site;
    let views = view::shared_views(site, &prepared.bodies, &prepared.data);
    let clock = timings.stage(tr!("views", "vues"), clock);
    let write = |path: &str, bytes: &[u8]| match minify
        .then(|| crate::minify::output(path, bytes))
        .flatten()
    {
        Some(small) => staging.write(path, &small),
        None => staging.write(path, bytes),
    };
    let bodies = prepared
        .streamed
        .then(|| Streamed::new(site, &prepared.engine));
    let from = match &bodies {
        Some(streamed) => render::BodiesFrom::Streamed(streamed),
        None => render::BodiesFrom::Held(&prepared.bodies.pages),
    };
    let (per_language, mut errors, renders) =
        render::render_site_timed(site, &prepared.engine, &views, &write, from);
    timings.renders = renders;
    // Like the model, the views are many small allocations: free them aside.
    std::thread::spawn(move || drop(views));
    let (mut warnings, mut search_read) = (Vec::new(), None);
    match bodies {
        Some(bodies) => {
            let kept = bodies.conclude(clock.elapsed(), timings);
            errors.extend(kept.errors);
            warnings = kept.warnings;
            let refs: Vec<&Rendered> = kept.bodies.iter().collect();
            errors.extend(check_fragments_of(site, &prepared.bodies, &refs));
            search_read = Some((kept.search, kept.search_time));
        }
        None => {
            timings.stage(tr!("HTML pages", "pages HTML"), clock);
        }
    }
    let (read, read_time) = search_read.unzip();
    let (published, times) = crate::publish::outputs_timed(site, &prepared.bodies, read);
    timings.stages.extend(times);
    if let Some(time) = read_time {
        // The pages' reading for the index is its share of that stage.
        timings.add(tr!("search index", "index de recherche"), time);
    }
    let clock = Instant::now();
    // Thousands of small files (the index's fragments): side by side.
    let write_errors: Vec<Diagnostic> = published
        .par_iter()
        .filter_map(|(path, bytes)| write(path, bytes).err())
        .collect();
    errors.extend(write_errors);
    drop(published);
    let clock = timings.stage(
        tr!(
            "writing feeds, sitemap, calendars and index",
            "écriture des fils, du plan, des calendriers et de l'index"
        ),
        clock,
    );
    errors.extend(copy_files(prepared, staging, minify, &write));
    let clock = timings.stage(tr!("copied files", "fichiers copiés"), clock);
    let cache = crate::images::cache::Cache::new(prepared.images_cache.clone());
    let sources = &prepared.image_sources;
    errors.extend(publish_images(prepared, staging, &cache));
    // What was hashed is worth remembering even when the build fails; a
    // list that cannot be written only costs hashing again.
    let _ = sources.save();
    timings.stage(tr!("images", "images"), clock);
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    // Only a build that made every image knows what the cache still needs;
    // a cache that cannot be pruned costs disk space, not the build.
    let _ = cache.prune();
    let (hits, misses) = cache.counts();
    Ok(Written {
        per_language,
        warnings,
        copied_files: site.copies.len(),
        images: ImageCounts {
            images: prepared.images.iter().count(),
            from_cache: hits,
            made: misses,
            sources_read: sources.hashed() + sources.unheaded(),
        },
    })
}

/// Copies the files of `prepared` that are not planned images: CSS and JS
/// minified when `minify` is set, SVG without its metadata, the rest as
/// they are. Returns the errors.
fn copy_files(
    prepared: &PreparedSite,
    staging: &Staging,
    minify: bool,
    write: &render::Writer<'_>,
) -> Vec<Diagnostic> {
    let copy = |c: &model::Copy| {
        if minify && (c.output.ends_with(".css") || c.output.ends_with(".js")) {
            let bytes = std::fs::read(&c.file.abs).map_err(|e| cannot_read(&c.file.path, &e))?;
            return write(&c.output, &bytes);
        }
        // An SVG is published without its metadata, like every image.
        if crate::images::strip::is_svg(&c.output) {
            let bytes = std::fs::read(&c.file.abs).map_err(|e| cannot_read(&c.file.path, &e))?;
            return write(
                &c.output,
                &crate::images::strip::published(&c.output, bytes),
            );
        }
        staging.copy(&c.output, &c.file.abs, &c.file.path)
    };
    prepared
        .site
        .copies
        .par_iter()
        .filter(|c| prepared.images.get(&c.output).is_none())
        .filter_map(|c| copy(c).err())
        .collect()
}

/// Publishes every planned image of `prepared` with its variants, each
/// made or taken from `cache`. Returns the errors.
fn publish_images(
    prepared: &PreparedSite,
    staging: &Staging,
    cache: &crate::images::cache::Cache,
) -> Vec<Diagnostic> {
    let sources = &prepared.image_sources;
    let images: Vec<&crate::images::Image> = prepared.images.iter().collect();
    // One image at a time per thread: a decoded photo is tens of megabytes.
    images
        .par_iter()
        .with_max_len(1)
        .filter_map(|image| {
            let outputs =
                match crate::images::publish(image, &prepared.images.settings, cache, sources) {
                    Ok(outputs) => outputs,
                    Err(d) => return Some(d),
                };
            outputs.iter().find_map(|(path, made)| {
                match made {
                    crate::images::Made::Cached(entry) => {
                        staging.link(path, &entry.path, entry.len, &entry.sha256)
                    }
                    crate::images::Made::Bytes(bytes) => staging.write(path, bytes),
                }
                .err()
            })
        })
        .collect()
}

/// The pages' bodies of a streamed build ([`PreparedSite::streamed`]):
/// each rendered when its page is, then reduced to what later stages need
/// (headings and links for the `#fragment` check, the search index's
/// reading of it) and its HTML dropped.
struct Streamed<'a> {
    site: &'a Site,
    engine: &'a render::Engine,
    index: LinkIndex,
    files: crate::relocate::Published<'a>,
    /// What is kept of each page, set once, when its output is rendered.
    kept: Vec<std::sync::OnceLock<(Rendered, Option<crate::search::PageRead>)>>,
    /// Errors and warnings of the bodies, in no order (sorted later).
    problems: std::sync::Mutex<(Vec<Diagnostic>, Vec<Diagnostic>)>,
    /// Time spent rendering bodies, then reading them for the index,
    /// added up over the threads, in nanoseconds.
    markdown_nanos: std::sync::atomic::AtomicU64,
    search_nanos: std::sync::atomic::AtomicU64,
}

/// What a streamed build keeps of its bodies.
struct KeptBodies {
    /// Each page's body without its HTML, same order as `Site::pages`.
    bodies: Vec<Rendered>,
    /// Each page's reading for the search index (`None`: not indexed).
    search: Vec<Option<crate::search::PageRead>>,
    /// The time of that reading, as the wall time of one thread.
    search_time: Duration,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Streamed<'a> {
    fn new(site: &'a Site, engine: &'a render::Engine) -> Streamed<'a> {
        Streamed {
            site,
            engine,
            index: LinkIndex::new(site),
            files: site.copies.iter().map(|c| c.output.as_str()).collect(),
            kept: (0..site.pages.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            problems: std::sync::Mutex::new((Vec::new(), Vec::new())),
            markdown_nanos: std::sync::atomic::AtomicU64::new(0),
            search_nanos: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn markdown_time(&self) -> Duration {
        Duration::from_nanos(
            self.markdown_nanos
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    fn search_time(&self) -> Duration {
        Duration::from_nanos(self.search_nanos.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Renders the bodies of pages no output was rendered for (their
    /// template is missing, which the render reported): their own
    /// mistakes are said in the same run.
    fn render_unrendered(&self) {
        use render::PageBodies as _;
        (0..self.kept.len())
            .into_par_iter()
            .filter(|&i| self.kept[i].get().is_none())
            .for_each(|i| self.rendered(i, self.render(i)));
    }

    /// Once every page is rendered: the bodies of pages without an output
    /// rendered too, and what is kept of them. Bodies were rendered inside
    /// the pages' stage (which took `pages_time`): their time, added up
    /// over the threads, is moved to the stages it is, in `timings`.
    fn conclude(self, pages_time: Duration, timings: &mut Timings) -> KeptBodies {
        let threads = u32::try_from(rayon::current_num_threads().max(1)).unwrap_or(1);
        let (markdown_time, search_time) = (self.markdown_time(), self.search_time());
        let moved = (markdown_time + search_time) / threads;
        timings.stages.push((
            tr!("HTML pages", "pages HTML"),
            pages_time.saturating_sub(moved),
        ));
        timings.add(tr!("Markdown", "Markdown"), markdown_time / threads);
        self.render_unrendered();
        let mut kept = self.finish();
        kept.search_time = search_time / threads;
        kept
    }

    fn finish(self) -> KeptBodies {
        let (mut errors, mut warnings) = self.problems.into_inner().unwrap_or_default();
        diagnostic::sort(&mut errors);
        diagnostic::sort(&mut warnings);
        let (bodies, search) = self
            .kept
            .into_iter()
            .map(|k| k.into_inner().unwrap_or_default())
            .unzip();
        KeptBodies {
            bodies,
            search,
            search_time: Duration::ZERO,
            errors,
            warnings,
        }
    }

    fn count(counter: &std::sync::atomic::AtomicU64, since: Instant) {
        let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
    }
}

impl render::PageBodies for Streamed<'_> {
    fn render(&self, index: usize) -> Rendered {
        let started = Instant::now();
        let site = self.site;
        let p = &site.pages[index];
        let (mut body, errors) = page_body(
            &site.config,
            &site.sections,
            &self.index,
            self.engine,
            &self.files,
            p,
        );
        let warnings = std::mem::take(&mut body.warnings);
        // A fallback renders the same file again: its mistakes are said once.
        if !p.fallback && (!errors.is_empty() || !warnings.is_empty()) {
            if let Ok(mut problems) = self.problems.lock() {
                problems.0.extend(errors);
                problems.1.extend(warnings);
            }
        }
        Self::count(&self.markdown_nanos, started);
        body
    }

    fn rendered(&self, index: usize, body: Rendered) {
        let started = Instant::now();
        let read = crate::search::read_page(self.site, index, &body.html);
        // The `#fragment` check needs the headings and those links, no more.
        let kept = Rendered {
            anchors: body.anchors,
            fragment_links: body.fragment_links,
            ..Rendered::default()
        };
        let _ = self.kept[index].set((kept, read));
        Self::count(&self.search_nanos, started);
    }
}

/// What [`write_site`] wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// HTML files per language.
    pub per_language: BTreeMap<String, usize>,
    /// Problems that did not stop the build, found while writing (what the
    /// sanitiser dropped from streamed bodies), sorted.
    pub warnings: Vec<Diagnostic>,
    /// Files copied (images included).
    pub copied_files: usize,
    /// What the images cost.
    pub images: ImageCounts,
}

/// The images of a build, and how many of their outputs came from the
/// cache and how many were made (decoded and encoded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageCounts {
    /// Images planned (each with its variants).
    pub images: usize,
    /// Outputs read from the cache.
    pub from_cache: u64,
    /// Outputs made.
    pub made: u64,
    /// Sources read, for their header or their hash: none in a build
    /// after one that saw them unchanged.
    pub sources_read: u64,
}

/// Renders one document's body for the edition `lang` of `site`.
pub fn render_document(
    base_path: &str,
    index: &LinkIndex,
    engine: &render::Engine,
    doc: &parse::Document,
    lang: &str,
    collection: Option<&crate::collection::Collection>,
    relocation: Option<&crate::relocate::Relocation<'_>>,
) -> (Rendered, Vec<Diagnostic>) {
    let resolve = |p: &str| {
        index
            .resolve(p, lang)
            .map(|path| crate::urls::address(base_path, path))
    };
    let env = markdown::Env {
        resolve: &resolve,
        shortcodes: Some(engine),
        lang,
        collection,
    };
    // A body dropped after parsing is read again here, where it is needed.
    let text = match doc.text() {
        Ok(text) => text,
        Err(d) => return (Rendered::default(), vec![d]),
    };
    let source = BodySource {
        path: &doc.file.path,
        file_text: &text,
        body_start: doc.body_start,
        content_path: &doc.content_path,
    };
    let body = text.get(doc.body_start..).unwrap_or("");
    let (mut rendered, errors) = markdown::render(body, source, &env);
    if let Some(relocation) = relocation {
        if let Some(html) = crate::relocate::relocate(&rendered.html, relocation) {
            rendered.html = html;
        }
        if let Some(summary) = rendered.summary.as_deref() {
            if let Some(moved) = crate::relocate::relocate(summary, relocation) {
                rendered.summary = Some(moved);
            }
        }
    }
    (rendered, errors)
}

/// The Markdown stage over the whole site, in parallel (shortcodes
/// included), then the check of `#fragment` links against the headings of
/// their targets.
pub fn render_markdown(site: &Site, engine: &render::Engine) -> (Bodies, Vec<Diagnostic>) {
    render_markdown_with(site, engine, false)
}

/// What a run of the stages is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// `check` and `serve`: source texts stay (diagnostics point back into
    /// them later) and assets keep their names (so that a stylesheet edit
    /// is swapped into the page without a reload).
    Preview,
    /// `build`: each page's body is rendered with its page's output and
    /// dropped once written (see [`PreparedSite::streamed`]); CSS and JS get
    /// fingerprinted names.
    Publish,
}

/// Renders the body of `p`, a page of the site whose `config` and
/// `sections` are given, with its addresses moved to where it is published.
fn page_body(
    config: &Config,
    sections: &[model::Section],
    index: &LinkIndex,
    engine: &render::Engine,
    files: &crate::relocate::Published<'_>,
    p: &model::Page,
) -> (Rendered, Vec<Diagnostic>) {
    let base_path = config.base_path.as_str();
    let collection = model::body_rules(config, &p.document, &sections[p.section].folder);
    let folders = crate::relocate::of_page(config, p);
    let relocation = Relocation::between(&p.path, folders.as_ref(), base_path, files);
    render_document(
        base_path,
        index,
        engine,
        &p.document,
        &p.lang,
        collection,
        relocation.as_ref(),
    )
}

/// The Markdown stage: the bodies of `site`'s pages, sections and pages
/// left out, with their mistakes. With `streamed`, pages get only their
/// summary here (what other pages' lists show of them) and their bodies
/// are rendered by the writing stage, and `#fragment` links are checked
/// there.
fn render_markdown_with(
    site: &Site,
    engine: &render::Engine,
    streamed: bool,
) -> (Bodies, Vec<Diagnostic>) {
    let index = LinkIndex::new(site);
    let Site {
        pages,
        sections,
        config,
        left_out,
        copies,
        ..
    } = site;
    let base_path = config.base_path.as_str();
    let files: crate::relocate::Published = copies.iter().map(|c| c.output.as_str()).collect();
    let (page_bodies, page_errors): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = pages
        .par_iter()
        .map(|p| {
            if streamed {
                // A body without the marker has no summary; one with it is
                // rendered for its summary alone, its mistakes being
                // reported when it is rendered again with its page.
                let mut kept = Rendered::default();
                if p.document.body().contains(markdown::MORE_MARKER) {
                    let (rendered, _) = page_body(config, sections, &index, engine, &files, p);
                    kept.summary = rendered.summary;
                }
                return (kept, Vec::new());
            }
            let (rendered, errors) = page_body(config, sections, &index, engine, &files, p);
            // A fallback renders the same file again: report its mistakes once.
            (rendered, if p.fallback { Vec::new() } else { errors })
        })
        .unzip();
    // Pages left out for their front matter: rendered for their own
    // mistakes only (a page with a bad date and a raw `<script>` hears of
    // both in one run), never published.
    let (left_out_bodies, left_out_errors): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = left_out
        .par_iter()
        .map(|l| {
            let Some(p) = l.page.as_ref() else {
                return (Rendered::default(), Vec::new());
            };
            let collection = model::body_rules(config, &p.document, &sections[p.section].folder);
            // Never published: its addresses are judged as written.
            render_document(
                base_path,
                &index,
                engine,
                &p.document,
                &p.lang,
                collection,
                None,
            )
        })
        .unzip();
    let (section_bodies, section_errors): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = sections
        .par_iter()
        .map(|s| {
            let folders = crate::relocate::of_section(config, s);
            let (rendered, errors) = s
                .document
                .as_ref()
                .map(|d| {
                    render_document(
                        base_path,
                        &index,
                        engine,
                        d,
                        &s.lang,
                        model::body_rules(config, d, &s.folder),
                        Relocation::between(&s.path, folders.as_ref(), base_path, &files).as_ref(),
                    )
                })
                .unwrap_or_default();
            (rendered, if s.fallback { Vec::new() } else { errors })
        })
        .unzip();
    let mut errors: Vec<Diagnostic> = page_errors
        .into_iter()
        .chain(left_out_errors)
        .chain(section_errors)
        .flatten()
        .collect();
    let bodies = Bodies {
        pages: page_bodies,
        sections: section_bodies,
        left_out: left_out_bodies,
    };
    if !streamed {
        errors.extend(check_fragments(site, &bodies));
    }
    (bodies, errors)
}

/// Every `#fragment` link of every written page and section (and of pages
/// left out, whose mistakes are reported too) must name a heading of its target.
pub fn check_fragments(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let pages: Vec<&Rendered> = bodies.pages.iter().collect();
    check_fragments_of(site, bodies, &pages)
}

/// [`check_fragments`], the pages' bodies being `pages` (same order as
/// `site.pages`: those of `bodies`, or kept from a streamed render).
fn check_fragments_of(site: &Site, bodies: &Bodies, pages: &[&Rendered]) -> Vec<Diagnostic> {
    let documents = site
        .pages
        .iter()
        .zip(pages.iter().copied())
        .filter(|(p, _)| !p.fallback)
        .map(|(p, r)| (&p.document, r))
        .chain(
            site.left_out
                .iter()
                .zip(&bodies.left_out)
                .filter_map(|(l, r)| l.page.as_ref().map(|p| (&p.document, r))),
        )
        .chain(
            site.sections
                .iter()
                .zip(&bodies.sections)
                .filter(|(s, _)| !s.fallback)
                .filter_map(|(s, r)| s.document.as_ref().map(|d| (d, r))),
        );
    check_fragment_links_of(site, bodies, pages, documents)
}

/// The `#fragment` links of `documents` must name a heading of their target
/// (whose headings are unknown when it is a file that could not be read:
/// those links wait for it to be fixed).
pub fn check_fragment_links<'a>(
    site: &Site,
    bodies: &Bodies,
    documents: impl Iterator<Item = (&'a parse::Document, &'a Rendered)>,
) -> Vec<Diagnostic> {
    let pages: Vec<&Rendered> = bodies.pages.iter().collect();
    check_fragment_links_of(site, bodies, &pages, documents)
}

/// [`check_fragment_links`], the pages' headings read from `pages`, the
/// others' from `bodies`.
fn check_fragment_links_of<'a>(
    site: &Site,
    bodies: &Bodies,
    pages: &[&Rendered],
    documents: impl Iterator<Item = (&'a parse::Document, &'a Rendered)>,
) -> Vec<Diagnostic> {
    let base_path = &site.config.base_path;
    let mut errors = Vec::new();
    // Keyed by site path, borrowed: building it allocates no string.
    let anchors: HashMap<&str, Option<&[String]>> = site
        .left_out
        .iter()
        .zip(&bodies.left_out)
        .map(|(l, r)| {
            let anchors = l.page.as_ref().map(|_| r.anchors.as_slice());
            (l.path.as_str(), anchors)
        })
        .chain(
            site.pages
                .iter()
                .zip(pages)
                .map(|(p, r)| (p.path.as_str(), Some(r.anchors.as_slice()))),
        )
        .chain(
            site.sections
                .iter()
                .zip(&bodies.sections)
                .map(|(s, r)| (s.path.as_str(), Some(r.anchors.as_slice()))),
        )
        .collect();
    for (doc, rendered) in documents {
        for link in &rendered.fragment_links {
            let path = crate::urls::site_path(base_path, &link.url);
            let Some(known) = anchors.get(path).copied().unwrap_or(Some(&[])) else {
                continue;
            };
            if known.contains(&link.fragment) {
                continue;
            }
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = match diagnostic::did_you_mean(&link.fragment, &names) {
                Some(close) => tr!("did you mean `#{close}`?", "vouliez-vous dire `#{close}` ?"),
                None if names.is_empty() => tr!(
                    "`content/{}` has no headings to link to",
                    "`content/{}` n'a pas de titre vers lequel pointer";
                    link.target
                ),
                None => {
                    let list = names
                        .iter()
                        .map(|n| format!("#{n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    tr!("its headings are: {list}", "ses titres sont : {list}")
                }
            };
            // A dropped body is read again to place the link (an error is
            // rare; holding every text for it would not be).
            let text = match doc.text() {
                Ok(text) => text,
                Err(changed) => {
                    // Said once for the file, whatever its other links.
                    errors.push(changed);
                    break;
                }
            };
            errors.push(
                Diagnostic::error(
                    &doc.file.path,
                    tr!(
                        "link to a missing heading `#{}` in `content/{}`",
                        "lien vers un titre `#{}` qui n'existe pas dans `content/{}`";
                        link.fragment, link.target
                    ),
                )
                .at_offset(&text, link.offset)
                .with_hint(hint),
            );
        }
    }
    errors
}
