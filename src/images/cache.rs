//! The image cache: processed images stored by what made them, so that a
//! rebuild decodes and encodes nothing that has not changed.
//!
//! In: the SHA-256 of a source's bytes and the name of an operation (which
//! spells every parameter: size, format, quality, the pipeline's version).
//! Out: the bytes that operation produced, if a build stored them. An entry
//! is `<dir>/<hash[..2]>/<hash>/<operation>`: keyed by content, never by
//! path or time, so a renamed or moved photo is found again, and an edited
//! one never is. Entries are written to a temporary name and renamed, so a
//! build killed mid-write leaves no entry under its real name; each entry
//! also ends with its own length and a mark, so one cut short by any other
//! means (a full disk, a copy from a broken CI cache) is seen, removed and
//! made again. [`Cache::prune`] removes, after a build, every entry that
//! build did not use.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// What ends every entry, after its length.
const MARK: &[u8; 8] = b"alumniC1";

/// Length of the trailer: the content's length (u64, little-endian) and [`MARK`].
const TRAILER: usize = 16;

/// Temporary files of entries being written start with this.
const TEMP_PREFIX: &str = ".tmp-";

/// A cache folder, and the entries this process used.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    used: Mutex<HashSet<PathBuf>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: PathBuf) -> Cache {
        Cache {
            dir,
            used: Mutex::new(HashSet::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry(&self, hash: &str, operation: &str) -> PathBuf {
        self.dir
            .join(hash.get(..2).unwrap_or("00"))
            .join(hash)
            .join(operation)
    }

    fn mark_used(&self, path: PathBuf) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(path);
        }
    }

    /// The bytes stored for `operation` on the source of SHA-256 `hash`;
    /// `None` when there are none, or the entry is cut short or damaged
    /// (it is then removed, to be made again).
    pub fn get(&self, hash: &str, operation: &str) -> Option<Vec<u8>> {
        let path = self.entry(hash, operation);
        let Ok(mut bytes) = fs::read(&path) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let whole = bytes.len() >= TRAILER && {
            let (content, trailer) = bytes.split_at(bytes.len() - TRAILER);
            let len = u64::from_le_bytes(trailer[..8].try_into().unwrap_or_default());
            &trailer[8..] == MARK && len == content.len() as u64
        };
        if !whole {
            let _ = fs::remove_file(&path);
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        bytes.truncate(bytes.len() - TRAILER);
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.mark_used(path);
        Some(bytes)
    }

    /// Stores `bytes` for `operation` on the source of SHA-256 `hash`.
    pub fn put(&self, hash: &str, operation: &str, bytes: &[u8]) -> io::Result<()> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = self.entry(hash, operation);
        let folder = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(folder)?;
        let temp = folder.join(format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(bytes)?;
            file.write_all(&(bytes.len() as u64).to_le_bytes())?;
            file.write_all(MARK)?;
            fs::rename(&temp, &path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        self.mark_used(path);
        Ok(())
    }

    /// Entries read whole and entries missing (or damaged), so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Removes every entry (and temporary file) this process did not use,
    /// then the folders left empty. Returns how many files were removed.
    pub fn prune(&self) -> io::Result<usize> {
        let used = self.used.lock().map(|u| u.clone()).unwrap_or_default();
        let mut removed = 0;
        let Ok(prefixes) = fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        for prefix in prefixes.flatten() {
            if !prefix.file_type()?.is_dir() {
                continue;
            }
            for source in fs::read_dir(prefix.path())?.flatten() {
                if !source.file_type()?.is_dir() {
                    continue;
                }
                for entry in fs::read_dir(source.path())?.flatten() {
                    if !used.contains(&entry.path()) {
                        fs::remove_file(entry.path())?;
                        removed += 1;
                    }
                }
                // Fails, as it should, when the folder still holds entries.
                let _ = fs::remove_dir(source.path());
            }
            let _ = fs::remove_dir(prefix.path());
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "ab12";

    #[test]
    fn entries_come_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        assert_eq!(cache.get(HASH, "w480.webp"), None);
        cache.put(HASH, "w480.webp", b"RIFF....WEBP").unwrap();
        assert_eq!(
            cache.get(HASH, "w480.webp").as_deref(),
            Some(&b"RIFF....WEBP"[..])
        );
        // Cut short as a killed copy would leave it: seen, and removed.
        let path = dir.path().join("ab/ab12/w480.webp");
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(cache.get(HASH, "w480.webp"), None);
        assert!(!path.exists());
    }

    #[test]
    fn pruning_keeps_what_this_run_used() {
        let dir = tempfile::tempdir().unwrap();
        let old = Cache::new(dir.path().to_path_buf());
        old.put(HASH, "w480.webp", b"old").unwrap();
        old.put("cd34", "w480.webp", b"gone").unwrap();
        fs::write(dir.path().join("ab/ab12/.tmp-1-1"), b"half").unwrap();
        let run = Cache::new(dir.path().to_path_buf());
        assert!(run.get(HASH, "w480.webp").is_some());
        assert_eq!(run.prune().unwrap(), 2);
        assert!(dir.path().join("ab/ab12/w480.webp").exists());
        assert!(!dir.path().join("cd").exists());
    }
}
