//! Load stage: walk `content/` and the theme, classify every file, read texts.
//!
//! In: the site root. Out: a [`Loaded`] tree of plain data (file texts and the
//! paths of files to copy), plus diagnostics for files that cannot be read.
//! Editor temp files and names starting with `_` or `.` are not content
//! (`_index.md`, `_data/` and `_static/` are the exceptions, by design).
//! Texts are read in parallel; the result is sorted by path, so nothing
//! downstream depends on the order the file system lists entries in.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, relative_path};
use crate::i18n::Text;
use crate::trust::{Rules, Trust};

/// A text file of the site: its site-relative path and its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    /// Site-relative path with `/` separators (`content/clubs/biotech.md`).
    pub path: String,
    /// The text, with any UTF-8 byte-order mark removed and Windows line
    /// ends (`\r\n`) turned into `\n`, so that a file saved on Windows
    /// builds exactly like the same file saved elsewhere.
    pub text: String,
}

/// A file copied to the output as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyFile {
    /// Site-relative path of the source.
    pub path: String,
    /// Absolute path, to read it from.
    pub abs: PathBuf,
    /// Who may have written it, from its path (see [`crate::trust`]).
    pub trust: Trust,
}

/// Everything the build reads, classified.
#[derive(Clone, Debug, Default)]
pub(crate) struct Loaded {
    /// Markdown files under `content/` (pages and `_index.md` sections),
    /// not read yet: the parse stage reads each (see `parse::read_all`),
    /// so that a build need not hold every text at once. Each with its
    /// trust, decided here once from its path.
    pub markdown: Vec<(PathBuf, Trust)>,
    /// YAML files under `content/_data/`.
    pub data: Vec<TextFile>,
    /// Other files under `content/` (outside `_data/` and `_static/`): page
    /// bundle files and files beside sections, copied next to their page.
    pub content_files: Vec<CopyFile>,
    /// Files under `content/_static/`, copied to the output root.
    pub static_files: Vec<CopyFile>,
}

/// Whether a file or folder name is left out of the site: hidden files,
/// names starting with `_` (except `_index.md`) and editor temp files
/// (`x~`, `.x.swp`, `#x#`, `.#x`, `x.tmp`, vim's `4913` probe).
pub(crate) fn is_ignored_name(name: &str) -> bool {
    if name == "_index.md" || (name.ends_with(".md") && name.starts_with("_index.")) {
        return false;
    }
    name.starts_with('.')
        || name.starts_with('_')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// Reads `path` as UTF-8 text, dropping a leading byte-order mark and
/// turning `\r\n` into `\n`. Lines and columns stay those an editor shows:
/// only the invisible `\r` at the end of each line goes.
pub(crate) fn read_text(root: &Path, abs: &Path) -> Result<TextFile, Diagnostic> {
    read_text_as(relative_path(root, abs), abs)
}

/// [`read_text`] of the file at `abs`, whose site-relative path is `path`.
pub(crate) fn read_text_as(path: String, abs: &Path) -> Result<TextFile, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| {
        Diagnostic::error(
            &path,
            tr!(
                "cannot read the file: {e}",
                "impossible de lire le fichier : {e}"
            ),
        )
        .with_hint(tr!(
            "check that the file exists and is readable",
            "vérifiez que le fichier existe et peut être lu"
        ))
    })?;
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Validated in place: the text is the bytes read, not a copy of them.
    match String::from_utf8(bytes) {
        Ok(text) => Ok(TextFile {
            path,
            text: if text.contains("\r\n") {
                text.replace("\r\n", "\n")
            } else {
                text
            },
        }),
        Err(error) => {
            let e = error.utf8_error();
            let bytes = error.into_bytes();
            let good = &bytes[..e.valid_up_to()];
            // The valid prefix is UTF-8 by construction.
            let prefix = std::str::from_utf8(good).unwrap_or("");
            Err(Diagnostic::error(
                &path,
                tr!(
                    "the file is not valid UTF-8 (byte {})",
                    "le fichier n'est pas en UTF-8 valide (octet {})";
                    e.valid_up_to()
                ),
            )
            .at_offset(prefix, prefix.len())
            .with_hint(tr!(
                "save the file as UTF-8 in your editor",
                "enregistrez le fichier en UTF-8 dans votre éditeur"
            )))
        }
    }
}

