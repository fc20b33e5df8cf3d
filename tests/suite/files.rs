//! Files beside pages: where every file under `content/` is published, for
//! any tree of sections, page bundles and plain folders, with names in any
//! script; and the trees no build may panic on.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use alumni::slug::slugify;

use crate::harness::{Rng, TestSite, tree};

/// Folder names: accents, ligatures, spaces, a two-byte letter first (the
/// byte slicing of paths broke on `école`); their slugs are all different.
const FOLDER_NAMES: &[&str] = &[
    "Été",
    "école",
    "Cœur de ville",
    "news",
    "Ça va",
    "Ünïcode",
    "plan",
    "Zoë 2026",
    "x",
];

/// File names, kept as written in the output.
const FILE_NAMES: &[&str] = &[
    "école.pdf",
    "Plan du campus.pdf",
    // Text in every file, to tell the copies apart: no image name, which
    // the image stage would read as one.
    "note d'été.txt",
    "ça.txt",
    "a.txt",
    "Œil.svg",
];

/// Words a bundle's `slug:` starts with (followed by its folder's name, so
/// that no two siblings share a slug).
const SLUG_WORDS: &[&str] = &["Accueil", "À la une", "Œuvre", "résumé"];

/// One language version of a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    Absent,
    Visible,
    Draft,
}

/// What a generated folder is.
#[derive(Clone, Debug)]
enum Kind {
    /// No Markdown of its own.
    Plain,
    /// `_index.md`, maybe `_index.en.md`, both drafts or neither.
    Section { draft: bool },
    /// `index.md` and `index.en.md`, each absent, visible or a draft; its
    /// pages' bodies hold `PAGE-<id>-<lang>`.
    Bundle { id: usize, fr: Version, en: Version },
}

/// A generated site: its folders, its files (content path -> bytes) and
/// which of them are copied files, with the marker they hold.
#[derive(Default)]
struct Tree {
    folders: BTreeMap<String, Kind>,
    writes: BTreeMap<String, String>,
    files: Vec<(String, String)>,
    bundles: usize,
    root_bundle: bool,
}

fn pick<'a>(rng: &mut Rng, pool: &mut Vec<&'a str>) -> Option<&'a str> {
    (!pool.is_empty()).then(|| pool.remove(rng.below(pool.len())))
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

impl Tree {
    fn generate(rng: &mut Rng) -> Tree {
        let mut tree = Tree::default();
        if rng.below(5) > 0 {
            tree.page("_index.md", "Accueil", None, false, "");
            if rng.below(2) == 0 {
                tree.page("_index.en.md", "Home", None, false, "");
            }
        }
        if rng.below(6) == 0 {
            tree.root_bundle = true;
            tree.page("index.md", "Racine", Some("accueil"), false, "PAGE-root-fr");
        }
        tree.grow(rng, "", 0);
        tree.link_files();
        tree
    }

    /// Each bundle page's body links to the files of its own folder, by
    /// relative addresses: `check` then judges them in every language.
    fn link_files(&mut self) {
        for (folder, kind) in &self.folders {
            if !matches!(kind, Kind::Bundle { .. }) {
                continue;
            }
            let links: String = self
                .files
                .iter()
                .filter_map(|(path, _)| {
                    let (f, name) = path.rsplit_once('/')?;
                    (f == folder).then(|| format!("[{name}](<{name}>) "))
                })
                .collect();
            for page in ["index.md", "index.en.md"] {
                if let Some(text) = self.writes.get_mut(&format!("content/{folder}/{page}")) {
                    text.push_str(&links);
                    text.push('\n');
                }
            }
        }
    }

    fn page(&mut self, path: &str, title: &str, slug: Option<&str>, draft: bool, body: &str) {
        let slug = slug.map_or(String::new(), |s| format!("slug: \"{s}\"\n"));
        let draft = if draft { "draft: true\n" } else { "" };
        self.writes.insert(
            format!("content/{path}"),
            format!("---\ntitle: \"{title}\"\n{slug}{draft}---\n{body}\n"),
        );
    }

