//! Publishing outputs: sitemap with hreflang alternates, robots.txt, Atom
//! feeds, calendars, and redirects for aliases, snapshotted on the fixture site.

use crate::harness::{TestSite, assert_snapshot, tree};

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
        ("clubs/club-des-docteurs/index.html", "alias.html"),
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
        "aliases: [/clubs/club-des-docteurs/",
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

#[test]
fn the_manifest_gives_every_file_the_hash_that_sha256sum_gives() {
    let site = TestSite::new("site");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = site.public();
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/.alumni-manifest.json")).unwrap();
    assert_eq!(manifest["algorithm"], "sha256");
    let listed = manifest["files"].as_object().unwrap();
    // Every file of the output but the manifest itself, and nothing else.
    let files: Vec<String> = tree(&public)
        .into_keys()
        .filter(|p| p != ".alumni-manifest.json")
        .collect();
    assert_eq!(listed.keys().cloned().collect::<Vec<_>>(), files);
    // The hashes are those of coreutils' sha256sum, run in the output.
    let output = std::process::Command::new("sha256sum")
        .args(&files)
        .current_dir(&public)
        .output()
        .expect("sha256sum runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut checked = 0;
    for line in text.lines() {
        let (hash, path) = line.split_once("  ").unwrap();
        assert_eq!(listed[path], hash, "{path}");
        checked += 1;
    }
    assert_eq!(checked, files.len());
    assert!(checked > 40, "{checked} files");
}

#[test]
fn the_manifest_changes_only_where_the_content_did() {
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let read = |site: &TestSite| -> serde_json::Map<String, serde_json::Value> {
        let text = site.read("public/.alumni-manifest.json");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["files"].as_object().unwrap().clone()
    };
    let before = read(&site);
    site.edit(
        "content/clubs/docteurs.md",
        "## Qui peut adhérer ?",
        "## Qui peut adhérer ?\n\nUne phrase de plus.",
    );
    assert_eq!(site.build(&[]).code, 0);
    let after = read(&site);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, hash)| before.get(*path) != Some(hash))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        changed,
        [
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html",
            "search.json"
        ]
    );
    assert_eq!(before.len(), after.len());
}

#[test]
fn the_upload_plan_sends_what_changed_and_deletes_what_is_gone() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: jq is not installed (.ci/run installs it)");
        return;
    }
    let site = TestSite::new("site");
    assert_eq!(site.build(&[]).code, 0);
    let old = site.temp().join("old-manifest.json");
    std::fs::copy(site.public().join(".alumni-manifest.json"), &old).unwrap();
    site.edit(
        "content/clubs/docteurs.md",
        "## Qui peut adhérer ?",
        "## Qui peut adhérer ?\n\nUne phrase de plus.",
    );
    std::fs::remove_file(site.root().join("content/_static/document.txt")).unwrap();
    assert_eq!(site.build(&[]).code, 0);
    let plan = std::process::Command::new(crate::harness::repo_root().join(".ci/upload-plan"))
        .arg(&old)
        .arg(site.public().join(".alumni-manifest.json"))
        .output()
        .unwrap();
    assert!(plan.status.success(), "{plan:?}");
    assert_eq!(
        String::from_utf8(plan.stdout).unwrap(),
        "delete document.txt\n\
         upload clubs/club-docteurs-chercheurs-et-doctorants/index.html\n\
         upload search.json\n"
    );
}

/// `text` without comments, every whitespace run made one space: what a
/// browser renders of HTML in normal flow.
fn rendered_whitespace(text: &str) -> String {
    let mut rest = text;
    let mut kept = String::new();
    while let Some(start) = rest.find("<!--") {
        kept.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |e| &rest[start + e + 3..]);
    }
    kept.push_str(rest);
    kept.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn minify_changes_only_whitespace_and_comments_of_the_repository_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = crate::harness::repo_root();
    let build = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        let mut args = vec![
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = crate::harness::alumni(tmp.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        tree(&out)
    };
    let plain = build("plain", &[]);
    let small = build("small", &["--minify"]);
    let size = |t: &std::collections::BTreeMap<String, Vec<u8>>, ext: &str| -> usize {
        t.iter()
            .filter(|(p, _)| p.ends_with(ext))
            .map(|(_, b)| b.len())
            .sum()
    };
    for ext in [".html", ".css", ".js"] {
        assert!(size(&small, ext) < size(&plain, ext), "{ext} not smaller");
    }
    // The same pages, which differ only in whitespace and comments (and in
    // the fingerprinted names of the minified CSS and JS).
    let rename = |text: String, t: &std::collections::BTreeMap<String, Vec<u8>>| {
        let mut text = text;
        for path in t.keys().filter(|p| p.starts_with("static/")) {
            let stem = path.split('.').next().unwrap();
            text = text.replace(path.as_str(), &format!("{stem}.*"));
        }
        text
    };
    let html: Vec<&String> = plain.keys().filter(|p| p.ends_with(".html")).collect();
    assert!(html.len() > 100);
    for path in html {
        let before = rename(String::from_utf8(plain[path].clone()).unwrap(), &plain);
        let after = rename(String::from_utf8(small[path].clone()).unwrap(), &small);
        assert_eq!(
            rendered_whitespace(&before),
            rendered_whitespace(&after),
            "{path}"
        );
        assert!(
            after.contains("<pre") == before.contains("<pre"),
            "{path}: pre blocks kept"
        );
    }
    // Minified scripts still parse (when Node.js is here: CI has it).
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok()
    {
        for (path, bytes) in small.iter().filter(|(p, _)| p.ends_with(".js")) {
            let file = tmp.path().join("check.js");
            std::fs::write(&file, bytes).unwrap();
            let status = std::process::Command::new("node")
                .arg("--check")
                .arg(&file)
                .status()
                .unwrap();
            assert!(status.success(), "{path} does not parse once minified");
        }
    }
}
