//! Successful builds: the output tree, page snapshots, drafts, determinism,
//! the all-or-nothing output, and the repository's own site.

use std::fs;
use std::time::SystemTime;

use crate::harness::{
    TestSite, alumni, assert_snapshot, is_search_shard, main_of, redact_summary, repo_root, tree,
};

#[test]
fn builds_the_fixture_site_into_pretty_urls() {
    let site = TestSite::new("site");
    // Private files and editor leftovers are not pages.
    for name in [
        "_notes.md",
        ".cache.md",
        "biotech.md~",
        ".biotech.md.swp",
        "#biotech.md#",
    ] {
        site.write(
            &format!("content/clubs/{name}"),
            "---\ntitle: Ne pas publier\n---\n",
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        redact_summary(&run.stdout),
        "built 26 pages (fr 16, en 10) and 3 files in [TIME] s -> [OUT]\n\
         not translated into en (5): content/clubs/docteurs.md, content/events/_index.md, content/events/rencontre-biotech.md, \
         content/news/_index.md (shown in the default language), content/news/premier-numero/index.md (shown in the default language)"
    );
    let all: Vec<String> = tree(&site.public()).into_keys().collect();
    let files: Vec<&String> = all.iter().filter(|f| !is_search_shard(f)).collect();
    assert!(all.iter().any(|f| f.starts_with("_search/c/")));
    assert!(all.iter().any(|f| f.starts_with("en/_search/f/")));
    assert_eq!(
        files,
        [
            ".alumni-manifest.json",
            // cache headers, aliases (redirect pages and _redirects); feeds, calendars, sitemap, robots.txt, search indexes.
            "_headers",
            "_redirects",
            "_search/meta.json",
            "atom.xml",
            "club-kind/index.html",
            "club-kind/professionnel/index.html",
            "club-kind/thematique/index.html",
            "clubs/anciens/docteurs.html",
            "clubs/atom.xml",
            "clubs/biotech/events.ics",
            "clubs/biotech/index.html",
            "clubs/club-des-docteurs/index.html",
            // `slug:` is folded to ASCII; the draft is left out.
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html",
            "clubs/index.html",
            // paginate_by: 1
            "clubs/page/2/index.html",
            // content/_static/ goes to the root, the theme's static/ under static/ (CSS fingerprinted).
            "document.txt",
            "en/_search/meta.json",
            "en/atom.xml",
            // English under /en/, with its own slugs and term slugs.
            "en/club-kind/index.html",
            "en/club-kind/professional/index.html",
            "en/clubs/atom.xml",
            "en/clubs/biotech-club/index.html",
            "en/clubs/index.html",
            "en/index.html",
            // news/ falls back to French; clubs/ omits the untranslated page.
            "en/news/index.html",
            // The bundle's file once, beside the French page, for both languages.
            "en/news/premier-numero/index.html",
            "en/tags/economy/index.html",
            "en/tags/index.html",
            "en/tags/science/index.html",
            "events.ics",
            "events/atom.xml",
            "events/index.html",
            "events/rencontre-biotech/event.ics",
            "events/rencontre-biotech/index.html",
            "index.html",
            "news/atom.xml",
            "news/index.html",
            "news/premier-numero/index.html",
            // A bundle's files sit beside its page.
            "news/premier-numero/motif.svg",
            "robots.txt",
            "sitemap.xml",
            "static/style.50a6bae2.css",
            // `Économie` folds to `economie`.
            "tags/economie/index.html",
            "tags/index.html",
            "tags/sciences/index.html",
            "tags/sciences/page/2/index.html",
        ]
    );
}

#[test]
fn page_snapshots() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    for (page, name) in [
        ("index.html", "home.html"),
        ("clubs/index.html", "section-clubs.html"),
        ("clubs/biotech/index.html", "page-biotech.html"),
        (
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html",
            "page-docteurs.html",
        ),
        ("news/premier-numero/index.html", "page-bundle.html"),
        ("clubs/page/2/index.html", "section-clubs-page-2.html"),
        ("en/clubs/biotech-club/index.html", "page-biotech-en.html"),
        ("en/news/premier-numero/index.html", "page-fallback-en.html"),
        ("tags/index.html", "taxonomy-tags.html"),
        ("tags/sciences/index.html", "term-sciences.html"),
        (
            "tags/sciences/page/2/index.html",
            "term-sciences-page-2.html",
        ),
        ("en/tags/science/index.html", "term-science-en.html"),
    ] {
        let html = site.read(&format!("public/{page}"));
        assert_snapshot(name, main_of(&html));
    }
    // The whole of one page, head and footer included (data, config, asset()).
    assert_snapshot(
        "page-biotech-full.html",
        &site.read("public/clubs/biotech/index.html"),
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    assert!(!site.public().join("clubs/brouillon").exists());
    let run = site.build(&["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("clubs/brouillon/index.html").exists());
}

#[test]
fn base_url_override_changes_every_link() {
    let site = TestSite::new("site");
    let run = site.build(&["--base-url", "https://preview.example.net/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read("public/clubs/biotech/index.html");
    assert!(html.contains("href=\"/static/style."), "{html}");
    assert!(!html.contains("/alumni/"), "{html}");
}

#[test]
fn sections_sort_by_date_weight_or_title() {
    let site = TestSite::new("site");
    // Default (date): newest first.
    site.edit(
        "content/site.yaml",
        "sort_by: title\n    paginate_by: 1",
        "sort_by: date",
    );
    assert_eq!(site.build(&[]).code, 0);
    let order = |html: &str| -> Vec<usize> {
        ["Club des docteurs", "Club « Biotech »"]
            .iter()
            .map(|t| html.find(t).unwrap())
            .collect()
    };
    let by_date = order(&site.read("public/clubs/index.html"));
    assert!(by_date[0] < by_date[1], "newest (docteurs, 20 Nov) first");
    site.edit("content/site.yaml", "sort_by: date", "sort_by: weight");
    site.edit(
        "content/clubs/biotech.md",
        "kind: professionnel",
        "kind: professionnel\nweight: 1",
    );
    site.edit(
        "content/clubs/docteurs.md",
        "date: 2026-11-20",
        "date: 2026-11-20\nweight: 2",
    );
    assert_eq!(site.build(&[]).code, 0);
    let by_weight = order(&site.read("public/clubs/index.html"));
    assert!(by_weight[1] < by_weight[0], "lightest (biotech) first");
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let site = TestSite::new("site");
    let a = site.temp().join("a");
    let b = site.temp().join("b");
    let root = site.root();
    let run = |out: &std::path::Path, threads: &str| {
        let status = crate::harness::alumni_command()
            .args([
                "build",
                "--root",
                root.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(status.status.success());
    };
    run(&a, "1");
    run(&b, "4");
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(!ta.is_empty());
    assert!(ta == tb, "outputs differ");
}

fn stamps(dir: &std::path::Path) -> Vec<(String, Vec<u8>, SystemTime)> {
    tree(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let mtime = fs::metadata(dir.join(&rel)).unwrap().modified().unwrap();
            (rel, bytes, mtime)
        })
        .collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let before = stamps(&site.public());
    // A mistake found late (at render time), after pages were already written to staging.
    site.edit(
        "themes/mini/templates/page.html",
        "{{ page.title }}</h1>",
        "{{ page.titel }}</h1>",
    );
    site.write(
        "content/clubs/nouveau.md",
        "---\ntitle: Nouveau\n---\nNouveau club.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("the previous output was left as it was"),
        "{}",
        run.stderr
    );
    assert_eq!(stamps(&site.public()), before);
    // No staging folder is left beside the output.
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("alumni-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_later_build_replaces_removed_pages() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    fs::remove_file(site.root().join("content/clubs/docteurs.md")).unwrap();
    site.edit(
        "content/clubs/biotech.md",
        "(@/clubs/docteurs.md#qui-peut-adherer)",
        "(@/clubs/_index.md)",
    );
    site.edit(
        "content/clubs/biotech.md",
        "(@/clubs/docteurs.md)",
        "(@/clubs/_index.md)",
    );
    assert_eq!(site.build(&[]).code, 0);
    assert!(
        !site
            .public()
            .join("clubs/club-docteurs-chercheurs-et-doctorants")
            .exists()
    );
}

#[test]
fn the_repository_site_builds_without_errors() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("public");
    let root = repo_root();
    let run = alumni(
        out.path(),
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "warnings: {}", run.stderr);
    for page in [
        "index.html",
        "clubs/index.html",
        "clubs/club-jacques-doucet-arts-et-patrimoine/index.html",
        "alter-ego/episode-1/poster.og.jpg",
        "404.html",
    ] {
        assert!(out_dir.join(page).is_file(), "{page} missing");
    }
}

#[test]
fn unchanged_outputs_keep_their_modification_time_across_builds() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    // Outputs dated long ago rather than a sleep: any file the next build
    // rewrites gets a time of today, whatever the clock's resolution.
    let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for (rel, _, _) in stamps(&site.public()) {
        fs::File::options()
            .write(true)
            .open(site.public().join(rel))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }
    let before = stamps(&site.public());
    site.edit(
        "content/clubs/docteurs.md",
        "## Qui peut adhérer ?",
        "## Qui peut adhérer ?\n\nUne phrase de plus.",
    );
    assert_eq!(site.build(&[]).code, 0);
    let after = stamps(&site.public());
    let changed: Vec<&str> = before
        .iter()
        .filter(|b| !is_search_shard(&b.0))
        .zip(after.iter().filter(|a| !is_search_shard(&a.0)))
        .filter(|(b, a)| b.2 != a.2)
        .map(|(b, _)| b.0.as_str())
        .collect();
    // The edited page, the search index that holds its text and the
    // manifest that lists their hashes; nothing else.
    assert_eq!(
        changed,
        [
            ".alumni-manifest.json",
            "_search/meta.json",
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html"
        ]
    );
}

#[test]
fn the_theme_stays_light_and_local() {
    // Phones first: all the theme's CSS under 30 KB, and nothing fetched from another host.
    let static_dir = repo_root().join("themes/sorbonne/static");
    let css: u64 = fs::read_dir(&static_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "css"))
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    assert!(css < 30 * 1024, "{css} bytes of CSS");
    for entry in walkdir::WalkDir::new(repo_root().join("themes/sorbonne")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        for needle in [
            "src=\"http",
            "href=\"http",
            "@import url(http",
            "fonts.googleapis",
            "cdn.",
        ] {
            assert!(
                !text.contains(needle),
                "{} refers to another host: {needle}",
                entry.path().display()
            );
        }
    }
}

/// `alumni build` renders each page's body with its page and lets it go;
/// `serve` holds every body. Both must publish the same bytes: the
/// repository's site built to disk is, file for file, what the live site
/// holds in memory (fingerprinted asset names put back, images left to
/// serve's cache). Catches a streamed body that loses its summary, table
/// of contents, reading time or search text, or is rendered from the
/// front matter alone.
#[test]
fn a_build_publishes_byte_for_byte_what_serve_shows() {
    let site = TestSite::repository();
    let options = alumni::build::BuildOptions {
        base_url: Some("http://127.0.0.1:1111".to_string()),
        ..alumni::build::BuildOptions::new(site.root())
    };
    let live = alumni::live::LiveSite::build(options.clone()).expect("the site builds");
    let run = site.build(&["--base-url", "http://127.0.0.1:1111"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let built = tree(&site.public());
    // `static/site.0a1b2c3d.css` is `static/site.css` for serve.
    let renames: Vec<(String, String)> = built
        .keys()
        .filter_map(|path| {
            let (stem, ext) = path.strip_prefix("static/")?.rsplit_once('.')?;
            let (name, hash) = stem.rsplit_once('.')?;
            (hash.len() == 8 && matches!(ext, "css" | "js"))
                .then(|| (path.clone(), format!("static/{name}.{ext}")))
        })
        .collect();
    assert!(!renames.is_empty(), "the theme's CSS is fingerprinted");
    let mut compared = std::collections::BTreeSet::new();
    for (path, bytes) in live.outputs() {
        if path.starts_with("static/") || !path.contains('.') {
            continue;
        }
        let Some(published) = built.get(path) else {
            // Images are made on request by serve: not in its outputs.
            panic!("{path} is served but not built");
        };
        let mut text = String::from_utf8_lossy(published).into_owned();
        for (fingerprinted, plain) in &renames {
            text = text.replace(fingerprinted.as_str(), plain);
        }
        assert!(
            text.as_bytes() == bytes.as_slice(),
            "{path} differs between build and serve"
        );
        compared.insert(path.as_str());
    }
    let unseen: Vec<&String> = built
        .keys()
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml") || p.ends_with(".json"))
        .filter(|p| !compared.contains(p.as_str()) && !p.starts_with('.'))
        .collect();
    assert!(unseen.is_empty(), "built, not served: {unseen:?}");
    assert!(compared.len() > 100, "only {} outputs", compared.len());
}

/// A build holds the site's front matter, not its text: 300 pages of
/// 100 KB each (30 MB of Markdown, more as HTML) built within a peak far
/// below what holding them would take: 28 MB streamed (debug binary),
/// 107 MB when every source and body is held (the release binary before
/// bodies were streamed). Catches a stage that keeps every text or every
/// body's HTML until the end.
#[test]
fn a_build_holds_front_matter_not_page_texts() {
    let site = TestSite::new("site");
    let paragraph = "Le réseau des diplômés de Sorbonne Université rassemble des \
                     anciens de toutes les disciplines autour de rencontres, \
                     de conseils et de projets communs, en France et ailleurs.\n\n";
    let body = paragraph.repeat(100 * 1024 / paragraph.len());
    for i in 0..300 {
        site.write(
            &format!("content/news/long-{i}.md"),
            &format!(
                "---\ntitle: \"Lettre {i}\"\ndate: 2026-01-01\n---\n\n## Partie {i}\n\n{body}"
            ),
        );
    }
    let root = site.root();
    let (run, peak) = crate::harness::run_with_peak_memory(&root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 30 MB of Markdown, more as HTML.
    crate::harness::assert_peak_below(peak, 60);
    let page = site.read("public/news/long-299/index.html");
    assert!(page.contains("Partie 299") && page.matches("<p>").count() > 100);
}

/// A `#fragment` link to a heading that does not exist, in a page whose
/// body a build reads again when it renders it: the error is placed at the
/// link's own line and column (read from the file again), the build fails
/// and the last good output stays. Catches a position computed in the
/// front matter alone (line 1 or the end of the front matter).
#[test]
fn a_broken_fragment_link_in_a_streamed_body_is_placed_at_its_line() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let before = tree(&site.public());
    site.write(
        "content/news/lien.md",
        "---\ntitle: Lien\ndate: 2026-01-01\n---\n\nPremier paragraphe.\n\nVoir [le programme](@/clubs/biotech.md#programme-inexistant).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/news/lien.md:8:21: error: link to a missing heading `#programme-inexistant`"
        ),
        "{}",
        run.stderr
    );
    assert!(tree(&site.public()) == before, "the last good output stays");
}

/// A site with many untranslated pages names the first ten in the build's
/// summary and counts the rest, instead of one line of every path (2,572
/// of them on a 10,000-page site). Catches the cap removed or off by one.
#[test]
fn the_summary_names_ten_untranslated_pages_and_counts_the_rest() {
    let site = TestSite::new("site");
    let club = site.read("content/clubs/docteurs.md");
    for i in 0..8 {
        let copy = club
            .replace("slug: club-docteurs", &format!("slug: copie-{i}"))
            .replace(
                "aliases: [/clubs/club-des-docteurs/, /clubs/anciens/docteurs.html]\n",
                "",
            );
        site.write(&format!("content/clubs/copie-{i}.md"), &copy);
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("not translated into en (13): "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(line.matches("content/").count(), 10, "{line}");
    assert!(line.ends_with(", and 3 more"), "{line}");
}

/// A page whose `template:` the theme lacks is not rendered, but its
/// body's own mistakes are reported in the same run as the missing
/// template: a build renders bodies with their pages, and a page without
/// an output still has its body read. Catches a streamed build that
/// reports the body's mistake only once the template is fixed.
#[test]
fn a_missing_template_and_a_broken_link_of_the_same_page_are_said_in_one_run() {
    let site = TestSite::new("site");
    site.write(
        "content/news/gabarit.md",
        "---\ntitle: Gabarit\ndate: 2026-01-01\ntemplate: absent.html\n---\n\nVoir [la page](@/news/inexistante.md).\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("absent.html"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/news/gabarit.md:7:")
            && run.stderr.contains("news/inexistante.md"),
        "{}",
        run.stderr
    );
}