    fn grow(&mut self, rng: &mut Rng, folder: &str, depth: usize) {
        let mut names = FILE_NAMES.to_vec();
        for _ in 0..rng.below(3) {
            let Some(name) = pick(rng, &mut names) else {
                break;
            };
            let path = join(folder, name);
            let marker = format!("FILE-{}\n", self.files.len());
            self.writes
                .insert(format!("content/{path}"), marker.clone());
            self.files.push((path, marker));
        }
        if depth == 3 {
            return;
        }
        let mut names = FOLDER_NAMES.to_vec();
        let children = if depth == 0 {
            1 + rng.below(3)
        } else {
            rng.below(3)
        };
        for _ in 0..children {
            let Some(name) = pick(rng, &mut names) else {
                break;
            };
            let child = join(folder, name);
            let kind = match rng.below(4) {
                0 => Kind::Plain,
                1 => {
                    let draft = rng.below(8) == 0;
                    self.page(&format!("{child}/_index.md"), name, None, draft, "");
                    if rng.below(2) == 0 {
                        self.page(&format!("{child}/_index.en.md"), name, None, draft, "");
                    }
                    Kind::Section { draft }
                }
                _ => {
                    use Version::{Absent, Draft, Visible};
                    let (fr, en) = [
                        (Visible, Absent),
                        (Visible, Visible),
                        (Visible, Visible),
                        (Absent, Visible),
                        (Draft, Absent),
                        (Draft, Visible),
                        (Visible, Draft),
                    ][rng.below(7)];
                    let id = self.bundles;
                    self.bundles += 1;
                    let slug = (rng.below(2) == 0)
                        .then(|| format!("{} {name}", SLUG_WORDS[rng.below(SLUG_WORDS.len())]));
                    for (version, lang, file) in [(fr, "fr", "index.md"), (en, "en", "index.en.md")]
                    {
                        if version == Absent {
                            continue;
                        }
                        let slug = match (lang, &slug) {
                            ("en", Some(s)) => Some(format!("{s} English")),
                            (_, s) => s.clone(),
                        };
                        self.page(
                            &format!("{child}/{file}"),
                            name,
                            slug.as_deref(),
                            version == Draft,
                            &format!("PAGE-{id}-{lang}."),
                        );
                    }
                    Kind::Bundle { id, fr, en }
                }
            };
            self.folders.insert(child.clone(), kind);
            self.grow(rng, &child, depth + 1);
        }
    }

    /// Where the file in `folder` goes, by the rule the README gives: a
    /// folder under a draft section publishes nothing; else the nearest
    /// folder at or above it that is a bundle (published when one of its
    /// versions is visible) or a section (the root is the home's) owns it.
    fn owner(&self, folder: &str) -> Owner {
        let ancestors: Vec<&str> = std::iter::successors(Some(folder), |f| {
            (!f.is_empty()).then(|| f.rsplit_once('/').map_or("", |(p, _)| p))
        })
        .collect();
        if ancestors
            .iter()
            .any(|f| matches!(self.folders.get(*f), Some(Kind::Section { draft: true })))
        {
            return Owner::Hidden;
        }
        for f in ancestors {
            match self.folders.get(f) {
                Some(Kind::Bundle { id, fr, en }) => {
                    return if *fr == Version::Visible || *en == Version::Visible {
                        Owner::Bundle(f.to_string(), *id)
                    } else {
                        Owner::Hidden
                    };
                }
                Some(Kind::Section { .. }) => return Owner::Section,
                Some(Kind::Plain) | None => {}
            }
        }
        Owner::Section
    }

    /// A listing of the tree, for failure messages.
    fn listing(&self) -> String {
        self.writes.keys().cloned().collect::<Vec<_>>().join("\n")
    }
}

#[derive(Debug)]
enum Owner {
    Hidden,
    Section,
    Bundle(String, usize),
}

/// `Événements/2026` -> `evenements/2026/`, as the sections' URLs.
fn folder_url(folder: &str) -> String {
    let mut url = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        url.push_str(&slugify(part));
        url.push('/');
    }
    url
}

/// A site of the `mini` theme whose `content/` is `tree`.
fn site_of(tree: &Tree) -> TestSite {
    let site = TestSite::new("site");
    fs::remove_dir_all(site.root().join("content")).unwrap();
    let fallback = if matches!(
        tree.folders.get("news"),
        Some(Kind::Section { draft: false })
    ) {
        "sections:\n  news:\n    missing_translation: fallback\n"
    } else {
        ""
    };
    site.write(
        "content/site.yaml",
        &format!(
            "title: Essai\nbase_url: https://example.org/\ntheme: mini\nlanguages:\n  fr:\n    name: Français\n  en:\n    name: English\n    title: Test\n{fallback}extra:\n  footer: Pied\n"
        ),
    );
    // The fixture's home names its clubs: this one names what it has.
    site.write(
        "themes/mini/templates/index.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ section.title }}</h1>{{ section.content }}{% endblock main %}",
    );
    site.write("content/_data/navigation.yaml", "main: []\n");
    site.write("content/_data/org/offices.yaml", "- name: Bureau\n");
    for (path, text) in &tree.writes {
        site.write(path, text);
    }
    site
}

