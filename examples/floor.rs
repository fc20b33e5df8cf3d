//! The floor of the build benchmark: the least work any Markdown site
//! generator must do to build a corpus, and nothing more.
//!
//! `cargo build --release --example floor`, then
//! `target/release/examples/floor SITE_ROOT OUT_DIR`.
//!
//! It walks `SITE_ROOT/content` for `*.md` files (leaving out
//! `content/_data`), reads each one, cuts off its leading front matter
//! without parsing it, renders the body with pulldown-cmark and the options
//! `alumni` renders with, wraps the HTML in one fixed page and writes it to
//! `OUT_DIR/<path without .md>/index.html` (`_index.md` and a bundle's
//! `index.md` to their folder's `index.html`), on all of the machine's
//! threads. There is no front matter parsing, no template, no link, no
//! list, no search index: `benches/build_bench.py` runs it on the same
//! corpus, in the same run, as `alumni build`, and the ratio of the two wall
//! times says how far the real build is above what cannot be avoided.
//!
//! It prints one line, the pages written and the wall time; a file it
//! cannot read, decode, cut or write is reported (`file:line:col` where
//! there is a place) and the exit status is 1, 2 for a wrong command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use alumni::i18n::{Lang, Text};
use alumni::tr;
use pulldown_cmark::{Parser, html};
use rayon::prelude::*;

/// The fixed page every body is written into, before the body.
const HEAD: &str = "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>Page</title>\n</head>\n<body>\n";

/// The fixed page every body is written into, after the body.
const TAIL: &str = "</body>\n</html>\n";

/// One Markdown source and the page it becomes.
struct Job {
    /// The `.md` file.
    source: PathBuf,
    /// Its `index.html` in the output folder.
    target: PathBuf,
}

/// Whether `line` (with its line ending, if any) is a front matter fence,
/// as `alumni` reads one: `---`, trailing blanks and `\r` allowed.
fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r']).trim_end() == "---"
}

/// The Markdown body of `text`: what follows the closing `---` line when
/// the file opens with one, the whole text otherwise. `None` when the
/// front matter is opened and never closed (there is no body to find).
fn body(text: &str) -> Option<&str> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Some(text);
    }
    let mut offset = first.len();
    for line in lines {
        offset += line.len();
        if is_fence(line) {
            return Some(&text[offset..]);
        }
    }
    None
}

/// Where the page of `relative` (a `.md` path under `content/`) goes under
/// `out`: `a/b.md` to `a/b/index.html`, `a/_index.md` and `a/index.md` to
/// `a/index.html`.
fn target(out: &Path, relative: &Path) -> PathBuf {
    let folder = match relative.file_stem().and_then(|s| s.to_str()) {
        Some("_index" | "index") => relative.parent().unwrap_or(Path::new("")).to_path_buf(),
        _ => relative.with_extension(""),
    };
    out.join(folder).join("index.html")
}

/// Line and column (from 1, the column in characters) of byte `offset`
/// of `bytes`, whose first `offset` bytes are valid UTF-8.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = String::from_utf8_lossy(&bytes[..offset]);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The Markdown files under `content`, `_data` left out, with their pages
/// under `out`, in the walk's order.
fn collect(content: &Path, out: &Path) -> Result<Vec<Job>, Text> {
    let data = content.join("_data");
    let mut jobs = Vec::new();
    for entry in walkdir::WalkDir::new(content)
        .into_iter()
        .filter_entry(|e| e.path() != data)
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(content).display().to_string();
            tr!("{path}: cannot be read: {e}", "{path} : illisible : {e}")
        })?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let Ok(relative) = path.strip_prefix(content) else {
            continue;
        };
        jobs.push(Job {
            source: path.to_path_buf(),
            target: target(out, relative),
        });
    }
    Ok(jobs)
}

