//! The trust boundary: one small hostile pull request per case, as a club
//! leader could send it, applied over a copy of the repository's own site.
//!
//! `tests/fixtures/untrusted/<case>/files/` is laid over the site;
//! `expected.txt` holds `exit: N`, a blank line, then the exact output of
//! `alumni check --strict`; `payload.txt` (optional) lists, one per line,
//! strings that no output file may hold when the build runs. For every
//! case: `check --strict` fails with the snapshotted diagnostics, `build`
//! fails exactly when `check` (without `--strict`) finds an error, a failed
//! build leaves the previous output as it was, and a build that runs
//! publishes nothing of the payload. `UPDATE_SNAPSHOTS=1` rewrites
//! `expected.txt` (review the diff).

use std::fmt::Write as _;
use std::fs;
use std::time::{Duration, Instant};

use crate::harness::{
    PNG, Run, TestSite, assert_small, copy_tree, fixture, run_with_peak_memory, tree,
};

/// The front matter of a valid club page, without its `---` lines.
const CLUB: &str =
    "title: Club\nclub_kind: [thématique]\nstatus: actif\nscope: Tous\ncontact: Le bureau\n";

/// The repository's site, built once, with the case's files laid over it.
fn site_with(case: &str) -> (TestSite, std::collections::BTreeMap<String, Vec<u8>>) {
    let site = TestSite::repository();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "the repository's site builds: {}", run.stderr);
    let before = tree(&site.public());
    copy_tree(&fixture("untrusted").join(case).join("files"), &site.root());
    (site, before)
}

