//! Write stage: the output folder, replaced all at once or not at all.
//!
//! A build writes into a fresh staging folder beside the output
//! (`.public.alumni-tmp-<pid>`), and [`Staging::commit`] swaps it in only
//! when the whole build succeeded: on Linux with one atomic
//! `renameat2(RENAME_EXCHANGE)`, elsewhere with two renames. A failed or
//! killed build leaves the previous output exactly as it was; the next build
//! removes staging folders whose process is gone. A file whose bytes are
//! the same as in the previous output keeps its modification time. A full
//! disk is noticed once ([`Staging::disk_full`]) and stops the writes.
//!
//! Every file written is hashed (SHA-256) on the way, and the list lands in
//! [`MANIFEST`] at the output's root, so that an upload step can send only
//! the files whose hash changed and delete the ones that are gone.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

const STAGING_MARK: &str = ".alumni-tmp-";

/// The manifest at the output's root: every other file's path and SHA-256.
pub const MANIFEST: &str = ".alumni-manifest.json";

/// The SHA-256 of `bytes`, in lowercase hexadecimal (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    push_hex(&mut hex, &Sha256::digest(bytes).into());
    hex
}

/// The 32 bytes a SHA-256 written in hexadecimal stands for.
fn parse_hex(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn push_hex(out: &mut String, hash: &[u8; 32]) {
    for b in hash {
        let _ = write!(out, "{b:02x}");
    }
}

/// A hash of some bytes (FNV-1a, 64 bits), for fingerprints and `ETag`s:
/// stable across runs and machines.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A staging folder that becomes the output on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Output path -> SHA-256, filled by every write and copy.
    hashes: Mutex<Vec<(Box<str>, [u8; 32])>>,
    /// Set by the first write that found the disk full: every later write
    /// would fail the same way, so they stop trying.
    full: AtomicBool,
    /// What the previous output's manifest says, when it has one.
    previous: Option<Previous>,
    /// Whether there was a previous output at all: a first build (a CI
    /// checkout) then asks for no previous file.
    had_output: bool,
}

/// The previous output's manifest: each file's SHA-256, and when the
/// manifest was written. A file not modified since holds the bytes its
/// hash says, so that telling an unchanged output needs no reading of the
/// previous one.
#[derive(Debug)]
struct Previous {
    hashes: std::collections::HashMap<Box<str>, [u8; 32]>,
    written: std::time::SystemTime,
}

impl Previous {
    /// The manifest of the output at `out`; `None` when it is missing,
    /// unreadable or not one of ours.
    fn read(out: &Path) -> Option<Previous> {
        #[derive(serde::Deserialize)]
        struct Manifest {
            files: std::collections::HashMap<Box<str>, String>,
        }
        let path = out.join(MANIFEST);
        let written = fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        let manifest: Manifest = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
        let hashes = manifest
            .files
            .into_iter()
            .filter_map(|(path, hex)| Some((path, parse_hex(&hex)?)))
            .collect();
        Some(Previous { hashes, written })
    }

    /// Whether the previous file at `rel`, whose metadata is `meta`, held
    /// the bytes hashed `hash`; `None` when the manifest cannot tell (the
    /// file is not listed, or was modified after the manifest was written:
    /// by hand, say).
    fn same(&self, rel: &str, hash: &[u8; 32], meta: &fs::Metadata) -> Option<bool> {
        let listed = self.hashes.get(rel)?;
        let modified = meta.modified().ok()?;
        (modified <= self.written).then_some(listed == hash)
    }
}

