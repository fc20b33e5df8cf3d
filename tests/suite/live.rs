//! The live site of `serve`: after any sequence of edits, its outputs are
//! byte for byte those of a fresh full build of the same tree.

use std::fs;
use std::path::PathBuf;

use alumni::build::BuildOptions;
use alumni::live::LiveSite;

use crate::harness::{Rng, TestSite};

fn options(site: &TestSite) -> BuildOptions {
    BuildOptions {
        base_url: Some("http://127.0.0.1:1111".to_string()),
        ..BuildOptions::new(site.root())
    }
}

const PAGES: [&str; 4] = [
    "content/clubs/biotech.md",
    "content/clubs/biotech.en.md",
    "content/clubs/docteurs.md",
    "content/news/premier-numero/index.md",
];

/// Applies one random edit; returns the paths it touched and what it was.
fn edit(
    site: &TestSite,
    rng: &mut Rng,
    step: usize,
    added: &mut Vec<String>,
) -> (Vec<PathBuf>, String) {
    let root = site.root();
    let touch = |rel: &str| vec![root.join(rel)];
    // A mistake made at the previous step is fixed at this one.
    let broken = "content/clubs/docteurs.md";
    if site.read(broken).contains("date: [") {
        site.write(
            broken,
            &site.read(broken).replace("date: [", "date: 2026-11-2"),
        );
        return (touch(broken), "fix YAML".into());
    }
    match rng.below(12) {
        0..=2 => {
            // Body below the summary: the local path.
            let page = PAGES[rng.below(PAGES.len())];
            let text = site.read(page);
            site.write(page, &format!("{text}\nParagraphe ajouté {step}.\n"));
            (touch(page), format!("body of {page}"))
        }
        3 => {
            site.edit(
                "content/clubs/biotech.md",
                "Le club",
                &format!("Le club {step}"),
            );
            (
                touch("content/clubs/biotech.md"),
                "summary of biotech".into(),
            )
        }
        4 => {
            let page = PAGES[rng.below(PAGES.len())];
            let text = site.read(page);
            let text = text.replacen("title: ", &format!("title: {step} "), 1);
            site.write(page, &text);
            (touch(page), format!("title of {page}"))
        }
        5 => {
            let rel = "themes/mini/templates/page.html";
            site.edit(rel, "<h1", &format!("<h1 data-step-{step}=\"\""));
            (touch(rel), "template".into())
        }
        6 => {
            let rel = "content/_data/org/offices.yaml";
            site.write(
                rel,
                &format!("- name: Direction des relations alumni {step}\n"),
            );
            (touch(rel), "data".into())
        }
        7 => {
            let rel = "themes/mini/i18n/fr.yaml";
            let text = site.read(rel);
            let text = text.replacen("note: À noter", &format!("note: À noter {step}"), 1);
            let text = if text.contains(&format!("À noter {step}")) {
                text
            } else {
                format!("{text}\n")
            };
            site.write(rel, &text);
            (touch(rel), "i18n".into())
        }
        8 => {
            let rel = format!("content/clubs/nouveau-{step}.md");
            site.write(&rel, &format!("---\ntitle: Nouveau {step}\ndate: 2026-10-{:02}\ntags: [nouveau]\nclub_kind: professionnel\n---\nUn club de plus, voir [Biotech](@/clubs/biotech.md#nous-contacter).\n", 1 + step % 28));
            added.push(rel.clone());
            (touch(&rel), format!("add {rel}"))
        }
        9 if !added.is_empty() => {
            let rel = added.remove(rng.below(added.len()));
            fs::remove_file(root.join(&rel)).unwrap();
            (touch(&rel), format!("delete {rel}"))
        }
        10 if !added.is_empty() => {
            let i = rng.below(added.len());
            let from = added[i].clone();
            let to = format!("content/clubs/renomme-{step}.md");
            fs::rename(root.join(&from), root.join(&to)).unwrap();
            added[i].clone_from(&to);
            (
                vec![root.join(&from), root.join(&to)],
                format!("rename {from} -> {to}"),
            )
        }
        11 => {
            let rel = "content/news/premier-numero/motif.svg";
            site.write(
                rel,
                &format!("<svg xmlns=\"http://www.w3.org/2000/svg\" data-step=\"{step}\"/>\n"),
            );
            (touch(rel), "asset".into())
        }
        _ => {
            // A mistake, fixed at the next step.
            site.write(
                broken,
                &site.read(broken).replacen("date: 2026-11-2", "date: [", 1),
            );
            (touch(broken), "break YAML".into())
        }
    }
}

