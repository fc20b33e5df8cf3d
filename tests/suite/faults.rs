//! Faults around a build: the process killed at any moment, the disk full.
//!
//! The output folder must always be a whole build: the last good one, or
//! the new one once it is complete, never a mix and never missing; and what
//! a killed build leaves behind is cleaned by the next one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::harness::{Rng, TestSite, tree};

/// Every file of `dir` with a hash of its bytes (what a comparison needs,
/// without holding megabytes of pages per snapshot).
fn hashed_tree(dir: &Path) -> BTreeMap<String, u64> {
    tree(dir)
        .into_iter()
        .map(|(path, bytes)| (path, alumni::output::content_hash(&bytes)))
        .collect()
}

/// Staging folders left beside `out`.
fn leftovers(out: &Path) -> Vec<String> {
    let prefix = format!(
        ".{}.alumni-tmp-",
        out.file_name().unwrap().to_string_lossy()
    );
    fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Adds `pages` generated news pages to `site`, so that a debug build takes
/// long enough (a few hundred milliseconds) to be killed in any stage.
fn grow(site: &TestSite, pages: usize) {
    for i in 0..pages {
        site.write(
            &format!("content/news/gen/p{i:04}.md"),
            &format!(
                "---\ntitle: Page {i}\ndate: 2026-01-{:02}\ntags: [t{}]\n---\nTexte de la page {i}, avec un [lien](@/clubs/biotech.md) et *du* contenu.\n\n## Partie\n\nSuite.\n",
                i % 28 + 1,
                i % 40
            ),
        );
    }
}

fn build_command(root: &Path, out: &Path) -> Command {
    let mut command = crate::harness::alumni_command();
    command
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn sigkill_at_random_moments_leaves_a_whole_output() {
    let site = TestSite::new("site");
    grow(&site, 250);
    let root = site.root();
    let out = site.public();
    let reference = site.temp().join("reference");
    let seed: u64 = std::env::var("ALUMNI_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        // A fixed seed, so that a failure in CI is replayed as it happened;
        // `ALUMNI_FAULT_SEED` tries others.
        .unwrap_or(0x5eed_a1e5);
    eprintln!("sigkill test: ALUMNI_FAULT_SEED={seed}");
    // xorshift needs a seed other than zero.
    let mut rng = Rng(seed | 1);

    assert!(build_command(&root, &out).status().unwrap().success());
    // Timed with a previous output in place, as in every round below (the
    // build then compares files with it, which takes longer).
    site.write(
        "content/news/gen/p0000.md",
        "---\ntitle: Page 0\n---\nStart.\n",
    );
    let started = Instant::now();
    assert!(build_command(&root, &out).status().unwrap().success());
    let build_time = started.elapsed();
    eprintln!("sigkill test: a build takes {build_time:?}");
    let mut last_good = hashed_tree(&out);
    assert!(last_good.len() > 500, "{} files", last_good.len());

    let (mut kept_old, mut took_new) = (0, 0);
    for round in 0..24 {
        // Each round changes a page, so that the old and the new outputs differ.
        site.write(
            "content/news/gen/p0000.md",
            &format!("---\ntitle: Page 0\n---\nRound {round}.\n"),
        );
        // Anywhere from the start to a little past the usual end of a build.
        let delay = build_time.mul_f64(rng.below(1300) as f64 / 1000.0);
        let mut child = build_command(&root, &out).spawn().unwrap();
        std::thread::sleep(delay);
        // SIGKILL: no handler, no cleanup, like a power cut for the process.
        let _ = child.kill();
        let status = child.wait().unwrap();

        let now = hashed_tree(&out);
        if now == last_good {
            assert!(
                !status.success(),
                "round {round}: a finished build left the old output"
            );
            kept_old += 1;
        } else {
            // The swap happened: the output must be the new build, whole.
            assert!(build_command(&root, &reference).status().unwrap().success());
            let expected = hashed_tree(&reference);
            assert!(
                now == expected,
                "round {round} (killed after {delay:?}, seed {seed}): the output is neither the previous build nor the new one"
            );
            last_good = now;
            took_new += 1;
        }
    }
    eprintln!(
        "sigkill test: {kept_old} kills kept the previous output, {took_new} found the new one"
    );

    // The next build removes what killed builds left beside the output.
    assert!(build_command(&root, &out).status().unwrap().success());
    assert_eq!(leftovers(&out), Vec::<String>::new());
    assert!(build_command(&root, &reference).status().unwrap().success());
    assert!(hashed_tree(&out) == hashed_tree(&reference));
}

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Result<Tmpfs, String> {
        fs::create_dir_all(at).map_err(|e| e.to_string())?;
        let run = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if run.status.success() {
            Ok(Tmpfs(at.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&run.stderr).trim().to_string())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_fails_clearly_and_keeps_the_previous_output() {
    let site = TestSite::new("site");
    let disk = site.temp().join("disk");
    // 1 MiB: room for one build of the fixture (about 200 KiB), not for a
    // second one with a 900 KB file.
    let _tmpfs = match Tmpfs::mount(&disk, "1m") {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot mount a tmpfs here (it needs root): {why}");
            return;
        }
    };
    let out = disk.join("public");
    let out_arg = out.to_str().unwrap();
    let run = site.build(&["--out", out_arg]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = tree(&out);

    fs::write(
        site.root().join("content/_static/gros.bin"),
        vec![b'x'; 900_000],
    )
    .unwrap();
    let run = site.build(&["--out", out_arg]);
    assert_eq!(
        run.stderr,
        format!(
            "error: the disk holding {out_arg} is full (no space left on device): the new output was not written and the previous one was left as it was; free some space, or build elsewhere with --out\n"
        )
    );
    assert_eq!(run.code, 2);
    assert!(tree(&out) == before, "the previous output changed");
    // The failed build's staging folder is gone, and its space with it.
    assert_eq!(leftovers(&out), Vec::<String>::new());

    fs::remove_file(site.root().join("content/_static/gros.bin")).unwrap();
    site.edit(
        "content/clubs/biotech.md",
        "Le club réunit",
        "Le club, plein, réunit",
    );
    let run = site.build(&["--out", out_arg]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        fs::read_to_string(out.join("clubs/biotech/index.html"))
            .unwrap()
            .contains("Le club, plein, réunit")
    );
}
