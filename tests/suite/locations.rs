//! Every diagnostic of the Markdown, shortcode, sanitiser and YAML stages
//! points at the token at fault: its line and column in the file, as a club
//! leader or an editor would look for it. Each test writes a page in French
//! into a copy of the repository's site, with the mistake on a line that is
//! not the first of its kind in the file (a locator that searched the text
//! for the first match would point at the earlier one), after a front
//! matter of several lines (so that body offsets are shifted), then runs
//! `check` and compares `path:line:col: severity: message`.

use std::process::Command;

use crate::harness::TestSite;

/// The front matter of the test club: 7 lines, the body starts at line 8.
const CLUB_FRONT: &str = "---\n\
title: \"Club des lieux\"\n\
club_kind: [professionnel]\n\
status: actif\n\
scope: \"Les diplômés curieux\"\n\
contact: \"Le bureau du club\"\n\
---\n";

/// The English version, so that the French page is judged alone.
const CLUB_EN: &str = "---\n\
title: \"Places club\"\n\
club_kind: [professional]\n\
status: active\n\
scope: \"Curious graduates\"\n\
contact: \"The club's board\"\n\
---\n\
The club in English.\n";

/// The front matter of a trusted news page: 6 lines, the body starts at line 7.
const NEWS_FRONT: &str = "---\n\
title: \"Rentrée du réseau\"\n\
description: \"Ce qui change à la rentrée.\"\n\
date: 2026-09-01\n\
tags: [réseau]\n\
---\n";

const CLUB: &str = "content/clubs/lieux.md";
const NEWS: &str = "content/news/rentree.md";

/// A copy of the repository's site with one page written.
struct Page {
    site: TestSite,
    path: &'static str,
    text: String,
}

impl Page {
    /// The club page `content/clubs/lieux.md` (untrusted) with `body`.
    fn club(body: &str) -> Page {
        let page = Page::file(CLUB, format!("{CLUB_FRONT}{body}"));
        page.site.write("content/clubs/lieux.en.md", CLUB_EN);
        page
    }

    /// The news page `content/news/rentree.md` (trusted) with `body`.
    fn news(body: &str) -> Page {
        Page::file(NEWS, format!("{NEWS_FRONT}{body}"))
    }

    /// `path` holding `text`, whole.
    fn file(path: &'static str, text: String) -> Page {
        let site = TestSite::repository();
        site.write(path, &text);
        Page { site, path, text }
    }

    /// The first line of each diagnostic `check` prints for the page, in
    /// the locale `locale` (`C.UTF-8` for English, `fr_FR.UTF-8` for French).
    fn diagnostics_in(&self, locale: &str) -> Vec<String> {
        let root = self.site.root();
        let out = Command::new(env!("CARGO_BIN_EXE_alumni"))
            .args(["check", "--root", root.to_str().unwrap()])
            .env("LC_ALL", locale)
            .output()
            .expect("the alumni binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        stderr
            .lines()
            .filter(|l| l.starts_with(self.path))
            .map(str::to_string)
            .collect()
    }

    /// The diagnostics in English.
    fn diagnostics(&self) -> Vec<String> {
        self.diagnostics_in("C.UTF-8")
    }

    /// `path:L:C: severity: message`, with the column of `needle` on line
    /// `line` of the file.
    fn at(&self, line: usize, needle: &str, severity: &str, message: &str) -> String {
        let source = self.text.lines().nth(line - 1).unwrap();
        let byte = source
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} on line {line}: {source}"));
        let col = source[..byte].chars().count() + 1;
        format!("{}:{line}:{col}: {severity}: {message}", self.path)
    }