/// Builds the tree of `seed` and checks where every file went.
fn check_tree(seed: u64) {
    let mut rng = Rng(seed | 1);
    let tree = Tree::generate(&mut rng);
    let site = site_of(&tree);
    let run = site.build(&[]);
    let replay = format!(
        "replay with ALUMNI_TREE_SEED={seed} cargo test --test suite files::\n{}",
        tree.listing()
    );
    assert!(!run.stderr.contains("panicked"), "{}\n{replay}", run.stderr);
    if tree.root_bundle {
        assert_eq!(run.code, 1, "{}\n{replay}", run.stderr);
        assert!(
            run.stderr.contains("content/index.md:1:1: error: `content/index.md` would be a page holding every file of the site"),
            "{}\n{replay}",
            run.stderr
        );
        return;
    }
    assert_eq!(run.code, 0, "{}\n{replay}", run.stderr);
    let public = tree_of_public(&site);
    // Which outputs hold each marker.
    let mut found: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in &public {
        if let Ok(text) = std::str::from_utf8(bytes) {
            if text.starts_with("FILE-") {
                found.entry(text).or_default().insert(path.clone());
            }
        }
    }
    for (source, marker) in &tree.files {
        let (folder, name) = source.rsplit_once('/').unwrap_or(("", source));
        let expected: BTreeSet<String> = match tree.owner(folder) {
            Owner::Hidden => BTreeSet::new(),
            Owner::Section => [format!("{}{name}", folder_url(folder))].into(),
            Owner::Bundle(bundle, id) => {
                let inner = source.strip_prefix(&format!("{bundle}/")).unwrap_or(name);
                // Once, beside the French page, else the English one.
                let publisher = page_urls(&public, id, "fr")
                    .into_iter()
                    .find(|url| !url.starts_with("en/"))
                    .or_else(|| page_urls(&public, id, "en").into_iter().next());
                let publisher =
                    publisher.unwrap_or_else(|| panic!("no page of bundle {id}\n{replay}"));
                [format!("{publisher}{inner}")].into()
            }
        };
        let actual = found.remove(marker.as_str()).unwrap_or_default();
        assert_eq!(actual, expected, "content/{source}\n{replay}");
    }
    assert!(found.is_empty(), "unexpected copies {found:?}\n{replay}");
    // Every language's page links to the one copy: `check` finds no
    // address that leads nowhere.
    let check = site.check(&[]);
    assert!(
        !check.stdout.contains("error:"),
        "{}\n{replay}",
        check.stdout
    );
}

fn tree_of_public(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    tree(&site.public())
}

/// The site paths of the pages made from the `lang` text of bundle `id`
/// (a fallback shows the French text in the English edition): the folders
/// of the HTML files holding its marker.
fn page_urls(public: &BTreeMap<String, Vec<u8>>, id: usize, lang: &str) -> BTreeSet<String> {
    let marker = format!("PAGE-{id}-{lang}.");
    public
        .iter()
        .filter(|(path, _)| path.ends_with("index.html"))
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(marker.as_str()))
        .map(|(path, _)| path.strip_suffix("index.html").unwrap_or(path).to_string())
        .collect()
}

