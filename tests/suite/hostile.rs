//! Hostile input: whatever a contributor or a broken checkout throws at the
//! build, `alumni build` answers with a located error or a correct site, in
//! bounded time, and never touches anything outside its output folder nor
//! loses the last good output. One test per case; `docs/ROBUSTNESS.md` lists
//! them with the behaviour each one pins down.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{Run, TestSite, assert_small, copy_own_site, fixture, run_measured, tree};

/// A site built once, so that a failed build can be checked to leave it alone.
fn built_site() -> TestSite {
    let site = TestSite::new("site");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// `stderr` with the temporary folder's path replaced by `[TMP]`.
fn redacted(site: &TestSite, stderr: &str) -> String {
    let temp = site.temp().canonicalize().unwrap();
    stderr
        .replace(&temp.display().to_string(), "[TMP]")
        .replace(&site.temp().display().to_string(), "[TMP]")
}

/// Builds `site` (already built once and then changed), expects a failure
/// with exactly `expected` on stderr and nothing on stdout, and checks that
/// the previous output is untouched.
fn assert_fails(
    site: &TestSite,
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    expected: &str,
) -> Run {
    let run = site.build(&[]);
    assert_eq!(redacted(site, &run.stderr), expected);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        tree(&site.public()) == *before,
        "the previous output changed"
    );
    run
}

/// The output of a fresh copy of the `site` fixture, for comparisons.
fn reference_output() -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(&built_site().public())
}

/// Runs `f` and fails if it took longer than `limit`: a guard against
/// quadratic blow-ups, with a limit far above the expected time so that a
/// busy machine does not make it flaky.
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    let took = started.elapsed();
    assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    value
}

fn rewrite_all(site: &TestSite, dir: &str, f: &dyn Fn(&[u8]) -> Vec<u8>) {
    for entry in walkdir::WalkDir::new(site.root().join(dir)) {
        let entry = entry.unwrap();
        let is_text = entry
            .path()
            .extension()
            .is_some_and(|e| e == "md" || e == "yaml");
        if entry.file_type().is_file() && is_text {
            let bytes = fs::read(entry.path()).unwrap();
            fs::write(entry.path(), f(&bytes)).unwrap();
        }
    }
}

