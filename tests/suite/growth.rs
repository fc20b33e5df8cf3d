//! What a site's output grows with: twice the pages, at most about twice
//! the bytes. A pager that links every page of a list from each of them,
//! or a list page that carries the whole site, grows with the square of
//! the pages instead, which this catches at a few hundred pages.

use std::path::Path;

use crate::harness::{TestSite, tree};

/// Adds pages `from..to` to the repository's site: news (a paginated
/// section, shown in English too as fallbacks), events (one list page, a
/// calendar each) and clubs (the `club_kind` terms), all tagged with one
/// common tag whose term pages are paginated.
fn add_pages(site: &TestSite, from: usize, to: usize) {
    let body = "Le réseau des alumni rassemble les diplômés autour de projets communs. \
                Chaque rencontre est une occasion de partager une expérience, \
                de trouver un conseil ou de proposer une collaboration.\n";
    for i in from..to {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let date = format!("2025-{month:02}-{day:02}");
        let common = format!(
            "title: \"Page générée {i}\"\ndate: {date}\ndescription: \"Description de la page {i}.\"\ntags: [commun, groupe-{}]\n",
            i % 3
        );
        let (path, fields) = match i % 4 {
            0 | 1 => (format!("content/news/genere-{i}.md"), String::new()),
            2 => (
                format!("content/events/genere-{i}.md"),
                format!("start: {date}T18:30\nplace: \"Paris\"\n"),
            ),
            _ => (
                format!("content/clubs/genere-{i}.md"),
                format!(
                    "weight: {i}\nclub_kind: [thématique]\nstatus: actif\nscope: \"Tous les diplômés\"\ncontact: \"Le bureau du club {i}\"\n"
                ),
            ),
        };
        site.write(&path, &format!("---\n{common}{fields}---\n\n{body}"));
    }
}

/// Builds into `out` (under the site's temporary folder) and returns the
/// output's size in bytes.
fn build_size(site: &TestSite, out: &str) -> usize {
    let out = site.temp().join(out);
    let run = site.build(&["--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    output_bytes(&out)
}

fn output_bytes(dir: &Path) -> usize {
    tree(dir).values().map(Vec::len).sum()
}

#[test]
fn twice_the_pages_make_at_most_about_twice_the_output() {
    const N: usize = 200;
    let site = TestSite::repository();
    // One news item per list page: as many list pages as news, the case
    // where links to every other list page would weigh most.
    site.edit(
        "content/site.yaml",
        "sort_by: date\n    paginate_by: 2",
        "sort_by: date\n    paginate_by: 1",
    );
    let base = build_size(&site, "out-0");
    add_pages(&site, 0, N);
    let once = build_size(&site, "out-n") - base;
    add_pages(&site, N, 2 * N);
    let twice = build_size(&site, "out-2n") - base;
    let growth = twice as f64 / once as f64;
    assert!(
        growth <= 2.2,
        "{N} pages add {once} bytes, {} pages add {twice}: {growth:.2} times as much",
        2 * N
    );
    // The pager of the news shows a window, whatever the number of pages:
    // the first, the last and two on each side of the current one.
    let out = site.temp().join("out-2n");
    let middle = std::fs::read_to_string(out.join("news/page/50/index.html")).unwrap();
    let pager = &middle[middle.find(r#"<nav class="pagination""#).unwrap()..];
    let pager = &pager[..pager.find("</nav>").unwrap()];
    let links = pager.matches("<li>").count();
    // Previous, 1, 48, 49, 50 (current), 51, 52, last, next; and two gaps.
    assert_eq!(links, 9, "{pager}");
    assert_eq!(
        pager.matches(r#"<li class="gap">…</li>"#).count(),
        2,
        "{pager}"
    );
    assert!(
        pager.contains(r#"<span aria-current="page">Page 50</span>"#),
        "{pager}"
    );
    assert!(pager.contains(r#"<a href="/news/">Page 1</a>"#), "{pager}");
    assert!(
        pager.contains(r#"<a rel="next" href="/news/page/51/">"#),
        "{pager}"
    );
}
