//! `alumni check` and `alumni new`: one fixture per mistake a club leader can
//! make, each with its exact diagnostics in the three formats; the
//! repository's own site passes `--strict`; hostile HTML never reaches the output.

use std::fs;

use crate::harness::{PNG, TestSite, alumni, copy_tree, fixture, main_of, repo_root};

fn run_check(site: &TestSite, format: &str) -> crate::harness::Run {
    let root = site.root();
    alumni(
        site.temp(),
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            format,
        ],
    )
}

fn check_case(case: &str) {
    let dir = fixture("check").join(case);
    let site = TestSite::new("site");
    copy_tree(&dir.join("files"), &site.root());
    for format in ["human", "github", "json"] {
        let run = run_check(&site, format);
        let actual = format!("exit: {}\n\n{}", run.code, run.stdout);
        let path = dir.join(format!("expected.{format}"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            fs::write(&path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == actual,
            "case {case}, {format}\n--- expected\n{expected}\n--- actual\n{actual}"
        );
        assert_eq!(run.code, 1, "case {case}: a mistake fails the check");
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check_case(stringify!($name)); })*

        #[test]
        fn every_check_fixture_is_listed() {
            let mut found: Vec<String> = fs::read_dir(fixture("check"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            let mut listed: Vec<String> = [$(stringify!($name)),*].iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(found, listed);
        }
    };
}

cases!(
    bad_date,
    broken_anchor,
    broken_link,
    end_before_start,
    enum_typo,
    menu_page_missing_in_english,
    missing_alt,
    missing_club_reference,
    missing_image,
    missing_required_field,
    raw_script,
    unknown_key,
    wrong_type,
);

#[test]
fn warnings_fail_only_with_strict() {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    let run = alumni(site.temp(), &["check", "--root", root]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.ends_with("check: 0 errors, 3 warnings\n"),
        "{}",
        run.stdout
    );
    let strict = alumni(site.temp(), &["check", "--root", root, "--strict"]);
    assert_eq!(strict.code, 1);
}

/// Runs `alumni ARGS` in `site`'s folder with English messages.
fn alumni_in_english(site: &TestSite, args: &[&str]) -> crate::harness::Run {
    std::process::Command::new(env!("CARGO_BIN_EXE_alumni"))
        .args(args)
        .current_dir(site.temp())
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("the alumni binary runs")
        .into()
}

/// A pull request with one mistake of each kind across three pages (a
/// club page with an enum typo, an impossible date and an `<iframe>`; a
/// second club page with an image without alternative text, a `<script>`
/// and a broken link; a news page with a broken anchor and an unknown
/// shortcode, linking to the first club) hears of every one in one run of
/// `check`, and nothing of the links to the club left out for its front
/// matter; once each is fixed, `check --strict` passes in one round.
#[test]
fn one_run_reports_every_mistake_and_one_round_fixes_them() {
    let dir = fixture("one_round");
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    copy_tree(&dir.join("mistakes"), &site.root());
    for format in ["human", "json"] {
        let run = alumni_in_english(&site, &["check", "--root", root, "--format", format]);
        let actual = format!("exit: {}\n\n{}", run.code, run.stdout);
        let path = dir.join(format!("expected.{format}"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            fs::write(&path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == actual,
            "{format}\n--- expected\n{expected}\n--- actual\n{actual}"
        );
    }
    let run = alumni_in_english(&site, &["check", "--root", root]);
    assert_eq!(run.code, 1);
    for (file, mistake) in [
        ("clubs/docteurs.md", "`club_kind` cannot be `thematique`"),
        ("clubs/docteurs.md", "`founded` must be a date"),
        ("clubs/docteurs.md", "<iframe>"),
        ("clubs/biotech.md", "no alternative text"),
        ("clubs/biotech.md", "<script>"),
        ("clubs/biotech.md", "`/alumni/clubs/membres/`"),
        ("news/premier-numero/index.md", "`#au-sommaire-du-numero`"),
        ("news/premier-numero/index.md", "`galerie`"),
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&format!("content/{file}:")) && l.contains(mistake)),
            "{file}: {mistake}\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains("docteurs-chercheurs-et-doctorants/`"),
        "a link to the page left out is not a mistake of its own\n{}",
        run.stdout
    );
    // The build agrees, and leaves no output.
    let build = site.build(&[]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(!site.public().exists());

    copy_tree(&dir.join("fixed"), &site.root());
    let strict = alumni_in_english(&site, &["check", "--strict", "--root", root]);
    assert_eq!(strict.code, 0, "{}", strict.stdout);
    assert!(
        strict
            .stdout
            .ends_with("check: 0 errors, 0 warnings, 3 infos\n"),
        "{}",
        strict.stdout
    );
    assert_eq!(site.build(&[]).code, 0);
}

/// A page whose front matter cannot even be read hides nothing of the
/// others: their mistakes show in the same run, and their links to it
/// (`@/clubs/docteurs.md`, `#qui-peut-adherer` included) wait for it.
#[test]
fn an_unreadable_page_hides_nothing_else() {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    site.edit(
        "content/clubs/docteurs.md",
        "date: 2026-11-20",
        "date: [2026-11-20",
    );
    site.edit(
        "content/clubs/biotech.md",
        "## Nous contacter",
        "<script>alert(1)</script>\n\n## Nous contacter",
    );
    let run = alumni_in_english(&site, &["check", "--root", root]);
    assert_eq!(run.code, 1);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stdout);
    assert!(
        errors[0].starts_with("content/clubs/biotech.md:"),
        "{}",
        run.stdout
    );
    assert!(errors[0].contains("<script>"), "{}", run.stdout);
    assert!(
        errors[1].starts_with("content/clubs/docteurs.md:4:"),
        "{}",
        run.stdout
    );
    assert_eq!(site.build(&[]).code, 1);
}

/// Where `content/site.yaml` makes translations optional, a French-only
/// club page is an info, printed, and `check --strict` passes; where they
/// are required (the default of a section that leaves untranslated pages
/// out), it is a warning that fails `--strict`.
#[test]
fn a_french_only_club_passes_strict_check_where_translations_are_optional() {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    let strict = |site: &TestSite| alumni_in_english(site, &["check", "--strict", "--root", root]);
    let required = strict(&site);
    assert_eq!(required.code, 1);
    assert!(
        required.stdout.contains(
            "content/clubs/docteurs.md: warning: no English version: the English site leaves this page out"
        ),
        "{}",
        required.stdout
    );
    site.edit(
        "content/site.yaml",
        "    paginate_by: 1\n  news:",
        "    paginate_by: 1\n    translations: optional\n  events:\n    translations: optional\n  news:",
    );
    let optional = strict(&site);
    assert_eq!(optional.code, 0, "{}", optional.stdout);
    assert!(
        optional.stdout.contains(
            "content/clubs/docteurs.md: info: no English version: the English site leaves this page out\n  \
             = hint: translations are optional in this section: translate it as content/clubs/docteurs.en.md when you can"
        ),
        "{}",
        optional.stdout
    );
    assert!(
        optional
            .stdout
            .ends_with("check: 0 errors, 0 warnings, 3 infos\n"),
        "{}",
        optional.stdout
    );
    // The pull-request workflow reports in French, naming the language so.
    let french = alumni_in_english(
        &site,
        &["check", "--strict", "--lang", "fr", "--root", root],
    );
    assert_eq!(french.code, 0, "{}", french.stdout);
    assert!(
        french.stdout.contains(
            "content/clubs/docteurs.md: information : pas de version en anglais : le site en anglais ne montre pas cette page\n  \
             = conseil : les traductions sont facultatives dans cette section : traduisez-la dans content/clubs/docteurs.en.md quand vous le pourrez"
        ),
        "{}",
        french.stdout
    );
    assert!(
        french
            .stdout
            .ends_with("vérification : 0 erreur, 0 avertissement, 3 informations\n"),
        "{}",
        french.stdout
    );
    // The menu's pages still need English, whatever their section says.
    site.edit(
        "content/_data/navigation.yaml",
        "path: clubs/_index.md",
        "path: clubs/docteurs.md",
    );
    let menu = strict(&site);
    assert_eq!(menu.code, 1);
    assert!(
        menu.stdout
            .contains("error: the menu links to `clubs/docteurs.md`, which has no English version"),
        "{}",
        menu.stdout
    );
}

#[test]
fn the_repository_site_passes_strict_check() {
    let root = repo_root();
    let run = alumni(
        &root,
        &["check", "--strict", "--root", root.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    // Infos (French-only pages where translations are optional) may show.
    assert!(
        run.stdout.ends_with("check: 0 errors, 0 warnings\n")
            && !run.stdout.contains(": warning:")
            && !run.stdout.contains(": error:"),
        "{}",
        run.stdout
    );
}

#[test]
fn new_writes_a_page_that_check_rejects_until_filled_in() {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    let new_club = |extra: &[&str]| {
        let mut args = vec![
            "new",
            "clubs",
            "Club « Jacques Doucet, arts et patrimoine »",
            "--root",
            root,
        ];
        args.extend_from_slice(extra);
        alumni(site.temp(), &args)
    };
    let run = new_club(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().next(),
        Some("content/clubs/club-jacques-doucet-arts-et-patrimoine.md")
    );
    let text = site.read("content/clubs/club-jacques-doucet-arts-et-patrimoine.md");
    assert_eq!(
        text,
        "---\n\
         title: \"Club « Jacques Doucet, arts et patrimoine »\"\n\
         club_kind: [\"À COMPLÉTER\"]  # professionnel | thématique — liste : [a, b]\n\
         # description: \"\"  # une phrase pour les listes et les moteurs de recherche\n\
         # tags: []  # mots-clés\n\
         # draft: true  # hors du site tant que vrai\n\
         # contact_email: nom@example.org\n\
         # founded: 2026-11-28\n\
         # logo: { src: image.jpg, alt: \"\" }\n\
         ---\n\n\
         Écrivez ici le texte de la page, en Markdown : paragraphes, intertitres `## …`, liens.\n"
    );
    let check = alumni(site.temp(), &["check", "--root", root]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("content/clubs/club-jacques-doucet-arts-et-patrimoine.md:3:12: error: `club_kind` still says À COMPLÉTER"), "{}", check.stdout);
    // Never overwrites.
    let again = new_club(&[]);
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("this page already exists; alumni new never overwrites a file")
    );
    assert_eq!(
        site.read("content/clubs/club-jacques-doucet-arts-et-patrimoine.md"),
        text
    );
    // English version, and a typo in the collection's name.
    let en = new_club(&["--lang", "en"]);
    assert_eq!(
        en.stdout.lines().next(),
        Some("content/clubs/club-jacques-doucet-arts-et-patrimoine.en.md")
    );
    assert!(
        site.read("content/clubs/club-jacques-doucet-arts-et-patrimoine.en.md")
            .contains("Write the page's text here")
    );
    let typo = alumni(site.temp(), &["new", "club", "X", "--root", root]);
    assert_eq!(typo.code, 1);
    assert!(
        typo.stderr.contains("there is no section `club`")
            && typo.stderr.contains("did you mean `clubs`?"),
        "{}",
        typo.stderr
    );
}

/// Known cross-site scripting payloads, as a club leader could paste them.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//example.org/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"/>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"https://example.org\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<form action=\"https://example.org\"><input name=p><button>Go</button></form>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<p onmouseover=\"alert(1)\">survol</p>",
    "[lien](javascript:alert(1))",
    "[lien](JAVASCRIPT:alert(1))",
    "![image](javascript:alert(1))",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
];

#[test]
fn hostile_html_in_a_club_page_never_reaches_the_output() {
    let site = TestSite::new("site");
    let body = PAYLOADS.join("\n\n");
    let text = site.read("content/clubs/docteurs.md");
    site.write("content/clubs/docteurs.md", &format!("{text}\n{body}\n"));
    // The build reports the payloads as located errors...
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "content/clubs/docteurs.md:12:1: error: a <script> element is not allowed in this page"
        ),
        "{}",
        run.stderr
    );
    // ...and what the Markdown stage makes of them, sanitised, runs nothing.
    let collection = alumni::collection::Collection {
        folder: "clubs".into(),
        trusted: false,
        shortcodes: Some(vec![]),
        fields: vec![],
    };
    let resolve = |_: &str| None;
    let env = alumni::markdown::Env {
        resolve: &resolve,
        shortcodes: None,
        lang: "fr",
        collection: Some(&collection),
    };
    let source = alumni::markdown::BodySource {
        path: "content/clubs/x.md",
        file_text: &body,
        body_start: 0,
        content_path: "clubs/x.md",
    };
    let (rendered, errors) = alumni::markdown::render(&body, source, &env);
    assert!(errors.len() >= PAYLOADS.len() - 2, "{errors:?}");
    let lower = rendered.html.to_ascii_lowercase();
    for needle in [
        "<script",
        "onerror",
        "onload",
        "ontoggle",
        "onmouseover",
        "javascript:",
        "vbscript:",
        "data:",
        "<iframe",
        "srcdoc",
        "<object",
        "<embed",
        "<form",
        "<style",
        "<meta",
        "<base",
        "<link",
        "style=",
    ] {
        assert!(
            !lower.contains(needle),
            "{needle} survived: {}",
            rendered.html
        );
    }
}

#[test]
fn untrusted_pages_are_sanitised_trusted_ones_are_not() {
    let site = TestSite::new("site");
    let club = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!("{club}\n<span data-x=\"1\" style=\"color:red\">rouge</span>\n"),
    );
    let event = site.read("content/events/rencontre-biotech.md");
    site.write(
        "content/events/rencontre-biotech.md",
        &format!("{event}\n<span data-x=\"1\" style=\"color:red\">rouge</span>\n"),
    );
    assert_eq!(site.build(&[]).code, 0);
    let club = site.read("public/clubs/club-docteurs-chercheurs-et-doctorants/index.html");
    assert!(main_of(&club).contains("<span>rouge</span>"), "{club}");
    let event = site.read("public/events/rencontre-biotech/index.html");
    assert!(
        main_of(&event).contains("<span data-x=\"1\" style=\"color:red\">rouge</span>"),
        "{event}"
    );
}