fn out_name(out: &Path) -> String {
    out.file_name().map_or_else(
        || "public".to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Staging {
    /// Creates a fresh staging folder beside `out` (whose parent is created if needed).
    pub fn begin(out: &Path) -> io::Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        remove_stale(parent, &out_name(out));
        let dir = parent.join(format!(
            ".{}{STAGING_MARK}{}",
            out_name(out),
            std::process::id()
        ));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            committed: false,
            hashes: Mutex::new(Vec::new()),
            full: AtomicBool::new(false),
            previous: Previous::read(out),
            had_output: out.is_dir(),
        })
    }

    fn target(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let rel_path = Path::new(rel);
        // Output paths come from slugs and file names under content/; refuse
        // anything that could step outside the staging folder all the same.
        if rel.is_empty()
            || rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Diagnostic::error(
                rel,
                tr!(
                    "refusing to write outside the output folder",
                    "écriture hors du dossier de sortie refusée"
                ),
            ));
        }
        Ok(self.dir.join(rel_path))
    }

    /// Whether a write failed because the disk (or the user's quota) is full.
    pub fn disk_full(&self) -> bool {
        self.full.load(Ordering::Relaxed)
    }

    /// `e` as a diagnostic on `path`, noting a full disk.
    fn failed(&self, path: &str, e: &io::Error) -> Diagnostic {
        if matches!(
            e.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
        ) {
            self.full.store(true, Ordering::Relaxed);
        }
        io_diagnostic(path, e)
    }

    /// Fails at once when the disk was found full.
    fn check_space(&self, rel: &str) -> Result<(), Diagnostic> {
        if self.disk_full() {
            return Err(Diagnostic::error(
                rel,
                tr!(
                    "not written: the disk is full",
                    "non écrit : le disque est plein"
                ),
            ));
        }
        Ok(())
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.check_space(rel)?;
        let target = self.target(rel)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| self.failed(rel, &e))?;
        }
        fs::write(&target, bytes).map_err(|e| self.failed(rel, &e))?;
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        self.keep_mtime(rel, &target, bytes, &hash);
        self.record(rel, hash);
        Ok(())
    }

    fn record(&self, rel: &str, hash: [u8; 32]) {
        // Only the push is under the lock; sorting waits for the manifest.
        // A poisoned lock means a writer panicked; the build fails anyway.
        if let Ok(mut hashes) = self.hashes.lock() {
            hashes.push((rel.into(), hash));
        }
    }

    /// A file whose bytes did not change keeps the modification time it had
    /// in the previous output, so that rsync-style uploads skip it. Best
    /// effort: when anything fails, the file simply counts as new. The
    /// previous manifest tells (by `hash`) where it can; the previous file
    /// is read where it cannot.
    fn keep_mtime(&self, rel: &str, target: &Path, bytes: &[u8], hash: &[u8; 32]) {
        if !self.had_output {
            return;
        }
        let previous = self.out.join(rel);
        let Ok(meta) = fs::metadata(&previous) else {
            return;
        };
        if meta.len() != bytes.len() as u64 {
            return;
        }
        let told = self
            .previous
            .as_ref()
            .and_then(|p| p.same(rel, hash, &meta));
        let same = told.unwrap_or_else(|| fs::read(&previous).is_ok_and(|old| old == bytes));
        if let (true, Ok(modified)) = (same, meta.modified()) {
            if let Ok(file) = fs::File::options().write(true).open(target) {
                let _ = file.set_modified(modified);
            }
        }
    }

    /// Copies the file at `from` to `rel`; `source` names it in errors.
    pub fn copy(&self, rel: &str, from: &Path, source: &str) -> Result<(), Diagnostic> {
        self.check_space(rel)?;
        let target = self.target(rel)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| self.failed(rel, &e))?;
        }
        let bytes = fs::read(from).map_err(|e| {
            Diagnostic::error(
                source,
                tr!(
                    "cannot read the file: {e}",
                    "impossible de lire le fichier : {e}"
                ),
            )
            .with_hint(tr!(
                "check that the file is readable",
                "vérifiez que le fichier peut être lu"
            ))
        })?;
        fs::write(&target, &bytes).map_err(|e| self.failed(rel, &e))?;
        let hash: [u8; 32] = Sha256::digest(&bytes).into();
        self.keep_mtime(rel, &target, &bytes, &hash);
        self.record(rel, hash);
        Ok(())
    }

    /// Puts the file at `source` (a cache entry of `len` bytes whose
    /// SHA-256 is `sha256`) at `rel`: a hard link to it (no byte copied,
    /// and the entry's modification time kept from build to build), or a
    /// copy where the file system cannot link (another device, no links).
    /// Its hash is the one given, so nothing is read.
    pub fn link(&self, rel: &str, source: &Path, len: u64, sha256: &str) -> Result<(), Diagnostic> {
        self.check_space(rel)?;
        let target = self.target(rel)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| self.failed(rel, &e))?;
        }
        let hash = parse_hex(sha256);
        if let (Ok(()), Some(hash)) = (fs::hard_link(source, &target), hash) {
            if let Ok(mut hashes) = self.hashes.lock() {
                hashes.push((rel.into(), hash));
            }
            return Ok(());
        }
        let _ = fs::remove_file(&target);
        let bytes = fs::read(source).map_err(|e| self.failed(rel, &e))?;
        if bytes.len() as u64 != len {
            let cut =
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "cache entry cut short");
            return Err(self.failed(rel, &cut));
        }
        self.write(rel, &bytes)
    }

    /// The manifest's text: `{"algorithm": "sha256", "files": {path: hash}}`,
    /// one file per line in path order, so that two manifests diff well.
    fn manifest(&self) -> String {
        let mut hashes = self
            .hashes
            .lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default();
        hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        hashes.dedup_by(|a, b| a.0 == b.0);
        let mut text = String::with_capacity(hashes.len() * 120 + 64);
        text.push_str("{\n\"algorithm\": \"sha256\",\n\"files\": {");
        for (i, (path, hash)) in hashes.iter().enumerate() {
            text.push_str(if i == 0 { "\n  " } else { ",\n  " });
            text.push_str(&serde_json::to_string(path).unwrap_or_default());
            text.push_str(": \"");
            push_hex(&mut text, hash);
            text.push('"');
        }
        text.push_str("\n}\n}\n");
        text
    }

    /// Writes the manifest, then puts the staging folder in place of the output.
    pub fn commit(mut self) -> io::Result<()> {
        let manifest = self.manifest();
        let target = self.dir.join(MANIFEST);
        fs::write(&target, &manifest)?;
        let hash: [u8; 32] = Sha256::digest(manifest.as_bytes()).into();
        self.keep_mtime(MANIFEST, &target, manifest.as_bytes(), &hash);
        swap_in(&self.dir, &self.out)?;
        self.committed = true;
        // After the swap the staging path holds the previous output (if any).
        // The new output is in place whatever happens now: failing to remove
        // the old one is no failure of the build, and the next build removes
        // it as the leftover of a process that is gone.
        if self.dir.exists() {
            remove_tree(&self.dir);
        }
        Ok(())
    }
}

