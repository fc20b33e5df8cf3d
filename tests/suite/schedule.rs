//! Scheduled publication and reproducible output: `publish_date`,
//! `expiry_date`, `--future`, `--expired`, `check --next-rebuild`, and the
//! build's now taken from `SOURCE_DATE_EPOCH`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::harness::{Run, TestSite, alumni_command, copy_tree, repo_root, tree};

/// 2026-12-01T00:00:00Z.
const DEC_1: &str = "1796083200";

/// Runs `alumni ARGS` in `cwd` with `SOURCE_DATE_EPOCH` set to `epoch`.
fn alumni_at(cwd: &Path, args: &[&str], epoch: &str) -> Run {
    alumni_command()
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("the alumni binary runs")
        .into()
}

/// `alumni check` on the site, at `epoch`.
fn check_at(site: &TestSite, epoch: &str) -> Run {
    let root = site.root();
    alumni_at(
        site.temp(),
        &["check", "--root", root.to_str().unwrap()],
        epoch,
    )
}

fn build_at(site: &TestSite, epoch: &str, extra: &[&str]) -> Run {
    let root = site.root();
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    alumni_at(site.temp(), &args, epoch)
}

/// The fixture site with a club published on 1 December at 9:00 in Paris
/// (a bundle, with a file of its own), and news that expires on 1 December.
fn scheduled_site() -> TestSite {
    let site = TestSite::new("site");
    site.write(
        "content/clubs/nouveau/index.md",
        "---\ntitle: Nouveau club\npublish_date: 2026-12-01T09:00:00+01:00\nclub_kind: [thématique]\n---\nBientôt.\n",
    );
    site.write(
        "content/clubs/nouveau/plan.pdf",
        "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    );
    site.write(
        "content/news/offre.md",
        "---\ntitle: Offre limitée\ndate: 2026-11-01\nexpiry_date: 2026-12-01\n---\nJusqu'au 30 novembre.\n",
    );
    site
}

#[test]
fn scheduled_pages_appear_on_their_date_and_expired_ones_go() {
    let site = scheduled_site();
    let public = site.public();
    let club = public.join("clubs/nouveau/index.html");
    let club_file = public.join("clubs/nouveau/plan.pdf");
    let news = public.join("news/offre/index.html");

    // 30 November, noon UTC: the club is not out yet, the news still is.
    let run = build_at(&site, "1796040000", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!club.exists() && !club_file.exists());
    assert!(news.is_file());
    // Not in listings, taxonomies, the sitemap or the search index either.
    let mentions = |needle: &str| -> Vec<String> {
        tree(&public)
            .into_iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
            .map(|(path, _)| path)
            .collect()
    };
    assert_eq!(mentions("Nouveau club"), Vec::<String>::new());
    assert_eq!(mentions("clubs/nouveau/"), Vec::<String>::new());

    // 1 December, 7:59 UTC (8:59 in Paris): still not; the news has expired.
    let run = build_at(&site, "1796111940", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!club.exists());
    assert!(!news.exists());

    // 8:00 UTC, 9:00 in Paris: the club is out, with its file.
    let run = build_at(&site, "1796112000", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(club.is_file() && club_file.is_file());
    let listed = mentions("Nouveau club");
    // Its search fragment, and a term page.
    assert!(
        listed.iter().any(|p| p.starts_with("_search/f/")),
        "no search fragment in {listed:?}"
    );
    let file = "club-kind/thematique/index.html";
    assert!(listed.iter().any(|p| p == file), "{file} not in {listed:?}");

    // Previews ask for them.
    let run = build_at(&site, "1796040000", &["--future"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(club.is_file());
    let run = build_at(&site, "1796112000", &["--expired"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(news.is_file());
}

#[test]
fn check_next_rebuild_prints_the_next_scheduled_change() {
    let site = scheduled_site();
    let root = site.root();
    let args = ["check", "--next-rebuild", "--root", root.to_str().unwrap()];
    // Before both: the expiry (midnight UTC) comes first.
    let run = alumni_at(site.temp(), &args, "1796040000");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2026-12-01T00:00:00Z\ncontent/news/offre.md expires\n"
    );
    // At the expiry itself, the next is the club, in UTC.
    let run = alumni_at(site.temp(), &args, DEC_1);
    assert_eq!(
        run.stdout,
        "2026-12-01T08:00:00Z\ncontent/clubs/nouveau/index.md appears\n"
    );
    // After both, the fixture's event: its start, then its end, in UTC.
    let run = alumni_at(site.temp(), &args, "1796112000");
    assert_eq!(
        run.stdout,
        "2026-12-10T17:30:00Z\ncontent/events/rencontre-biotech.md starts\n"
    );
    // After everything: nothing to schedule, nothing printed.
    let run = alumni_at(site.temp(), &args, "1796932800");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    // A site with errors cannot be scheduled.
    site.write(
        "content/news/offre.md",
        "---\ntitle: Offre\nexpiry_date: bientôt\n---\n",
    );
    let run = alumni_at(site.temp(), &args, DEC_1);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/news/offre.md:3:14: error: `expiry_date` must be a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_judges_scheduled_pages_before_they_go_out() {
    let site = scheduled_site();
    site.write(
        "content/clubs/nouveau/index.md",
        "---\ntitle: Nouveau club\npublish_date: 2030-01-01\nclub_kind: [inconnu]\n---\nBientôt.\n",
    );
    let run = check_at(&site, DEC_1);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("content/clubs/nouveau/index.md:4:12"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_judges_drafts_and_links_to_them() {
    // A draft is content of the pull request that adds it: its misspelled
    // key is found now, not when someone sets `draft: false`.
    let site = TestSite::new("site");
    site.write(
        "content/news/brouillon.md",
        "---\ntitle: Brouillon\ndraft: true\ndat: 2026-11-01\n---\nÀ suivre.\n",
    );
    let run = check_at(&site, DEC_1);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/news/brouillon.md:4:1: error: unknown field `dat` for a page of news"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("did you mean `date`?"),
        "{}",
        run.stdout
    );

    // Fixed, it passes; a published page that links to it does not, since
    // the published site has no such page; and the build leaves it out.
    site.edit("content/news/brouillon.md", "dat:", "date:");
    assert_eq!(check_at(&site, DEC_1).code, 0);
    site.write(
        "content/news/annonce.md",
        "---\ntitle: Annonce\ndate: 2026-11-02\n---\nVoir [le brouillon](@/news/brouillon.md).\n",
    );
    let run = check_at(&site, DEC_1);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("content/news/annonce.md:5:"),
        "{}",
        run.stdout
    );
    site.write(
        "content/news/annonce.md",
        "---\ntitle: Annonce\ndate: 2026-11-02\n---\nBientôt.\n",
    );
    assert_eq!(build_at(&site, DEC_1, &[]).code, 0);
    assert!(!site.public().join("news/brouillon").exists());
}

#[test]
fn a_malformed_source_date_epoch_is_refused() {
    let site = TestSite::new("site");
    for bad in ["tomorrow", "", "1e9"] {
        let run = build_at(&site, bad, &[]);
        assert_eq!(run.code, 2, "{bad:?}");
        assert!(
            run.stderr.contains("SOURCE_DATE_EPOCH") && run.stderr.contains("git log -1"),
            "{}",
            run.stderr
        );
        assert!(!site.public().exists());
    }
}

/// `check --next-rebuild` knows when an event stops being upcoming (before,
/// only `publish_date` and `expiry_date` were scheduled, so the events page
/// went on listing a finished event until some other rebuild). Catches a
/// schedule that leaves out events' starts or ends, or reads an all-day
/// event's end as the start of its day, or in UTC instead of its zone.
#[test]
fn next_rebuild_includes_when_events_start_and_end() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let args = ["check", "--next-rebuild", "--root", root.to_str().unwrap()];
    let next = |epoch: &str| {
        let run = alumni_at(out.path(), &args, epoch);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    // 16 November 2026 at noon UTC, during the launch (9:00-18:00 in Paris);
    // of its two languages, the first path in name order is named.
    assert_eq!(
        next("1794830400"),
        "2026-11-16T17:00:00Z\ncontent/events/lancement-du-reseau.en.md ends\n"
    );
    // 1 December: the survey closes on 18 December, all day in Paris.
    assert_eq!(
        next(DEC_1),
        "2026-12-17T23:00:00Z\ncontent/events/cloture-enquete.en.md starts\n"
    );
    // 18 December at noon UTC: it ends at midnight in Paris.
    assert_eq!(
        next("1797595200"),
        "2026-12-18T23:00:00Z\ncontent/events/cloture-enquete.en.md ends\n"
    );
}

/// Builds the site at `root` into `out/EPOCH` with `SOURCE_DATE_EPOCH`
/// set to `epoch`, and returns that folder.
fn build_into(out: &Path, root: &Path, epoch: &str) -> std::path::PathBuf {
    let public = out.join(epoch);
    let run = alumni_at(
        out,
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            public.to_str().unwrap(),
        ],
        epoch,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    public
}

/// The model, not the theme, decides whether an event is upcoming: it is
/// until it ends, in its zone (before, the theme compared the page's `date`
/// text with the UTC date of the build, so an event that ended at 18:00 in
/// Paris stayed "upcoming" until midnight UTC, and the all-day survey of 18
/// December stayed upcoming for an hour of 19 December in Paris). Catches
/// a theme or view that compares dates as text, or ignores the end.
#[test]
fn an_event_is_upcoming_until_it_ends_in_its_zone() {
    let out = tempfile::tempdir().unwrap();
    let root = repo_root();
    let split = |epoch: &str| {
        let public = build_into(out.path(), &root, epoch);
        let html = fs::read_to_string(public.join("events/index.html")).unwrap();
        let past = html.find("id=\"past\"").unwrap_or(html.len());
        let upcoming = |title: &str| html.find(title).unwrap() < past;
        let home = fs::read_to_string(public.join("index.html")).unwrap();
        let start = home.find("id=\"evenements\"").unwrap();
        let end = start + home[start..].find("</section>").unwrap();
        let on_home = |title: &str| home[start..end].contains(title);
        (
            upcoming("Lancement du réseau"),
            on_home("Lancement du réseau"),
            upcoming("Clôture de l"),
        )
    };
    // 16 November, 16:59:59 UTC: the launch ends at 18:00 in Paris.
    assert_eq!(split("1794847599"), (true, true, true));
    // 16 November, 17:00 UTC: it has ended, the same UTC day.
    assert_eq!(split("1794848400"), (false, false, true));
    // 18 December, 22:59:59 UTC: the survey's last day, in Paris.
    assert!(split("1797634799").2);
    // 18 December, 23:00 UTC: midnight in Paris, over (still the 18th in UTC).
    assert!(!split("1797634800").2);
}

#[test]
fn the_events_page_splits_upcoming_and_past_on_the_build_date() {
    // The repository's own site: events on 16 November and 18 December 2026.
    let out = tempfile::tempdir().unwrap();
    let root = repo_root();
    let page = |epoch: &str| {
        let public = build_into(out.path(), &root, epoch);
        let html = fs::read_to_string(public.join("events/index.html")).unwrap();
        let upcoming = html.find("id=\"upcoming\"").unwrap();
        let past = html.find("id=\"past\"").unwrap_or(html.len());
        let at = |title: &str| html.find(title).unwrap();
        (
            at("Lancement du réseau") > upcoming && at("Lancement du réseau") < past,
            at("Clôture de l") > upcoming && at("Clôture de l") < past,
        )
    };
    // 1 December 2026: the launch is past, the survey's end to come.
    assert_eq!(page(DEC_1), (false, true));
    // 1 November 2026: both to come.
    assert_eq!(page("1793491200"), (true, true));

    // The home page shows the events to come, or says there are none.
    let home = |epoch: &str| {
        let html = fs::read_to_string(out.path().join(epoch).join("index.html")).unwrap();
        let start = html.find("id=\"evenements\"").unwrap();
        let end = start + html[start..].find("</section>").unwrap();
        html[start..end].to_string()
    };
    let december = home(DEC_1);
    assert!(december.contains("Clôture de l") && !december.contains("Lancement"));
    assert!(home("1793491200").find("Lancement") < home("1793491200").find("Clôture"));
    page("1798761600");
    let january = home("1798761600");
    assert!(
        january.contains("Aucun événement") && !january.contains("card"),
        "{january}"
    );
}

/// Sets the modification time of every file under `dir` to `seconds`.
fn touch_all(dir: &Path, seconds: u64) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
    }
}

#[test]
fn the_same_tree_builds_to_the_same_bytes_anywhere_anytime() {
    // The repository's own site, copied into two folders of different
    // names and depths, with different file times, built at different real
    // times with different thread counts.
    let tmp = tempfile::tempdir().unwrap();
    let roots = [tmp.path().join("one"), tmp.path().join("two/deeper/site")];
    for (i, root) in roots.iter().enumerate() {
        for part in ["content", "themes"] {
            copy_tree(&repo_root().join(part), &root.join(part));
        }
        touch_all(root, 1_000_000_000 + 86_400 * 400 * i as u64);
    }
    let mut trees = Vec::new();
    for (root, threads) in roots.iter().zip(["1", "2"]) {
        let out = root.join("public");
        let output = alumni_command()
            .args(["build", "--root", root.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", DEC_1)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        trees.push(tree(&out));
        // No sleep between the builds: that the clock is never read on the
        // way to an output is shown by
        // `the_wall_clock_is_read_in_one_place_only`, without waiting.
    }
    assert!(trees[0].len() > 100, "{} files", trees[0].len());
    let differing: Vec<&String> = trees[0]
        .iter()
        .filter(|(path, bytes)| trees[1].get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(differing.is_empty(), "differ: {differing:?}");
    assert_eq!(
        trees[0].keys().collect::<Vec<_>>(),
        trees[1].keys().collect::<Vec<_>>()
    );
}

/// Every output depends on "now" only through `schedule::now`, which honours
/// `SOURCE_DATE_EPOCH`: a read of the wall clock anywhere else in the
/// sources fails here (the mutation caught: a `SystemTime::now()` or
/// `Timestamp::now()` added to a stage, which a reproducibility test only
/// sees if its two builds happen a second apart). `Instant`, a monotonic
/// clock for durations, is allowed: it never reaches an output. `serve`'s
/// instance id, sent to its browsers so that they reload after a restart,
/// is not part of any build.
#[test]
fn the_wall_clock_is_read_in_one_place_only() {
    let allowed = [("src/schedule.rs", 1), ("src/serve.rs", 1)];
    let clocks = [
        "SystemTime::now",
        "Timestamp::now",
        "Zoned::now",
        "civil::now",
        "Local::now",
        "Utc::now",
    ];
    let mut reads: BTreeMap<String, usize> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(repo_root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let count: usize = clocks.iter().map(|c| text.matches(c).count()).sum();
        if count > 0 {
            let relative = entry.path().strip_prefix(repo_root()).unwrap();
            reads.insert(relative.to_string_lossy().replace('\\', "/"), count);
        }
    }
    let expected: BTreeMap<String, usize> =
        allowed.iter().map(|(p, n)| (p.to_string(), *n)).collect();
    assert_eq!(reads, expected, "wall-clock reads outside schedule::now");
}

#[test]
fn check_finds_a_link_to_a_page_that_is_not_out_yet() {
    let site = scheduled_site();
    site.write(
        "content/news/annonce.md",
        "---\ntitle: Annonce\ndate: 2026-11-20\n---\nVoir [le nouveau club](@/clubs/nouveau/index.md).\n",
    );
    let run = check_at(&site, DEC_1);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "content/news/annonce.md:5:24: error: link to a missing page `@/clubs/nouveau/index.md`"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("check: 1 error,"), "{}", run.stdout);
    // Once the club is out, the same tree passes.
    let run = check_at(&site, "1796112000");
    assert_eq!(run.code, 0, "{}", run.stdout);
}
