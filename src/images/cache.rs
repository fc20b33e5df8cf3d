//! The image cache: processed images stored by what made them, so that a
//! rebuild decodes and encodes nothing that has not changed, and a warm
//! build reads no image at all.
//!
//! In: the SHA-256 of a source's bytes and the name of an operation (which
//! spells every parameter: size, format, quality, the pipeline's version).
//! Out: the entry that operation produced, if a build stored it: a file
//! holding exactly the output's bytes, which a build hard-links into its
//! output (copies where links cannot be made) and `serve` reads.
//!
//! Decisions:
//!
//! - **Layout**: `<dir>/<hash[..2]>/<hash>/<operation>.<length>.<sha256>`.
//!   Keyed by content, never by path or time, so a renamed or moved photo
//!   is found again, and an edited one never is. The name carries the
//!   entry's length and the SHA-256 of its bytes: one listing of a source's
//!   folder tells which outputs exist, whole, and what the output manifest
//!   records for them, without reading a byte.
//! - **Kill-safety**: entries are written to a temporary name and renamed,
//!   so a build killed mid-write leaves no entry under its real name; an
//!   entry whose length is not the one its name gives (cut short by a full
//!   disk, a broken CI cache, a hand) is removed and made again.
//! - **Sources** ([`Sources`]): the SHA-256 of each source and its header
//!   (format, size, orientation, frames) are remembered in
//!   `<dir>/sources.tsv` with what `stat` says of the file (length,
//!   modification and change times in nanoseconds, inode), so that only a
//!   file whose stat changed is read again: a warm build plans and links
//!   every image with one `stat` per source, reading none. The change time
//!   cannot be set by hand, so a file rewritten to the same length with its
//!   old modification time put back is still seen. As git does for its
//!   index, an entry as recent as the list itself is not trusted (the file
//!   may have changed again within the same tick of the file system's
//!   clock) and is hashed again next time. The list is written to a
//!   temporary name and renamed: a killed build leaves the previous one.
//! - **Hard links**: an output linked to its entry is the same file: it
//!   keeps the entry's modification time from build to build, and costs no
//!   copy. What edits files of the output folder in place edits the cache
//!   too; nothing of `alumni` does, and a damaged entry is found by its
//!   length or remade when the cache folder is removed.
//! - **Prune**: [`Cache::prune`] removes, after a build, every entry that
//!   build did not use; [`Sources::save`] keeps only the sources it asked for.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary files of entries being written start with this.
const TEMP_PREFIX: &str = ".tmp-";

/// The list of sources' hashes, in the cache folder.
const SOURCES: &str = "sources.tsv";

/// The first line of [`SOURCES`]: a list of another layout is not read.
const SOURCES_HEADER: &str = "alumni-sources 2";

/// The last line of [`SOURCES`]: a list without it is not read.
const SOURCES_END: &str = "end";

/// One entry of the cache: a file holding exactly an output's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Where it is.
    pub path: PathBuf,
    /// Its length in bytes.
    pub len: u64,
    /// The SHA-256 of its bytes, in lowercase hexadecimal.
    pub sha256: String,
}

impl Entry {
    /// Its bytes.
    pub(crate) fn read(&self) -> io::Result<Vec<u8>> {
        let bytes = fs::read(&self.path)?;
        if bytes.len() as u64 == self.len {
            Ok(bytes)
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "cache entry cut short",
            ))
        }
    }
}