#[test]
fn only_allowed_shortcodes_in_untrusted_pages() {
    let site = TestSite::new("site");
    site.write(
        "themes/mini/shortcodes/video.html",
        "{% component video(title) %}<p>{{ title }}</p>{% endcomponent video %}",
    );
    let club = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!("{club}\n{{{{ video(title=\"x\") }}}}\n"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: the shortcode `video` is not allowed in pages of clubs"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("allowed here: figure, note"),
        "{}",
        run.stderr
    );
}

/// A link almost right gets the address to write: the file's name in its
/// own letter case (the CDN's names are case-sensitive, a laptop's are
/// not), a heading's id as the site writes it, a page's final `/`.
#[test]
fn a_link_almost_right_is_told_the_address_to_write() {
    let site = TestSite::repository();
    site.write(
        "content/clubs/volcans/index.md",
        "---\ntitle: Club des volcans\nclub_kind: [professionnel]\nstatus: actif\n\
scope: Tous les diplômés\ncontact: Le bureau\n---\n## Nous contacter\n\n\
Notre sortie : ![La sortie](Sortie.PNG), [le programme](/Clubs/Biotech/).\n\n\
Voir [le contact](#Nous-Contacter) et [le club biotech](/clubs/biotech).\n",
    );
    fs::write(site.root().join("content/clubs/volcans/sortie.png"), PNG).unwrap();
    let root = site.root();
    let run = alumni_in_english(&site, &["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for (at, hint) in [
        (
            "content/clubs/volcans/index.md:10:29: error: link to `Sortie.PNG`",
            "did you mean `sortie.png`? Addresses on the site are case-sensitive",
        ),
        (
            "content/clubs/volcans/index.md:10:57: error: link to `/Clubs/Biotech/`",
            "did you mean `/clubs/biotech/`? Addresses on the site are case-sensitive",
        ),
        (
            "content/clubs/volcans/index.md:12:19: error: link to `#Nous-Contacter`",
            "did you mean `#nous-contacter`? Ids are written in lower case, without accents",
        ),
        (
            "content/clubs/volcans/index.md:12:57: error: link to `/clubs/biotech`",
            "write `/clubs/biotech/`, with its final `/`",
        ),
    ] {
        let found = run.stdout.split("\n\n").find(|d| d.starts_with(at));
        assert!(
            found.is_some_and(|d| d.ends_with(&format!("= hint: {hint}"))),
            "{at}: {hint}\n{}",
            run.stdout
        );
    }
}

/// A reference that `check` accepts is one the club's calendar finds: both
/// read it through one normalisation (before, `club: clubs/biotech` passed
/// `check`, which added `.md`, while the calendar looked up the text as
/// written, and the club's `events.ics` lost the event). Catches a second
/// reading of references that differs from the check's.
#[test]
fn a_reference_written_without_md_keeps_the_event_in_the_clubs_calendar() {
    let site = TestSite::new("site");
    for form in ["clubs/biotech", "@/clubs/biotech.md", "clubs/biotech.md"] {
        site.write(
            "content/events/rencontre-biotech.md",
            &format!(
                "---\ntitle: Rencontre du club Biotech\ndate: 2026-12-01\n\
start: 2026-12-10T18:30:00+01:00\nend: 2026-12-10T20:00:00+01:00\nclub: \"{form}\"\n---\nUne soirée.\n"
            ),
        );
        let run = run_check(&site, "human");
        assert_eq!(run.code, 0, "{form}: {}", run.stdout);
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        let club = site.read("public/clubs/biotech/events.ics");
        assert!(
            club.contains("SUMMARY:Rencontre du club Biotech\r\n"),
            "{form}: {club}"
        );
    }
}
