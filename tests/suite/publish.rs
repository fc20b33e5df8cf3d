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
    let headers = site.read("public/_headers");
    assert!(headers.contains(&format!(
        "/alumni/{first}\n  Cache-Control: public, max-age=31536000, immutable"
    )));
    assert!(
        headers.starts_with("/alumni/*\n  X-Content-Type-Options: nosniff\n"),
        "{headers}"
    );
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
    if jq_missing() {
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
    let plan = upload_plan(&old, &site.public().join(".alumni-manifest.json"));
    assert_eq!((plan.code, plan.stderr.as_str()), (0, ""));
    assert_eq!(
        plan.stdout,
        "delete document.txt\n\
         upload clubs/club-docteurs-chercheurs-et-doctorants/index.html\n\
         upload search.json\n"
    );
}

/// A manifest in `dir/name` listing `files` (path, hash) as `alumni build`
/// writes them, escaped by a JSON library.
fn write_manifest(dir: &std::path::Path, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let files: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .map(|(path, hash)| ((*path).to_owned(), serde_json::Value::from(*hash)))
        .collect();
    let path = dir.join(name);
    let text = serde_json::json!({ "algorithm": "sha256", "files": files }).to_string();
    std::fs::write(&path, text).unwrap();
    path
}

/// Whether jq, which the upload scripts need, is missing (the reason is
/// printed: the test is skipped; `.ci/run` installs it).
fn jq_missing() -> bool {
    let missing = std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err();
    if missing {
        eprintln!("skipped: jq is not installed (.ci/run installs it)");
    }
    missing
}

/// `.ci/upload-plan OLD NEW`, run in the folder holding NEW.
fn upload_plan(old: &std::path::Path, new: &std::path::Path) -> crate::harness::Run {
    let run = std::process::Command::new(crate::harness::repo_root().join(".ci/upload-plan"))
        .arg(old)
        .arg(new)
        .current_dir(new.parent().unwrap())
        .output()
        .unwrap();
    run.into()
}