/// A cache folder, and the entries this process used.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    used: Mutex<HashSet<PathBuf>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// The entries of one source, by operation (see [`Cache::entries`]).
pub(crate) type Entries = HashMap<String, Entry>;

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub(crate) fn new(dir: PathBuf) -> Cache {
        Cache {
            dir,
            used: Mutex::new(HashSet::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn folder(&self, hash: &str) -> PathBuf {
        self.dir.join(hash.get(..2).unwrap_or("00")).join(hash)
    }

    fn mark_used(&self, path: PathBuf) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(path);
        }
    }

    /// Every whole entry stored for the source of SHA-256 `hash`, by
    /// operation, from one listing of its folder. Entries whose length is
    /// not the one their name gives are removed, to be made again.
    pub(crate) fn entries(&self, hash: &str) -> Entries {
        let mut found = Entries::new();
        let Ok(list) = fs::read_dir(self.folder(hash)) else {
            return found;
        };
        for item in list.flatten() {
            let name = item.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some((operation, len, sha256)) = parse_name(name) else {
                continue;
            };
            let whole = item.metadata().is_ok_and(|m| m.is_file() && m.len() == len);
            if !whole {
                let _ = fs::remove_file(item.path());
                continue;
            }
            found.insert(
                operation.to_string(),
                Entry {
                    path: item.path(),
                    len,
                    sha256: sha256.to_string(),
                },
            );
        }
        found
    }

    /// The entry for `operation` among `entries` (see [`Cache::entries`]),
    /// counted as a hit or a miss and, when found, kept by [`Cache::prune`].
    pub(crate) fn take(&self, entries: &Entries, operation: &str) -> Option<Entry> {
        let Some(entry) = entries.get(operation) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.mark_used(entry.path.clone());
        Some(entry.clone())
    }

    /// The entry for `operation` on the source of SHA-256 `hash`.
    #[cfg(test)]
    pub(crate) fn get(&self, hash: &str, operation: &str) -> Option<Entry> {
        self.take(&self.entries(hash), operation)
    }

    /// Stores `bytes` for `operation` on the source of SHA-256 `hash`.
    pub(crate) fn put(&self, hash: &str, operation: &str, bytes: &[u8]) -> io::Result<Entry> {
        let sha256 = crate::output::sha256_hex(bytes);
        let folder = self.folder(hash);
        let path = folder.join(format!("{operation}.{}.{sha256}", bytes.len()));
        fs::create_dir_all(&folder)?;
        let temp = temp_name(&folder);
        let written = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(bytes)?;
            drop(file);
            fs::rename(&temp, &path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        self.mark_used(path.clone());
        Ok(Entry {
            path,
            len: bytes.len() as u64,
            sha256,
        })
    }

    /// Entries found whole and entries missing (or damaged), so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Removes every entry (and temporary file) this process did not use,
    /// then the folders left empty. Returns how many files were removed.
    pub(crate) fn prune(&self) -> io::Result<usize> {
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

/// A temporary file name in `folder`, unique in this process and among
/// processes.
fn temp_name(folder: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    folder.join(format!(
        "{TEMP_PREFIX}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// `<operation>.<length>.<sha256>` split; `None` for anything else (a
/// temporary file, an entry of an older layout).
fn parse_name(name: &str) -> Option<(&str, u64, &str)> {
    if name.starts_with(TEMP_PREFIX) {
        return None;
    }
    let (rest, sha256) = name.rsplit_once('.')?;
    let (operation, len) = rest.rsplit_once('.')?;
    let hex = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && !operation.is_empty())
        .then(|| Some((operation, len.parse().ok()?, sha256)))
        .flatten()
}

/// What `stat` says of a source, as [`Sources`] compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    inode: u64,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                len: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: io::Result<std::time::SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128)
            };
            Stamp {
                len: meta.len(),
                mtime_ns: ns(meta.modified()),
                ctime_ns: ns(meta.created()),
                inode: 0,
            }
        }
    }
}

/// What is remembered of one source, valid while its stat is `stamp`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Known {
    stamp: Stamp,
    /// The SHA-256 of its bytes, once a build needed it.
    hash: Option<String>,
    /// Its header as the images stage wrote it ([`Sources::header`]).
    header: Option<String>,
}

/// The SHA-256 and the header of each source, remembered across builds by
/// its stat (see the module's decisions).
#[derive(Debug)]
pub struct Sources {
    file: PathBuf,
    /// As read: trusted entries only.
    known: HashMap<PathBuf, Known>,
    /// Asked for in this process.
    asked: Mutex<HashMap<PathBuf, Known>>,
    /// How many sources were read and hashed.
    hashed: AtomicU64,
    /// How many headers were not remembered.
    unheaded: AtomicU64,
}

/// What `stat` said of a source before it was read, for
/// [`Sources::remember_header`].
#[derive(Clone, Copy, Debug)]
pub struct Seen(Stamp);