#[test]
fn invalid_utf8_is_an_error_at_the_first_bad_byte_and_the_last_output_stays() {
    // Before, this test only read the fixture's files and never ran alumni.
    let site = built_site();
    let before = tree(&site.public());
    let bytes = fs::read(fixture(
        "invalid/invalid_utf8/files/content/clubs/biotech.md",
    ))
    .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    fs::write(site.root().join("content/clubs/biotech.md"), bytes).unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("content/clubs/biotech.md:2:11: error: the file is not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(tree(&site.public()) == before, "the last good output stays");
}

#[test]
fn byte_order_marks_are_ignored() {
    let site = TestSite::new("site");
    let bom = |b: &[u8]| [b"\xEF\xBB\xBF".as_slice(), b].concat();
    rewrite_all(&site, "content", &bom);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(tree(&site.public()) == reference_output());
}

#[test]
fn crlf_line_ends_build_like_lf() {
    let site = TestSite::new("site");
    let crlf = |b: &[u8]| {
        String::from_utf8(b.to_vec())
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes()
    };
    rewrite_all(&site, "content", &crlf);
    rewrite_all(&site, "themes", &crlf);
    assert!(
        site.read("content/clubs/biotech.md")
            .contains("---\r\ntitle")
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = tree(&site.public());
    let want = reference_output();
    for (path, bytes) in &want {
        assert!(
            got.get(path) == Some(bytes),
            "{path} differs from the LF build"
        );
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn crlf_errors_point_at_the_same_line_and_column() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/clubs/biotech.md",
        "---\r\ntitle: A\r\nclub_kind: [professionnel]\r\nweight: lourd\r\n---\r\n## Nous contacter\r\n",
    );
    assert_fails(
        &site,
        &before,
        "content/clubs/biotech.md:4:9: error: `weight` must be a whole number
  |
4 | weight: lourd
  |         ^
  = hint: found the text `lourd`

build failed: 1 error; the previous output was left as it was
",
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    std::os::unix::fs::symlink("..", site.root().join("content/clubs/boucle")).unwrap();
    std::os::unix::fs::symlink("moi.md", site.root().join("content/clubs/moi.md")).unwrap();
    within(Duration::from_secs(20), "a build with a link loop", || {
        assert_fails(
            &site,
            &before,
            "content/clubs/boucle: error: a symbolic link here points back to a folder that contains it
  = hint: remove or fix the link

content/clubs/moi.md: error: this symbolic link points to itself, through a loop of links
  = hint: remove or fix the link

build failed: 2 errors; the previous output was left as it was
",
        );
    });
}

#[cfg(unix)]
#[test]
fn symlinks_leading_outside_the_site_are_refused() {
    let site = built_site();
    let before = tree(&site.public());
    let outside = site.temp().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        outside.join("secret.md"),
        "---\ntitle: SECRET-MD\n---\nSECRET-BODY\n",
    )
    .unwrap();
    fs::write(outside.join("secret.txt"), "SECRET-TXT").unwrap();
    let link = |target: &Path, at: &str| {
        std::os::unix::fs::symlink(target, site.root().join(at)).unwrap();
    };
    link(&outside.join("secret.md"), "content/clubs/secret.md");
    link(&outside, "content/news/dehors");
    link(&outside.join("secret.txt"), "content/_static/secret.txt");
    link(&outside, "themes/mini/templates/dehors");
    assert_fails(
        &site,
        &before,
        "content/_static/secret.txt: error: this symbolic link leads outside the site (to [TMP]/outside/secret.txt); alumni reads nothing outside the site's folder
  = hint: copy the file or folder into the site instead of linking to it

content/clubs/secret.md: error: this symbolic link leads outside the site (to [TMP]/outside/secret.md); alumni reads nothing outside the site's folder
  = hint: copy the file or folder into the site instead of linking to it

content/news/dehors: error: this symbolic link leads outside the site (to [TMP]/outside); alumni reads nothing outside the site's folder
  = hint: copy the file or folder into the site instead of linking to it

themes/mini/templates/dehors: error: this symbolic link leads outside the site (to [TMP]/outside); alumni reads nothing outside the site's folder
  = hint: copy the file or folder into the site instead of linking to it

build failed: 4 errors; the previous output was left as it was
",
    );
    // `check` goes through the same loader: it does not read them either.
    let check = crate::harness::alumni(
        site.temp(),
        &["check", "--root", site.root().to_str().unwrap()],
    );
    assert_eq!(check.code, 1);
    assert!(!check.stdout.contains("SECRET"));
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    let site = TestSite::new("site");
    std::os::unix::fs::symlink("biotech.md", site.root().join("content/clubs/lien.md")).unwrap();
    std::os::unix::fs::symlink("document.txt", site.root().join("content/_static/lien.txt"))
        .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("clubs/lien/index.html").is_file());
    assert_eq!(
        fs::read(site.public().join("lien.txt")).unwrap(),
        fs::read(site.root().join("content/_static/document.txt")).unwrap()
    );
}

/// Writes the page `path` (front matter `front`, then `body`) into a built
/// site and expects exactly `expected`, within seconds.
fn assert_nesting_error(site: &TestSite, path: &str, front: &str, body: &str, expected: &str) {
    let before = tree(&site.public());
    site.write(path, &format!("---\n{front}---\n{body}"));
    within(Duration::from_secs(10), "a deeply nested page", || {
        assert_fails(site, &before, expected);
    });
}

#[test]
fn quotes_nested_ten_thousand_deep_are_a_located_error() {
    let site = built_site();
    let body = format!("{} profond\n", ">".repeat(10_000));
    assert_nesting_error(
        &site,
        "content/news/profond.md",
        "title: Profond\n",
        &body,
        &format!(
            "content/news/profond.md:4:65: error: lists, quotes or HTML elements are nested more than 64 levels deep here
  |
4 | …{}…
  | {}^
  = hint: nest fewer of them inside one another

build failed: 1 error; the previous output was left as it was
",
            ">".repeat(120),
            // Column 65 is the 62nd character shown, after the `…`.
            " ".repeat(61)
        ),
    );
}

#[test]
fn lists_nested_ten_thousand_deep_are_a_located_error() {
    let site = built_site();
    // Each `- ` opens a list inside the item before it.
    let body = format!("{}item\n", "- ".repeat(10_000));
    assert_nesting_error(
        &site,
        "content/clubs/profond.md",
        "title: Profond\nclub_kind: [professionnel]\n",
        &body,
        &format!(
            "content/clubs/profond.md:5:65: error: lists, quotes or HTML elements are nested more than 64 levels deep here
  |
5 | …{}…
  | {}^
  = hint: nest fewer of them inside one another

build failed: 1 error; the previous output was left as it was
",
            "- ".repeat(60),
            " ".repeat(61)
        ),
    );
}

#[test]
fn html_nested_ten_thousand_deep_in_a_sanitised_page_is_a_located_error() {
    // The sanitiser's HTML parser works in time proportional to the depth of
    // each element: 20,000 nested `<div>` took 11 s before the limit.
    let site = built_site();
    let body = format!("{}x\n", "<div>\n".repeat(10_000));
    assert_nesting_error(
        &site,
        "content/clubs/profond.md",
        "title: Profond\nclub_kind: [professionnel]\n",
        &body,
        "content/clubs/profond.md:68:1: error: lists, quotes or HTML elements are nested more than 64 levels deep here
   |
68 | <div>
   | ^
  = hint: nest fewer of them inside one another

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn shortcodes_nested_ten_thousand_deep_are_a_located_error() {
    // This overflowed the stack: shortcode bodies are rendered recursively.
    let site = built_site();
    let body = format!(
        "{}x\n{}",
        "{% note(kind=\"info\") %}\n".repeat(10_000),
        "{% end %}\n".repeat(10_000)
    );
    assert_nesting_error(
        &site,
        "content/news/profond.md",
        "title: Profond\n",
        &body,
        "content/news/profond.md:36:1: error: shortcode: shortcodes are nested more than 32 deep here
   |
36 | {% note(kind=\"info\") %}
   | ^
  = hint: close each shortcode with `{% end %}` before this point, or nest fewer of them

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn nesting_below_the_limits_builds() {
    let site = TestSite::new("site");
    let body = format!(
        "{} citation\n\n{}item\n\n{}x\n{}",
        ">".repeat(60),
        "- ".repeat(30),
        "{% note(kind=\"info\") %}\n".repeat(30),
        "{% end %}\n".repeat(30)
    );
    site.write(
        "content/news/profond.md",
        &format!("---\ntitle: Profond\n---\n{body}"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = fs::read_to_string(site.public().join("news/profond/index.html")).unwrap();
    assert_eq!(html.matches("<blockquote>").count(), 60);
    assert_eq!(html.matches("<ul>").count(), 30);
}

/// A "billion laughs": nine anchors, each a list of nine aliases of the
/// previous one, 9^9 strings once expanded.
fn alias_bomb() -> String {
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let items = vec![format!("*{prev}"); 9].join(",");
        let _ = writeln!(yaml, "{name}: &{name} [{items}]");
    }
    yaml
}

#[test]
fn alias_bomb_in_front_matter_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/news/rire.md",
        &format!("---\ntitle: Rire\n{}---\nx\n", alias_bomb()),
    );
    within(Duration::from_secs(10), "an alias bomb", || {
        assert_fails(
            &site,
            &before,
            "content/news/rire.md:4:8: error: invalid YAML: its aliases (`*name`) repeat too much data
  |
4 | b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  |        ^
  = hint: write the values out instead of repeating them with `&anchor` and `*alias`

build failed: 1 error; the previous output was left as it was
",
        );
    });
}

#[test]
fn alias_bomb_in_a_data_file_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.write("content/_data/rire.yaml", &alias_bomb());
    within(Duration::from_secs(10), "an alias bomb", || {
        assert_fails(
            &site,
            &before,
            "content/_data/rire.yaml:2:8: error: invalid YAML: its aliases (`*name`) repeat too much data
  |
2 | b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  |        ^
  = hint: write the values out instead of repeating them with `&anchor` and `*alias`

build failed: 1 error; the previous output was left as it was
",
        );
    });
}

#[test]
fn yaml_nested_ten_thousand_deep_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/_data/profond.yaml",
        &format!("z: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    assert_fails(
        &site,
        &before,
        &format!(
            "content/_data/profond.yaml:1:131: error: invalid YAML: lists or mappings are nested too deep here
  |
1 | …{}…
  | {}^
  = hint: nest them less deeply (at most 128 levels)

build failed: 1 error; the previous output was left as it was
",
            "[".repeat(120),
            " ".repeat(61)
        ),
    );
}

#[test]
fn tabs_in_yaml_indentation_are_located_errors() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/clubs/tab.md",
        "---\ntitle: Tab\nclub_kind:\n\t- professionnel\n---\nx\n",
    );
    site.write("content/_data/tab.yaml", "a:\n\tb: 1\n");
    assert_fails(
        &site,
        &before,
        "content/_data/tab.yaml:2:1: error: invalid YAML: a tab indents this line
  |
2 | \tb: 1
  | ^
  = hint: indent YAML with spaces, never tabs

content/clubs/tab.md:4:1: error: invalid YAML: a tab indents this line
  |
4 | \t- professionnel
  | ^
  = hint: indent YAML with spaces, never tabs

build failed: 2 errors; the previous output was left as it was
",
    );
    // The config is read before anything else: its error comes alone.
    site.edit("content/site.yaml", "    name: English", "\tname: English");
    assert_fails(
        &site,
        &before,
        "content/site.yaml:9:1: error: invalid YAML: a tab indents this line
  |
9 | \tname: English
  | ^
  = hint: indent YAML with spaces, never tabs

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn empty_markdown_file_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.write("content/clubs/vide.md", "");
    assert_fails(
        &site,
        &before,
        "content/clubs/vide.md:1:1: error: the file is empty
  |
1 | 
  | ^
  = hint: write its front matter (a line `---`, then `title: ...`, then a line `---`) and its text, or delete the file

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn empty_config_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.write("content/site.yaml", "");
    assert_fails(
        &site,
        &before,
        "content/site.yaml:1:1: error: missing required key `title`
  |
1 | 
  | ^
  = hint: add a line `title: ...`

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn empty_data_file_is_an_empty_mapping() {
    let site = TestSite::new("site");
    site.write("content/_data/vide.yaml", "");
    // The template shows how many keys it has: an empty file is `{}`, not an error.
    site.edit(
        "themes/mini/templates/partials/footer.html",
        "<footer>",
        "<footer data-vide=\"{{ data.vide | length }}\">",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = fs::read_to_string(site.public().join("index.html")).unwrap();
    assert!(home.contains("data-vide=\"0\""), "{home}");
}

#[test]
fn a_french_folder_named_like_a_language_collides_with_that_edition() {
    let site = built_site();
    let before = tree(&site.public());
    // `content/en/` would publish French pages under the English edition's URLs.
    site.write("content/en/_index.md", "---\ntitle: Section en\n---\nx\n");
    site.write(
        "content/en/clubs/biotech-club.md",
        "---\ntitle: Page\n---\nx\n",
    );
    assert_fails(
        &site,
        &before,
        "content/clubs/biotech.en.md:3:1: error: `content/clubs/biotech.en.md` and `content/en/clubs/biotech-club.md` both produce `/en/clubs/biotech-club/index.html`
  |
3 | slug: biotech-club
  | ^
  = hint: give one of them another file name or `slug:`

content/en/_index.md:1:1: error: `content/_index.en.md` and `content/en/_index.md` both produce `/en/index.html`
  |
1 | ---
  | ^
  = hint: give one of them another file name or `slug:`

build failed: 2 errors; the previous output was left as it was
",
    );
}

#[test]
fn two_languages_on_one_url_through_slugs() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/clubs/autre.en.md",
        "---\ntitle: Other\nslug: biotech-club\nclub_kind: [professional]\n---\nx\n",
    );
    site.write(
        "content/clubs/autre.md",
        "---\ntitle: Autre\nclub_kind: [professionnel]\n---\nx\n",
    );
    assert_fails(
        &site,
        &before,
        "content/clubs/biotech.en.md:3:1: error: `content/clubs/autre.en.md` and `content/clubs/biotech.en.md` both produce `/en/clubs/biotech-club/index.html`
  |
3 | slug: biotech-club
  | ^
  = hint: give one of them another file name or `slug:`

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn file_names_with_spaces_accents_and_dots_build() {
    let site = TestSite::new("site");
    for name in ["a..b", "été 2026", "Ça va", "x.y.z"] {
        site.write(
            &format!("content/clubs/{name}.md"),
            &format!(
                "---\ntitle: Page {name}\nclub_kind: [professionnel]\n---\nCorps de {name}.\n"
            ),
        );
    }
    site.write(
        "content/news/dossier .. x/index.md",
        "---\ntitle: Dossier\n---\nCorps du dossier.\n",
    );
    site.write("content/news/dossier .. x/a..b.txt", "joint");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = |url: &str| fs::read_to_string(site.public().join(url).join("index.html")).unwrap();
    assert!(page("clubs/a-b").contains("Corps de a..b."));
    assert!(page("clubs/ete-2026").contains("Corps de été 2026."));
    assert!(page("clubs/ca-va").contains("Corps de Ça va."));
    assert!(page("clubs/x-y-z").contains("Corps de x.y.z."));
    assert!(page("news/dossier-x").contains("Corps du dossier."));
    assert_eq!(
        fs::read_to_string(site.public().join("news/dossier-x/a..b.txt")).unwrap(),
        "joint"
    );
}

#[test]
fn names_that_fold_to_one_slug_collide() {
    let site = built_site();
    let before = tree(&site.public());
    site.write(
        "content/clubs/a b.md",
        "---\ntitle: A\nclub_kind: [professionnel]\n---\nx\n",
    );
    site.write(
        "content/clubs/a..b.md",
        "---\ntitle: B\nclub_kind: [professionnel]\n---\nx\n",
    );
    assert_fails(
        &site,
        &before,
        "content/clubs/a..b.md:1:1: error: `content/clubs/a b.md` and `content/clubs/a..b.md` both produce `/clubs/a-b/index.html`
  |
1 | ---
  | ^
  = hint: give one of them another file name or `slug:`

build failed: 1 error; the previous output was left as it was
",
    );
}

/// Every path under the temporary folder holding the site, except
/// those under the site's output: what a build must not touch.
fn everything_but_the_output(site: &TestSite) -> std::collections::BTreeSet<String> {
    let public = site.public();
    walkdir::WalkDir::new(site.temp())
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.path() != public)
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(site.temp())
                .unwrap()
                .display()
                .to_string()
        })
        .collect()
}

#[test]
fn slug_climbing_out_is_folded_into_the_output() {
    let site = built_site();
    let outside_before = everything_but_the_output(&site);
    site.write(
        "content/news/evasion.md",
        "---\ntitle: Évasion\nslug: ../../../etc/passwd\n---\nx\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The slug is folded to ASCII words: `etc-passwd`, inside the output.
    assert!(site.public().join("news/etc-passwd/index.html").is_file());
    let mut expected = outside_before;
    expected.insert("site/content/news/evasion.md".to_string());
    assert_eq!(everything_but_the_output(&site), expected);
}

#[test]
fn alias_climbing_out_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    let outside_before = everything_but_the_output(&site);
    site.write(
        "content/news/evasion.md",
        "---\ntitle: Évasion\naliases: [/../../evasion/]\n---\nx\n",
    );
    assert_fails(
        &site,
        &before,
        "content/news/evasion.md:3:1: error: `/../../evasion/` cannot be an alias: an alias is `/`-separated words: no empty word, no `.` or `..`
  |
3 | aliases: [/../../evasion/]
  | ^
  = hint: write an old address of the page, like /clubs/ancien-nom/

build failed: 1 error; the previous output was left as it was
",
    );
    let mut expected = outside_before;
    expected.insert("site/content/news/evasion.md".to_string());
    assert_eq!(everything_but_the_output(&site), expected);
}

#[test]
fn output_folders_that_would_replace_the_sources_are_refused() {
    let site = built_site();
    let everything = || tree(site.temp());
    let before = everything();
    // The build runs in the temporary folder holding `site/`.
    let holds = "the build replaces it as a whole, and it holds the site's sources";
    let no_name = "it must end in a folder name (not `..`, `.` or `/`)";
    for (out, why) in [
        ("site", holds),
        ("site/content", holds),
        ("site/content/clubs", holds),
        ("site/themes", holds),
        (".", no_name),
        ("nulle-part/../site", holds),
        ("site/public/..", no_name),
        ("site/public/../", no_name),
        ("site/nulle-part/../..", no_name),
        ("/", no_name),
    ] {
        let run = site.build(&["--out", out]);
        assert_eq!(
            run.stderr,
            format!("error: refusing to use {out} as the output folder: {why}\n")
        );
        assert_eq!(run.code, 2, "{out}");
        assert!(everything() == before, "--out {out} changed something");
    }
}

#[test]
fn a_folder_that_is_not_an_output_is_not_replaced() {
    let site = built_site();
    // A mistyped --out naming someone's folder of documents.
    fs::create_dir(site.temp().join("documents")).unwrap();
    fs::write(site.temp().join("documents/thèse.txt"), "quatre ans\n").unwrap();
    let before = tree(site.temp());
    let run = site.build(&["--out", "documents"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to replace documents: it holds files but is not the output of a build \
         (it has no .alumni-manifest.json); choose an empty or new folder with --out, or delete \
         this one yourself if it is an old output\n"
    );
    assert!(tree(site.temp()) == before, "something changed");
    // An empty folder, and an earlier output, are fine.
    fs::create_dir(site.temp().join("vide")).unwrap();
    assert_eq!(site.build(&["--out", "vide"]).code, 0);
    assert_eq!(site.build(&["--out", "vide"]).code, 0);
}

/// The immutable flag (`chattr +i`) on a folder, cleared when dropped so
/// that the temporary folder can be removed. Unlike permission bits, it stops
/// root too, and the tests run as root in CI.
struct Immutable(std::path::PathBuf);

impl Immutable {
    /// `None` when the flag cannot be set (no `chattr`, not root, or a file
    /// system without it).
    fn set(path: &Path) -> Option<Immutable> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Immutable(path.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

/// Names of the staging folders left beside the output.
fn staging_leftovers(site: &TestSite) -> Vec<String> {
    fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".alumni-tmp-"))
        .collect()
}

#[test]
fn read_only_output_fails_clearly_and_keeps_the_previous_one() {
    let site = built_site();
    let before = tree(&site.public());
    site.edit(
        "content/clubs/biotech.md",
        "Le club réunit",
        "Le nouveau club réunit",
    );
    let advice = "make the output folder and the folder holding it writable (see `lsattr` for an immutable flag), or build elsewhere with --out";
    {
        let Some(_flag) = Immutable::set(&site.public()) else {
            eprintln!(
                "skipped: `chattr +i` failed here (it needs root and a file system with the flag)"
            );
            return;
        };
        let run = site.build(&[]);
        assert_eq!(
            redacted(&site, &run.stderr),
            format!(
                "error: cannot put the new output in place at [TMP]/site/public: Operation not permitted (os error 1); the previous output was left as it was; {advice}\n"
            )
        );
        assert_eq!(run.code, 2);
        assert!(tree(&site.public()) == before);
        assert_eq!(staging_leftovers(&site), Vec::<String>::new());
    }
    {
        // The folder holding the output is read-only: no staging folder can be made.
        let _flag = Immutable::set(&site.root()).unwrap();
        let run = site.build(&[]);
        assert_eq!(
            redacted(&site, &run.stderr),
            format!(
                "error: cannot create the output next to [TMP]/site/public: Operation not permitted (os error 1); the previous output was left as it was; {advice}\n"
            )
        );
        assert_eq!(run.code, 2);
        assert!(tree(&site.public()) == before);
    }
    // Writable again, the next build goes through.
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.read("public/clubs/biotech/index.html")
            .contains("Le nouveau club réunit")
    );
}

#[test]
fn closed_stdout_is_no_panic() {
    // `alumni build | head -0`: the reader is gone before the summary is printed.
    let site = TestSite::new("site");
    let mut child = crate::harness::alumni_command()
        .args(["build", "--root", site.root().to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(site.public().join("index.html").is_file());
}

#[test]
fn template_including_itself_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    let footer = "themes/mini/templates/partials/footer.html";
    site.write(
        footer,
        &format!(
            "{}{{% include \"partials/footer.html\" %}}\n",
            site.read(footer)
        ),
    );
    within(
        Duration::from_secs(10),
        "a template including itself",
        || {
            assert_fails(
            &site,
            &before,
            "themes/mini/templates/partials/footer.html:2:4: error: templates include each other in a loop: base.html -> partials/footer.html -> partials/footer.html
  |
2 | {% include \"partials/footer.html\" %}
  |    ^
  = hint: remove this `{% include %}`, or include a template that does not lead back here

build failed: 1 error; the previous output was left as it was
",
        );
        },
    );
}

#[test]
fn templates_including_each_other_are_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.edit(
        "themes/mini/templates/partials/footer.html",
        "</footer>",
        "</footer>{% include \"partials/autre.html\" %}",
    );
    site.write(
        "themes/mini/templates/partials/autre.html",
        "<p>autre</p>\n{% include \"partials/footer.html\" %}\n",
    );
    assert_fails(
        &site,
        &before,
        "themes/mini/templates/partials/autre.html:2:4: error: templates include each other in a loop: base.html -> partials/footer.html -> partials/autre.html -> partials/footer.html
  |
2 | {% include \"partials/footer.html\" %}
  |    ^
  = hint: remove this `{% include %}`, or include a template that does not lead back here

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn template_extending_itself_is_a_located_error() {
    let site = built_site();
    let before = tree(&site.public());
    site.edit(
        "themes/mini/templates/page.html",
        "{% extends \"base.html\" %}",
        "{% extends \"page.html\" %}",
    );
    assert_fails(
        &site,
        &before,
        "themes/mini/templates/page.html:1:4: error: templates extend each other in a loop: page.html
  |
1 | {% extends \"page.html\" %}
  |    ^
  = hint: one of these `{% extends %}` must name another template

build failed: 1 error; the previous output was left as it was
",
    );
}

#[test]
fn fifty_megabyte_page_builds_in_linear_time() {
    let site = TestSite::new("site");
    let paragraph = "Un paragraphe de texte avec des mots, et encore des mots pour une ligne.\n\n";
    let count = 50 * 1024 * 1024 / paragraph.len();
    let body = paragraph.repeat(count);
    site.write(
        "content/news/gros.md",
        &format!("---\ntitle: Gros\n---\n{body}Le dernier paragraphe.\n"),
    );
    // A quadratic step would take hours here; a linear build takes seconds
    // (in a debug build, on a busy machine: the limit leaves room for both).
    let run = within(Duration::from_secs(150), "a 50 MB page", || site.build(&[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = fs::read_to_string(site.public().join("news/gros/index.html")).unwrap();
    assert_eq!(html.matches("<p>Un paragraphe").count(), count);
    assert!(html.contains("<p>Le dernier paragraphe.</p>"));
}

#[test]
fn ten_megabyte_line_builds_and_its_errors_show_a_cut_line() {
    let site = built_site();
    let line = "mot ".repeat(10 * 1024 * 1024 / 4);
    let front = "---\ntitle: Ligne\ndate: 2026-11-20\n---\n";
    site.write("content/news/ligne.md", &format!("{front}{line}fin\n"));
    let run = within(Duration::from_secs(60), "a 10 MB line", || site.build(&[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = fs::read_to_string(site.public().join("news/ligne/index.html")).unwrap();
    assert!(html.contains(&format!("<p>{line}fin</p>")));

    let before = tree(&site.public());
    site.write(
        "content/news/ligne.md",
        &format!("{front}{line}[fin](@/nulle-part.md)\n"),
    );
    // The error is at the link's `@`; the line shown is its last 120
    // characters (the link is 22 of them), after a `…`.
    let col = line.len() + 7;
    assert_fails(
        &site,
        &before,
        &format!(
            "content/news/ligne.md:5:{col}: error: link to a missing page `@/nulle-part.md`
  |
5 | …{}[fin](@/nulle-part.md)
  | {}^
  = hint: write the target's path under content/, e.g. `@/clubs/club-des-docteurs.md`; check the spelling and that the page is not a draft or scheduled for later (`publish_date`)

build failed: 1 error; the previous output was left as it was
",
            &line[line.len() - (120 - 22)..],
            " ".repeat(1 + 120 - 22 + 6)
        ),
    );
}

#[cfg(unix)]
#[test]
fn serve_does_not_follow_a_page_turned_into_a_link_outside() {
    let site = TestSite::new("site");
    let mut live =
        alumni::live::LiveSite::build(alumni::build::BuildOptions::new(site.root())).unwrap();
    // Same front matter, another body: what `serve` would re-render alone.
    let page = "content/clubs/biotech.md";
    let outside = site.temp().join("secret.md");
    fs::write(&outside, format!("{}\nSECRET\n", site.read(page))).unwrap();
    fs::remove_file(site.root().join(page)).unwrap();
    std::os::unix::fs::symlink(&outside, site.root().join(page)).unwrap();
    let errors = live.apply(&[site.root().join(page)]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, page);
    assert!(
        errors[0]
            .message
            .starts_with("this symbolic link leads outside the site"),
        "{}",
        errors[0].message.en
    );
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_refused() {
    use std::os::unix::ffi::OsStrExt as _;
    let site = built_site();
    let before = tree(&site.public());
    let news = site.root().join("content/news");
    fs::write(
        news.join(std::ffi::OsStr::from_bytes(b"caf\xe9.md")),
        "---\ntitle: Caf\n---\nx\n",
    )
    .unwrap();
    fs::write(
        news.join(std::ffi::OsStr::from_bytes(b"image\xff.svg")),
        "<svg/>",
    )
    .unwrap();
    assert_fails(
        &site,
        &before,
        "content/news/caf\u{FFFD}.md: error: this name is not valid UTF-8
  = hint: rename it with letters, digits and dashes

content/news/image\u{FFFD}.svg: error: this name is not valid UTF-8
  = hint: rename it with letters, digits and dashes

build failed: 2 errors; the previous output was left as it was
",
    );
}

/// A copy of the repository's own site (its `content/` and `themes/`) with
/// one more club page, `content/clubs/hostile.md`: where a club leader's
/// pull request lands, judged by `check --strict` then built in CI.
struct OwnSite {
    dir: tempfile::TempDir,
}

/// Where the club page's body starts (after seven lines of front matter).
const CLUB_BODY_LINE: usize = 8;

impl OwnSite {
    /// The site with a club page of valid fields, then `front` (more front
    /// matter), then `body`.
    fn with_club_page(front: &str, body: &str) -> OwnSite {
        let dir = tempfile::tempdir().unwrap();
        copy_own_site(&dir.path().join("site"));
        let page = format!(
            "---\ntitle: Club hostile\nclub_kind: [professionnel]\nstatus: actif\nscope: Tous les diplômés\ncontact: Le bureau du club\n{front}---\n{body}"
        );
        fs::write(dir.path().join("site/content/clubs/hostile.md"), page).unwrap();
        OwnSite { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Runs `alumni COMMAND --root ROOT EXTRA...`, within `limit` of CPU
    /// time (what a blow-up costs, whatever else the machine runs; ten
    /// times that in wall time, for a process that hangs); returns what it
    /// printed and its peak memory in bytes.
    fn run(&self, limit: Duration, command: &str, extra: &[&str]) -> (Run, u64) {
        let root = self.root();
        let mut args = vec![command, "--root", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        let what = format!("alumni {}", args.join(" "));
        let (run, peak, cpu) = within(limit * 10, &what, || run_measured(self.dir.path(), &args));
        assert!(cpu < limit, "{what} took {cpu:?} of CPU (limit {limit:?})");
        (run, peak)
    }
}

#[test]
fn unclosed_shortcodes_by_the_thousand_on_one_line_stay_small() {
    // 16,000 took 5 GB, as each diagnostic kept its own copy of the line,
    // and printed 5.6 MB; 50,000 were killed at 21 GB.
    let site = OwnSite::with_club_page("", &format!("{}\n", "{{ figure(".repeat(16_000)));
    let limit = Duration::from_secs(10);
    let (run, peak) = site.run(limit, "check", &["--strict"]);
    assert_eq!(run.code, 1);
    assert_small(peak);
    let shown = "error: shortcode: expected an argument name or `)`";
    assert_eq!(run.stdout.matches(shown).count(), 50);
    // The 51st call starts at column 501 and fails after its `(`.
    let summary = format!(
        "content/clubs/hostile.md:{CLUB_BODY_LINE}:511: error: … and 15,950 more problems in this file
  = hint: each run shows the first 50 problems of a file: fix them and run again to see the next ones

check: 16000 errors, 0 warnings, 1 info
"
    );
    assert!(
        run.stdout.ends_with(&summary),
        "{}",
        &run.stdout[run.stdout.len() - 600..]
    );
    // Every line shown is cut to 120 characters around the caret.
    assert!(run.stdout.lines().all(|l| l.chars().count() < 160));

    for format in ["github", "json"] {
        let (run, peak) = site.run(limit, "check", &["--format", format]);
        assert_eq!(run.code, 1);
        assert_small(peak);
        // 50 problems, the count of the rest, and the missing translation.
        assert_eq!(run.stdout.lines().count(), 52, "{format}");
        assert!(run.stdout.contains("15,950 more problems"), "{format}");
    }
    let (run, peak) = site.run(limit, "build", &[]);
    assert_small(peak);
    assert_eq!(run.stderr.matches(shown).count(), 50);
    assert!(
        run.stderr
            .ends_with("build failed: 16000 errors; the previous output was left as it was\n")
    );
}

#[test]
fn twenty_thousand_equal_headings_get_their_ids_in_linear_time() {
    // 40,000 `## a` took 229 s: each heading tried a-1, a-2... from 1.
    // The first headings pin the ids where suffixes and ids given by hand
    // (`{#a-3}`) meet.
    let first = "## a\n\n## a\n\n## a 1\n\n## a\n\n## Ici {#a-3}\n\n## a\n\n";
    let site = OwnSite::with_club_page("", &format!("{first}{}", "## a\n\n".repeat(20_000)));
    let (run, peak) = site.run(Duration::from_secs(10), "build", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_small(peak);
    let html = fs::read_to_string(site.root().join("public/clubs/hostile/index.html")).unwrap();
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .map(|h| &h[..h.find('"').unwrap()])
        .collect();
    assert_eq!(ids[..7], ["a", "a-1", "a-1-1", "a-2", "a-3", "a-4", "a-5"]);
    assert_eq!(ids.len(), 20_006);
    assert_eq!(ids.last(), Some(&"a-20004"));
}

#[test]
fn stray_end_tags_by_the_hundred_thousand_are_a_located_error() {
    // 74 s: each `</i>` took one level off the nesting estimate, while the
    // sanitiser's parser kept every `<span>` open, and looked through all
    // of them at each end tag.
    let site = OwnSite::with_club_page("", &format!("{}\n", "<span></i>".repeat(100_000)));
    let (run, _) = site.run(Duration::from_secs(10), "check", &["--strict"]);
    assert_eq!(
        run.stdout,
        format!(
            "content/clubs/hostile.md: info: no English version: the English site leaves this page out
  = hint: translations are optional in this section: translate it as content/clubs/hostile.en.md when you can

content/clubs/hostile.md:{CLUB_BODY_LINE}:631: error: lists, quotes or HTML elements are nested more than 64 levels deep here
  |
{CLUB_BODY_LINE} | …{}…
  | {}^
  = hint: nest fewer of them inside one another

check: 1 error, 0 warnings, 1 info
",
            "<span></i>".repeat(12),
            " ".repeat(61)
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
fn markup_that_piles_up_in_the_sanitiser_is_a_located_error() {
    // Each of these kept 20,000 elements open for the parser (4 to 17 s)
    // while the nesting estimate saw none; each is now the nesting error,
    // at once.
    for pattern in [
        "x <div/>",
        "x <optgroup>",
        "x <rt>",
        "x <li><dd>",
        "<span><p></span></p>",
        "<span><!-- </span> -->",
        "<span title=\"</span>\">",
    ] {
        let site = OwnSite::with_club_page("", &format!("{}\n", pattern.repeat(20_000)));
        let (run, _) = site.run(Duration::from_secs(10), "check", &["--strict"]);
        assert_eq!(run.code, 1, "{pattern}");
        assert!(
            run.stdout.contains(
                "error: lists, quotes or HTML elements are nested more than 64 levels deep here"
            ),
            "{pattern}: {}",
            run.stdout
        );
    }
}

#[test]
fn yaml_nested_a_hundred_thousand_deep_in_front_matter_is_a_located_error_at_once() {
    // 39 s: the YAML backend refuses it, but only after time quadratic in the depth.
    let deep = format!("z: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let site = OwnSite::with_club_page(&deep, "x\n");
    let (run, _) = site.run(Duration::from_secs(5), "check", &["--strict"]);
    // The line after the six valid fields; the 128th `[` is the 129th level.
    assert_eq!(
        run.stdout,
        format!(
            "content/clubs/hostile.md:7:131: error: invalid YAML: lists or mappings are nested too deep here
  |
7 | …{}…
  | {}^
  = hint: nest them less deeply (at most 128 levels)

check: 1 error, 0 warnings
",
            "[".repeat(120),
            " ".repeat(61)
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
fn twenty_thousand_unknown_keys_are_reported_fifty_at_a_time() {
    // 50,000 took 74 s and printed 11 MB of annotations: each key's
    // offset was a search of every key, each diagnostic counted the lines
    // of the file from its start, and every one was printed.
    let mut keys = String::new();
    for i in 0..20_000 {
        let _ = writeln!(keys, "champ_{i}: x");
    }
    let site = OwnSite::with_club_page(&keys, "x\n");
    let (run, peak) = site.run(Duration::from_secs(10), "check", &["--format", "github"]);
    assert_eq!(run.code, 1);
    assert_small(peak);
    let annotations: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(annotations.len(), 51);
    assert!(
        annotations[0].starts_with(
            "::error file=content/clubs/hostile.md,line=7,col=1,title=alumni::unknown field `champ_0` for a page of clubs%0Ahint: "
        ),
        "{}",
        annotations[0]
    );
    assert_eq!(
        annotations[50],
        "::error file=content/clubs/hostile.md,line=57,col=1,title=alumni::… and 19,950 more problems in this file%0Ahint: each run shows the first 50 problems of a file: fix them and run again to see the next ones"
    );
}

#[test]
fn terminal_control_sequences_in_a_page_never_reach_the_terminal() {
    // Printed as they are, `ESC [ 2 K` and a carriage return would let a
    // page's line erase its own error in a maintainer's terminal or in the
    // CI log and write a forged summary over it; U+202E would reorder it.
    let forged = "\u{1b}[2K\rcheck: 0 errors, 0 warnings\u{1b}[8m";
    let site = OwnSite::with_club_page(
        &format!("unknown_{}: x\n", "\u{202e}"),
        &format!("Texte {forged} ![](photo.png)\n"),
    );
    for format in ["human", "github"] {
        let (run, _) = site.run(Duration::from_secs(10), "check", &["--format", format]);
        assert_eq!(run.code, 1);
        for control in ['\u{1b}', '\r', '\u{202e}'] {
            assert!(
                !run.stdout.contains(control),
                "{format}: {control:?} in {:?}",
                run.stdout
            );
        }
        assert!(
            run.stdout.contains("unknown_\u{fffd}"),
            "{format}: {}",
            run.stdout
        );
    }
    // The human report shows the line, each control as one visible
    // character, and its caret stays under the image.
    let (run, _) = site.run(Duration::from_secs(10), "check", &[]);
    assert!(
        run.stdout.contains(
            "Texte \u{241b}[2K\u{240d}check: 0 errors, 0 warnings\u{241b}[8m ![](photo.png)"
        ),
        "{}",
        run.stdout
    );
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("![](photo.png)"))
        .unwrap();
    let caret = run
        .stdout
        .lines()
        .skip_while(|l| *l != line)
        .nth(1)
        .unwrap();
    assert_eq!(
        line.chars().position(|c| c == '!'),
        caret.chars().position(|c| c == '^'),
        "{line}\n{caret}"
    );
}