/// Reads `root/content/site.yaml`, which must be read first: the trust of
/// every other source follows from its collections.
pub(crate) fn read_config(root: &Path) -> Result<TextFile, Diagnostic> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(Diagnostic::general(tr!(
            "there is no `content/` folder here",
            "il n'y a pas de dossier `content/` ici"
        ))
        .with_hint(tr!(
            "run alumni in the site's root folder, or pass --root DIR",
            "lancez alumni dans le dossier racine du site, ou passez --root DOSSIER"
        )));
    }
    let path = content.join("site.yaml");
    if !path.is_file() {
        return Err(Diagnostic::error(
            crate::config::CONFIG_PATH,
            tr!(
                "the site has no config file",
                "le site n'a pas de fichier de configuration"
            ),
        )
        .with_hint(tr!(
            "create content/site.yaml with at least `title`, `base_url` and `theme`",
            "créez content/site.yaml avec au moins `title`, `base_url` et `theme`"
        )));
    }
    read_text(root, &path)
}

/// Walks `root/content` and returns what the build will read besides the
/// config, each file to copy with its trust under `rules`.
pub(crate) fn load(root: &Path, rules: &Rules) -> (Loaded, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut loaded = Loaded::default();
    let mut errors = Vec::new();
    let mut markdown = Vec::new();
    let mut data = Vec::new();
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_dir_entry(e));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(walk_error(root, &e, "content"));
                continue;
            }
        };
        let refused =
            link_outside(root, &root_real, &entry).or_else(|| non_utf8_name(root, &entry));
        if let Some(d) = refused {
            errors.push(d);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let abs = entry.path().to_path_buf();
        let rel = relative_path(&content, &abs);
        let site_rel = relative_path(root, &abs);
        let name = entry.file_name().to_string_lossy();
        if rel == "site.yaml" {
            // Read first, by `read_config`.
        } else if let Some(inner) = rel.strip_prefix("_data/") {
            if inner.ends_with(".yaml") || inner.ends_with(".yml") {
                data.push(abs);
            }
        } else if rel.starts_with("_static/") {
            loaded.static_files.push(CopyFile {
                trust: rules.of(&site_rel),
                path: site_rel,
                abs,
            });
        } else if is_ignored_name(&name) {
            // Editor temp files and private files.
        } else if name.ends_with(".md") {
            let trust = rules.of(&site_rel);
            if let Some(d) = too_big(&trust, &site_rel, &entry, rules.limits.page_bytes) {
                errors.push(d);
                continue;
            }
            markdown.push((abs, trust));
        } else {
            loaded.content_files.push(CopyFile {
                trust: rules.of(&site_rel),
                path: site_rel,
                abs,
            });
        }
    }
    errors.extend(judge_untrusted_files(&loaded.content_files, &rules.limits));
    let read = |paths: Vec<PathBuf>| -> Vec<Result<TextFile, Diagnostic>> {
        paths.par_iter().map(|p| read_text(root, p)).collect()
    };
    loaded.markdown = markdown;
    for result in read(data) {
        match result {
            Ok(t) => loaded.data.push(t),
            Err(d) => errors.push(d),
        }
    }
    (loaded, errors)
}

/// The folder of the page an untrusted file belongs to, for its page's
/// total: `content/clubs/x` for `content/clubs/x/img/a.png`, the
/// collection's folder for a file directly in it.
fn page_folder<'a>(path: &'a str, collection: &str) -> &'a str {
    let inner = path.strip_prefix("content/").unwrap_or(path);
    let below = inner
        .get(collection.len() + 1..)
        .and_then(|rest| rest.split_once('/'))
        .map_or(0, |(name, _)| name.len() + 1);
    path[..path.len() - inner.len() + collection.len() + below].trim_end_matches('/')
}

/// Judges the files beside untrusted pages ([`crate::attachment`]): by
/// content, each within `limits.file_bytes`, each page's together within
/// `limits.page_files_bytes`. Pages are judged in parallel.
fn judge_untrusted_files(files: &[CopyFile], limits: &crate::config::Limits) -> Vec<Diagnostic> {
    let mut pages: std::collections::BTreeMap<&str, Vec<(&str, &Path)>> =
        std::collections::BTreeMap::new();
    for f in files {
        if let Some(collection) = f.trust.collection() {
            pages
                .entry(page_folder(&f.path, collection))
                .or_default()
                .push((f.path.as_str(), f.abs.as_path()));
        }
    }
    let limits = crate::attachment::Limits {
        file_bytes: limits.file_bytes,
        page_bytes: limits.page_files_bytes,
    };
    let pages: Vec<_> = pages.into_iter().collect();
    pages
        .par_iter()
        .flat_map_iter(|(page, files)| {
            crate::attachment::judge_page(page, files, &limits)
                .err()
                .unwrap_or_default()
        })
        .collect()
}