/// Reads, cuts, renders and writes one page.
fn build(job: &Job) -> Result<(), Text> {
    let path = job.source.display().to_string();
    let bytes = std::fs::read(&job.source)
        .map_err(|e| tr!("{path}: cannot be read: {e}", "{path} : illisible : {e}"))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, col) = line_col(&bytes, e.valid_up_to());
            return Err(tr!(
                "{path}:{line}:{col}: not UTF-8 text",
                "{path}:{line}:{col} : ce n'est pas du texte UTF-8"
            ));
        }
    };
    let Some(markdown) = body(text) else {
        return Err(tr!(
            "{path}:1:1: the front matter is never closed (no second `---` line)",
            "{path}:1:1 : l'en-tête n'est jamais fermé (pas de seconde ligne `---`)"
        ));
    };
    // HTML is usually a little longer than its Markdown: one allocation.
    let mut page = String::with_capacity(HEAD.len() + markdown.len() * 3 / 2 + TAIL.len());
    page.push_str(HEAD);
    // The same Markdown extensions as alumni: the floor parses the same language.
    html::push_html(
        &mut page,
        Parser::new_ext(markdown, alumni::markdown::options()),
    );
    page.push_str(TAIL);
    let folder = job.target.parent().unwrap_or(Path::new(""));
    std::fs::create_dir_all(folder).map_err(|e| {
        let folder = folder.display();
        tr!(
            "{folder}: the folder cannot be created: {e}",
            "{folder} : le dossier ne peut pas être créé : {e}"
        )
    })?;
    std::fs::write(&job.target, page).map_err(|e| {
        let target = job.target.display();
        tr!(
            "{target}: cannot be written: {e}",
            "{target} : impossible d'écrire : {e}"
        )
    })
}

fn main() -> ExitCode {
    let start = Instant::now();
    let lang = Lang::choose(None);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        eprintln!(
            "{}",
            tr!(
                "usage: floor SITE_ROOT OUT_DIR",
                "usage : floor RACINE_DU_SITE DOSSIER_DE_SORTIE"
            )
            .get(lang)
        );
        return ExitCode::from(2);
    };
    let content = Path::new(root).join("content");
    if !content.is_dir() {
        let content = content.display();
        eprintln!(
            "{}",
            tr!(
                "{content}: no such folder",
                "{content} : ce dossier n'existe pas"
            )
            .get(lang)
        );
        return ExitCode::FAILURE;
    }
    let jobs = match collect(&content, Path::new(out)) {
        Ok(jobs) => jobs,
        Err(e) => {
            eprintln!("{}", e.get(lang));
            return ExitCode::FAILURE;
        }
    };
    let mut errors: Vec<Text> = jobs.par_iter().filter_map(|job| build(job).err()).collect();
    if !errors.is_empty() {
        // Sorted, so that two runs on the same bad corpus say the same.
        errors.sort_by(|a, b| a.get(Lang::En).cmp(b.get(Lang::En)));
        for e in &errors {
            eprintln!("{}", e.get(lang));
        }
        return ExitCode::FAILURE;
    }
    let pages = jobs.len();
    let seconds = start.elapsed().as_secs_f64();
    let seconds = format!("{seconds:.3}");
    let done = Text::new(
        format!("floor: {pages} pages written in {seconds} s"),
        format!(
            "plancher : {pages} pages écrites en {} s",
            seconds.replace('.', ",")
        ),
    );
    println!("{}", done.get(lang));
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    // Catches a body cut before the closing fence or at the opening one,
    // and a file without front matter losing its text.
    #[test]
    fn cuts_front_matter_as_alumni_does() {
        assert_eq!(body("---\ntitle: A\n---\n# B\n"), Some("# B\n"));
        assert_eq!(body("---\r\ntitle: A\r\n--- \r\nB\r\n"), Some("B\r\n"));
        assert_eq!(body("# No front matter\n"), Some("# No front matter\n"));
        assert_eq!(body("---\ntitle: A\n"), None);
        assert_eq!(body("---\ntitle: A\n----\n"), None);
    }

    // Catches `_index.md` or a bundle's `index.md` given a folder of its own.
    #[test]
    fn pages_go_to_their_folder() {
        let out = Path::new("out");
        assert_eq!(
            target(out, Path::new("clubs/lyon.md")),
            Path::new("out/clubs/lyon/index.html")
        );
        assert_eq!(
            target(out, Path::new("clubs/_index.md")),
            Path::new("out/clubs/index.html")
        );
        assert_eq!(
            target(out, Path::new("clubs/paris/index.md")),
            Path::new("out/clubs/paris/index.html")
        );
        assert_eq!(
            target(out, Path::new("_index.md")),
            Path::new("out/index.html")
        );
    }

    // Catches a position counted in bytes, or from 0.
    #[test]
    fn places_bad_bytes_by_line_and_character() {
        // The 0xFF is byte 6, after `ab\n`, a two-byte `é` and `t`.
        assert_eq!(line_col(b"ab\n\xc3\xa9t\xff", 6), (2, 3));
    }
}
