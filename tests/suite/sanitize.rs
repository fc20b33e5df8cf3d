//! Untrusted pages (`collections.clubs.trusted: false`): no request to
//! another host, no hook of the theme taken, and a report of what the
//! sanitiser removes made from its own allow-list: errors for what would run
//! or load from elsewhere, warnings for what is only dropped. Each test
//! writes a club page as a club leader would, in French (with its English
//! version, so that `--strict` judges the case alone), into a copy of the
//! repository's own site, then runs `check` and `build`.

use std::fs;
use std::path::PathBuf;

use crate::harness::{Run, TestSite, alumni, main_of, repo_root};

/// The front matter of the test club: 7 lines, the body starts at line 8.
const FRONT: &str = "---\n\
title: \"Club des essais\"\n\
club_kind: [professionnel]\n\
status: actif\n\
scope: \"Les diplômés curieux\"\n\
contact: \"Le bureau du club\"\n\
---\n";

const FRONT_EN: &str = "---\n\
title: \"Testing club\"\n\
club_kind: [professional]\n\
status: active\n\
scope: \"Curious graduates\"\n\
contact: \"The club's board\"\n\
---\n\
The club in English.\n";

const PAGE: &str = "content/clubs/essais.md";

/// A copy of the repository's site (`content/` and `themes/`).
struct OwnSite {
    site: TestSite,
}

impl OwnSite {
    /// The site with the club page `content/clubs/essais.md` of `body` and its English version.
    fn with_club(body: &str) -> OwnSite {
        OwnSite::with_page(&format!("{FRONT}{body}"))
    }

    /// The site with the club page `content/clubs/essais.md` holding `text`.
    fn with_page(text: &str) -> OwnSite {
        let site = OwnSite {
            site: TestSite::repository(),
        };
        fs::write(site.root().join(PAGE), text).unwrap();
        fs::write(site.root().join("content/clubs/essais.en.md"), FRONT_EN).unwrap();
        site
    }

    fn root(&self) -> PathBuf {
        self.site.root()
    }

    fn run(&self, args: &[&str]) -> Run {
        let root = self.root();
        let mut all = vec![args[0], "--root", root.to_str().unwrap()];
        all.extend_from_slice(&args[1..]);
        alumni(self.site.temp(), &all)
    }

    /// The `<main>` of the built club page.
    fn built_page(&self) -> String {
        let html = fs::read_to_string(self.root().join("public/clubs/essais/index.html")).unwrap();
        main_of(&html).to_string()
    }
}

/// The first lines of each diagnostic printed (`path:line:col: severity: message`).
fn diagnostics(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| l.starts_with("content/"))
        .collect()
}

/// `content/clubs/essais.md:L:C: severity: message`, with the column of
/// `needle` on line `line` of `text` (the whole file).
fn at(text: &str, line: usize, needle: &str, severity: &str, message: &str) -> String {
    let source = text.lines().nth(line - 1).unwrap();
    let byte = source
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} on line {line}: {source}"));
    let col = source[..byte].chars().count() + 1;
    format!("{PAGE}:{line}:{col}: {severity}: {message}")
}

