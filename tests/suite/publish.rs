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

#[test]
fn the_repository_site_describes_its_pages_for_search_engines() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = crate::harness::repo_root();
    let run = crate::harness::alumni(
        out.path(),
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            public.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json_ld = |page: &str| -> serde_json::Value {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        let start = html
            .find("<script type=\"application/ld+json\">")
            .expect("JSON-LD")
            + 35;
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    };
    let event = json_ld("events/lancement-du-reseau/index.html");
    assert_eq!(event["@type"], "Event");
    assert_eq!(event["startDate"], "2026-11-16T09:00:00+01:00");
    assert_eq!(event["location"]["@type"], "VirtualLocation");
    assert_eq!(json_ld("index.html")["@type"], "Organization");
    let club = std::fs::read_to_string(public.join("clubs/biotech/index.html")).unwrap();
    assert!(club.contains("<meta property=\"og:url\" content=\"https://alumni.sorbonne-universite.fr/clubs/biotech/\">"));
}

#[test]
fn css_and_js_get_names_that_change_with_their_bytes() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let find = |site: &TestSite| -> String {
        let html = site.read("public/clubs/index.html");
        let start = html
            .find("/alumni/static/style.")
            .expect("a fingerprinted stylesheet")
            + "/alumni/".len();
        let end = start + html[start..].find('"').unwrap();
        html[start..end].to_string()
    };
    let first = find(&site);
    assert!(
        first.starts_with("static/style.")
            && first.ends_with(".css")
            && first.len() == "static/style.12345678.css".len(),
        "{first}"
    );
    assert!(site.public().join(&first).is_file());
    assert!(!site.public().join("static/style.css").exists());
    assert!(site.read("public/_headers").contains(&format!(
        "/alumni/{first}\n  Cache-Control: public, max-age=31536000, immutable"
    )));
    site.write("themes/mini/static/style.css", "body { margin: 1rem; }\n");
    assert_eq!(site.build(&[]).code, 0);
    let second = find(&site);
    assert_ne!(first, second);
    assert!(site.public().join(&second).is_file());
}