impl Sources {
    /// The list in the cache folder `dir` (an absent or unreadable list is
    /// an empty one: every source is hashed).
    pub fn load(dir: &Path) -> Sources {
        let file = dir.join(SOURCES);
        let mut known = HashMap::new();
        let listed = fs::metadata(&file).ok().zip(fs::read_to_string(&file).ok());
        if let Some((meta, text)) = listed {
            let written = Stamp::of(&meta).mtime_ns;
            let lines: Vec<&str> = text.lines().collect();
            let whole = lines.first() == Some(&SOURCES_HEADER)
                && lines.last() == Some(&SOURCES_END)
                && text.ends_with('\n');
            if whole {
                for line in &lines[1..lines.len() - 1] {
                    let Some((path, row)) = parse_source_line(line) else {
                        continue;
                    };
                    // As recent as the list: it may have changed within the same tick.
                    if row.stamp.mtime_ns < written && row.stamp.ctime_ns < written {
                        known.insert(path, row);
                    }
                }
            }
        }
        Sources {
            file,
            known,
            asked: Mutex::new(HashMap::new()),
            hashed: AtomicU64::new(0),
            unheaded: AtomicU64::new(0),
        }
    }

    /// What the list says of `abs` if its stat is the one recorded.
    fn known(&self, abs: &Path, now: Stamp) -> Option<&Known> {
        self.known.get(abs).filter(|k| k.stamp == now)
    }

    /// The SHA-256 of the file at `abs`: from the list when its stat is
    /// the one recorded, else read and hashed (and recorded).
    pub fn hash(&self, abs: &Path) -> io::Result<String> {
        let before = Stamp::of(&fs::metadata(abs)?);
        if let Some(hash) = self.known(abs, before).and_then(|k| k.hash.clone()) {
            self.record(abs, before, Some(hash.clone()), None);
            return Ok(hash);
        }
        let bytes = fs::read(abs)?;
        Ok(self.hash_bytes(abs, before, &bytes))
    }

    /// The SHA-256 and bytes of the file at `abs`, read (for a caller
    /// that needs the bytes anyway), recorded like [`Sources::hash`].
    pub fn read(&self, abs: &Path) -> io::Result<(String, Vec<u8>)> {
        let before = Stamp::of(&fs::metadata(abs)?);
        let bytes = fs::read(abs)?;
        let hash = self.hash_bytes(abs, before, &bytes);
        Ok((hash, bytes))
    }

    /// The header remembered for the file at `abs` (one `stat`, no read),
    /// or, when the list has none for its present stat, that stat, to
    /// give [`Sources::remember_header`] once the header is read.
    pub fn header(&self, abs: &Path) -> io::Result<Result<String, Seen>> {
        let now = Stamp::of(&fs::metadata(abs)?);
        if let Some(header) = self.known(abs, now).and_then(|k| k.header.clone()) {
            self.record(abs, now, None, Some(header.clone()));
            return Ok(Ok(header));
        }
        self.unheaded.fetch_add(1, Ordering::Relaxed);
        Ok(Err(Seen(now)))
    }

    /// Remembers `header` (one line of text, no tab) for the file at
    /// `abs`, read after `seen`; nothing if the file changed meanwhile.
    pub fn remember_header(&self, abs: &Path, seen: Seen, header: String) {
        let now = fs::metadata(abs).map(|m| Stamp::of(&m)).ok();
        if now == Some(seen.0) && !header.contains(['\t', '\n']) && !header.is_empty() {
            self.record(abs, seen.0, None, Some(header));
        }
    }

    fn hash_bytes(&self, abs: &Path, before: Stamp, bytes: &[u8]) -> String {
        self.hashed.fetch_add(1, Ordering::Relaxed);
        let hash = crate::output::sha256_hex(bytes);
        // Changed while read: the hash is of the bytes read, but the stat
        // would not say which ones; the next build reads it again.
        let after = fs::metadata(abs).map(|m| Stamp::of(&m)).ok();
        if after == Some(before) && bytes.len() as u64 == before.len {
            self.record(abs, before, Some(hash.clone()), None);
        }
        hash
    }

    /// Records what was learnt of `abs` at `stamp`, beside what was learnt
    /// of it at the same stamp (a header, then a hash).
    fn record(&self, abs: &Path, stamp: Stamp, hash: Option<String>, header: Option<String>) {
        if let Ok(mut asked) = self.asked.lock() {
            let row = asked.entry(abs.to_path_buf()).or_insert(Known {
                stamp,
                hash: None,
                header: None,
            });
            if row.stamp != stamp {
                *row = Known {
                    stamp,
                    hash: None,
                    header: None,
                };
            }
            row.hash = hash.or(row.hash.take());
            row.header = header.or(row.header.take());
        }
    }