/// Removes the folder `dir` and everything in it, its subfolders'
/// subfolders side by side: a site's output is tens of thousands of
/// files, most of them two levels down (`news/<page>/`, `_search/f/<group>/`).
/// Best effort, as for the previous output.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let children: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    let grandchildren: Vec<PathBuf> = children
        .iter()
        .filter(|c| fs::symlink_metadata(c).is_ok_and(|m| m.is_dir()))
        .filter_map(|c| fs::read_dir(c).ok())
        .flat_map(|entries| entries.flatten().map(|e| e.path()))
        .collect();
    grandchildren.par_iter().for_each(|path| remove_any(path));
    children.par_iter().for_each(|path| remove_any(path));
    let _ = fs::remove_dir_all(dir);
}

/// Removes `path`, a file, a link or a folder with its content; a link
/// is removed, never followed.
fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn io_diagnostic(path: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        path,
        tr!(
            "cannot write the output: {e}",
            "impossible d'écrire la sortie : {e}"
        ),
    )
    .with_hint(tr!(
        "check free disk space and the permissions of the output folder",
        "vérifiez l'espace libre sur le disque et les droits sur le dossier de sortie"
    ))
}

#[cfg(target_os = "linux")]
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => {
            renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).map_err(io::Error::from)
        }
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a folder", out.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::rename(staging, out),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if out.exists() {
        let old = staging.with_extension("old");
        fs::rename(out, &old)?;
        fs::rename(staging, out)?;
        // The staging path is expected to hold the previous output after a swap.
        fs::rename(&old, staging)?;
        return Ok(());
    }
    fs::rename(staging, out)
}