/// An untrusted page larger than `limit` bytes is refused before it is
/// read, so that its cost to CI stays bounded.
/// Whether a page of `trust` that weighs `size` bytes is over `limit`,
/// the weight allowed to pages of untrusted collections.
pub(crate) fn over_page_limit(trust: &Trust, size: u64, limit: u64) -> bool {
    trust.collection().is_some() && size > limit
}

fn too_big(trust: &Trust, path: &str, entry: &walkdir::DirEntry, limit: u64) -> Option<Diagnostic> {
    let collection = trust.collection()?;
    let size = entry.metadata().ok()?.len();
    over_page_limit(trust, size, limit).then(|| {
        let (size, limit) = (
            crate::i18n::human_size(size),
            crate::i18n::human_size(limit),
        );
        Diagnostic::error(
            path,
            Text::new(
                format!(
                    "this page weighs {}; pages of `{collection}` may weigh at most {}",
                    size.en, limit.en
                ),
                format!(
                    "cette page pèse {} ; les pages de `{collection}` pèsent au plus {}",
                    size.fr, limit.fr
                ),
            ),
        )
        .with_hint(tr!(
            "split it into several pages, and put pictures in files beside the page rather than in its text; the limit is `limits.page_bytes` in content/site.yaml",
            "découpez-la en plusieurs pages, et mettez les images dans des fichiers à côté de la page plutôt que dans son texte ; la limite est `limits.page_bytes` dans content/site.yaml"
        ))
    })
}

/// A symbolic link that leads outside the site is refused: the site is what
/// gets reviewed and published, and a link must not make the build read (and
/// publish) a file that nobody reviewed, such as `/etc/passwd` or a key in
/// the home folder. Links that stay inside the site are followed.
fn link_outside(root: &Path, root_real: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    if !entry.path_is_symlink() {
        return None;
    }
    // An unresolvable link is reported by the walk itself.
    let target = entry.path().canonicalize().ok()?;
    if target.starts_with(root_real) {
        return None;
    }
    Some(
        Diagnostic::error(
            relative_path(root, entry.path()),
            tr!(
                "this symbolic link leads outside the site (to {}); alumni reads nothing outside the site's folder",
                "ce lien symbolique mène hors du site (vers {}) ; alumni ne lit rien hors du dossier du site";
                target.display()
            ),
        )
        .with_hint(tr!(
            "copy the file or folder into the site instead of linking to it",
            "copiez le fichier ou le dossier dans le site au lieu d'y faire un lien"
        )),
    )
}

/// A name that is not UTF-8 cannot become a URL nor be named in an `@/`
/// link: it is refused rather than published under a mangled name.
fn non_utf8_name(root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    if entry.depth() == 0 || entry.file_name().to_str().is_some() {
        return None;
    }
    Some(
        Diagnostic::error(
            relative_path(root, entry.path()),
            tr!(
                "this name is not valid UTF-8",
                "ce nom n'est pas en UTF-8 valide"
            ),
        )
        .with_hint(tr!(
            "rename it with letters, digits and dashes",
            "renommez-le avec des lettres, des chiffres et des tirets"
        )),
    )
}

/// A walk error as a diagnostic on the path where it happened.
fn walk_error(root: &Path, e: &walkdir::Error, fallback: &str) -> Diagnostic {
    let path = e
        .path()
        .map_or_else(|| fallback.to_string(), |p| relative_path(root, p));
    let why = if e.loop_ancestor().is_some() {
        tr!(
            "a symbolic link here points back to a folder that contains it",
            "un lien symbolique pointe ici vers un dossier qui le contient"
        )
    } else if let Some(io) = e.io_error() {
        match io.kind() {
            std::io::ErrorKind::NotFound => {
                tr!(
                    "this symbolic link points to a file that does not exist",
                    "ce lien symbolique pointe vers un fichier qui n'existe pas"
                )
            }
            _ if io.raw_os_error() == Some(ELOOP) => {
                tr!(
                    "this symbolic link points to itself, through a loop of links",
                    "ce lien symbolique pointe vers lui-même, par une boucle de liens"
                )
            }
            _ => {
                return Diagnostic::error(
                    path,
                    tr!("cannot read this: {io}", "impossible de lire ceci : {io}"),
                )
                .with_hint(tr!(
                    "check that it exists and is readable",
                    "vérifiez qu'il existe et peut être lu"
                ));
            }
        }
    } else {
        let e = e.to_string();
        tr!(
            "cannot walk here: {e}",
            "impossible de parcourir ceci : {e}"
        )
    };
    Diagnostic::error(path, why).with_hint(tr!(
        "remove or fix the link",
        "supprimez ou corrigez le lien"
    ))
}

