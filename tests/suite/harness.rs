//! The fixture-site harness: copy a fixture, change files, build, compare.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read as _, Seek as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The repository's root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// Copies the folder `from` into `to`, recursively.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies the repository's own site (`content/` and `themes/`) to `root`,
/// with an image cache already holding its pictures' variants: a test of a
/// page then pays for its page, not for processing the site's photos with
/// the debug binary (seconds of CPU, which made CPU limits flaky). The
/// cache is keyed by content, so a picture changed since is made again.
pub(crate) fn copy_own_site(root: &Path) {
    for part in ["content", "themes"] {
        copy_tree(&repo_root().join(part), &root.join(part));
    }
    copy_tree(warm_image_cache(), &root.join(".alumni-cache"));
}

/// The image cache of one build of the repository's own site, made once
/// per test process (under Cargo's temporary folder for tests).
fn warm_image_cache() -> &'static Path {
    static WARM: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &WARM
        .get_or_init(|| {
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
            let root = dir.path().join("site");
            for part in ["content", "themes"] {
                copy_tree(&repo_root().join(part), &root.join(part));
            }
            let run = alumni(dir.path(), &["build", "--root", root.to_str().unwrap()]);
            assert_eq!(run.code, 0, "the repository's site builds: {}", run.stderr);
            let cache = root.join(".alumni-cache");
            assert!(
                cache.is_dir(),
                "a build of the repository's site fills {}",
                cache.display()
            );
            (dir, cache)
        })
        .1
}

/// A copy of a fixture site in a temporary folder.
pub(crate) struct TestSite {
    dir: tempfile::TempDir,
}

/// The result of running the binary.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// The `alumni` binary, to be run in English whatever the developer's
/// locale: messages follow `LC_ALL`, `LC_MESSAGES` and `LANG`, and tests
/// compare English text.
pub(crate) fn alumni_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_alumni"));
    command.env("LC_ALL", "C.UTF-8").env("LANG", "C.UTF-8");
    command
}

/// Runs `alumni ARGS` in `cwd`.
pub(crate) fn alumni(cwd: &Path, args: &[&str]) -> Run {
    alumni_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the alumni binary runs")
        .into()
}