/// `.ci/upload-apply PLAN SITE s3://bucket/site`, run in `temp` with a
/// stand-in `aws` first on the PATH, and every call it received: its
/// arguments, exactly.
fn upload_apply(
    temp: &std::path::Path,
    plan: &str,
    site: &std::path::Path,
) -> (crate::harness::Run, Vec<Vec<String>>) {
    use std::os::unix::fs::PermissionsExt;
    let bin = temp.join("bin");
    let calls = temp.join("aws-calls");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&calls).unwrap();
    // One file per call, its arguments NUL-terminated: any byte but NUL
    // comes back as it was given.
    std::fs::write(
        bin.join("aws"),
        "#!/bin/sh\nn=$(ls \"$AWS_CALLS\" | wc -l)\nprintf '%s\\0' \"$@\" > \"$AWS_CALLS/$(printf %04d \"$n\")\"\n",
    )
    .unwrap();
    std::fs::set_permissions(bin.join("aws"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let plan_file = temp.join("plan.txt");
    std::fs::write(&plan_file, plan).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = std::process::Command::new(crate::harness::repo_root().join(".ci/upload-apply"))
        .arg(&plan_file)
        .arg(site)
        .arg("s3://bucket/site")
        .env("PATH", path)
        .env("AWS_CALLS", &calls)
        .current_dir(temp)
        .output()
        .unwrap();
    let mut received: Vec<_> = std::fs::read_dir(&calls)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    received.sort();
    let received = received
        .iter()
        .map(|call| {
            let bytes = std::fs::read(call).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            text.split_terminator('\0').map(str::to_owned).collect()
        })
        .collect();
    std::fs::remove_dir_all(&calls).unwrap();
    (run.into(), received)
}

#[test]
fn the_upload_plan_and_the_deploy_keep_odd_names_verbatim() {
    if jq_missing() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let odd = "it's \"quoted\" $HOME `x` $(touch pwned) *.html";
    let kept = [
        ("index.html", "1"),
        ("back\\slash.txt", "2"),
        ("été/ü ñ.html", "3"),
        ("two  spaces, and one at the end ", "4"),
    ];
    let old = write_manifest(
        temp.path(),
        "old.json",
        &[&kept[..], &[("old page.html", "5"), ("-rf", "6")]].concat(),
    );
    let new = write_manifest(
        temp.path(),
        "new.json",
        &[
            &kept[..],
            &[("-rf", "7"), (odd, "8"), (" leading space.html", "9")],
        ]
        .concat(),
    );
    let plan = upload_plan(&old, &new);
    assert_eq!((plan.code, plan.stderr.as_str()), (0, ""));
    let expected =
        format!("delete old page.html\nupload  leading space.html\nupload -rf\nupload {odd}\n");
    assert_eq!(plan.stdout, expected);
    // First deploy: no manifest online, everything uploaded.
    let first = upload_plan(&temp.path().join("none.json"), &new);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout.lines().count(), 7);
    assert!(first.stdout.lines().all(|line| line.starts_with("upload ")));

    // What the deploy does with that plan: one `aws` argument per path,
    // after `--`, uploads first and the manifest last.
    let site = temp.path().join("site");
    for (path, _) in [
        &kept[..],
        &[("-rf", ""), (odd, ""), (" leading space.html", "")],
    ]
    .concat()
    {
        let file = site.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, path).unwrap();
    }
    std::fs::copy(&new, site.join(".alumni-manifest.json")).unwrap();
    let (run, calls) = upload_apply(temp.path(), &plan.stdout, &site);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(run.stdout, "3 uploaded, 1 deleted\n");
    let site = site.display();
    let cp = |from: &str, to: &str| {
        [
            "s3",
            "cp",
            "--only-show-errors",
            "--",
            &format!("{site}/{from}"),
            &format!("s3://bucket/site/{to}"),
        ]
        .map(str::to_owned)
        .to_vec()
    };
    assert_eq!(
        calls,
        [
            cp(" leading space.html", " leading space.html"),
            cp("-rf", "-rf"),
            cp(odd, odd),
            [
                "s3",
                "rm",
                "--only-show-errors",
                "--",
                "s3://bucket/site/old page.html"
            ]
            .map(str::to_owned)
            .to_vec(),
            cp(".alumni-manifest.json", ".alumni-manifest.json"),
        ]
    );
    assert!(!temp.path().join("pwned").exists(), "a name was evaluated");
}

