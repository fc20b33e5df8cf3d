//! Every page has a schema: the common fields and the site's taxonomies in
//! every section (with or without a collection, the root pages and the
//! sections' own `_index.md` too), plus the collection's fields; and
//! `alumni new` starts a page of any section, in the form `check` reads.

use std::process::Command;

use crate::harness::{Run, TestSite, tree};

/// `alumni ARGS` on `site`, messages in `locale`; `SOURCE_DATE_EPOCH` fixes today.
fn run(site: &TestSite, locale: &str, args: &[&str]) -> Run {
    let root = site.root();
    Command::new(env!("CARGO_BIN_EXE_alumni"))
        .args(args)
        .args(["--root", root.to_str().unwrap()])
        .current_dir(site.temp())
        .env("LC_ALL", locale)
        // 2026-12-02T10:00:00Z.
        .env("SOURCE_DATE_EPOCH", "1796205600")
        .output()
        .expect("the alumni binary runs")
        .into()
}

fn check(site: &TestSite) -> Run {
    run(site, "C.UTF-8", &["check"])
}

fn new(site: &TestSite, args: &[&str]) -> Run {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    run(site, "C.UTF-8", &all)
}

/// The news of the fixture have no collection: before, `dat:` and
/// `descripton:` were kept silently and the article lost its date.
#[test]
fn a_misspelled_key_in_a_section_without_collection_is_an_error_at_the_key() {
    let site = TestSite::new("site");
    site.write(
        "content/news/lancement.md",
        "---\ntitle: Lancement\ndat: 2026-11-25\ndescripton: Le site est en ligne.\n---\nTexte.\n",
    );
    let run = check(&site);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/news/lancement.md:3:1: error: unknown field `dat` for a page of news\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  = hint: did you mean `date`?\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "content/news/lancement.md:4:1: error: unknown field `descripton` for a page of news\n"
        ) && run.stdout.contains("did you mean `description`?"),
        "{}",
        run.stdout
    );
    let fr = run_french_check(&site);
    assert!(
        fr.contains("erreur : champ inconnu `dat` pour une page de news")
            && fr.contains("vouliez-vous dire `date` ?"),
        "{fr}"
    );
}

fn run_french_check(site: &TestSite) -> String {
    run(site, "fr_FR.UTF-8", &["check"]).stdout
}

/// Root pages and the sections' `_index.md` take the common fields and the
/// taxonomies, not a collection's fields; a taxonomy is allowed everywhere.
#[test]
fn root_pages_and_sections_have_the_common_schema() {
    let site = TestSite::new("site");
    site.write(
        "content/a-propos.md",
        "---\ntitle: À propos\ntags: [réseau]\nclub_kind: [thématique]\nwieght: 2\n---\nTexte.\n",
    );
    site.edit(
        "content/clubs/_index.md",
        "title: Clubs\n",
        "title: Clubs\ncontact_email: clubs@example.org\n",
    );
    let run = check(&site);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "content/a-propos.md:5:1: error: unknown field `wieght` for a page at the root of content/",
            "content/clubs/_index.md:3:1: error: unknown field `contact_email` for the section clubs",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("did you mean `weight`?"),
        "{}",
        run.stdout
    );
    // No close name: the hint lists what the section takes.
    assert!(
        run.stdout.contains(
            "hint: the fields allowed for the section clubs are: title, description, date"
        ),
        "{}",
        run.stdout
    );
}