impl TestSite {
    /// A fresh copy of `tests/fixtures/<name>`.
    pub(crate) fn new(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture(name), &dir.path().join("site"));
        TestSite { dir }
    }

    /// A fresh copy of the repository's own site (`content/` and `themes/`):
    /// the site contributors' pull requests are applied to.
    pub(crate) fn repository() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_own_site(&dir.path().join("site"));
        TestSite { dir }
    }

    /// Runs `alumni check --root ROOT EXTRA...`.
    pub(crate) fn check(&self, extra: &[&str]) -> Run {
        let root = self.root();
        let mut args = vec!["check", "--root", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        alumni(self.dir.path(), &args)
    }

    /// The site's root.
    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The default output folder.
    pub(crate) fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes `text` at `rel` under the root (creating folders).
    pub(crate) fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    /// Writes `bytes` at `rel` under the root (creating folders).
    pub(crate) fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Reads `rel` under the root.
    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces `from` by `to` in the file `rel` (which must contain it).
    pub(crate) fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Runs `alumni build --root ROOT EXTRA...`.
    pub(crate) fn build(&self, extra: &[&str]) -> Run {
        let root = self.root();
        let mut args = vec!["build", "--root", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        alumni(self.dir.path(), &args)
    }

    /// The temporary folder holding the site (for extra output folders).
    pub(crate) fn temp(&self) -> &Path {
        self.dir.path()
    }
}

/// Every file under `dir`: relative path -> bytes.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The `<main>...</main>` of an HTML page.
pub(crate) fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

/// Compares `actual` with `tests/snapshots/<name>`; `UPDATE_SNAPSHOTS=1` rewrites it.
pub(crate) fn assert_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// The build's summary line with its timing and output folder redacted.
pub(crate) fn redact_summary(stdout: &str) -> String {
    stdout
        .lines()
        .map(|l| {
            let Some((head, rest)) = l.split_once(" in ") else {
                return l.to_string();
            };
            let Some((_, _)) = rest.split_once(" s -> ") else {
                return l.to_string();
            };
            format!("{head} in [TIME] s -> [OUT]")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A small deterministic generator (xorshift64*): no crate needed, and a
/// printed seed replays a failing sequence.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// Runs `alumni ARGS` in `cwd` and returns what it printed with its peak
/// resident memory in bytes: the kernel's high-water mark (`VmHWM` of
/// `/proc/PID/status`), read every 2 ms until the process ends. The mark
/// only grows, so a late read loses nothing but the last 2 ms, far less
/// than a blow-up of hundreds of megabytes takes. Without `/proc` (not
/// Linux), the peak reads as 0 and is not checked.
pub(crate) fn run_with_peak_memory(cwd: &Path, args: &[&str]) -> (Run, u64) {
    let (run, peak, _) = run_measured(cwd, args);
    (run, peak)
}

/// [`run_with_peak_memory`], with the CPU time the process used (user plus
/// system, from `/proc/PID/stat`, read at the same moments as the peak): a
/// measure of work that a machine busy with other builds does not inflate,
/// unlike wall time. Zero without `/proc`.
pub(crate) fn run_measured(cwd: &Path, args: &[&str]) -> (Run, u64, Duration) {
    let mut out = tempfile::tempfile().unwrap();
    let mut err = tempfile::tempfile().unwrap();
    let mut child = alumni_command()
        .args(args)
        .current_dir(cwd)
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .expect("the alumni binary runs");
    // The child is not reaped before `try_wait` says so: its PID stays its own.
    let status_file = format!("/proc/{}/status", child.id());
    let stat_file = format!("/proc/{}/stat", child.id());
    let (mut peak, mut cpu) = (0, 0);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let kb = fs::read_to_string(&status_file).ok().and_then(|s| {
            let line = s.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
            line.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        });
        peak = peak.max(kb.unwrap_or(0) * 1024);
        if let Some(ticks) = cpu_ticks(&stat_file) {
            cpu = cpu.max(ticks);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let read = |f: &mut fs::File| {
        let mut text = String::new();
        f.rewind().unwrap();
        f.read_to_string(&mut text).unwrap();
        text
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: read(&mut out),
        stderr: read(&mut err),
    };
    // The kernel counts in USER_HZ, 100 per second on Linux.
    (run, peak, Duration::from_millis(cpu * 10))
}

/// User plus system time of a process so far, in clock ticks: fields 14
/// and 15 of `/proc/PID/stat`, counted after the command name, which is in
/// parentheses and may hold spaces.
fn cpu_ticks(stat_file: &str) -> Option<u64> {
    let stat = fs::read_to_string(stat_file).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// Fails unless `peak` was measured and is below 300 MB: far above what
/// the hostile runs take (20 to 200 MB), far below the gigabytes they took.
pub(crate) fn assert_small(peak: u64) {
    assert_peak_below(peak, 300);
}

/// Fails unless `peak` was measured (on Linux) and is below `mb` megabytes.
pub(crate) fn assert_peak_below(peak: u64, mb: u64) {
    assert!(
        peak > 0 || !cfg!(target_os = "linux"),
        "the peak memory was not measured"
    );
    assert!(
        peak < mb * 1024 * 1024,
        "peak memory {} MB, more than {mb} MB",
        peak / (1024 * 1024)
    );
}

/// The smallest valid PNG (1 x 1), for files beside pages.
pub(crate) const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, b'I', b'D', b'A', b'T',
    0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, b'I', b'E', b'N',
    b'D', 0xae, 0x42, 0x60, 0x82,
];

/// Whether `path` is one of the search index's hashed files (its chunks
/// and fragments, `_search/c/…`, `en/_search/f/…/3.json`), whose names change
/// with their content: tests that list outputs leave them out and look at
/// `meta.json`, which names them.
pub(crate) fn is_search_shard(path: &str) -> bool {
    let rest = path.strip_prefix("en/").unwrap_or(path);
    rest.starts_with("_search/c/") || rest.starts_with("_search/f/")
}
