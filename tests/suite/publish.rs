//! Publishing outputs: sitemap with hreflang alternates, robots.txt, Atom
//! feeds, calendars, and redirects for aliases, snapshotted on the fixture site;
//! and the deploy: the upload plan (`.ci/upload-plan`), its carrying out with
//! each file's cache lifetime (`.ci/upload-apply`, `.ci/cdn-rules`), the
//! addresses the CDN must forget (`.ci/invalidation-paths`), and the
//! `publish` job of `.github/workflows/deploy.yml` run here on builds of the
//! fixture site, with a stand-in for the AWS CLI.

use std::fmt::Write as _;

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
        ("_search/meta.json", "search-meta.json"),
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
    // Two builds a day apart (by `SOURCE_DATE_EPOCH`, not by sleeping):
    // the feed's dates come from the pages, never from the build's now.
    let site = TestSite::new("site");
    let build_at = |epoch: &str| {
        let run: crate::harness::Run = crate::harness::alumni_command()
            .args(["build", "--root", site.root().to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap()
            .into();
        assert_eq!(run.code, 0, "{}", run.stderr);
        site.read("public/atom.xml")
    };
    // 2026-12-01 and 2026-12-02, 00:00 UTC.
    let before = build_at("1796083200");
    assert_eq!(
        build_at("1796169600"),
        before,
        "a feed must not depend on the build's date"
    );
    site.edit("content/clubs/biotech.md", "title: Club", "title: Le club");
    assert_ne!(build_at("1796169600"), before, "a feed follows its pages");
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
        .filter(|path| !crate::harness::is_search_shard(path))
        .collect();
    assert_eq!(
        changed,
        [
            "_search/meta.json",
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html"
        ]
    );
    // The search index's hashed files are renamed, never rewritten.
    assert!(
        before.iter().all(
            |(p, h)| !crate::harness::is_search_shard(p) || after.get(p).is_none_or(|a| a == h)
        )
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
    // The search index's renamed chunks and fragments come and go too.
    let plan: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| !crate::harness::is_search_shard(l.split_once(' ').unwrap().1))
        .collect();
    assert_eq!(
        plan,
        [
            "delete document.txt",
            "upload _search/meta.json",
            "upload clubs/club-docteurs-chercheurs-et-doctorants/index.html"
        ]
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

/// A stand-in for the AWS CLI, first on the PATH: it keeps every call it
/// receives in `$AWS_CALLS`, one file per call, its arguments
/// NUL-terminated (so that any byte but NUL comes back as it was given; a
/// `file://NAME` argument is kept as the file's content), and plays an S3
/// bucket in the folder `$AWS_BUCKET`: `s3 cp` and `s3 rm` copy and remove
/// there the keys named after `--` (`s3://bucket/key` is
/// `$AWS_BUCKET/bucket/key`), and a missing key fails as `aws` does.
/// Returns the folder to put first on the PATH.
fn fake_aws(temp: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = temp.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("aws"),
        r#"#!/bin/bash
set -eu
n=$(ls "$AWS_CALLS" | wc -l)
for arg in "$@"; do
  case $arg in
    file://*) cat -- "${arg#file://}"; printf '\0' ;;
    *) printf '%s\0' "$arg" ;;
  esac
done > "$AWS_CALLS/$(printf %04d "$n")"
[ "$1" = s3 ] || exit 0
command=$2
while [ "$1" != -- ]; do shift; done
shift
key() { printf '%s/%s' "$AWS_BUCKET" "${1#s3://}"; }
case $command in
  cp)
    case $1 in
      s3://*) cp -- "$(key "$1")" "$2" ;;
      *) mkdir -p -- "$(dirname -- "$(key "$2")")"; cp -- "$1" "$(key "$2")" ;;
    esac
    ;;
  rm) rm -f -- "$(key "$1")" ;;