/// The property: for random small trees of sections, bundles (in one
/// language or two, drafts among them) and plain folders, with non-ASCII
/// names everywhere and sometimes a root `content/index.md`, no build
/// panics and every copied file lands under its owner's URL. The seed
/// comes from the clock, is printed on failure, and `ALUMNI_TREE_SEED`
/// replays one tree.
#[test]
fn every_copied_file_lands_under_its_owners_url() {
    if let Some(seed) = std::env::var("ALUMNI_TREE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        check_tree(seed);
        return;
    }
    let base = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    // The low bits change fastest.
    let base = u64::try_from(base & u128::from(u64::MAX)).unwrap_or(1);
    for case in 0..30_u64 {
        check_tree(base.wrapping_add(case.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    }
}

/// A root `content/index.md` with `slug: accueil` beside `content/école.pdf`
/// made the build panic (exit 101) on a byte slice inside `é`.
#[test]
fn a_root_index_md_beside_ecole_pdf_does_not_panic() {
    let site = TestSite::new("site");
    site.write(
        "content/index.md",
        "---\ntitle: Accueil\nslug: accueil\n---\nBonjour\n",
    );
    site.write("content/école.pdf", "%PDF-1.4\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/index.md:1:1: error: `content/index.md` would be a page holding every file of the site: the home page is `content/_index.md`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: rename it `_index.md` for the home page, or move it into a folder of its own (`content/accueil/index.md`)"),
        "{}",
        run.stderr
    );
}

/// Without the accent, the same root `content/index.md` published
/// `content/events/plan.pdf` at `accueil/vents/plan.pdf`: its folder's
/// first letter was cut off under the root page's URL.
#[test]
fn a_root_index_md_does_not_publish_events_plan_pdf_at_accueil_vents() {
    let site = TestSite::new("site");
    site.write("content/events/plan.pdf", "%PDF-1.4\n");
    let before = site.build(&[]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert!(site.public().join("events/plan.pdf").is_file());
    site.write(
        "content/index.md",
        "---\ntitle: Accueil\nslug: accueil\n---\nBonjour\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!site.public().join("accueil").exists());
    assert!(site.public().join("events/plan.pdf").is_file());
    // `check` names the one mistake, and no link or file besides.
    let check = site.check(&[]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert_eq!(
        check.stdout.matches("error:").count(),
        1,
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("content/index.md:1:1: error:"),
        "{}",
        check.stdout
    );
}

/// The copied files of `public/` named `name`, anywhere.
fn copies_named(site: &TestSite, name: &str) -> Vec<String> {
    tree(&site.public())
        .into_keys()
        .filter(|p| p.rsplit('/').next() == Some(name))
        .collect()
}

/// A bundle with `index.md` and `index.en.md` published each file twice
/// (`/news/x/amphi.png` and `/en/news/x/amphi.png`): once now, and the
/// English page's relative addresses lead to that copy.
#[test]
fn a_bundle_in_two_languages_publishes_each_file_once() {
    let site = TestSite::new("site");
    site.write_bytes("content/news/premier-numero/amphi.png", crate::harness::PNG);
    site.write(
        "content/news/premier-numero/index.en.md",
        "---\ntitle: First issue\nslug: first-issue\n---\n![The lecture hall](amphi.png)\n\n{{ figure(src=\"motif.svg\", alt=\"A pattern\") }}\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("and 4 files in"), "{}", run.stdout);
    assert_eq!(
        copies_named(&site, "amphi.png"),
        ["news/premier-numero/amphi.png"]
    );
    assert_eq!(
        copies_named(&site, "motif.svg"),
        ["news/premier-numero/motif.svg"]
    );
    // The French page, beside its files, is as it was; the English one
    // (another address: its own slug) reaches the same copies.
    let french = site.read("public/news/premier-numero/index.html");
    assert!(
        french.contains(r#"<img src="motif.svg" alt="Un motif">"#),
        "{french}"
    );
    let english = site.read("public/en/news/first-issue/index.html");
    assert!(
        english.contains(r#"src="/alumni/news/premier-numero/amphi.png""#)
            && english.contains(r#"alt="The lecture hall""#),
        "{english}"
    );
    assert!(
        english.contains(r#"<img src="/alumni/news/premier-numero/motif.svg" alt="A pattern">"#),
        "{english}"
    );
    // `page.assets` lists the one copy in both languages.
    assert!(
        english.contains(r#"<a href="/alumni/news/premier-numero/amphi.png">fichier</a>"#),
        "{english}"
    );
    let check = site.check(&[]);
    assert!(!check.stdout.contains("error:"), "{}", check.stdout);

    // A file missing from the bundle is still reported, at the English link.
    site.edit(
        "content/news/premier-numero/index.en.md",
        "![The lecture hall](amphi.png)",
        "![The lecture hall](amphi.png) ![A plan](plan.png)",
    );
    let check = site.check(&[]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains(
            "content/news/premier-numero/index.en.md:5:42: error: link to `plan.png`, which is not a page or file of the site"
        ),
        "{}",
        check.stdout
    );
}

/// With no page in the default language, the files go beside the English
/// page, still once.
#[test]
fn a_bundle_only_in_english_publishes_its_files() {
    let site = TestSite::new("site");
    site.write_bytes("content/news/visite/campus.png", crate::harness::PNG);
    site.write(
        "content/news/visite/index.en.md",
        "---\ntitle: Campus tour\n---\n![The campus](campus.png)\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        copies_named(&site, "campus.png"),
        ["en/news/visite/campus.png"]
    );
    let english = site.read("public/en/news/visite/index.html");
    assert!(
        english.contains(r#"src="/alumni/en/news/visite/campus.png""#)
            && english.contains(r#"alt="The campus""#),
        "{english}"
    );
    let check = site.check(&[]);
    assert!(!check.stdout.contains("error:"), "{}", check.stdout);
}

/// The English edition of a section reaches the files beside its French
/// `_index.md`, which keep the folder's address.
#[test]
fn an_english_section_links_to_the_files_of_its_folder() {
    let site = TestSite::new("site");
    site.write("content/events/plan.pdf", "%PDF-1.4\n");
    site.write(
        "content/events/_index.en.md",
        "---\ntitle: Events\n---\n[The map](plan.pdf)\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(copies_named(&site, "plan.pdf"), ["events/plan.pdf"]);
    let english = site.read("public/en/events/index.html");
    assert!(
        english.contains(r#"<a href="/alumni/events/plan.pdf">The map</a>"#),
        "{english}"
    );
    let check = site.check(&[]);
    assert!(!check.stdout.contains("error:"), "{}", check.stdout);
}