fn run_sequence(seed: u64, steps: usize) {
    let site = TestSite::new("site");
    let mut live = LiveSite::build(options(&site)).expect("the fixture builds");
    let mut rng = Rng(seed);
    let mut added = Vec::new();
    let mut local = 0;
    for step in 0..steps {
        let before = live.outputs().clone();
        let (paths, what) = edit(&site, &mut rng, step, &mut added);
        let result = live.apply(&paths);
        let fresh = LiveSite::build(options(&site));
        match (result, fresh) {
            (Ok(update), Ok(fresh)) => {
                local += usize::from(!update.full);
                let (a, b) = (live.outputs(), fresh.outputs());
                let stale: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
                let missing: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
                let differ: Vec<_> = a
                    .iter()
                    .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
                    .map(|(k, _)| k)
                    .collect();
                assert!(
                    stale.is_empty() && missing.is_empty() && differ.is_empty(),
                    "seed {seed} step {step} ({what}): stale {stale:?}, missing {missing:?}, different {differ:?}"
                );
            }
            (Err(_), Err(_)) => {
                // A broken tree: the last good outputs are kept as they were.
                assert!(
                    live.outputs() == &before,
                    "seed {seed} step {step} ({what}): outputs changed on error"
                );
            }
            (Ok(_), Err(e)) => panic!(
                "seed {seed} step {step} ({what}): live accepted a tree a full build rejects: {e:?}"
            ),
            (Err(e), Ok(_)) => panic!(
                "seed {seed} step {step} ({what}): live rejected a tree a full build accepts: {e:?}"
            ),
        }
    }
    // The sequence must exercise the local path, not only full rebuilds.
    assert!(local > steps / 8, "seed {seed}: only {local} local updates");
}

#[test]
fn random_edit_sequences_match_a_fresh_full_build() {
    for seed in [0x9E37_79B9_7F4A_7C15, 42, 7_777_777] {
        run_sequence(seed, 80);
    }
}

#[test]
fn a_body_edit_rerenders_only_that_page() {
    let site = TestSite::new("site");
    let mut live = LiveSite::build(options(&site)).unwrap();
    let text = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!("{text}\nUne phrase de plus.\n"),
    );
    let update = live
        .apply(&[site.root().join("content/clubs/docteurs.md")])
        .unwrap();
    assert!(!update.full);
    // The page and the search index (which holds its text).
    // Its fragment's folder and the chunks of its new words get new names.
    assert!(update.changed.iter().any(|p| p.starts_with("_search/f/")));
    assert!(update.changed.iter().any(|p| p.starts_with("_search/c/")));
    let named: Vec<&String> = update
        .changed
        .iter()
        .filter(|p| !crate::harness::is_search_shard(p))
        .collect();
    assert_eq!(
        named,
        [
            "_search/meta.json",
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html"
        ]
    );
    // A title edit changes listings: everything is rebuilt.
    site.edit(
        "content/clubs/docteurs.md",
        "title: Club des docteurs",
        "title: Club des docteurs et docteures",
    );
    let update = live
        .apply(&[site.root().join("content/clubs/docteurs.md")])
        .unwrap();
    assert!(update.full);
    // The doctors' club is listed on the second page of clubs/.
    assert!(
        update
            .changed
            .contains(&"clubs/page/2/index.html".to_string()),
        "{:?}",
        update.changed
    );
}

/// The check of the outputs that `serve` makes once no change waits gives
/// up as soon as a change comes in (it is made again after it), and
/// otherwise finds what `alumni check` finds. Catches a check that runs
/// to its end whatever happens, which made the next edit wait for it.
#[test]
fn the_check_of_the_outputs_gives_up_for_a_change() {
    let site = TestSite::new("site");
    // A broken link, so that the check has something to find.
    let text = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!("{text}\n[Perdu](/nulle-part/)\n"),
    );
    let live = LiveSite::build(options(&site)).expect("the fixture builds");
    let full = live.check_outputs();
    assert!(!full.is_empty(), "the broken link is found");
    assert_eq!(live.check_outputs_unless(&|| false), Some(full));
    assert_eq!(live.check_outputs_unless(&|| true), None);
    // A change that comes in halfway.
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let halfway = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 3;
    assert_eq!(live.check_outputs_unless(&halfway), None);
}
