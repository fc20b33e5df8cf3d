//! Messages in French and English: every diagnostic of every fixture has
//! both, and the language follows `--lang`, then `LC_ALL`, `LC_MESSAGES`
//! and `LANG`.
//!
//! A message written in English only prints its English in French too (see
//! `Text::get`): `check --format json` is run on each mistake of
//! `tests/fixtures/{check,invalid,untrusted}` in both languages, and a
//! message or hint that reads the same in both is one that lacks its
//! French, unless it holds nothing but names (`` `a.md` ``, paths,
//! numbers), which no language changes.

use std::path::Path;
use std::process::Command;

use crate::harness::{Run, TestSite, copy_tree, fixture};

/// `alumni ARGS` in `cwd` with the locale variables given, and no others.
fn alumni_with_locale(cwd: &Path, locale: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_alumni"));
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    command
        .envs(locale.iter().copied())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the alumni binary runs")
        .into()
}

/// One diagnostic of `check --format json`.
fn diagnostics(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// Whether `text` holds only names: once quoted spans, paths, numbers and
/// punctuation are taken out, no word is left to translate.
fn names_only(text: &str) -> bool {
    let unquoted: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect();
    unquoted
        .split_whitespace()
        .all(|word| word.contains('/') || !word.chars().any(char::is_alphabetic))
}

/// The messages and hints of `check` on `site` that lack their French, each
/// as `case: path:line: English text`; also every other way the two runs
/// disagree.
fn untranslated(case: &str, site: &TestSite) -> Vec<String> {
    let root = site.root();
    let root = root.to_str().unwrap();
    let run = |lang| {
        alumni_with_locale(
            site.temp(),
            &[],
            &["check", "--root", root, "--format", "json", "--lang", lang],
        )
    };
    let (en, fr) = (run("en"), run("fr"));
    let (en, fr) = (diagnostics(&en), diagnostics(&fr));
    if en.len() != fr.len() {
        return vec![format!(
            "{case}: {} diagnostics in English, {} in French",
            en.len(),
            fr.len()
        )];
    }
    let mut missing = Vec::new();
    for (e, f) in en.iter().zip(&fr) {
        let place = format!("{case}: {}:{}", e["path"], e["line"]);
        for key in ["severity", "path", "line", "column", "source_line"] {
            if e[key] != f[key] {
                missing.push(format!("{place}: `{key}` differs: {} / {}", e[key], f[key]));
            }
        }
        for key in ["message", "hint"] {
            match (e[key].as_str(), f[key].as_str()) {
                (None, None) => {}
                (Some(english), Some(french)) => {
                    if french.trim().is_empty() {
                        missing.push(format!("{place}: empty French {key} for {english}"));
                    } else if english == french && !names_only(english) {
                        missing.push(format!("{place}: {key} in English only: {english}"));
                    }
                }
                _ => missing.push(format!("{place}: a {key} in one language only")),
            }
        }
    }
    missing
}

/// The cases of `tests/fixtures/<group>/`, in name order.
fn cases(group: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(group))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `cases` of `group` laid over its base site (`site` or the
/// repository's), judged in both languages; the problems found, listed.
fn group_untranslated(group: &str, cases: &[String], base: fn() -> TestSite) -> Vec<String> {
    let mut missing = Vec::new();
    for case in cases {
        let site = base();
        copy_tree(&fixture(group).join(case).join("files"), &site.root());
        missing.extend(untranslated(&format!("{group}/{case}"), &site));
    }
    missing
}

fn assert_translated(missing: &[String]) {
    assert!(
        missing.is_empty(),
        "{} messages or hints lack their French:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn names_alone_need_no_translation() {
    assert!(names_only("`content/clubs/a.md`"));
    assert!(names_only("content/clubs/a.md: 42"));
    assert!(!names_only("`a.md` is empty"));
    assert!(!names_only("remove the line"));
}

/// The untrusted cases whose mistakes are told while loading the site and
/// judging its files, addresses and trust (`load`, `attachment`, `claims`,
/// `trust`), which every message of has in both languages.
const TOLD_BY_LOADING_AND_CLAIMS: [&str; 11] = [
    "alias_file_over_the_sitemap",
    "alias_outside_the_section",
    "alias_with_a_newline",
    "file_replacing_the_clubs_feed",
    "files_of_every_kind",
    "nested_section",
    "static_file_over_the_clubs_feed",
    "svg_with_script",
    "template_choice",
    "trusted_names_too_long",
    "trusted_page_over_generated_outputs",
];

#[test]
fn mistakes_of_files_addresses_and_trust_are_told_in_both_languages() {
    let cases: Vec<String> = TOLD_BY_LOADING_AND_CLAIMS.map(String::from).to_vec();
    for case in &cases {
        assert!(fixture("untrusted").join(case).is_dir(), "{case}");
    }
    assert_translated(&group_untranslated(
        "untrusted",
        &cases,
        TestSite::repository,
    ));
}

#[test]
fn every_mistake_of_the_untrusted_fixtures_is_told_in_both_languages() {
    assert_translated(&group_untranslated(
        "untrusted",
        &cases("untrusted"),
        TestSite::repository,
    ));
}

#[test]
fn every_mistake_of_the_check_fixtures_is_told_in_both_languages() {
    assert_translated(&group_untranslated("check", &cases("check"), || {
        TestSite::new("site")
    }));
}

#[test]
fn every_mistake_of_the_invalid_fixtures_is_told_in_both_languages() {
    assert_translated(&group_untranslated("invalid", &cases("invalid"), || {
        TestSite::new("site")
    }));
}

/// A site with one mistake, `check`'s and `build`'s output with `locale`
/// and `extra` arguments.
fn outputs(locale: &[(&str, &str)], extra: &[&str]) -> (Run, Run) {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    let build = alumni_with_locale(
        site.temp(),
        locale,
        &[&["build", "--root", root][..], extra].concat(),
    );
    site.edit("content/clubs/docteurs.md", "title:", "titre:");
    let check = alumni_with_locale(
        site.temp(),
        locale,
        &[&["check", "--root", root][..], extra].concat(),
    );
    (build, check)
}

/// Whether `build` and `check` printed in French.
fn french((build, check): &(Run, Run)) -> bool {
    let summary = build.stdout.contains(" pages construites (");
    let checked = check.stdout.contains(": erreur : ") && check.stdout.contains("vérification : ");
    assert_eq!(
        summary, checked,
        "build and check disagree:\n{}\n{}",
        build.stdout, check.stdout
    );
    summary
}

/// Whether `build` and `check` printed in English.
fn english((build, check): &(Run, Run)) -> bool {
    build.stdout.contains("built ")
        && build.stdout.contains(" pages (")
        && check.stdout.contains(": error: ")
        && check.stdout.contains("check: ")
}

#[test]
fn the_language_follows_the_flag_then_the_locale() {
    let french_locale = [("LANG", "fr_FR.UTF-8")];
    for (locale, extra, in_french) in [
        (&[][..], &[][..], false),
        (&[][..], &["--lang", "fr"][..], true),
        (&french_locale[..], &[][..], true),
        (&[("LC_MESSAGES", "fr_CA.UTF-8")][..], &[][..], true),
        (
            &[("LC_ALL", "en_US.UTF-8"), ("LANG", "fr_FR.UTF-8")][..],
            &[][..],
            false,
        ),
        (&french_locale[..], &["--lang", "en"][..], false),
        (&[("LC_ALL", "C.UTF-8")][..], &["--lang", "fr"][..], true),
    ] {
        let runs = outputs(locale, extra);
        let case = format!("{locale:?} {extra:?}");
        assert_eq!(runs.0.code, 0, "{case}: {}", runs.0.stderr);
        assert_eq!(runs.1.code, 1, "{case}: {}", runs.1.stdout);
        assert_eq!(french(&runs), in_french, "{case}:\n{}", runs.1.stdout);
        assert_eq!(english(&runs), !in_french, "{case}:\n{}", runs.1.stdout);
    }
}

#[test]
fn a_language_other_than_fr_or_en_is_a_usage_error() {
    let site = TestSite::new("site");
    let root = site.root();
    let run = alumni_with_locale(
        site.temp(),
        &[],
        &["check", "--root", root.to_str().unwrap(), "--lang", "de"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--lang"), "{}", run.stderr);
}

/// A byte range of source code.
type Span = (usize, usize);
/// A string literal's text, with the byte where it starts.
type Literal = (usize, String);

/// The byte ranges of `code` inside the calls that hold both languages of
/// a message (`tr!(...)`, `Text::new(...)`) or in a `Lang::Fr =>` arm's
/// line, and the string literals of `code` with where each starts.
fn catalogued_ranges_and_literals(code: &str) -> (Vec<Span>, Vec<Literal>) {
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let (mut ranges, mut literals) = (Vec::new(), Vec::new());
    // Open calls: the depth of parentheses at which each started, and where.
    let (mut depth, mut open): (usize, Vec<(usize, usize)>) = (0, Vec::new());
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let rest = &code[at..];
        if rest.starts_with("//") {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('"', '\'', 'é'); a lifetime has no closing quote.
            let close = if chars.get(i + 1).map(|c| c.1) == Some('\\') {
                3
            } else {
                2
            };
            if chars.get(i + close).map(|c| c.1) == Some('\'') {
                i += close + 1;
                continue;
            }
        }
        if c == '"' {
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i].1 != '"' {
                if chars[i].1 == '\\' {
                    i += 1;
                }
                text.push(chars[i].1);
                i += 1;
            }
            literals.push((at, text));
            i += 1;
            continue;
        }
        if rest.starts_with("tr!(") || rest.starts_with("Text::new(") {
            open.push((depth, at));
        }
        if rest.starts_with("Lang::Fr =>") {
            let end = rest.find('\n').map_or(code.len(), |n| at + n);
            ranges.push((at, end));
        }
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if open.last().is_some_and(|(d, _)| *d == depth) {
                    let (_, start) = open.pop().unwrap();
                    ranges.push((start, at));
                }
            }
            _ => {}
        }
        i += 1;
    }
    (ranges, literals)
}

/// French words of what a person reads live in the message catalogue,
/// beside their English (`tr!`, `Text::new`, a `Lang::Fr` arm), never in a
/// string of their own: before, `markdown.rs` named task-list checkboxes
/// from a table of its own and `alumni new` wrote `À COMPLÉTER` and
/// `nom@example.org` into English pages. Catches a literal with French
/// letters outside those places in the modules that write for people
/// (tests aside).
#[test]
fn french_text_lives_only_beside_its_english() {
    let french = |t: &str| t.chars().any(|c| "àâçéèêëîïôûùüœÀÂÇÉÈÊÎÔÛŒ«»".contains(c));
    let mut strays = Vec::new();
    // date.rs is left out: its tables of month names are data per language.
    for file in ["src/markdown.rs", "src/new.rs", "src/collection.rs"] {
        let text = std::fs::read_to_string(crate::harness::repo_root().join(file)).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let (ranges, literals) = catalogued_ranges_and_literals(code);
        for (at, literal) in literals {
            let inside = ranges.iter().any(|(s, e)| (*s..*e).contains(&at));
            if french(&literal) && !inside {
                let line = code[..at].matches('\n').count() + 1;
                strays.push(format!("{file}:{line}: {literal:?}"));
            }
        }
    }
    assert!(
        strays.is_empty(),
        "French text outside the catalogue:\n{}",
        strays.join("\n")
    );
}
