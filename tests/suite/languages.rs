//! Languages, taxonomies, pagination and shortcodes on the fixture site.

use crate::harness::{TestSite, tree};

fn built() -> TestSite {
    let site = TestSite::new("site");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

#[test]
fn translations_know_each_other_with_hreflang_and_x_default() {
    let site = built();
    let en = site.read("public/en/clubs/biotech-club/index.html");
    assert!(
        en.starts_with("<!doctype html>\n<html lang=\"en\">"),
        "{en}"
    );
    for needle in [
        r#"<link rel="alternate" hreflang="en" href="https://example.org/alumni/en/clubs/biotech-club/">"#,
        r#"<link rel="alternate" hreflang="fr" href="https://example.org/alumni/clubs/biotech/">"#,
        r#"<link rel="alternate" hreflang="x-default" href="https://example.org/alumni/clubs/biotech/">"#,
        r#"Read in <a href="/alumni/clubs/biotech/" hreflang="fr">Français</a>"#,
    ] {
        assert!(en.contains(needle), "{needle}");
    }
    let fr = site.read("public/clubs/biotech/index.html");
    assert!(
        fr.contains(
            r#"Lire en <a href="/alumni/en/clubs/biotech-club/" hreflang="en">English</a>"#
        )
    );
    // A page without translation has no alternates.
    let alone = site.read("public/clubs/club-docteurs-chercheurs-et-doctorants/index.html");
    assert!(!alone.contains("hreflang=\"en\""));
}

#[test]
fn source_links_resolve_to_the_page_in_the_same_language() {
    let site = built();
    // `[the clubs](@/clubs/_index.md)` in the English home.
    assert!(
        site.read("public/en/index.html")
            .contains(r#"<a href="/alumni/en/clubs/">the clubs</a>"#)
    );
    // The same link in the French home.
    assert!(
        site.read("public/index.html")
            .contains(r#"<a href="/alumni/clubs/">les clubs</a>"#)
    );
    // The menu's url(path="@/...") follows the page's language too.
    assert!(
        site.read("public/en/clubs/index.html")
            .contains(r#"<a href="/alumni/en/" >"#.replace(" >", "").as_str())
    );
}

#[test]
fn dates_are_written_in_each_language() {
    let site = built();
    assert!(
        site.read("public/clubs/biotech/index.html")
            .contains("16 novembre 2026 · 16 November 2026")
    );
    assert!(
        site.read("public/news/premier-numero/index.html")
            .contains("1er novembre 2026")
    );
    assert!(
        site.read("public/en/clubs/index.html")
            .contains("16 November 2026")
    );
}

#[test]
fn untranslated_pages_are_omitted_or_shown_with_a_notice() {
    let site = built();
    // clubs/ omits: no English page for the doctors' club.
    assert!(
        !site
            .public()
            .join("en/clubs/club-docteurs-chercheurs-et-doctorants")
            .exists()
    );
    assert!(!site.read("public/en/clubs/index.html").contains("docteurs"));
    // news/ falls back: the French text under /en/, marked as French, with a notice in English.
    let fallback = site.read("public/en/news/premier-numero/index.html");
    assert!(fallback.contains("<html lang=\"en\">"));
    assert!(fallback.contains("<article lang=\"fr\">\n<p class=\"notice\" lang=\"en\">This page is not translated yet.</p>"));
    // A fallback is not a translation: the French page announces no English version.
    assert!(
        !site
            .read("public/news/premier-numero/index.html")
            .contains("hreflang=\"en\"")
    );
}

/// A language whose month and day names are unknown is refused at its
/// entry in the config, by name, in English and French (before, a German
/// edition was built with its dates in bare numbers, or English month
/// names, and nothing said so). Catches a formatter that falls back
/// silently, or an error not located at the language's entry.
#[test]
fn a_language_without_month_names_is_refused_at_its_entry() {
    let site = TestSite::new("site");
    site.edit(
        "content/site.yaml",
        "  en:\n    name: English\n",
        "  en:\n    name: English\n  de:\n    name: Deutsch\n",
    );
    let line = site
        .read("content/site.yaml")
        .lines()
        .position(|l| l == "  de:")
        .unwrap()
        + 1;
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "content/site.yaml:{line}:3: error: no month and day names for the language `de`: dates can be written in fr, en only"
        )),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists());
    let root = site.root();
    let french = crate::harness::alumni_command()
        .args(["check", "--root", root.to_str().unwrap()])
        .env("LC_ALL", "fr_FR.UTF-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&french.stdout);
    assert!(
        stdout.contains("pas de noms de mois et de jours pour la langue `de`"),
        "{stdout}"
    );
}

#[test]
fn taxonomies_list_terms_with_counts_per_language() {
    let site = built();
    let tags = site.read("public/tags/index.html");
    assert!(
        tags.contains(r#"<a href="/alumni/tags/economie/">Économie</a> (1)"#),
        "{tags}"
    );
    assert!(
        tags.contains(r#"<a href="/alumni/tags/sciences/">sciences</a> (2)"#),
        "{tags}"
    );
    let en = site.read("public/en/tags/index.html");
    assert!(
        en.contains(r#"<a href="/alumni/en/tags/science/">science</a> (1)"#),
        "{en}"
    );
    // A page links its terms.
    assert!(
        site.read("public/clubs/biotech/index.html")
            .contains(r#"<a href="/alumni/club-kind/professionnel/">professionnel</a>"#)
    );
}

#[test]
fn pagination_puts_page_one_at_the_list_url() {
    let site = built();
    let first = site.read("public/clubs/index.html");
    assert!(first.contains(r#"<b>1</b> <a href="/alumni/clubs/page/2/">2</a> <a rel="next" href="/alumni/clubs/page/2/">next</a> (1/2, first /alumni/clubs/, last /alumni/clubs/page/2/)"#), "{first}");
    assert!(!site.public().join("clubs/page/1").exists());
    let files = tree(&site.public());
    assert!(files.contains_key("tags/sciences/page/2/index.html"));
    assert!(!files.contains_key("tags/economie/page/2/index.html"));
}

#[test]
fn shortcodes_render_inline_and_with_a_body_but_not_in_code() {
    let site = built();
    let biotech = site.read("public/clubs/biotech/index.html");
    assert!(biotech.contains(r#"<div class="note note-info"><strong>À noter</strong><p>Le club est <strong>en construction</strong> : voir <a href="/alumni/clubs/club-docteurs-chercheurs-et-doctorants/">le club des docteurs</a>.</p>"#), "{biotech}");
    assert!(
        biotech.contains("<pre><code>{{ figure(src=\"x.svg\") }}\n</code></pre>"),
        "{biotech}"
    );
    let bundle = site.read("public/news/premier-numero/index.html");
    assert!(bundle.contains(r#"<figure><img src="motif.svg" alt="Un motif"><figcaption>Un motif abstrait</figcaption></figure>"#));
    // The shortcode is not wrapped in a paragraph.
    assert!(!bundle.contains("<p><figure>"));
}