/// `ELOOP` on Linux: too many levels of symbolic links.
const ELOOP: i32 = 40;

/// A theme's files: templates to compile and static files to copy.
#[derive(Clone, Debug, Default)]
pub(crate) struct ThemeFiles {
    /// `themes/<name>/templates/**` (HTML, XML and text templates).
    pub templates: Vec<TextFile>,
    /// `themes/<name>/shortcodes/*.html`: one component per file, callable from Markdown.
    pub shortcodes: Vec<TextFile>,
    /// `themes/<name>/i18n/<lang>.yaml`: UI strings.
    pub i18n: Vec<TextFile>,
    /// `themes/<name>/static/**`.
    pub static_files: Vec<CopyFile>,
}

/// Reads the theme called `name` under `root/themes/`.
pub(crate) fn load_theme(root: &Path, name: &str) -> (ThemeFiles, Vec<Diagnostic>) {
    let dir = root.join("themes").join(name);
    let mut theme = ThemeFiles::default();
    let mut errors = Vec::new();
    if !dir.join("templates").is_dir() {
        errors.push(
            Diagnostic::error(
                format!("themes/{name}"),
                tr!(
                    "the theme `{name}` has no `templates/` folder",
                    "le thème `{name}` n'a pas de dossier `templates/`"
                ),
            )
            .with_hint(tr!(
                "check `theme:` in content/site.yaml and the folders under themes/",
                "vérifiez `theme:` dans content/site.yaml et les dossiers sous themes/"
            )),
        );
        return (theme, errors);
    }
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut text_paths: Vec<(&str, PathBuf)> = Vec::new();
    for sub in ["templates", "shortcodes", "i18n", "static"] {
        let mut walker = WalkDir::new(dir.join(sub))
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        while let Some(entry) = walker.next() {
            if let Some(d) = entry
                .as_ref()
                .ok()
                .and_then(|e| link_outside(root, &root_real, e).or_else(|| non_utf8_name(root, e)))
            {
                errors.push(d);
                if entry.as_ref().is_ok_and(|e| e.file_type().is_dir()) {
                    walker.skip_current_dir();
                }
                continue;
            }
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let name = e.file_name().to_string_lossy();
                    if is_ignored_name(&name) {
                        continue;
                    }
                    if sub == "static" {
                        theme.static_files.push(CopyFile {
                            // Themes are the staff's, outside `content/`.
                            trust: Trust::Staff,
                            path: relative_path(root, e.path()),
                            abs: e.path().to_path_buf(),
                        });
                    } else {
                        text_paths.push((sub, e.path().to_path_buf()));
                    }
                }
                Ok(_) => {}
                // A theme may lack `shortcodes/`, `i18n/` or `static/`.
                Err(e)
                    if e.depth() == 0
                        && e.io_error()
                            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) => {}
                Err(e) => errors.push(walk_error(root, &e, &format!("themes/{name}"))),
            }
        }
    }
    let texts: Vec<_> = text_paths
        .par_iter()
        .map(|(sub, p)| (*sub, read_text(root, p)))
        .collect();
    for (sub, result) in texts {
        match (sub, result) {
            ("templates", Ok(t)) => theme.templates.push(t),
            ("shortcodes", Ok(t)) => theme.shortcodes.push(t),
            (_, Ok(t)) => theme.i18n.push(t),
            (_, Err(d)) => errors.push(d),
        }
    }
    (theme, errors)
}

/// Folders named `_data` and `_static` at the top of `content/` are walked;
/// other folders starting with `_` or `.` are not.
fn is_ignored_dir_entry(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    if entry.file_type().is_dir() {
        if entry.depth() == 1 && (name == "_data" || name == "_static") {
            return false;
        }
        return name.starts_with('.') || name.starts_with('_');
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{is_ignored_name, page_folder};

    #[test]
    fn files_belong_to_the_page_folder_below_their_collection() {
        assert_eq!(
            page_folder("content/clubs/x/a.png", "clubs"),
            "content/clubs/x"
        );
        assert_eq!(
            page_folder("content/clubs/x/img/a.png", "clubs"),
            "content/clubs/x"
        );
        assert_eq!(page_folder("content/clubs/a.png", "clubs"), "content/clubs");
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            ".#a.md",
            "a.tmp",
            "4913",
            "_draft.md",
            ".hidden",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["_index.md", "_index.en.md", "club.md", "poster.svg"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