#[test]
fn a_word_paste_builds_with_a_warning_for_each_thing_dropped() {
    let body = "\nBonjour à toutes et à tous,\n\n\
<p class=MsoNormal style='margin-bottom:0cm;line-height:normal'><span\n\
style='font-size:11.0pt;font-family:\"Calibri\",sans-serif'>Notre prochaine réunion aura lieu le 12 mars à 18 h 30.<o:p></o:p></span></p>\n\n\
<p class=MsoNormal><font face=\"Arial\">Venez</font> <span style='color:#1F497D'>nombreux</span> <span style='font-weight:bold'>!</span><o:p>&nbsp;</o:p></p>\n\n\
<svg width=\"40\" height=\"40\" viewBox=\"0 0 40 40\"><circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"#1F497D\"/></svg> Notre logo.\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let w = |line, needle, message| at(&text, line, needle, "warning", message);
    let expected = [
        w(11, "class=", "the class `MsoNormal` is removed"),
        w(11, "style=", "the `style` attribute of <p> is removed"),
        w(12, "style=", "the `style` attribute of <span> is removed"),
        w(
            12,
            "<o:p>",
            "the <o:p> element is removed (its text is kept)",
        ),
        w(14, "class=", "the class `MsoNormal` is removed"),
        w(
            14,
            "<font",
            "the <font> element is removed (its text is kept)",
        ),
        // Once for the line, not once for each <span>.
        w(14, "style=", "the `style` attribute of <span> is removed"),
        w(
            14,
            "<o:p>",
            "the <o:p> element is removed (its text is kept)",
        ),
        w(
            16,
            "<svg",
            "the <svg> element is removed (its text is kept)",
        ),
    ];
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(diagnostics(&check.stdout), expected, "{}", check.stdout);
    assert!(check.stdout.ends_with("check: 0 errors, 9 warnings\n"));
    assert!(
        check
            .stdout
            .contains("= hint: this is markup of a word processor"),
        "{}",
        check.stdout
    );
    assert_eq!(site.run(&["check", "--strict"]).code, 1);

    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(diagnostics(&build.stderr), expected, "{}", build.stderr);
    let page = site.built_page();
    assert!(
        page.contains(
            "<p><span>Notre prochaine réunion aura lieu le 12 mars à 18 h 30.</span></p>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<p>Venez <span>nombreux</span> <span>!</span>&nbsp;</p>"),
        "{page}"
    );
    for payload in [
        "MsoNormal",
        "style=",
        "Calibri",
        "o:p",
        "<font",
        "<svg",
        "circle",
        "1F497D",
    ] {
        assert!(!page.contains(payload), "{payload} in {page}");
    }
}

#[test]
fn a_long_paste_lists_fifty_findings_and_counts_the_rest() {
    // Locating a diagnostic reads the file up to it: a paste of thousands
    // of lines gets the first fifty (the most a file shows), and the count
    // of the others.
    let line = "<p class=MsoNormal style='margin:0'>Ligne<o:p></o:p></p>\n";
    let site = OwnSite::with_club(&format!("\n{}", line.repeat(3000)));
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let found = diagnostics(&check.stdout);
    assert_eq!(found.len(), 51, "{}", check.stdout);
    assert_eq!(
        found[50],
        "content/clubs/essais.md:25:42: warning: … and 8,950 more problems in this file"
    );
    assert!(
        check.stdout.ends_with("check: 0 errors, 9000 warnings\n"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_tracker_pixel_is_an_error_in_every_form_of_image() {
    let body = "\nSuivez notre actualité !\n\n\
<img src=\"https://tracker.example/p.gif?club=essais\" width=\"1\" height=\"1\" alt=\"\">\n\n\
<picture>\n\
<source srcset=\"https://cdn.tracker.example/photo.webp\" type=\"image/webp\">\n\
<img src=\"photo.jpg\" alt=\"Photo de groupe\">\n\
</picture>\n\n\
Notre film : <video poster=\"//tracker.example/affiche.jpg\" src=\"film.mp4\"></video>\n\n\
> <img alt=\"Le logo\" src=\"/\\tracker.example/logo.png\">\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let e = |line, needle, url: &str| {
        at(
            &text,
            line,
            needle,
            "error",
            &format!("images must be files of the site, not `{url}`"),
        )
    };
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 1);
    let errors: Vec<&str> = diagnostics(&check.stdout)
        .into_iter()
        .filter(|d| d.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            e(11, "src=", "https://tracker.example/p.gif?club=essais"),
            e(14, "srcset=", "https://cdn.tracker.example/photo.webp"),
            at(
                &text,
                15,
                "photo.jpg",
                "error",
                "link to `photo.jpg`, which is not a page or file of the site"
            ),
            e(18, "poster=", "//tracker.example/affiche.jpg"),
            e(20, "src=", "/\\tracker.example/logo.png"),
        ],
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("= hint: place the image beside the page and write its name"),
        "{}",
        check.stdout
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 1);
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_markdown_image_from_another_host_is_an_error_at_the_image() {
    let body = "\nNotre logo :\n\n![Logo du club](https://tracker.example/logo.png)\n\nEt une photo ![Photo](//tracker.example/photo.jpg \"La photo\").\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check.stdout),
        [
            at(
                &text,
                11,
                "![",
                "error",
                "images must be files of the site, not `https://tracker.example/logo.png`"
            ),
            at(
                &text,
                13,
                "![",
                "error",
                "images must be files of the site, not `//tracker.example/photo.jpg`"
            ),
        ],
        "{}",
        check.stdout
    );
    assert_eq!(site.run(&["build"]).code, 1);
}