/// Removes staging folders left by builds that were killed.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}{STAGING_MARK}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let alive = pid.parse::<u32>().is_ok_and(|pid| {
            pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
        });
        if !alive {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The previous output is removed whole, however deep, and a link in
    /// it is removed without removing what it points to.
    /// Mutations caught: removing a link's target instead of the link
    /// (`garde.txt` gone); a removal that stops before the folder is empty
    /// (a staging folder left beside `public`).
    #[cfg(unix)]
    #[test]
    fn the_previous_output_is_removed_and_links_in_it_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let kept = tmp.path().join("ailleurs");
        fs::create_dir_all(kept.join("sous")).unwrap();
        fs::write(kept.join("sous/garde.txt"), b"x").unwrap();
        let s = Staging::begin(&out).unwrap();
        for i in 0..50 {
            s.write(&format!("news/page-{i}/index.html"), b"old")
                .unwrap();
        }
        s.write("a/b/c/d/e.html", b"deep").unwrap();
        s.write("top.txt", b"top").unwrap();
        s.commit().unwrap();
        std::os::unix::fs::symlink(&kept, out.join("news/lien")).unwrap();
        std::os::unix::fs::symlink(&kept, out.join("lien")).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.write("new.txt", b"new").unwrap();
        s.commit().unwrap();
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(left, ["ailleurs", "public"]);
        let in_out: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(in_out, [MANIFEST, "new.txt"]);
        assert_eq!(fs::read(kept.join("sous/garde.txt")).unwrap(), b"x");
    }

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let s = Staging::begin(&out).unwrap();
        s.write("b/index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(!out.join("b").exists());
        // No staging folder is left behind.
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from("public")]);

        let s = Staging::begin(&out).unwrap();
        s.write("c.txt", b"three").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(fs::read(out.join("c.txt")).unwrap(), b"three");
    }

    #[test]
    fn unchanged_files_keep_their_modification_time() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("same.html", b"same").unwrap();
        s.write("changed.html", b"one").unwrap();
        s.commit().unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        for name in ["same.html", "changed.html"] {
            fs::File::options()
                .write(true)
                .open(out.join(name))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        let s = Staging::begin(&out).unwrap();
        s.write("same.html", b"same").unwrap();
        s.write("changed.html", b"two").unwrap();
        s.commit().unwrap();
        let mtime = |name: &str| fs::metadata(out.join(name)).unwrap().modified().unwrap();
        assert_eq!(mtime("same.html"), old);
        assert_ne!(mtime("changed.html"), old);
    }

    /// The previous manifest tells an unchanged file from a changed one
    /// without reading it, but not one modified after it was written.
    /// Catches `same` trusting the manifest whatever the file's time.
    #[test]
    fn the_previous_manifest_tells_unless_the_file_changed_since() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("a.html", b"aaaa").unwrap();
        s.write("b.html", b"bbbb").unwrap();
        s.commit().unwrap();
        let previous = Previous::read(&out).expect("the manifest is read back");
        let hash = |bytes: &[u8]| -> [u8; 32] { Sha256::digest(bytes).into() };
        let meta = |name: &str| fs::metadata(out.join(name)).unwrap();
        assert_eq!(
            previous.same("a.html", &hash(b"aaaa"), &meta("a.html")),
            Some(true)
        );
        assert_eq!(
            previous.same("a.html", &hash(b"zzzz"), &meta("a.html")),
            Some(false)
        );
        assert_eq!(
            previous.same("c.html", &hash(b"aaaa"), &meta("a.html")),
            None
        );
        // Edited by hand after the build: only its bytes can tell.
        fs::write(out.join("b.html"), b"cccc").unwrap();
        let later = previous.written + std::time::Duration::from_secs(10);
        fs::File::options()
            .write(true)
            .open(out.join("b.html"))
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(
            previous.same("b.html", &hash(b"bbbb"), &meta("b.html")),
            None
        );
        // So the next build writing the manifest's bytes gives it a new time.
        let s = Staging::begin(&out).unwrap();
        s.write("b.html", b"bbbb").unwrap();
        s.commit().unwrap();
        assert_ne!(meta("b.html").modified().unwrap(), later);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"bbbb");
    }

    #[test]
    fn the_manifest_lists_every_file_with_its_sha256() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let source = tmp.path().join("logo.svg");
        fs::write(&source, "<svg/>").unwrap();
        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.copy("static/logo.svg", &source, "content/logo.svg")
            .unwrap();
        s.write("quote\"d.txt", b"").unwrap();
        s.commit().unwrap();
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert_eq!(
            manifest,
            format!(
                "{{\n\"algorithm\": \"sha256\",\n\"files\": {{\n  \
             \"a/index.html\": \"7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed\",\n  \
             \"quote\\\"d.txt\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\n  \
             \"static/logo.svg\": \"{}\"\n}}\n}}\n",
                sha256_hex(b"<svg/>")
            )
        );
        let parsed: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        assert_eq!(parsed["files"].as_object().unwrap().len(), 3);
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::begin(&tmp.path().join("public")).unwrap();
        assert!(s.write("../x", b"").is_err());
        assert!(s.write("/etc/x", b"").is_err());
    }

    #[test]
    fn stale_staging_of_dead_process_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = tmp.path().join(format!(".public{STAGING_MARK}999999999"));
        fs::create_dir(&stale).unwrap();
        let _s = Staging::begin(&tmp.path().join("public")).unwrap();
        assert!(!stale.exists());
    }
}