#[test]
fn the_upload_plan_refuses_names_that_could_forge_a_line_or_leave_the_bucket() {
    if jq_missing() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let index = ("index.html", "1");
    // (the manifest holding the name beside `index.html`, the name, the
    // name as stderr quotes it, why it is refused).
    let cases = [
        // Without the check, `delete x` and then `delete index.html`, a file
        // the new site still has.
        (
            "old",
            "x\ndelete index.html",
            r#""x\ndelete index.html""#,
            "holds a control character",
        ),
        (
            "new",
            "a\nupload b",
            r#""a\nupload b""#,
            "holds a control character",
        ),
        ("new", "a\tb", r#""a\tb""#, "holds a control character"),
        ("new", "a\0b", r#""a\u0000b""#, "holds a control character"),
        (
            "old",
            "a\u{7f}",
            r#""a\u007f""#,
            "holds a control character",
        ),
        (
            "old",
            "\u{9b}2J",
            r#""\u009b2J""#,
            "holds a control character",
        ),
        ("new", "../x", r#""../x""#, "has a `..` component"),
        (
            "old",
            "static/../index.html",
            r#""static/../index.html""#,
            "has a `..` component",
        ),
        ("old", "/etc/passwd", r#""/etc/passwd""#, "is absolute"),
        (
            "new",
            "./index.html",
            r#""./index.html""#,
            "has an empty or `.` component",
        ),
        ("old", "a//b", r#""a//b""#, "has an empty or `.` component"),
        ("new", "", r#""""#, "is empty"),
    ];
    for (which, name, quoted, why) in cases {
        let bad = [index, (name, "2")];
        let (old_files, new_files) = if which == "old" {
            (&bad[..], &[index][..])
        } else {
            (&[index][..], &bad[..])
        };
        let old = write_manifest(temp.path(), "old", old_files);
        let new = write_manifest(temp.path(), "new", new_files);
        let plan = upload_plan(&old, &new);
        let file = serde_json::to_string(&temp.path().join(which)).unwrap();
        assert_eq!(
            (plan.code, plan.stdout.as_str(), plan.stderr.as_str()),
            (
                2,
                "",
                format!(
                    "upload-plan: {file}: the path {quoted} {why}\n\
                     upload-plan: no plan printed: a path must be relative, with no `..`, and fit on one line\n"
                )
                .as_str()
            ),
            "{quoted}"
        );
    }
    // A hash that is not a string: not a manifest, rather than a file that
    // is listed yet planned for deletion.
    let old = write_manifest(temp.path(), "old", &[index]);
    let new = temp.path().join("new");
    std::fs::write(&new, r#"{"files": {"index.html": null}}"#).unwrap();
    let plan = upload_plan(&old, &new);
    assert_eq!((plan.code, plan.stdout.as_str()), (2, ""));
    assert!(plan.stderr.contains("is not a manifest"), "{}", plan.stderr);
}

#[test]
fn the_upload_plan_reads_manifests_larger_than_one_command_line_argument() {
    if jq_missing() {
        return;
    }
    // 5,000 paths: some 400 KB of manifest, past the 128 KiB that Linux
    // allows one argument (the manifest was once passed as one).
    let temp = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..5000)
        .map(|i| format!("clubs/club-{i:05}/index.html"))
        .collect();
    let hash = "0".repeat(64);
    let listed: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), hash.as_str())).collect();
    let old = write_manifest(temp.path(), "old.json", &listed);
    let new = write_manifest(temp.path(), "new.json", &listed[1..]);
    assert!(std::fs::metadata(&old).unwrap().len() > 128 * 1024);
    let plan = upload_plan(&old, &new);
    assert_eq!((plan.code, plan.stderr.as_str()), (0, ""));
    assert_eq!(plan.stdout, "delete clubs/club-00000/index.html\n");
}

#[test]
fn the_deploy_checks_the_whole_plan_before_touching_the_bucket() {
    if jq_missing() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "x").unwrap();
    std::fs::write(site.join(".alumni-manifest.json"), "{}").unwrap();
    for (plan, message) in [
        (
            "upload index.html\nrm -rf /\n",
            "plan.txt:2: unknown action \"rm\"",
        ),
        (
            "upload index.html\ndelete\n",
            "plan.txt:2: \"delete\" is not `upload PATH` or `delete PATH`",
        ),
        (
            "upload index.html\ndelete a/../index.html\n",
            "the path \"a/../index.html\" is absolute or has a `..` component",
        ),
        (
            "delete /index.html\n",
            "the path \"/index.html\" is absolute",
        ),
        ("upload missing.html\n", "missing.html\" does not exist"),
    ] {
        let (run, calls) = upload_apply(temp.path(), plan, &site);
        assert_eq!(run.code, 2, "{plan:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{plan:?}: {}", run.stderr);
        assert!(run.stderr.ends_with("; nothing done\n"), "{}", run.stderr);
        assert_eq!(calls, Vec::<Vec<String>>::new(), "{plan:?}");
    }
    // A link in the site would upload what it points to.
    std::os::unix::fs::symlink("/etc/passwd", site.join("passwd.txt")).unwrap();
    let (run, calls) = upload_apply(temp.path(), "upload index.html\n", &site);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("passwd.txt\" is neither a regular file nor a folder"),
        "{}",
        run.stderr
    );
    assert_eq!(calls, Vec::<Vec<String>>::new());
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