#[test]
fn a_figure_with_an_address_is_an_error_at_its_src() {
    let body = "\nNotre sortie de printemps :\n\n\
{{ figure(src=\"https://tracker.example/photo.jpg\", alt=\"Les membres du club au jardin\", caption=\"Avril 2026\") }}\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check.stdout),
        [at(
            &text,
            11,
            "src=",
            "error",
            "images must be files of the site, not `https://tracker.example/photo.jpg`"
        )],
        "{}",
        check.stdout
    );
    assert_eq!(site.run(&["build"]).code, 1);
    // What the hint asks for: the page a folder, the image beside it.
    let folder = site.root().join("content/clubs/essais");
    fs::create_dir(&folder).unwrap();
    fs::rename(site.root().join(PAGE), folder.join("index.md")).unwrap();
    fs::rename(
        site.root().join("content/clubs/essais.en.md"),
        folder.join("index.en.md"),
    )
    .unwrap();
    fs::copy(
        site.root().join("themes/sorbonne/static/favicon.svg"),
        folder.join("photo.svg"),
    )
    .unwrap();
    let text = fs::read_to_string(folder.join("index.md")).unwrap();
    fs::write(
        folder.join("index.md"),
        text.replace("https://tracker.example/photo.jpg", "photo.svg"),
    )
    .unwrap();
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.stdout, "check: 0 errors, 0 warnings\n");
    assert_eq!(site.run(&["build"]).code, 0);
    assert!(
        site.built_page()
            .contains("<img src=\"photo.svg\" alt=\"Les membres du club au jardin\"")
    );
}

#[test]
fn ids_and_classes_of_raw_html_are_removed_and_headings_avoid_the_theme_ids() {
    let body = "\n<div id=\"contenu\" class=\"card\">\n\
<p>Le club se réunit chaque mois.</p>\n\
</div>\n\n\
## Contenu\n\n\
Le programme est en ligne.\n\n\
## Nos rendez-vous {.skip-link data-x=1}\n\n\
Chaque premier mardi.\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let w = |line, needle, message| at(&text, line, needle, "warning", message);
    let expected = [
        w(9, "id=", "the id `contenu` is removed"),
        w(9, "class=", "the class `card` is removed"),
        w(
            17,
            "##",
            "the attribute `data-x` of this heading is removed",
        ),
        w(17, "##", "the class `skip-link` of this heading is removed"),
    ];
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(diagnostics(&check.stdout), expected, "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("`contenu` is an id of the theme's pages"),
        "{}",
        check.stdout
    );
    assert_eq!(site.run(&["check", "--strict"]).code, 1);

    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(diagnostics(&build.stderr), expected);
    let html = fs::read_to_string(site.root().join("public/clubs/essais/index.html")).unwrap();
    // The skip link still leads to the theme's <main>, the one element with that id.
    assert_eq!(html.matches("id=\"contenu\"").count(), 1, "{html}");
    assert!(html.contains("<main id=\"contenu\""));
    let page = site.built_page();
    assert!(
        page.contains("<div>\n<p>Le club se réunit chaque mois.</p>\n</div>"),
        "{page}"
    );
    assert!(page.contains("<h2 id=\"contenu-1\">Contenu"), "{page}");
    assert!(
        page.contains("<h2 id=\"nos-rendez-vous\">Nos rendez-vous"),
        "{page}"
    );
    for payload in ["card", "skip-link", "data-x"] {
        assert!(!page.contains(payload), "{payload} in {page}");
    }
}

