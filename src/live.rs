//! The live site of `alumni serve`: the build kept in memory, and redone in
//! part when files change.
//!
//! In: the build options and, after the first build, the paths that changed.
//! Out: every output as bytes in memory, and which outputs changed. The same
//! stages as `alumni build` produce it (serve is build with another sink).
//!
//! What an output depends on, and so what a change redoes:
//!
//! | change | redone |
//! | --- | --- |
//! | body of a page, summary and front matter unchanged | that page's Markdown, its outputs in every edition, the search indexes, the check of `#fragment` links |
//! | bytes of a copied file (bundle file, `_static/`, theme `static/`) | that file's outputs |
//! | an image (added, removed, edited) | a full rebuild, which reads its header only: its outputs are made when asked for, or in the background |
//! | theme templates | the theme's compilation, every page and list (content is not read again) |
//! | theme shortcodes or UI strings | the theme's compilation, every body, every page and list |
//! | anything else: front matter, a summary, a section, data, config, a file added, removed or renamed | a full rebuild |
//!
//! A page's *shared* view (title, URL, date, description, summary, terms:
//! what listings and other pages may show of it) is a function of its front
//! matter and summary alone, so keeping both unchanged is what makes an edit
//! local. After a failed rebuild the next change always rebuilds in full.
//! The invariant, tested on long random edit sequences: the outputs equal
//! those of a fresh full build of the same tree. [`LiveSite::check_outputs`]
//! judges the outputs held as `alumni check` judges rendered pages.
//!
//! Images are no part of the outputs held: their outputs live in the cache,
//! made on the first request or by a background thread
//! ([`crate::images::lazy`]), so that no build or edit waits for a decode.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::build::{self, BuildError, BuildOptions, PreparedSite};
use crate::diagnostic::{self, Diagnostic};
use crate::images::lazy::Store;
use crate::load;
use crate::markdown::Rendered;
use crate::model::{Bodies, LinkIndex, Site};
use crate::parse;
use crate::render;
use crate::view::{self, SharedViews};

/// The outputs held, as the in-memory build makes them (see
/// [`build::render_in_memory`]).
pub use crate::build::Outputs;

/// A built site held in memory.
pub struct LiveSite {
    options: BuildOptions,
    prepared: PreparedSite,
    views: SharedViews,
    /// Built with the site: a local update changes no URL.
    index: LinkIndex,
    outputs: Outputs,
    /// The images' outputs, made when asked for.
    images: Arc<Store>,
    /// Set when the last change failed: the next one rebuilds in full.
    dirty: bool,
    /// Each page's reading for the search index, made at the first edit
    /// of an indexed page and kept while the bodies stay those it was read
    /// from: a later edit reads its own page again, not the whole site.
    search: Option<Vec<Option<crate::search::PageRead>>>,
}

/// What a change did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Whether the whole site was rebuilt.
    pub full: bool,
}

fn site_errors(e: BuildError) -> Vec<Diagnostic> {
    match e {
        BuildError::Site(errors) => errors,
        BuildError::Io(message) => vec![Diagnostic::general(message)],
    }
}

/// Renders everything into memory ([`build::render_in_memory`]), keeping
/// the views for the updates that follow.
pub fn build_outputs(
    options: &BuildOptions,
) -> Result<(PreparedSite, SharedViews, Outputs), Vec<Diagnostic>> {
    let prepared = build::prepare(options).map_err(site_errors)?;
    let views = view::shared_views(&prepared.site, &prepared.bodies, &prepared.data);
    let (outputs, mut errors) = build::render_in_memory(&prepared, &views);
    if errors.is_empty() {
        Ok((prepared, views, outputs))
    } else {
        diagnostic::sort(&mut errors);
        Err(errors)
    }
}

/// Adds the sitemap, robots.txt, feeds and redirects (made from content only).
fn add_published(site: &Site, bodies: &Bodies, outputs: &mut Outputs) {
    for (path, bytes) in crate::publish::outputs(site, bodies) {
        outputs.insert(path, Arc::new(bytes));
    }
}

/// An update's errors.
type Errors = Vec<Diagnostic>;

/// Puts back the pages an update replaced, when it failed.
fn restore(prepared: &mut PreparedSite, previous: Vec<(usize, parse::Document, Rendered)>) {
    for (i, doc, r) in previous {
        prepared.site.pages[i].document = doc;
        prepared.bodies.pages[i] = r;
    }
}