    /// How many sources were read and hashed so far.
    pub fn hashed(&self) -> u64 {
        self.hashed.load(Ordering::Relaxed)
    }

    /// How many sources' headers were asked for and not remembered.
    pub fn unheaded(&self) -> u64 {
        self.unheaded.load(Ordering::Relaxed)
    }

    /// Writes the list of the sources asked for in this process, through a
    /// temporary file renamed into place; a source asked for only its
    /// header or only its hash keeps what the list knew of the other, at
    /// the same stat. Nothing is written when the list would say what it
    /// says.
    pub fn save(&self) -> io::Result<()> {
        let mut asked = self.asked.lock().map(|a| a.clone()).unwrap_or_default();
        for (path, row) in &mut asked {
            if let Some(old) = self.known.get(path).filter(|k| k.stamp == row.stamp) {
                row.hash = row.hash.take().or_else(|| old.hash.clone());
                row.header = row.header.take().or_else(|| old.header.clone());
            }
        }
        let mut rows: Vec<(&PathBuf, &Known)> = asked.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = format!("{SOURCES_HEADER}\n");
        for (path, row) in rows {
            let Some(path) = path.to_str().filter(|p| !p.contains(['\t', '\n'])) else {
                continue;
            };
            let s = row.stamp;
            let _ = writeln!(
                text,
                "{}\t{}\t{}\t{}\t{}\t{}\t{path}",
                row.hash.as_deref().unwrap_or("-"),
                s.len,
                s.mtime_ns,
                s.ctime_ns,
                s.inode,
                row.header.as_deref().unwrap_or("-"),
            );
        }
        text.push_str(SOURCES_END);
        text.push('\n');
        let same = asked.len() == self.known.len()
            && fs::read_to_string(&self.file).is_ok_and(|old| old == text);
        if same {
            return Ok(());
        }
        let folder = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder)?;
        let temp = temp_name(folder);
        let written = fs::write(&temp, text).and_then(|()| fs::rename(&temp, &self.file));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }
}