esac
"#,
    )
    .unwrap();
    std::fs::set_permissions(bin.join("aws"), std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// The calls the stand-in `aws` kept in `calls`, in order, which it then
/// forgets.
fn aws_calls(calls: &std::path::Path) -> Vec<Vec<String>> {
    let mut received: Vec<_> = std::fs::read_dir(calls)
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
    std::fs::remove_dir_all(calls).unwrap();
    std::fs::create_dir_all(calls).unwrap();
    received
}

/// `.ci/upload-apply PLAN SITE s3://bucket/site [DISTRIBUTION]`, run in
/// `temp` with the stand-in `aws` (its bucket in `temp/bucket`), and every
/// call it received: its arguments, exactly.
fn upload_apply(
    temp: &std::path::Path,
    plan: &str,
    site: &std::path::Path,
    distribution: Option<&str>,
) -> (crate::harness::Run, Vec<Vec<String>>) {
    let bin = fake_aws(temp);
    let calls = temp.join("aws-calls");
    std::fs::create_dir_all(&calls).unwrap();
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
        .args(distribution)
        .env("PATH", path)
        .env("AWS_CALLS", &calls)
        .env("AWS_BUCKET", temp.join("bucket"))
        .current_dir(temp)
        .output()
        .unwrap();
    (run.into(), aws_calls(&calls))
}

/// `aws s3 cp` of `from` to `to` with the `Cache-Control` of `cache`, as
/// the stand-in `aws` keeps it.
fn s3_cp(cache: &str, from: &str, to: &str) -> Vec<String> {
    [
        "s3",
        "cp",
        "--only-show-errors",
        "--cache-control",
        cache,
        "--",
        from,
        to,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The Cache-Control values of .ci/cdn-rules.
const LONG_CACHE: &str = "public, max-age=31536000, immutable";
const SHORT_CACHE: &str = "public, max-age=300, s-maxage=86400";

/// `.ci/invalidation-paths PLAN SITE [MAX]` on `plan`, for a site whose
/// sitemap is at `https://example.org/alumni/sitemap.xml`.
fn invalidation_paths(plan: &str, max: Option<&str>) -> crate::harness::Run {
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/alumni/sitemap.xml\n",
    )
    .unwrap();
    std::fs::write(temp.path().join("plan.txt"), plan).unwrap();
    std::process::Command::new(crate::harness::repo_root().join(".ci/invalidation-paths"))
        .arg("plan.txt")
        .arg(&site)
        .args(max)
        .current_dir(temp.path())
        .output()
        .unwrap()
        .into()
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
    std::fs::write(
        site.join("robots.txt"),
        "Sitemap: https://example.org/alumni/sitemap.xml\n",
    )
    .unwrap();
    let (run, mut calls) = upload_apply(temp.path(), &plan.stdout, &site, Some("E2EXAMPLE"));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(
        run.stdout,
        "3 uploaded, 1 deleted, 4 addresses invalidated\n"
    );
    let site = site.display();
    let cp = |from: &str, to: &str| {
        s3_cp(
            SHORT_CACHE,
            &format!("{site}/{from}"),
            &format!("s3://bucket/site/{to}"),
        )
    };
    // The invalidation: its addresses percent-encoded where CloudFront
    // asks, the name with `*` cut before it.
    let batch: serde_json::Value = serde_json::from_str(&calls[4][5]).unwrap();
    assert_eq!(
        batch["Paths"],
        serde_json::json!({"Quantity": 4, "Items": [
            "/alumni/%20leading%20space.html",
            "/alumni/-rf",
            "/alumni/it's%20%22quoted%22%20$HOME%20%60x%60%20$(touch%20pwned)%20*",
            "/alumni/old%20page.html",
        ]})
    );
    assert!(
        batch["CallerReference"]
            .as_str()
            .unwrap()
            .starts_with("alumni-")
    );
    calls[4][5] = "BATCH".to_owned();
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
            [
                "cloudfront",
                "create-invalidation",
                "--distribution-id",
                "E2EXAMPLE",
                "--invalidation-batch",
                "BATCH",
                "--query",
                "Invalidation.Id",
                "--output",
                "text"
            ]
            .map(str::to_owned)
            .to_vec(),
            s3_cp(
                "no-cache",
                &format!("{site}/.alumni-manifest.json"),
                "s3://bucket/site/.alumni-manifest.json"
            ),
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
        let (run, calls) = upload_apply(temp.path(), plan, &site, Some("E2EXAMPLE"));
        assert_eq!(run.code, 2, "{plan:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{plan:?}: {}", run.stderr);
        assert!(run.stderr.ends_with("; nothing done\n"), "{}", run.stderr);
        assert_eq!(calls, Vec::<Vec<String>>::new(), "{plan:?}");
    }
    // A link in the site would upload what it points to.
    std::os::unix::fs::symlink("/etc/passwd", site.join("passwd.txt")).unwrap();
    let (run, calls) = upload_apply(temp.path(), "upload index.html\n", &site, None);
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

#[test]
fn the_invalidation_list_names_each_address_once_and_nothing_fingerprinted() {
    if jq_missing() {
        return;
    }
    let run = invalidation_paths(
        "delete old/index.html\n\
         delete x*y.html\n\
         upload clubs/biotech/index.html\n\
         upload index.html\n\
         upload static/js/app.0123abcd.js\n\
         upload static/style.89abcdef.css\n\
         upload static/style.css\n\
         upload été/a b?#100%.html\n",
        None,
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(
        run.stdout,
        "/alumni/\n\
         /alumni/%C3%A9t%C3%A9/a%20b%3F%23100%25.html\n\
         /alumni/clubs/biotech/\n\
         /alumni/clubs/biotech/index.html\n\
         /alumni/index.html\n\
         /alumni/old/\n\
         /alumni/old/index.html\n\
         /alumni/static/style.css\n\
         /alumni/x*\n"
    );
    // Nothing changed, or only fingerprinted files: nothing to forget.
    for plan in [
        "",
        "upload static/style.89abcdef.css\ndelete static/style.01234567.css\n",
    ] {
        let run = invalidation_paths(plan, None);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (0, "", "")
        );
    }
    // Past the bound, the whole site once; up to it, each address.
    let plan = |n: usize| -> String {
        (0..n).fold(String::new(), |mut plan, i| {
            let _ = writeln!(plan, "upload p{i:03}.html");
            plan
        })
    };
    assert_eq!(
        invalidation_paths(&plan(100), None).stdout.lines().count(),
        100
    );
    assert_eq!(invalidation_paths(&plan(101), None).stdout, "/alumni/*\n");
    assert_eq!(
        invalidation_paths(&plan(3), Some("2")).stdout,
        "/alumni/*\n"
    );
    // Not a plan: nothing printed.
    let run = invalidation_paths("upload a.html\nrm -rf /\n", None);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert!(
        run.stderr
            .contains(r#""rm -rf /" is not `upload PATH` or `delete PATH`"#),
        "{}",
        run.stderr
    );
}

#[test]
fn the_year_long_cache_goes_to_exactly_the_files_the_build_fingerprints() {
    if jq_missing() {
        return;
    }
    let site = TestSite::new("site");
    site.write("themes/mini/static/js/app.js", "console.log(1);\n");
    site.write("content/_static/plain.css", "p { margin: 0; }\n");
    assert_eq!(site.build(&[]).code, 0);
    // What `_headers` gives a year (blocks of an address, then its
    // indented headers), under the base path `/alumni/`.
    let headers = site.read("public/_headers");
    let mut immutable: Vec<&str> = Vec::new();
    let mut address = "";
    for line in headers.lines() {
        if let Some(header) = line.strip_prefix("  ") {
            if header == format!("Cache-Control: {LONG_CACHE}") {
                immutable.push(address.strip_prefix("/alumni/").unwrap());
            }
        } else {
            address = line;
        }
    }
    assert_eq!(immutable.len(), 2, "{headers}");
    // What the upload gives a year: the same files.
    let plan = upload_plan(
        &site.temp().join("none.json"),
        &site.public().join(".alumni-manifest.json"),
    );
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let (run, calls) = upload_apply(site.temp(), &plan.stdout, &site.public(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = site.public().display().to_string();
    let mut long = Vec::new();
    for call in &calls {
        assert_eq!(
            call[..4],
            ["s3", "cp", "--only-show-errors", "--cache-control"]
        );
        let path = call[6].strip_prefix(&format!("{public}/")).unwrap();
        if call[4] == LONG_CACHE {
            long.push(path);
        } else {
            assert!(
                [SHORT_CACHE, "no-cache"].contains(&call[4].as_str()),
                "{call:?}"
            );
        }
    }
    long.sort_unstable();
    immutable.sort_unstable();
    assert_eq!(long, immutable);
    assert!(
        long.iter().any(|p| p.starts_with("static/js/app.")),
        "{long:?}"
    );
    assert!(
        calls
            .iter()
            .any(|c| c[6].ends_with("/plain.css") && c[4] == SHORT_CACHE)
    );
}

/// What one run of the deploy's `publish` job did: the names of the steps
/// that ran, the exit code of the last, what the steps printed, and the
/// calls to `aws`.
struct PublishRun {
    steps: Vec<String>,
    code: i32,
    log: String,
    calls: Vec<Vec<String>>,
}

/// Runs the `publish` job of `.github/workflows/deploy.yml` here, on the
/// output folder `public` as the `build` job would hand it over, with the
/// stand-in `aws` (its bucket in `temp/bucket`, kept from one run to the
/// next) and `secrets`, as GitHub's runner does: each `run:` in bash with
/// `-e -o pipefail` in a fresh work folder, the step's `env:` with the
/// secrets put in, `GITHUB_OUTPUT` read back into `steps.<id>.outputs`, and
/// a step skipped when its `if:` is false. The actions are played by what
/// they give the job: `actions/checkout` the repository's `.ci/` (its
/// sparse checkout), `actions/download-artifact` the tar archive of
/// `public` (the build job's "Pack the site"). An expression this does not
/// know, in an `if:`, an `env:` or a `run:`, fails the test rather than
/// being guessed.
fn run_publish_job(
    temp: &std::path::Path,
    public: &std::path::Path,
    secrets: &[(&str, &str)],
) -> PublishRun {
    let workflow: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(crate::harness::repo_root().join(".github/workflows/deploy.yml"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(workflow["defaults"]["run"]["shell"], "bash");
    let work = temp.join("runner");
    if work.exists() {
        std::fs::remove_dir_all(&work).unwrap();
    }
    std::fs::create_dir_all(&work).unwrap();
    let bin = fake_aws(temp);
    let calls = temp.join("aws-calls");
    std::fs::create_dir_all(&calls).unwrap();
    std::fs::create_dir_all(temp.join("bucket")).unwrap();
    let secret = |value: &str| -> String {
        let name = value
            .strip_prefix("${{ secrets.")
            .and_then(|v| v.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("an env value this test does not know: {value}"));
        secrets
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(String::new(), |(_, v)| (*v).to_owned())
    };
    let mut outputs: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut run = PublishRun {
        steps: Vec::new(),
        code: 0,
        log: String::new(),
        calls: Vec::new(),
    };
    for (number, step) in workflow["jobs"]["publish"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .enumerate()
    {
        let name = step["name"].as_str().unwrap().to_owned();
        if let Some(condition) = step["if"].as_str() {
            let (left, equal, right) = if let Some((l, r)) = condition.split_once(" != ") {
                (l, false, r)
            } else {
                let (l, r) = condition
                    .split_once(" == ")
                    .unwrap_or_else(|| panic!("an `if:` this test does not know: {condition}"));
                (l, true, r)
            };
            let key = left
                .strip_prefix("steps.")
                .unwrap_or_else(|| panic!("an `if:` this test does not know: {condition}"));
            let value = right.trim_matches('\'');
            let actual = outputs.get(key).map_or("", String::as_str);
            if (actual == value) != equal {
                continue;
            }
        }
        if let Some(action) = step["uses"].as_str() {
            if action.starts_with("actions/checkout@") {
                assert_eq!(step["with"]["sparse-checkout"], ".ci");
                crate::harness::copy_tree(
                    &crate::harness::repo_root().join(".ci"),
                    &work.join(".ci"),
                );
            } else if action.starts_with("actions/download-artifact@") {
                let into = work.join(step["with"]["path"].as_str().unwrap());
                std::fs::create_dir_all(&into).unwrap();
                let status = std::process::Command::new("tar")
                    .arg("-cf")
                    .arg(into.join("site.tar"))
                    .arg("-C")
                    .arg(public.parent().unwrap())
                    .arg("public")
                    .status()
                    .unwrap();
                assert!(status.success());
            } else {
                panic!("an action this test does not know: {action}");
            }
            run.steps.push(name);
            continue;
        }
        let script = step["run"].as_str().unwrap();
        assert!(!script.contains("${{"), "{name}: an expression in `run:`");
        let script_file = temp.join(format!("step-{number}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let output_file = temp.join(format!("output-{number}"));
        std::fs::write(&output_file, "").unwrap();
        let mut command = std::process::Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(&work)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("AWS_CALLS", &calls)
            .env("AWS_BUCKET", temp.join("bucket"))
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
            .env("GITHUB_RUN_ID", "7")
            .env("GITHUB_RUN_ATTEMPT", "1");
        if let Some(env) = step["env"].as_mapping() {
            for (key, value) in env {
                command.env(key.as_str().unwrap(), secret(value.as_str().unwrap()));
            }
        }
        let output: crate::harness::Run = command.output().unwrap().into();
        let _ = write!(run.log, "{name}\n{}{}", output.stdout, output.stderr);
        run.steps.push(name);
        if let Some(id) = step["id"].as_str() {
            for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                let (key, value) = line.split_once('=').unwrap();
                outputs.insert(format!("{id}.outputs.{key}"), value.to_owned());
            }
        }
        run.code = output.code;
        if run.code != 0 {
            break;
        }
    }
    run.calls = aws_calls(&calls);
    run
}

#[test]
fn the_deploy_sends_and_invalidates_what_changed_and_nothing_when_nothing_did() {
    if jq_missing() {
        return;
    }
    let site = TestSite::new("site");
    let secrets = [
        ("CDN_BUCKET", "bucket/site"),
        ("CDN_DISTRIBUTION_ID", "E2EXAMPLE"),
    ];
    let online = site.temp().join("bucket/bucket/site");
    let upload = "Upload what changed and invalidate it on the CDN";
    let read_manifest = [
        "s3",
        "cp",
        "--only-show-errors",
        "--",
        "s3://bucket/site/.alumni-manifest.json",
        "online.json",
    ]
    .map(str::to_owned)
    .to_vec();
    // The invalidated addresses of the run's one invalidation call.
    let invalidated = |run: &PublishRun| -> Vec<String> {
        let calls: Vec<&Vec<String>> = run.calls.iter().filter(|c| c[0] == "cloudfront").collect();
        assert_eq!(calls.len(), 1, "{:?}", run.calls);
        let batch: serde_json::Value = serde_json::from_str(&calls[0][5]).unwrap();
        batch["Paths"]["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };

    // First deploy: an empty bucket gets the whole site.
    assert_eq!(site.build(&[]).code, 0);
    let first = run_publish_job(site.temp(), &site.public(), &secrets);
    assert_eq!(first.code, 0, "{}", first.log);
    assert!(first.steps.iter().any(|s| s == upload));
    assert_eq!(tree(&online), tree(&site.public()));
    assert_eq!(first.calls[0], read_manifest);
    assert!(!invalidated(&first).is_empty());

    // The next hour, nothing changed: the manifest online is read, and
    // nothing is sent, deleted or invalidated; the step does not run.
    assert_eq!(site.build(&[]).code, 0);
    let idle = run_publish_job(site.temp(), &site.public(), &secrets);
    assert_eq!(idle.code, 0, "{}", idle.log);
    assert!(!idle.steps.iter().any(|s| s == upload), "{:?}", idle.steps);
    assert_eq!(idle.calls, std::slice::from_ref(&read_manifest));

    // A page's title changes: that page, and the pages and files that
    // list it, are sent and invalidated, and nothing else.
    site.edit(
        "content/clubs/docteurs.md",
        "title: Club des docteurs",
        "title: Club des docteurs et des doctorants",
    );
    assert_eq!(site.build(&[]).code, 0);
    let edited = run_publish_job(site.temp(), &site.public(), &secrets);
    assert_eq!(edited.code, 0, "{}", edited.log);
    assert_eq!(tree(&online), tree(&site.public()));
    // The page (and the redirects of its aliases, which name it), the
    // listings that show its title (the section's second page, its
    // taxonomy term, the club beside it that links to it), the feeds and
    // the search index.
    let addresses: Vec<String> = invalidated(&edited)
        .into_iter()
        .filter(|a| !crate::harness::is_search_shard(a.trim_start_matches("/alumni/")))
        .collect();
    assert_eq!(
        addresses,
        [
            "/alumni/_search/meta.json",
            "/alumni/atom.xml",
            "/alumni/club-kind/thematique/",
            "/alumni/club-kind/thematique/index.html",
            "/alumni/clubs/anciens/docteurs.html",
            "/alumni/clubs/atom.xml",
            "/alumni/clubs/biotech/",
            "/alumni/clubs/biotech/index.html",
            "/alumni/clubs/club-des-docteurs/",
            "/alumni/clubs/club-des-docteurs/index.html",
            "/alumni/clubs/club-docteurs-chercheurs-et-doctorants/",
            "/alumni/clubs/club-docteurs-chercheurs-et-doctorants/index.html",
            "/alumni/clubs/page/2/",
            "/alumni/clubs/page/2/index.html",
        ]
    );
    let sent: Vec<&str> = edited
        .calls
        .iter()
        .filter(|c| c[1] == "cp" && c[4] == SHORT_CACHE)
        .map(|c| c[6].rsplit_once("/public/").unwrap().1)
        .collect();
    // The search index's renamed chunks and fragments besides.
    let named = sent
        .iter()
        .filter(|p| !crate::harness::is_search_shard(p))
        .count();
    assert_eq!(named, 9, "{sent:?}");
    // Every address invalidated is that of a file sent (or its folder).
    for address in &addresses {
        let file = address.strip_prefix("/alumni/").unwrap();
        let file = if file.is_empty() || file.ends_with('/') {
            format!("{file}index.html")
        } else {
            file.to_owned()
        };
        assert!(
            sent.contains(&file.as_str()),
            "{address} was not sent: {sent:?}"
        );
    }
    // The manifest goes last, after the invalidation.
    assert_eq!(
        edited.calls.last().unwrap()[6].rsplit_once('/').unwrap().1,
        ".alumni-manifest.json"
    );
    assert_eq!(edited.calls[edited.calls.len() - 2][0], "cloudfront");

    // The stylesheet changes: its new name is sent for a year and the old
    // one deleted, and neither is invalidated (no cache holds other bytes
    // under either name); the pages naming it are.
    site.write("themes/mini/static/style.css", "body { margin: 2rem; }\n");
    assert_eq!(site.build(&[]).code, 0);
    let styled = run_publish_job(site.temp(), &site.public(), &secrets);
    assert_eq!(styled.code, 0, "{}", styled.log);
    assert_eq!(tree(&online), tree(&site.public()));
    let long: Vec<&Vec<String>> = styled
        .calls
        .iter()
        .filter(|c| c[1] == "cp" && c[4] == LONG_CACHE)
        .collect();
    assert_eq!(long.len(), 1, "{:?}", styled.calls);
    assert!(long[0][7].starts_with("s3://bucket/site/static/style."));
    let deleted: Vec<&Vec<String>> = styled.calls.iter().filter(|c| c[1] == "rm").collect();
    assert_eq!(deleted.len(), 1, "{:?}", styled.calls);
    assert!(deleted[0][4].starts_with("s3://bucket/site/static/style."));
    let addresses = invalidated(&styled);
    assert!(
        addresses.iter().all(|a| !a.starts_with("/alumni/static/")),
        "{addresses:?}"
    );
    assert!(addresses.iter().any(|a| a == "/alumni/"), "{addresses:?}");

    // Without a distribution, the files are still sent, and nothing is
    // invalidated.
    site.edit(
        "content/clubs/docteurs.md",
        "Tout docteur",
        "Toute docteure et tout docteur",
    );
    assert_eq!(site.build(&[]).code, 0);
    let plain = run_publish_job(site.temp(), &site.public(), &secrets[..1]);
    assert_eq!(plain.code, 0, "{}", plain.log);
    assert_eq!(tree(&online), tree(&site.public()));
    assert!(
        plain.calls.iter().all(|c| c[0] == "s3"),
        "{:?}",
        plain.calls
    );
}

#[test]
fn an_upload_plan_with_nothing_to_do_calls_neither_the_storage_nor_the_cdn() {
    if jq_missing() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(".alumni-manifest.json"), "{}").unwrap();
    let (run, calls) = upload_apply(temp.path(), "", &site, Some("E2EXAMPLE"));
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "nothing to upload or delete\n")
    );
    assert_eq!(calls, Vec::<Vec<String>>::new());
}