#[test]
fn a_heading_id_or_note_name_of_the_theme_is_an_error() {
    let body =
        "\n## Programme {#contenu}\n\nUne note[^search-status].\n\n[^search-status]: Le détail.\n";
    let site = OwnSite::with_club(body);
    let text = format!("{FRONT}{body}");
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check.stdout),
        [
            at(
                &text,
                9,
                "##",
                "error",
                "the id `contenu` is used by the theme's pages"
            ),
            at(
                &text,
                13,
                "[^",
                "error",
                "the note name `search-status` is an id used by the theme's pages"
            ),
        ],
        "{}",
        check.stdout
    );
}

#[test]
fn tel_links_are_kept() {
    let body = "\nAppelez le bureau : <a href=\"tel:+33144272727\">01 44 27 27 27</a>, ou [par téléphone](tel:+33144272727).\n";
    let site = OwnSite::with_club(body);
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.stdout, "check: 0 errors, 0 warnings\n");
    assert_eq!(check.code, 0);
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.built_page();
    assert_eq!(
        page.matches("href=\"tel:+33144272727\"").count(),
        2,
        "{page}"
    );
}

#[test]
fn a_colon_after_data_in_text_is_no_address() {
    let body = "\n<p>Les metadata: 2026</p>\n\nLes metadata: 2026 sont en ligne, comme nos data: tout est ouvert.\n";
    let site = OwnSite::with_club(body);
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.stdout, "check: 0 errors, 0 warnings\n");
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.built_page();
    assert!(page.contains("<p>Les metadata: 2026</p>"), "{page}");
    assert!(page.contains("comme nos data: tout est ouvert."), "{page}");
}

#[test]
fn protocol_relative_links_are_links_to_other_sites() {
    let body = "\nVoir <a href=\"//www.sorbonne-universite.fr/\">l'université</a> et [son site](//www.sorbonne-universite.fr/).\n";
    let site = OwnSite::with_club(body);
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.stdout, "check: 0 errors, 0 warnings\n");
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.built_page();
    assert_eq!(
        page.matches("href=\"//www.sorbonne-universite.fr/\"")
            .count(),
        2,
        "{page}"
    );
}

#[test]
fn an_image_field_must_be_a_file_of_the_site() {
    for src in [
        "https://tracker.example/logo.png",
        "//tracker.example/logo.png",
    ] {
        let logo = format!("logo: {{ src: \"{src}\", alt: \"Logo du club\" }}\n");
        let text = FRONT
            .replacen("---\n", &format!("{logo}---\n"), 2)
            .replacen(&logo, "", 1)
            + "\nLe club.\n";
        let site = OwnSite::with_page(&text);
        let check = site.run(&["check", "--strict"]);
        assert_eq!(check.code, 1);
        assert_eq!(
            diagnostics(&check.stdout),
            [at(
                &text,
                7,
                "{",
                "error",
                &format!("`logo`: images must be files of the site, not `{src}`")
            )],
            "{}",
            check.stdout
        );
    }
}

#[test]
fn trusted_pages_are_not_sanitised() {
    let site = OwnSite::with_club("\nLe club.\n");
    fs::write(
        site.root().join("content/news/essai.md"),
        "---\ntitle: Essai\ndate: 2026-11-01\n---\n<div id=\"annonce\" class=\"note\"><img src=\"https://www.sorbonne-universite.fr/logo.png\" alt=\"Logo\"></div>\n",
    )
    .unwrap();
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(build.stderr, "");
    let html = fs::read_to_string(site.root().join("public/news/essai/index.html")).unwrap();
    assert!(
        html.contains("<div id=\"annonce\" class=\"note\"><img src=\"https://www.sorbonne-universite.fr/logo.png\" alt=\"Logo\"></div>"),
        "{html}"
    );
}

/// The theme's `figure`, as the Markdown stage sees it.
struct Figure;

impl alumni::shortcode::Shortcodes for Figure {
    fn signature(&self, name: &str) -> Option<Vec<alumni::shortcode::Param>> {
        let text = |name: &str| alumni::shortcode::Param {
            name: name.into(),
            required: true,
            kind: Some(alumni::shortcode::Kind::Text),
        };
        (name == "figure").then(|| vec![text("src"), text("alt")])
    }