/// One line of [`SOURCES`]: `hash len mtime ctime inode header path`,
/// tab-separated, `-` for a hash or header not known.
fn parse_source_line(line: &str) -> Option<(PathBuf, Known)> {
    let mut fields = line.splitn(7, '\t');
    let hash = match fields.next()? {
        "-" => None,
        h if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => Some(h.to_string()),
        _ => return None,
    };
    let stamp = Stamp {
        len: fields.next()?.parse().ok()?,
        mtime_ns: fields.next()?.parse().ok()?,
        ctime_ns: fields.next()?.parse().ok()?,
        inode: fields.next()?.parse().ok()?,
    };
    let header = match fields.next()? {
        "-" => None,
        h => Some(h.to_string()),
    };
    let path = PathBuf::from(fields.next()?);
    Some((
        path,
        Known {
            stamp,
            hash,
            header,
        },
    ))
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
        let put = cache.put(HASH, "w480.webp", b"RIFF....WEBP").unwrap();
        assert_eq!(put.sha256, crate::output::sha256_hex(b"RIFF....WEBP"));
        let got = cache.get(HASH, "w480.webp").unwrap();
        assert_eq!(got, put);
        assert_eq!(got.read().unwrap(), b"RIFF....WEBP");
        // The file holds the bytes alone, to be linked into the output.
        assert_eq!(fs::read(&got.path).unwrap(), b"RIFF....WEBP");
        // Cut short as a killed copy would leave it: seen, and removed.
        fs::write(&got.path, b"RIFF").unwrap();
        assert_eq!(cache.get(HASH, "w480.webp"), None);
        assert!(!got.path.exists());
    }

    #[test]
    fn pruning_keeps_what_this_run_used() {
        let dir = tempfile::tempdir().unwrap();
        let old = Cache::new(dir.path().to_path_buf());
        let kept = old.put(HASH, "w480.webp", b"old").unwrap();
        old.put("cd34", "w480.webp", b"gone").unwrap();
        fs::write(dir.path().join("ab/ab12/.tmp-1-1"), b"half").unwrap();
        let run = Cache::new(dir.path().to_path_buf());
        assert!(run.get(HASH, "w480.webp").is_some());
        assert_eq!(run.prune().unwrap(), 2);
        assert!(kept.path.exists());
        assert!(!dir.path().join("cd").exists());
    }

    /// Sets the modification time of `path` (and so its change time to now).
    fn set_mtime(path: &Path, secs: u64) {
        let file = fs::File::options().write(true).open(path).unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    }

    /// Catches a list trusted on length and modification time alone: a
    /// file rewritten with the same length and its old time put back would
    /// keep its old hash (and its old variants).
    #[test]
    fn sources_are_hashed_again_only_when_their_stat_changed() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("cache");
        let photo = dir.path().join("photo.jpg");
        fs::write(&photo, b"first bytes").unwrap();
        // Older than the list: trusted next time (not racy).
        set_mtime(&photo, 1_000_000);
        let sources = Sources::load(&cache_dir);
        let first = sources.hash(&photo).unwrap();
        assert_eq!(first, crate::output::sha256_hex(b"first bytes"));
        sources.save().unwrap();
        // The list is newer than the file's change time only if a tick passed:
        // date the list forward instead of waiting.
        set_mtime(&cache_dir.join(SOURCES), 4_000_000_000);

        let again = Sources::load(&cache_dir);
        assert_eq!(again.hash(&photo).unwrap(), first);
        assert_eq!(again.hashed(), 0, "an unchanged file is not read");

        // Same length, same modification time: the change time tells.
        fs::write(&photo, b"other bytes").unwrap();
        set_mtime(&photo, 1_000_000);
        let changed = Sources::load(&cache_dir);
        assert_eq!(
            changed.hash(&photo).unwrap(),
            crate::output::sha256_hex(b"other bytes")
        );
        assert_eq!(changed.hashed(), 1);
    }

    /// A header is remembered beside the hash and given back without a
    /// read while the stat holds; a list saved by a process that asked for
    /// the hash alone keeps the header. Catches a header trusted after an
    /// edit, or lost when only the hash was asked for.
    #[test]
    fn headers_are_remembered_by_stat_beside_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        fs::write(&photo, b"bytes").unwrap();
        set_mtime(&photo, 1_000_000);
        let sources = Sources::load(dir.path());
        let Err(seen) = sources.header(&photo).unwrap() else {
            panic!("nothing remembered yet");
        };
        sources.remember_header(&photo, seen, "jpg 4 3 1 0 5".to_string());
        sources.save().unwrap();
        set_mtime(&dir.path().join(SOURCES), 4_000_000_000);

        let again = Sources::load(dir.path());
        assert_eq!(again.header(&photo).unwrap().unwrap(), "jpg 4 3 1 0 5");
        assert_eq!(again.unheaded(), 0);
        // Asked for the hash alone, saved: the header stays.
        again.hash(&photo).unwrap();
        let only_hash = Sources::load(dir.path());
        only_hash.hash(&photo).unwrap();
        only_hash.save().unwrap();
        set_mtime(&dir.path().join(SOURCES), 4_000_000_001);
        let both = Sources::load(dir.path());
        assert_eq!(both.header(&photo).unwrap().unwrap(), "jpg 4 3 1 0 5");
        both.hash(&photo).unwrap();
        assert_eq!(both.hashed(), 0);

        // Edited: not remembered any more.
        fs::write(&photo, b"other").unwrap();
        let edited = Sources::load(dir.path());
        assert!(edited.header(&photo).unwrap().is_err());
    }

    /// Catches a list trusted when it is as recent as its entries (a file
    /// edited again within the clock's tick would be missed), and a list
    /// written in place (a killed build would leave half of it).
    #[test]
    fn a_recent_or_damaged_list_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        fs::write(&photo, b"bytes").unwrap();
        let sources = Sources::load(dir.path());
        sources.hash(&photo).unwrap();
        sources.save().unwrap();
        // The list dated like the file: racy, hashed again.
        set_mtime(&dir.path().join(SOURCES), 1);
        let racy = Sources::load(dir.path());
        racy.hash(&photo).unwrap();
        assert_eq!(racy.hashed(), 1);
        // A torn line is skipped, not misread.
        let text = fs::read_to_string(dir.path().join(SOURCES)).unwrap();
        fs::write(dir.path().join(SOURCES), &text[..text.len() - 30]).unwrap();
        let torn = Sources::load(dir.path());
        assert!(torn.known.is_empty());
        // No temporary file is left beside the list.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.to_string_lossy().starts_with(TEMP_PREFIX))
        );
    }
}