/// Before, `alumni new news` failed: "there is no collection `news`".
#[test]
fn new_in_a_section_without_collection_writes_a_dated_page_that_passes_check() {
    let site = TestSite::new("site");
    let made = new(&site, &["news", "Le réseau s'agrandit"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert_eq!(
        made.stdout.lines().next(),
        Some("content/news/le-reseau-s-agrandit.md")
    );
    assert_eq!(
        site.read("content/news/le-reseau-s-agrandit.md"),
        "---\n\
         title: \"Le réseau s'agrandit\"\n\
         date: 2026-12-02\n\
         # description: \"\"  # une phrase pour les listes et les moteurs de recherche\n\
         # tags: []  # mots-clés\n\
         # draft: true  # hors du site tant que vrai\n\
         ---\n\n\
         Écrivez ici le texte de la page, en Markdown : paragraphes, intertitres `## …`, liens.\n"
    );
    let checked = check(&site);
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    assert!(
        !checked.stdout.contains("le-reseau-s-agrandit"),
        "{}",
        checked.stdout
    );
}

/// A section with a collection sorted by date: the common fields, then the
/// collection's. An English page is written in English throughout: its
/// placeholders say `TO BE COMPLETED` and its e-mail example is not French
/// (before, `À COMPLÉTER` and `nom@example.org` were hard-coded), and a
/// placeholder of either language is rejected. Catches words of a new page
/// not taken from the message catalogue in the page's language.
#[test]
fn new_event_has_the_common_fields_and_the_collection_s() {
    let site = TestSite::new("site");
    let made = new(&site, &["events", "Afterwork", "--lang", "en"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let text = site.read("content/events/afterwork.en.md");
    assert!(
        text.starts_with(
            "---\ntitle: \"Afterwork\"\ndate: 2026-12-02\nstart: \"TO BE COMPLETED\"\nend: \"TO BE COMPLETED\"\n\
             # description: \"\"  # one sentence for listings and search engines\n"
        ),
        "{text}"
    );
    assert!(text.contains("# club: section/page.md\n"), "{text}");
    let checked = check(&site);
    assert!(
        checked.stdout.contains(
            "content/events/afterwork.en.md:4:8: error: `start` still says TO BE COMPLETED"
        ),
        "{}",
        checked.stdout
    );
    // The French placeholder, copied into the English page, is caught too.
    site.edit(
        "content/events/afterwork.en.md",
        "start: \"TO BE COMPLETED\"",
        "start: \"À COMPLÉTER\"",
    );
    let checked = check(&site);
    assert!(
        checked
            .stdout
            .contains("content/events/afterwork.en.md:4:8: error: `start` still says À COMPLÉTER"),
        "{}",
        checked.stdout
    );
}

/// Before, the translation of `clubs/x/index.md` was written as
/// `clubs/x.en.md`, beside the folder: another page, and the club stayed
/// untranslated.
#[test]
fn the_translation_of_a_bundle_goes_inside_the_bundle() {
    let site = TestSite::new("site");
    site.write(
        "content/clubs/jardin/index.md",
        "---\ntitle: Jardin\nclub_kind: [thématique]\n---\nLe club des jardiniers.\n",
    );
    let before = check(&site);
    assert!(
        before.stdout.contains("content/clubs/jardin/index.md"),
        "the club is not in English yet: {}",
        before.stdout
    );
    let made = new(&site, &["clubs", "Jardin", "--lang", "en"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert_eq!(
        made.stdout.lines().next(),
        Some("content/clubs/jardin/index.en.md")
    );
    assert!(!site.root().join("content/clubs/jardin.en.md").exists());
    site.edit(
        "content/clubs/jardin/index.en.md",
        "club_kind: [\"TO BE COMPLETED\"]",
        "club_kind: [thematic]",
    );
    let after = check(&site);
    assert_eq!(after.code, 0, "{}", after.stdout);
    assert!(
        !after.stdout.contains("jardin"),
        "check sees the translation: {}",
        after.stdout
    );
    let built = site.build(&[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(site.public().join("en/clubs/jardin/index.html").is_file());
}

/// A page is one page whatever its file: `new` refuses every form of an
/// existing one and writes nothing.
#[test]
fn new_refuses_a_page_that_exists_in_any_form_and_writes_nothing() {
    let site = TestSite::new("site");
    let first = new(&site, &["news", "Bilan"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = tree(&site.root());
    let again = new(&site, &["news", "Bilan"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.starts_with(
            "content/news/bilan.md:1:1: error: this page already exists; alumni new never overwrites a file\n"
        ) && again
            .stderr
            .contains("hint: edit content/news/bilan.md, or choose another title"),
        "{}",
        again.stderr
    );
    assert_eq!(tree(&site.root()), before);
    // A bundle, in the default language.
    let bundle = new(&site, &["news", "Premier numéro"]);
    assert_eq!(bundle.code, 1);
    assert!(
        bundle
            .stderr
            .starts_with("content/news/premier-numero/index.md:1:1: error:"),
        "{}",
        bundle.stderr
    );
    // A translation that exists already.
    site.write("content/news/bilan.en.md", "---\ntitle: Review\n---\n");
    let before = tree(&site.root());
    let en = new(&site, &["news", "Bilan", "--lang", "en"]);
    assert_eq!(en.code, 1);
    assert!(
        en.stderr
            .starts_with("content/news/bilan.en.md:1:1: error:"),
        "{}",
        en.stderr
    );
    // Another page whose `slug:` gives it the address.
    site.write(
        "content/news/retour.md",
        "---\ntitle: Retour\nslug: point-d-etape\n---\n",
    );
    let slug = new(&site, &["news", "Point d'étape"]);
    assert_eq!(slug.code, 1);
    assert!(
        slug.stderr.starts_with(
            "content/news/retour.md:3:1: error: this page's `slug:` already gives it the address of a page titled « Point d'étape »\n"
        ),
        "{}",
        slug.stderr
    );
    // A title that would make the section's folder a bundle.
    let index = new(&site, &["news", "Index"]);
    assert_eq!(index.code, 1);
    assert!(index.stderr.contains("index.md"), "{}", index.stderr);
    assert_eq!(
        tree(&site.root()).len(),
        before.len() + 1,
        "only retour.md was added"
    );
}

#[test]
fn new_names_the_sections_when_one_is_misspelled() {
    let site = TestSite::new("site");
    let run = new(&site, &["new", "X"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("there is no section `new`")
            && run.stderr.contains("did you mean `news`?"),
        "{}",
        run.stderr
    );
    let fr = run_french_new(&site);
    assert!(
        fr.contains("il n'y a pas de section `evenements`")
            && fr.contains("les sections sont : clubs, events, news"),
        "{fr}"
    );
}

fn run_french_new(site: &TestSite) -> String {
    run(site, "fr_FR.UTF-8", &["new", "evenements", "X"]).stderr
}

/// What `new` returns: the path, and what to do next in both languages.
#[test]
fn new_page_returns_what_to_do_next_in_both_languages() {
    let site = TestSite::new("site");
    let made = alumni::new::new_page(&site.root(), "clubs", "Jardin", None).unwrap();
    assert_eq!(made.path, "content/clubs/jardin.md");
    assert_eq!(made.to_string(), "content/clubs/jardin.md");
    assert_eq!(
        made.next_steps.en,
        "content/clubs/jardin.md\n\
         Next:\n  \
         1. edit content/clubs/jardin.md: replace every À COMPLÉTER and write the text;\n  \
         2. preview it with `alumni serve`;\n  \
         3. run `alumni check` before opening the pull request.\n"
    );
    assert_eq!(
        made.next_steps.fr,
        "content/clubs/jardin.md\n\
         Et maintenant :\n  \
         1. modifiez content/clubs/jardin.md : remplacez chaque À COMPLÉTER et écrivez le texte ;\n  \
         2. prévisualisez-la avec `alumni serve` ;\n  \
         3. lancez `alumni check` avant d'ouvrir la pull request.\n"
    );
    let en = alumni::new::new_page(&site.root(), "clubs", "Jardin", Some("en")).unwrap();
    assert!(
        en.next_steps
            .en
            .contains("This is the `en` version of content/clubs/jardin.md.\n"),
        "{}",
        en.next_steps.en
    );
    assert!(
        en.next_steps
            .fr
            .contains("C'est la version `en` de content/clubs/jardin.md.\n"),
        "{}",
        en.next_steps.fr
    );
}

/// A club leader's page as first written, with the habits of someone who
/// writes French and copies from a flyer: every mistake is found in one
/// run, each told in French with the value to write instead.
#[test]
fn a_club_leaders_french_habits_are_all_told_in_one_run_with_the_fix() {
    let site = TestSite::repository();
    site.write(
        "content/clubs/volcans.md",
        "---\ntitle: \"Club des volcans : géologie\"\nclub_kind: [professionnel]\nstatus: actif\n\
scope: Tous les diplômés\ncontact: Le bureau\ncontact_email: bureau (at) volcans.fr\n\
website: www.volcans.fr\ndate: 18/12/2026\n---\nBienvenue !\n",
    );
    let out = run(&site, "fr_FR.UTF-8", &["check"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for expected in [
        "content/clubs/volcans.md:7:16: erreur : `contact_email` doit être une adresse électronique\n",
        "content/clubs/volcans.md:8:10: erreur : `website` doit être une adresse qui commence par https://\n",
        "  = conseil : écrivez `https://www.volcans.fr`\n",
        "content/clubs/volcans.md:9:7: erreur : `date` doit être une date (les dates s'écrivent l'année d'abord : 2026-12-18)\n",
        "  = conseil : valeur trouvée : le texte `18/12/2026`\n",
    ] {
        assert!(out.stdout.contains(expected), "{expected}\n{}", out.stdout);
    }
    assert!(
        out.stdout
            .ends_with("vérification : 3 erreurs, 0 avertissement\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("found"), "English in {}", out.stdout);

    // French typography puts a space before a colon: unquoted, the title
    // reads as a second key. The fix is the line to write.
    site.write(
        "content/clubs/volcans.md",
        "---\ntitle: Club des volcans : géologie\nclub_kind: [professionnel]\nstatus: actif\n\
scope: Tous les diplômés\ncontact: Le bureau\n---\nBienvenue !\n",
    );
    let out = run(&site, "fr_FR.UTF-8", &["check"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "content/clubs/volcans.md:2:25: erreur : YAML invalide : ce `: ` dans la valeur de `title` commencerait une autre clé\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "  = conseil : mettez la valeur entre guillemets droits : `title: \"Club des volcans : géologie\"`\n"
        ),
        "{}",
        out.stdout
    );
}

/// Every taxonomy reads its terms alike (before, `tags: x` was an error and
/// `club_kind: x` was accepted): one value alone is a term; a value with
/// commas is a list without its brackets, one error with the list to
/// write (before, `sciences, volcans` became the one term
/// `sciences-volcans`); a term without letter or digit, which has no
/// address, is an error (it was dropped unseen), placed at the very item
/// of the list (it was placed at the list's `[`).
#[test]
fn terms_are_read_alike_in_every_taxonomy() {
    let site = TestSite::repository();
    let club = "---\ntitle: Club des volcans\nclub_kind: professionnel\nstatus: actif\n\
scope: Tous les diplômés\ncontact: Le bureau\ntags: sciences\n---\nTexte.\n";
    site.write("content/clubs/volcans.md", club);
    let out = check(&site);
    assert_eq!(out.code, 0, "{}", out.stdout);
    site.write(
        "content/clubs/volcans.md",
        &club
            .replace(
                "club_kind: professionnel",
                "club_kind: professionnel, thématique",
            )
            .replace("tags: sciences", "tags: sciences, volcans"),
    );
    site.write(
        "content/news/breve.md",
        "---\ntitle: Brève\ndate: 2026-11-02\ntags: [volcans, \"?\"]\n---\nTexte.\n",
    );
    let out = check(&site);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "content/clubs/volcans.md:3:12: error: `club_kind` holds a comma: write several values as a list",
            "content/clubs/volcans.md:7:7: error: `tags` holds a comma: write several values as a list",
            "content/news/breve.md:4:17: error: the term `?` of `tags` has no letter or digit, so it cannot have a page of its own",
        ],
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  = hint: write `club_kind: [professionnel, thématique]`\n"),
        "{}",
        out.stdout
    );
}
