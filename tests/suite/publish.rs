//! Publishing outputs: sitemap with hreflang alternates, robots.txt, Atom
//! feeds, calendars, and redirects for aliases, snapshotted on the fixture site.

use crate::harness::{TestSite, assert_snapshot};

#[test]
fn sitemap_robots_feeds_and_redirects() {
    let site = TestSite::new("site");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (file, name) in [
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
        ("atom.xml", "atom-fr.xml"),
        ("en/atom.xml", "atom-en.xml"),
        ("clubs/atom.xml", "atom-clubs.xml"),
        ("_redirects", "redirects.txt"),
        ("club-des-docteurs/index.html", "alias.html"),
        ("events.ics", "events.ics"),
        ("events/rencontre-biotech/event.ics", "event.ics"),
        ("clubs/biotech/events.ics", "club-events.ics"),
        ("search.json", "search.json"),
    ] {
        assert_snapshot(name, &site.read(&format!("public/{file}")));
    }
}

#[test]
fn an_alias_on_a_page_url_is_an_error() {
    let site = TestSite::new("site");
    site.edit(
        "content/clubs/docteurs.md",
        "aliases: [/club-des-docteurs/",
        "aliases: [/clubs/biotech/",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`content/clubs/biotech.md` and `content/clubs/docteurs.md` both produce `/clubs/biotech/index.html`"),
        "{}",
        run.stderr
    );
}

#[test]
fn feeds_change_only_with_content() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let before = site.read("public/atom.xml");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(site.build(&[]).code, 0);
    assert_eq!(
        site.read("public/atom.xml"),
        before,
        "a feed must not depend on the clock"
    );
}