    /// Asserts that `check` reports `expected` (made by [`Page::at`]), and
    /// that it is not also reported at an earlier line of the same kind.
    fn reports(&self, expected: &str) {
        let found = self.diagnostics();
        assert!(
            found.iter().any(|d| d == expected),
            "expected {expected}\nfound:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn a_markdown_image_without_alt_is_reported_at_its_own_line() {
    let page = Page::club(
        "Bienvenue au club.\n\n![Le logo du club](logo.png)\n\nNotre dernière sortie : ![](sortie.jpg)\n",
    );
    page.reports(&page.at(12, "![](", "error", "this image has no alternative text"));
}

#[test]
fn a_raw_html_image_without_alt_is_reported_at_its_tag_not_at_an_earlier_image() {
    // Reported on the line of an earlier image with an alt before: the
    // check searched the file for the first `x.jpg`.
    let body = "Intro.\n\n".to_string()
        + &"Texte.\n\n".repeat(6)
        + "<img src=\"photo-x.jpg\" alt=\"La salle\">\n\n<p>Le plan : <img src=\"x.jpg\" width=\"800\"></p>\n";
    for page in [Page::news(&body), Page::club(&body)] {
        let first_body_line = if page.path == NEWS { 7 } else { 8 };
        let line = first_body_line + 16;
        page.reports(&page.at(line, "<img", "error", "this image has no alternative text"));
        let found = page.diagnostics();
        let alt: Vec<_> = found.iter().filter(|d| d.contains("alternative")).collect();
        assert_eq!(
            alt.len(),
            1,
            "reported once, where it is written: {found:?}"
        );
        // The missing files are reported at their own address, not at the
        // end of a longer one.
        let missing = page.at(
            line,
            "x.jpg",
            "error",
            "link to `x.jpg`, which is not a page or file of the site",
        );
        assert!(
            found.iter().any(|d| d.starts_with(&missing)),
            "{missing}: {found:?}"
        );
    }
}

#[test]
fn raw_html_removed_from_an_untrusted_page_is_reported_at_the_element() {
    let page = Page::club(
        "Écrivez `<iframe>` pour intégrer une vidéo : non.\n\n<p>Notre chaîne :</p>\n\n<iframe src=\"https://video.example/club\"></iframe>\n",
    );
    page.reports(&page.at(
        12,
        "<iframe",
        "error",
        "an <iframe> element is not allowed in this page",
    ));
}

#[test]
fn a_forbidden_attribute_is_reported_at_its_name() {
    let page = Page::club(
        "<p><a href=\"https://exemple.org/\">Notre site</a></p>\n\n<p><span title=\"x\">a</span> <span onclick=\"alert(1)\">b</span></p>\n\n<p><a href=\"javascript:alert(1)\">Cliquez</a></p>\n",
    );
    page.reports(&page.at(
        10,
        "onclick",
        "error",
        "an event-handler attribute (`onclick`) is not allowed in this page",
    ));
    page.reports(&page.at(
        12,
        "href",
        "error",
        "a javascript: address is not allowed in this page",
    ));
}

#[test]
fn a_markdown_image_from_another_host_is_reported_at_the_image() {
    let page = Page::club(
        "![Le logo](logo.png)\n\nEt la photo : ![La salle](https://photos.example/salle.jpg)\n",
    );
    page.reports(&page.at(
        10,
        "![La salle]",
        "error",
        "images must be files of the site, not `https://photos.example/salle.jpg`",
    ));
}

#[test]
fn an_unknown_shortcode_is_reported_at_its_name() {
    let page = Page::club(
        "{{ figure(src=\"logo.png\", alt=\"Le logo\") }}\n\nPuis :\n\n{{ figur(src=\"logo.png\", alt=\"Le logo\") }}\n",
    );
    page.reports(&page.at(12, "figur", "error", "unknown shortcode `figur`"));
}

#[test]
fn shortcode_arguments_missing_unknown_or_of_the_wrong_type_are_reported_at_the_call() {
    let page = Page::club(
        "{{ figure(src=\"logo.png\", alt=\"Le logo\") }}\n\n\
{{ figure(src=\"salle.png\") }}\n\n\
{{ figure(src=\"salle.png\", alt=\"La salle\", legende=\"Notre salle\") }}\n\n\
{{ figure(src=3, alt=\"Trois\") }}\n",
    );
    page.reports(&page.at(10, "figure", "error", "`figure` needs the argument `alt`"));
    page.reports(&page.at(12, "legende", "error", "`figure` has no argument `legende`"));
    page.reports(&page.at(
        14,
        "src",
        "error",
        "`src` of `figure` must be a quoted text, not 3",
    ));
}

#[test]
fn a_call_the_theme_refuses_is_reported_in_the_page_not_in_the_theme() {
    // Cited `themes/sorbonne/shortcodes/figure.html:3:28`, a file the club
    // leader never wrote, when the call gave an empty `alt`.
    let page = Page::club(
        "{{ figure(src=\"logo.png\", alt=\"Le logo\") }}\n\nLa salle :\n\n{{ figure(src=\"salle.png\", alt=\"\") }}\n",
    );
    let found = page.diagnostics();
    assert!(
        found.iter().all(|d| !d.contains("themes/")),
        "{}",
        found.join("\n")
    );
    // At the argument the theme names (`argument="alt"` in its `throw`).
    page.reports(&page.at(
        12,
        "alt=\"\"",
        "error",
        "`figure` refuses this call: alt must describe the image for readers who cannot see it",
    ));
}

#[test]
fn an_unclosed_shortcode_is_reported_at_its_opening() {
    let page = Page::club(
        "{% note(kind=\"info\") %}\nRéunion jeudi.\n{% end %}\n\nEt :\n\n{% note(kind=\"warning\") %}\nSalle fermée.\n",
    );
    page.reports(&page.at(
        14,
        "{%",
        "error",
        "shortcode: `note` is opened here and never closed",
    ));
}

#[test]
fn an_unclosed_text_in_a_shortcode_call_is_reported_at_its_quote() {
    let page = Page::club(
        "{{ figure(src=\"logo.png\", alt=\"Le logo\") }}\n\n{{ figure(src=\"salle.png\", alt=\"La salle) }}\n",
    );
    page.reports(&page.at(
        10,
        "\"La salle",
        "error",
        "shortcode: this text is never closed",
    ));
}

#[test]
fn a_heading_or_note_with_an_id_of_the_theme_is_reported_at_it() {
    let page = Page::club(
        "## Agenda {#agenda}\n\nTexte[^1].\n\n## Sommaire {#contenu}\n\nEncore[^contenu].\n\n[^1]: Une note.\n\n[^contenu]: Une autre.\n",
    );
    page.reports(&page.at(
        12,
        "## Sommaire",
        "error",
        "the id `contenu` is used by the theme's pages",
    ));
    page.reports(&page.at(
        18,
        "[^contenu]:",
        "error",
        "the note name `contenu` is an id used by the theme's pages",
    ));
}

#[test]
fn a_link_to_a_missing_page_is_reported_at_its_address() {
    let page = Page::club(
        "Voir le [club Biotech](@/clubs/biotech.md).\n\nEt le [club disparu](@/clubs/disparu.md).\n",
    );
    page.reports(&page.at(
        10,
        "@/clubs/disparu.md",
        "error",
        "link to a missing page `@/clubs/disparu.md`",
    ));
}

#[test]
fn addresses_with_spaces_are_errors_at_the_address_with_both_fixes() {
    // CommonMark publishes `[flyer](Flyer rentrée.pdf)` as it is written,
    // brackets and all, and `check` used to pass.
    let page = Page::club(
        "Le [programme](programme.pdf) est en ligne.\n\n\
![Le logo](logo.png) puis ![](Photo de groupe été.jpg)\n\n\
Le [flyer](Flyer rentrée.pdf) et le [plan](<Plan du campus.pdf>).\n\n\
Une [note] (voir plus bas), `[code](a b.pdf)` et [crochets] [doubles].\n\n\
```\n[bloc](Mon fichier.pdf)\n```\n",
    );
    let found = page.diagnostics();
    let image = page.at(
        10,
        "Photo de",
        "error",
        "the address of this image holds a space, so Markdown publishes it as plain text: `Photo de groupe été.jpg`",
    );
    let link = page.at(
        12,
        "Flyer rentrée",
        "error",
        "the address of this link holds a space, so Markdown publishes it as plain text: `Flyer rentrée.pdf`",
    );
    let spaces: Vec<_> = found
        .iter()
        .filter(|d| d.contains("holds a space"))
        .cloned()
        .collect();
    assert_eq!(spaces, [image, link]);
    // The address in angle brackets is a link like any other: its missing
    // file is reported at the address as written, not in the template.
    let bracketed = page.at(
        12,
        "Plan du",
        "error",
        "link to `Plan%20du%20campus.pdf`, which is not a page or file of the site",
    );
    assert!(found.contains(&bracketed), "{bracketed}: {found:?}");
    let hints = page.site.check(&[]);
    let output = hints.stderr + &hints.stdout;
    for hint in [
        "(<Photo de groupe été.jpg>)",
        "`photo-de-groupe-ete.jpg`",
        "(<Flyer rentrée.pdf>)",
        "`flyer-rentree.pdf`",
    ] {
        assert!(output.contains(hint), "{hint} in {output}");
    }
    let french = page.diagnostics_in("fr_FR.UTF-8");
    assert!(
        french.iter().any(|d| d.ends_with(
            "erreur : l'adresse de ce lien contient une espace, Markdown le publie donc comme du texte : `Flyer rentrée.pdf`"
        )),
        "{french:?}"
    );
}

/// A club page whose front matter is `front` (from its first `---`).
fn club_file(front: &str) -> Page {
    let page = Page::file(CLUB, format!("{front}Le club.\n"));
    page.site.write("content/clubs/lieux.en.md", CLUB_EN);
    page
}

#[test]
fn an_unclosed_quote_in_front_matter_is_reported_at_the_quote() {
    // Reported at 3:15 when the quote left open on line 2 was closed by the
    // next line's first quote, where the backend stopped.
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind: [professionnel]\nstatus: actif\nscope: \"Les diplômés\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        5,
        "\"Les",
        "error",
        "invalid YAML: this quoted text is never closed",
    ));
    let page = club_file("---\ntitle: \"Club des\n---\n");
    page.reports(&page.at(
        2,
        "\"Club",
        "error",
        "invalid YAML: this quoted text is never closed",
    ));
}