    fn names(&self) -> Vec<String> {
        vec!["figure".into()]
    }

    fn render(
        &self,
        _name: &str,
        args: &[alumni::shortcode::Arg],
        _body: Option<&str>,
        _lang: &str,
    ) -> Result<String, alumni::shortcode::RenderError> {
        let arg = |n: &str| {
            args.iter()
                .find(|a| a.name == n)
                .map(|a| match &a.value {
                    alumni::shortcode::ArgValue::Str(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        Ok(format!(
            "<figure class=\"figure\"><img src=\"{}\" alt=\"{}\"></figure>",
            arg("src"),
            arg("alt")
        ))
    }
}

#[test]
fn the_cleaning_alone_leaves_no_request_to_another_host() {
    // What the errors above refuse is also taken out of the HTML, should
    // anything ever publish a page in spite of them.
    let body = "<img src=\"https://tracker.example/1.gif\" alt=\"\">\n\n\
<picture><source srcset=\"https://tracker.example/2.webp\"><img src=\"ok.png\" srcset=\"//tracker.example/3.png 2x\" alt=\"\"></picture>\n\n\
<video poster=\"//tracker.example/4.jpg\" src=\"https://tracker.example/5.mp4\"></video>\n\n\
<div style=\"background:url(https://tracker.example/6.gif)\">x</div>\n\n\
<img src=\"/\\tracker.example/7.gif\" alt=\"\"> <img src=\" //tracker.example/8.gif\" alt=\"\">\n\n\
![un](https://tracker.example/9.gif) ![deux](//tracker.example/10.gif)\n\n\
{{ figure(src=\"https://tracker.example/11.jpg\", alt=\"Photo\") }}\n\n\
<svg><image href=\"https://tracker.example/12.png\"/></svg>\n";
    let collection = alumni::collection::Collection {
        folder: "clubs".into(),
        trusted: false,
        shortcodes: Some(vec!["figure".into()]),
        fields: vec![],
    };
    let resolve = |_: &str| None;
    let env = alumni::markdown::Env {
        resolve: &resolve,
        shortcodes: Some(&Figure),
        lang: "fr",
        collection: Some(&collection),
    };
    let source = alumni::markdown::BodySource {
        path: PAGE,
        file_text: body,
        body_start: 0,
        content_path: "clubs/essais.md",
    };
    let (rendered, errors) = alumni::markdown::render(body, source, &env);
    assert!(!rendered.html.contains("tracker"), "{}", rendered.html);
    assert!(
        rendered.html.contains("<img src=\"ok.png\" alt=\"\">"),
        "{}",
        rendered.html
    );
    // Every one of the twelve is reported, at its line.
    let mut lines: Vec<usize> = errors
        .iter()
        .filter(|d| {
            d.message.starts_with("images must be files of the site")
                || d.message.starts_with("a style that loads")
        })
        .map(|d| d.position.unwrap().line)
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [1, 3, 3, 5, 5, 7, 9, 9, 11, 11, 13, 15],
        "{errors:#?}"
    );
}

#[test]
fn theme_ids_are_those_of_the_templates() {
    // The ids an untrusted page may not take are those the theme's
    // templates write: a new id in a template fails here until listed.
    let mut found = std::collections::BTreeSet::new();
    for folder in ["templates", "shortcodes"] {
        for entry in walkdir::WalkDir::new(repo_root().join("themes/sorbonne").join(folder)) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let text = fs::read_to_string(entry.path()).unwrap();
            for (i, _) in text.match_indices(" id=\"") {
                let value = &text[i + 5..];
                let value = &value[..value.find('"').unwrap()];
                // `id="{{ h.id }}"` is a page's own heading, not the theme's.
                if !value.contains('{') {
                    found.insert(value.to_string());
                }
            }
        }
    }
    let listed: std::collections::BTreeSet<String> = alumni::sanitize::THEME_IDS
        .iter()
        .map(|id| (*id).to_string())
        .collect();
    assert_eq!(found, listed);
}