/// Output paths that differ between two builds.
fn diff(old: &Outputs, new: &Outputs) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| old.get(*path).is_none_or(|b| b != *bytes))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    changed.sort();
    changed
}

impl LiveSite {
    /// Builds the whole site into memory.
    pub fn build(options: BuildOptions) -> Result<LiveSite, Vec<Diagnostic>> {
        let (prepared, views, outputs) = build_outputs(&options)?;
        let index = LinkIndex::new(&prepared.site);
        let images = Arc::new(Store::new(
            Arc::clone(&prepared.images),
            prepared.images_cache.clone(),
            Arc::clone(&prepared.image_sources),
        ));
        Ok(LiveSite {
            options,
            index,
            prepared,
            views,
            outputs,
            images,
            dirty: false,
            search: None,
        })
    }

    /// The images' outputs of the last good build.
    pub fn images(&self) -> &Arc<Store> {
        &self.images
    }

    /// Every output, by path.
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }

    /// What `alumni check` finds in the rendered outputs (broken internal
    /// links, missing images and anchors, images without alternative text),
    /// as warnings: the preview serves the site all the same.
    pub fn check_outputs(&self) -> Vec<Diagnostic> {
        self.check_outputs_unless(&|| false).unwrap_or_default()
    }

    /// [`LiveSite::check_outputs`], given up as soon as `stop` says so
    /// (see [`crate::check::check_outputs_unless`]); `None` then.
    pub fn check_outputs_unless(
        &self,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Diagnostic>> {
        let mut found = crate::check::check_outputs_unless(&self.prepared, &self.outputs, stop)?;
        // Images that could not be decoded when asked for, so far.
        found.extend(self.images.problems());
        for d in &mut found {
            d.severity = diagnostic::Severity::Warning;
        }
        diagnostic::sort(&mut found);
        Some(found)
    }

    /// The site's default language and the codes of the others (for 404 pages).
    pub fn language_prefixes(&self) -> Vec<String> {
        let config = &self.prepared.site.config;
        config
            .languages
            .iter()
            .map(|l| config.language_prefix(&l.code))
            .collect()
    }

    /// Brings the site up to date after `paths` (absolute, or relative to
    /// the root) changed on disk. On error the previous outputs stay.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        let result = if self.dirty {
            None
        } else {
            self.try_local(paths).or_else(|| self.try_theme(paths))
        };
        let result = match result {
            Some(r) => r,
            None => self.rebuild(),
        };
        self.dirty = result.is_err();
        result
    }

    fn rebuild(&mut self) -> Result<Update, Vec<Diagnostic>> {
        let (prepared, views, outputs) = build_outputs(&self.options)?;
        let images = Arc::new(Store::new(
            Arc::clone(&prepared.images),
            prepared.images_cache.clone(),
            Arc::clone(&prepared.image_sources),
        ));
        let mut changed = diff(&self.outputs, &outputs);
        changed.extend(images.changed_since(&self.images));
        changed.sort();
        self.images.stop();
        self.images = images;
        self.index = LinkIndex::new(&prepared.site);
        self.prepared = prepared;
        self.views = views;
        self.outputs = outputs;
        self.search = None;
        Ok(Update {
            changed,
            full: true,
        })
    }

    /// Site-relative `/` path of `path`.
    fn relative(&self, path: &Path) -> String {
        let root = &self.options.root;
        let abs_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let rel = path
            .strip_prefix(&abs_root)
            .or_else(|_| path.strip_prefix(root))
            .unwrap_or(path);
        diagnostic::relative_path(Path::new(""), rel)
    }

    /// A change to the theme's templates, shortcodes or UI strings: the
    /// content model stays; the theme is compiled again, bodies are
    /// rendered again when shortcodes or strings changed (their output is
    /// part of the bodies), then every output. `None` means "rebuild".
    fn try_theme(&mut self, paths: &[PathBuf]) -> Option<Result<Update, Vec<Diagnostic>>> {
        let theme_name = self.prepared.site.config.theme.clone();
        let theme_dir = format!("themes/{theme_name}/");
        let mut bodies = false;
        for path in paths {
            let rel = self.relative(path);
            let inner = rel.strip_prefix(&theme_dir)?;
            if inner.starts_with("shortcodes/") || inner.starts_with("i18n/") {
                bodies = true;
            } else if !inner.starts_with("templates/") {
                return None;
            }
        }
        let (theme, errors) = load::load_theme(&self.options.root, &theme_name);
        if !errors.is_empty() {
            return Some(Err(errors));
        }
        // The theme's static files (what `asset()` accepts) must be the same set.
        let mut before: Vec<&str> = self
            .prepared
            .site
            .copies
            .iter()
            .map(|c| c.file.path.as_str())
            .filter(|p| p.starts_with(&theme_dir))
            .collect();
        let mut after: Vec<&str> = theme.static_files.iter().map(|f| f.path.as_str()).collect();
        before.sort_unstable();
        after.sort_unstable();
        if before != after {
            return None;
        }
        let engine = match render::compile(&theme, &self.prepared.site, &self.prepared.images) {
            Ok(e) => e,
            Err(mut errors) => {
                diagnostic::sort(&mut errors);
                return Some(Err(errors));
            }
        };
        let site = &self.prepared.site;
        let mut rendered = None;
        if bodies {
            let (new_bodies, mut errors) = build::render_markdown(site, &engine);
            if !errors.is_empty() {
                diagnostic::sort(&mut errors);
                return Some(Err(errors));
            }
            rendered = Some(new_bodies);
        }
        let bodies_ref = rendered.as_ref().unwrap_or(&self.prepared.bodies);
        let views = rendered
            .as_ref()
            .map(|b| view::shared_views(site, b, &self.prepared.data));
        let collected = Mutex::new(Outputs::new());
        let write = |path: &str, bytes: &[u8]| {
            if let Ok(mut map) = collected.lock() {
                map.insert(path.to_string(), Arc::new(bytes.to_vec()));
            }
            Ok(())
        };
        let (_, mut errors) = render::render_site(
            site,
            bodies_ref,
            &engine,
            views.as_ref().unwrap_or(&self.views),
            &write,
        );
        if !errors.is_empty() {
            diagnostic::sort(&mut errors);
            return Some(Err(errors));
        }
        let mut outputs = collected.into_inner().unwrap_or_default();
        add_published(site, bodies_ref, &mut outputs);
        for output in site.copies.iter().map(|c| &c.output) {
            if let Some(bytes) = self.outputs.get(output) {
                outputs.insert(output.clone(), Arc::clone(bytes));
            }
        }
        let changed = diff(&self.outputs, &outputs);
        self.outputs = outputs;
        self.prepared.engine = engine;
        if let (Some(bodies), Some(views)) = (rendered, views) {
            self.prepared.bodies = bodies;
            self.views = views;
            self.search = None;
        }
        Some(Ok(Update {
            changed,
            full: false,
        }))
    }

    /// The local update, when every change allows one; `None` means "rebuild".
    fn try_local(&mut self, paths: &[PathBuf]) -> Option<Result<Update, Vec<Diagnostic>>> {
        let rels: Vec<String> = paths.iter().map(|p| self.relative(p)).collect();
        let site = &self.prepared.site;
        let mut pages_edited: Vec<String> = Vec::new();
        let mut copies_edited: Vec<usize> = Vec::new();
        for rel in &rels {
            let abs = self.options.root.join(rel);
            let copies: Vec<usize> = site
                .copies
                .iter()
                .enumerate()
                .filter(|(_, c)| &c.file.path == rel)
                .map(|(i, _)| i)
                .collect();
            // An image edited may change size, and with it its variants'
            // names in every page that shows it: the full rebuild redoes them.
            let image = copies
                .iter()
                .any(|&i| self.prepared.images.get(&site.copies[i].output).is_some());
            if !copies.is_empty() && abs.is_file() && !image {
                copies_edited.extend(copies);
            } else if rel.ends_with(".md")
                && abs.is_file()
                && site.pages.iter().any(|p| &p.document.file.path == rel)
            {
                pages_edited.push(rel.clone());
            } else {
                return None;
            }
        }
        let mut changed = Vec::new();
        for i in copies_edited {
            let copy = &self.prepared.site.copies[i];
            let bytes = match std::fs::read(&copy.file.abs) {
                Ok(b) => Arc::new(crate::images::strip::published(&copy.output, b)),
                Err(_) => return None,
            };
            if self.outputs.get(&copy.output) != Some(&bytes) {
                changed.push(copy.output.clone());
                self.outputs.insert(copy.output.clone(), bytes);
            }
        }
        if !pages_edited.is_empty() {
            match self.update_pages(&pages_edited)? {
                Ok(more) => changed.extend(more),
                Err(errors) => return Some(Err(errors)),
            }
        }
        changed.sort();
        changed.dedup();
        Some(Ok(Update {
            changed,
            full: false,
        }))
    }

    /// Re-parses and re-renders edited pages whose shared view is unchanged.
    /// `None` asks for a full rebuild.
    fn update_pages(&mut self, paths: &[String]) -> Option<Result<Vec<String>, Vec<Diagnostic>>> {
        let new_docs = match self.reparse(paths)? {
            Ok(docs) => docs,
            Err(errors) => return Some(Err(errors)),
        };
        let rendered = match self.render_edits(&new_docs)? {
            Ok(rendered) => rendered,
            Err(errors) => return Some(Err(errors)),
        };
        let previous = self.swap_in(rendered, &new_docs);
        let mut errors = self.fragment_errors(&previous);
        let edited: Vec<usize> = previous.iter().map(|(i, _, _)| *i).collect();
        let outputs = if errors.is_empty() {
            self.render_edited(&edited)
        } else {
            Err(Vec::new())
        };
        match outputs {
            Ok(outputs) => Some(Ok(self.take_in(&edited, outputs))),
            Err(render_errors) => {
                restore(&mut self.prepared, previous);
                errors.extend(render_errors);
                diagnostic::sort(&mut errors);
                Some(Err(errors))
            }
        }
    }

    /// The edited pages `paths`, read and parsed again, by path. `None`
    /// when one is no longer an edit of its body alone (its front matter,
    /// kind or language changed, it became a link, it is over the size
    /// limit): the full rebuild decides then.
    fn reparse<'p>(
        &self,
        paths: &'p [String],
    ) -> Option<Result<HashMap<&'p str, parse::Document>, Vec<Diagnostic>>> {
        let config = &self.prepared.site.config;
        let languages = parse::Languages::of(config);
        let rules = crate::trust::Rules::new(config);
        let mut new_docs = HashMap::new();
        for path in paths {
            let abs = self.options.root.join(path);
            // A page turned into a symbolic link may lead outside the site:
            // the full rebuild's walk decides whether it can be read.
            if std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink()) {
                return None;
            }
            let file = match load::read_text(&self.options.root, &abs) {
                Ok(f) => f,
                Err(d) => return Some(Err(vec![d])),
            };
            // Trust is decided from the path, once, as the load stage
            // does; its limits are the load stage's (the full rebuild
            // says what is over them).
            let trust = rules.of(path);
            if load::over_page_limit(&trust, file.text.len() as u64, config.limits.page_bytes) {
                return None;
            }
            let doc = match parse::parse_one(file, &languages, trust) {
                Ok(d) => d,
                Err(errors) => return Some(Err(errors)),
            };
            let old = self
                .prepared
                .site
                .pages
                .iter()
                .find(|p| &p.document.file.path == path)?;
            if old.document.front != doc.front
                || old.document.kind != doc.kind
                || old.document.lang != doc.lang
            {
                return None;
            }
            new_docs.insert(path.as_str(), doc);
        }
        Some(Ok(new_docs))
    }

    /// The new bodies of `new_docs`, rendered against the current site in
    /// every edition each shows in, by page. `None` when a summary changed
    /// (the lists that show it are rebuilt with the rest).
    fn render_edits(
        &self,
        new_docs: &HashMap<&str, parse::Document>,
    ) -> Option<Result<Vec<(usize, Rendered)>, Errors>> {
        // Render the new bodies against the current site, each in every edition it shows in.
        let site = &self.prepared.site;
        let index = &self.index;
        let mut rendered = Vec::new();
        let mut errors = Vec::new();
        let files: crate::relocate::Published =
            site.copies.iter().map(|c| c.output.as_str()).collect();
        for (i, page) in site.pages.iter().enumerate() {
            let Some(doc) = new_docs.get(page.document.file.path.as_str()) else {
                continue;
            };
            let folders = crate::relocate::of_page(&site.config, page);
            let relocation = crate::relocate::Relocation::between(
                &page.path,
                folders.as_ref(),
                &site.config.base_path,
                &files,
            );
            let (r, e) = build::render_document(
                &site.config.base_path,
                index,
                &self.prepared.engine,
                doc,
                &page.lang,
                site.body_rules_of(page),
                relocation.as_ref(),
            );
            if r.summary != self.prepared.bodies.pages[i].summary {
                return None;
            }
            if !page.fallback {
                errors.extend(e);
            }
            rendered.push((i, r));
        }
        if !errors.is_empty() {
            diagnostic::sort(&mut errors);
            return Some(Err(errors));
        }
        Some(Ok(rendered))
    }

    /// Puts the edited documents and their new bodies in place; returns
    /// what they replaced, for [`restore`].
    fn swap_in(
        &mut self,
        rendered: Vec<(usize, Rendered)>,
        new_docs: &HashMap<&str, parse::Document>,
    ) -> Vec<(usize, parse::Document, Rendered)> {
        let prepared = &mut self.prepared;
        let mut previous = Vec::new();
        for (i, r) in rendered {
            let path = prepared.site.pages[i].document.file.path.as_str();
            let doc = new_docs[path].clone();
            let old_doc = std::mem::replace(&mut prepared.site.pages[i].document, doc);
            let old_rendered = std::mem::replace(&mut prepared.bodies.pages[i], r);
            previous.push((i, old_doc, old_rendered));
        }
        previous
    }

    /// The `#fragment` mistakes of the site once the edits that replaced
    /// `previous` are in: of the edited pages alone while their headings
    /// are unchanged, of every page otherwise.
    fn fragment_errors(&self, previous: &[(usize, parse::Document, Rendered)]) -> Vec<Diagnostic> {
        let (site, bodies) = (&self.prepared.site, &self.prepared.bodies);
        let same_anchors = previous
            .iter()
            .all(|(i, _, old)| old.anchors == bodies.pages[*i].anchors);
        if same_anchors {
            let edited = previous
                .iter()
                .filter(|(i, _, _)| !site.pages[*i].fallback)
                .map(|(i, _, _)| (&site.pages[*i].document, &bodies.pages[*i]));
            build::check_fragment_links(site, bodies, edited)
        } else {
            build::check_fragments(site, bodies)
        }
    }

    /// The outputs of the pages `edited`, rendered: (path, bytes).
    fn render_edited(&self, edited: &[usize]) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        let prepared = &self.prepared;
        let collected = Mutex::new(Vec::new());
        let write = |path: &str, bytes: &[u8]| {
            if let Ok(mut list) = collected.lock() {
                list.push((path.to_string(), bytes.to_vec()));
            }
            Ok(())
        };
        let (_, errors) = render::render_pages(
            &prepared.site,
            &prepared.bodies,
            &prepared.engine,
            &self.views,
            edited,
            &write,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(collected.into_inner().unwrap_or_default())
    }

    /// Takes in the outputs `rendered` of the pages `edited` and, when one
    /// of them is indexed, the new search index; returns the paths whose
    /// bytes changed.
    fn take_in(&mut self, edited: &[usize], rendered: Vec<(String, Vec<u8>)>) -> Vec<String> {
        let (site, bodies) = (&self.prepared.site, &self.prepared.bodies);
        let mut changed = Vec::new();
        // The search index holds page texts: it follows body edits.
        let indexed = edited
            .iter()
            .any(|&i| crate::search::is_searchable(site, &site.pages[i]));
        let search_files = if indexed {
            let reads = self
                .search
                .get_or_insert_with(|| crate::search::reads(site, bodies));
            for &i in edited {
                reads[i] = crate::search::read_page(site, i, &bodies.pages[i].html);
            }
            crate::search::indexes_from(site, reads)
        } else {
            Vec::new()
        };
        if indexed {
            // The index's hashed files of the old text are gone from a fresh
            // build: drop those the new index does not name.
            let folders: Vec<String> = site
                .config
                .languages
                .iter()
                .map(|l| crate::search::folder(site, &l.code))
                .collect();
            let kept: std::collections::HashSet<&str> =
                search_files.iter().map(|(p, _)| p.as_str()).collect();
            self.outputs.retain(|path, _| {
                kept.contains(path.as_str())
                    || !folders.iter().any(|f| path.starts_with(f.as_str()))
            });
        }
        for (path, bytes) in rendered.into_iter().chain(search_files) {
            let bytes = Arc::new(bytes);
            if self.outputs.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                self.outputs.insert(path, bytes);
            }
        }
        changed
    }
}