#[test]
fn a_quoted_value_over_several_lines_is_valid() {
    let page = club_file(
        "---\ntitle: \"Club des\n  lieux\"\nclub_kind: [professionnel]\nstatus: actif\nscope: \"Les diplômés\"\ncontact: \"Le bureau du club\"\n---\n",
    );
    assert_eq!(page.diagnostics(), Vec::<String>::new());
}

#[test]
fn bad_indentation_in_front_matter_is_reported_at_the_line() {
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind: [professionnel]\nstatus: actif\n  scope: \"Les diplômés\"\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        5,
        "scope",
        "error",
        "invalid YAML: this line is indented under `status:`, which already has its value",
    ));
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind:\n  - professionnel\n - thematique\nstatus: actif\nscope: \"Les diplômés\"\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        5,
        "- thematique",
        "error",
        "invalid YAML: this line is indented like none of the lines above",
    ));
}

#[test]
fn a_tab_in_front_matter_is_reported_at_the_tab() {
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind:\n  - professionnel\n\t- thematique\nstatus: actif\nscope: \"Les diplômés\"\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(5, "\t", "error", "invalid YAML: a tab indents this line"));
}

#[test]
fn a_duplicate_key_in_front_matter_is_reported_at_its_second_occurrence() {
    // Reported at 2:1, the mapping's start.
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind: [professionnel]\nstatus: actif\nscope: \"Les diplômés\"\nstatus: en sommeil\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        6,
        "status",
        "error",
        "invalid YAML: the key `status` is given twice",
    ));
}