fn snapshot(case: &str, run: &Run) {
    let path = fixture("untrusted").join(case).join("expected.txt");
    let actual = format!("exit: {}\n\n{}", run.code, run.stdout);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&path, &actual).unwrap();
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "case {case}\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// The strings of `payload.txt`, which must reach no output.
fn payload(case: &str) -> Vec<String> {
    fs::read_to_string(fixture("untrusted").join(case).join("payload.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn case(name: &str) {
    let (site, before) = site_with(name);
    let strict = site.check(&["--strict"]);
    snapshot(name, &strict);
    assert_eq!(strict.code, 1, "case {name}: check --strict must fail");
    let lenient = site.check(&[]);
    let build = site.build(&[]);
    assert_eq!(
        build.code, lenient.code,
        "case {name}: build and check disagree\n--- check\n{}\n--- build\n{}",
        lenient.stderr, build.stderr
    );
    if build.code == 0 {
        let needles = payload(name);
        for (path, bytes) in tree(&site.public()) {
            let text = String::from_utf8_lossy(&bytes);
            for needle in &needles {
                assert!(
                    !text.contains(needle.as_str()),
                    "case {name}: `{needle}` reached {path}"
                );
            }
        }
    } else {
        assert!(
            tree(&site.public()) == before,
            "case {name}: a failed build changed the previous output"
        );
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { case(stringify!($name)); })*

        /// Every folder of tests/fixtures/untrusted/ is a case above.
        #[test]
        fn every_fixture_is_listed() {
            let mut found: Vec<String> = fs::read_dir(fixture("untrusted"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            let mut listed = vec![$(stringify!($name).to_string()),*];
            listed.sort();
            assert_eq!(found, listed);
        }
    };
}

cases!(
    alias_file_over_the_sitemap,
    alias_outside_the_section,
    alias_with_a_newline,
    file_replacing_the_clubs_feed,
    files_of_every_kind,
    nested_section,
    section_index_edit,
    slug_and_terms,
    static_file_over_the_clubs_feed,
    summary_with_style,
    svg_with_script,
    template_choice,
    theme_heading_id,
    theme_ids,
    tracker_images,
    trusted_names_too_long,
    trusted_page_over_generated_outputs,
    trusted_term_too_long,
    word_paste,
);

/// A page at most 1 MB, the resource bound of the trust boundary: 25,000
/// aliases (which took 4.9 GB) are refused in a few seconds at most, in
/// less than 300 MB.
#[test]
fn a_megabyte_of_aliases_is_refused_quickly() {
    let site = TestSite::repository();
    let mut page = format!("---\n{CLUB}aliases:\n");
    let mut n = 0;
    while page.len() < 1_000_000 {
        let _ = writeln!(page, "  - /clubs/ancien-{n}/");
        n += 1;
    }
    page.push_str("---\nTexte.\n");
    site.write("content/clubs/club-alias.md", &page);
    let started = Instant::now();
    let root = site.root();
    let (run, peak) =
        run_with_peak_memory(site.temp(), &["check", "--root", root.to_str().unwrap()]);
    assert_small(peak);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("may have at most 10"), "{}", run.stdout);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// 100,000 tags on a club page (2.9 GB and 100,000 term pages) are refused
/// at the `tags:` line in a few seconds at most, in less than 300 MB.
#[test]
fn a_hundred_thousand_tags_are_refused_quickly() {
    let site = TestSite::repository();
    let tags: Vec<String> = (0..100_000).map(|n| format!("t{n}")).collect();
    site.write(
        "content/clubs/club-tags.md",
        &format!("---\n{CLUB}tags: [{}]\n---\nTexte.\n", tags.join(", ")),
    );
    let started = Instant::now();
    let root = site.root();
    let (run, peak) =
        run_with_peak_memory(site.temp(), &["check", "--root", root.to_str().unwrap()]);
    assert_small(peak);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/clubs/club-tags.md:7:1: error: `tags` has 100000 values; pages of `clubs` may give at most 10"
        ),
        "{}",
        run.stdout
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// Files beside draft and scheduled pages, in any language, and everything
/// under a draft section stay out of the output and its manifest (they
/// were published), unless `--drafts` / `--future` ask for them.
#[test]
fn drafts_and_scheduled_pages_publish_none_of_their_files() {
    let site = TestSite::repository();
    let club = "title: Club secret\nclub_kind: [thématique]\nstatus: actif\nscope: Tous\ncontact: Le bureau\n";
    site.write(
        "content/clubs/club-secret/index.md",
        &format!("---\n{club}draft: true\n---\nTexte.\n"),
    );
    site.write(
        "content/clubs/club-secret/index.en.md",
        "---\ntitle: Secret club\nclub_kind: [thematic]\nstatus: active\nscope: All\ncontact: The board\ndraft: true\n---\nText.\n",
    );
    // An English-only bundle, scheduled.
    site.write(
        "content/news/annonce/index.en.md",
        "---\ntitle: Announcement\ndate: 2026-11-20\npublish_date: 2099-01-01\n---\nSoon.\n",
    );
    // A draft section with a page, a file and a nested folder.
    site.write(
        "content/brouillons/_index.md",
        "---\ntitle: Brouillons\ndraft: true\n---\nEn cours.\n",
    );
    site.write(
        "content/brouillons/projet.md",
        "---\ntitle: Projet\n---\nTexte.\n",
    );
    site.write("content/brouillons/sous/note.txt", "confidentiel\n");
    for file in [
        "content/clubs/club-secret/photo-secrete.png",
        "content/news/annonce/photo-annonce.png",
        "content/brouillons/plan-secret.png",
    ] {
        site.write_bytes(file, PNG);
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output = tree(&site.public());
    let manifest = String::from_utf8_lossy(&output[".alumni-manifest.json"]).into_owned();
    for needle in [
        "photo-secrete",
        "photo-annonce",
        "plan-secret",
        "note.txt",
        "brouillons",
        "club-secret",
        "annonce/",
    ] {
        assert!(
            !output.keys().any(|k| k.contains(needle)),
            "{needle} was published"
        );
        assert!(!manifest.contains(needle), "{needle} is in the manifest");
    }
    let run = site.build(&["--drafts", "--future"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output = tree(&site.public());
    for file in [
        "clubs/club-secret/photo-secrete.png",
        "en/news/annonce/photo-annonce.png",
        "brouillons/plan-secret.png",
        "brouillons/projet/index.html",
        "brouillons/sous/note.txt",
    ] {
        assert!(
            output.contains_key(file),
            "{file} is missing with --drafts --future"
        );
    }
}

/// The search index's folder is the build's alone. A club page's alias
/// into `/_search/` is refused by the trust boundary (club pages redirect
/// from `/clubs/...` only); a staff page's alias there (a forged chunk the
/// search page would read as index data) is refused by the folder's claim,
/// at the page's line, in English and French. Catches the loss of
/// `publish::reserved_folders` in the claims check: no generated output
/// has the alias's exact name, so only the folder claim sees it.
#[test]
fn no_page_can_write_inside_the_search_index() {
    let site = TestSite::repository();
    site.write(
        "content/clubs/club-index.md",
        &format!("---\n{CLUB}aliases: [/_search/c/faux.json]\n---\nTexte.\n"),
    );
    let run = site.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("the alias `/_search/c/faux.json` is outside the addresses of `clubs`"),
        "{}",
        run.stdout
    );
    std::fs::remove_file(site.root().join("content/clubs/club-index.md")).unwrap();
    site.write(
        "content/news/index-faux.md",
        "---\ntitle: Annonce\ndate: 2026-11-20\naliases: [/_search/c/faux.json]\n---\nTexte.\n",
    );
    let run = site.check(&["--lang", "en"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("content/news/index-faux.md:4:1: error: `content/news/index-faux.md` would write `/_search/c/faux.json/index.html`, inside `/_search/`, the folder of the search index (fr)"),
        "{}",
        run.stdout
    );
    let run = site.check(&["--lang", "fr"]);
    assert!(
        run.stdout.contains("écrirait `/_search/c/faux.json/index.html`, dans `/_search/`, le dossier de l'index de recherche (fr)"),
        "{}",
        run.stdout
    );
}

/// A club page over `limits.page_bytes` (1 MiB by default) is refused
/// before it is read, naming the file and the setting; the limit can be
/// raised in `content/site.yaml`.
#[test]
fn a_page_over_the_size_limit_is_refused_and_the_limit_is_configurable() {
    let site = TestSite::repository();
    let mut page = format!("---\n{CLUB}---\n");
    while page.len() < 1_200_000 {
        page.push_str("Une phrase du club, répétée pour faire un long texte.\n");
    }
    site.write("content/clubs/club-long.md", &page);
    let run = site.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/clubs/club-long.md: error: this page weighs 1.1 MiB; pages of `clubs` may weigh at most 1.0 MiB"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("limits.page_bytes"), "{}", run.stdout);
    site.edit(
        "content/site.yaml",
        "\ncollections:",
        "\nlimits:\n  page_bytes: 2000000\n\ncollections:",
    );
    let run = site.check(&[]);
    assert!(
        !run.stdout.contains("club-long.md: error"),
        "{}",
        run.stdout
    );
}

/// Claims are complete: every file a build of the repository's site or of
/// the fixture site writes is among `claims::planned` (a fingerprinted
/// asset by its name before fingerprinting), so no output escapes the
/// check for two claims on one path.
#[test]
fn every_output_of_a_build_is_claimed() {
    for site in [TestSite::repository(), TestSite::new("site")] {
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let options = alumni::build::BuildOptions::new(site.root());
        let prepared = alumni::build::prepare(&options).unwrap_or_else(|_| panic!("prepares"));
        let planned = alumni::claims::planned(&prepared.site, &prepared.images);
        let folders = alumni::publish::reserved_folders(&prepared.site);
        for output in tree(&site.public()).keys() {
            if folders.iter().any(|(f, _)| output.starts_with(f.as_str())) {
                continue;
            }
            let unfingerprinted = output
                .rsplit_once('.')
                .and_then(|(stem, ext)| {
                    let (name, hash) = stem.rsplit_once('.')?;
                    (hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| format!("{name}.{ext}"))
                })
                .unwrap_or_default();
            assert!(
                planned.contains_key(output) || planned.contains_key(&unfingerprinted),
                "{output} is written but not claimed"
            );
        }
    }
}

/// The files of one club page together are bounded by
/// `limits.page_files_bytes`: one error naming the page's folder.
#[test]
fn a_page_whose_files_weigh_too_much_together_is_refused() {
    let site = TestSite::repository();
    site.edit(
        "content/site.yaml",
        "  page_files_bytes: 26214400",
        "  page_files_bytes: 1000",
    );
    site.write(
        "content/clubs/club-photos/index.md",
        &format!("---\n{CLUB}---\n![Une photo](a.png) ![Une autre](b.png)\n"),
    );
    for name in ["a.png", "b.png"] {
        let mut bytes = PNG.to_vec();
        bytes.resize(600, 0);
        fs::write(
            site.root().join("content/clubs/club-photos").join(name),
            bytes,
        )
        .unwrap();
    }
    let run = site.check(&[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/clubs/club-photos: error: the 2 files beside this page add up to 1.2 KiB, more than the 1000 bytes allowed for one page"
        ),
        "{}",
        run.stdout
    );
}

/// A file name holding a newline or a tab (which would forge a line of an
/// upload plan) is refused by `check` and `build`, wherever the file is.
#[test]
fn file_names_with_control_characters_are_refused() {
    for path in [
        "content/_static/a\ndelete index.html",
        "content/clubs/club-x/photo\t1.png",
    ] {
        let site = TestSite::repository();
        if path.starts_with("content/clubs/") {
            site.write(
                "content/clubs/club-x/index.md",
                &format!("---\n{CLUB}---\nTexte.\n"),
            );
        }
        site.write_bytes(path, PNG);
        let run = site.check(&[]);
        assert_eq!(run.code, 1, "{path:?}: {}", run.stdout);
        assert!(
            run.stdout.contains("holds the character"),
            "{path:?}: {}",
            run.stdout
        );
        assert_eq!(site.build(&[]).code, 1, "{path:?}");
    }
}