#[test]
fn an_unclosed_list_in_front_matter_is_reported_at_its_bracket() {
    let page = club_file(
        "---\ntitle: \"Club des lieux\"\nclub_kind: [professionnel]\nstatus: actif\ntags: [réseau, sorties\nscope: \"Les diplômés\"\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        5,
        "[réseau",
        "error",
        "invalid YAML: this `[` is never closed",
    ));
}

#[test]
fn diagnostics_of_these_stages_are_written_in_french_too() {
    let page =
        Page::club("![Logo](logo.png)\n\n{{ figur(src=\"logo.png\") }}\n\n![](affiche.png)\n");
    let french = page.diagnostics_in("fr_FR.UTF-8");
    for message in [
        ":10:4: erreur : shortcode inconnu : `figur`",
        ":12:1: erreur : cette image n'a pas de texte alternatif",
    ] {
        assert!(
            french.iter().any(|d| d.ends_with(message)),
            "{message} in {french:?}"
        );
    }
}

#[test]
fn a_heading_id_given_twice_is_reported_at_the_second_heading() {
    let page = Page::news(
        "## Le programme {#programme}\n\nLe matin.\n\n## Inscription\n\nEn ligne.\n\n## Le programme détaillé {#programme}\n\nL'après-midi.\n",
    );
    page.reports(&page.at(
        15,
        "## Le programme détaillé",
        "error",
        "a heading above already has the id `programme`",
    ));
}

#[test]
fn an_apostrophe_inside_single_quotes_is_reported_at_the_apostrophe() {
    let page = club_file(
        "---\ntitle: 'Club des lieux'\nclub_kind: [professionnel]\nstatus: actif\nscope: 'Les diplômés de l'été'\ncontact: \"Le bureau du club\"\n---\n",
    );
    page.reports(&page.at(
        5,
        "'été",
        "error",
        "invalid YAML: this apostrophe ends the text opened by the `'` before it",
    ));
}
