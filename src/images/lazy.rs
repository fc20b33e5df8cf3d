//! Images for `serve`: made when first asked for, or in the background,
//! never on the way of an edit.
//!
//! In: the plan of a build ([`Images`]: every output's name and size comes
//! from the headers, so pages are rendered with every `srcset` URL before
//! any pixel is decoded) and the cache folder. Out: the bytes of an image
//! output when a request asks for it ([`Store::get`]).
//!
//! Decisions:
//!
//! - **Nothing in memory**: outputs stay in the cache, on disk, and are
//!   read when asked for; the live site holds no image bytes, so 200
//!   photos cost `serve` neither memory nor time on a rebuild.
//! - **First request**: a variant not yet in the cache is made when its URL
//!   is asked for, with every other missing output of its image (one
//!   decode). Two requests for the same image wait for one decode; a
//!   request for another image, a page or an edit waits for nothing.
//! - **Background**: after each full build, [`Store::prefetch`] makes the
//!   missing outputs one image at a time on one thread, at the lowest CPU
//!   priority, so that what the pages show is ready when the browser asks.
//!   A newer build stops the previous store's thread ([`Store::stop`]).
//! - **Errors**: an image that cannot be decoded is a 500 for its URLs,
//!   with the located message, and is listed in [`Store::problems`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::cache::{Cache, Sources};
use super::{Image, Images};
use crate::diagnostic::Diagnostic;

/// The image outputs of one build of the live site.
pub struct Store {
    images: Arc<Images>,
    cache: Cache,
    sources: Arc<Sources>,
    /// One lock per image being made (by the output of its original).
    making: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Images that could not be made, with why.
    problems: Mutex<Vec<Diagnostic>>,
    /// What `stat` said of each source when the store was made: which
    /// images changed between two builds.
    stamps: HashMap<String, Option<(u64, std::time::SystemTime)>>,
    stopped: AtomicBool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("images", &self.images.len())
            .field("cache", &self.cache.dir())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The store of `images`, made through the cache in `cache_dir`, whose
    /// list of sources the build loaded as `sources`.
    pub fn new(images: Arc<Images>, cache_dir: PathBuf, sources: Arc<Sources>) -> Store {
        let stamps = images
            .iter()
            .map(|i| {
                let stamp = std::fs::metadata(&i.abs)
                    .ok()
                    .and_then(|m| Some((m.len(), m.modified().ok()?)));
                (i.source.clone(), stamp)
            })
            .collect();
        Store {
            sources,
            cache: Cache::new(cache_dir),
            images,
            making: Mutex::new(HashMap::new()),
            problems: Mutex::new(Vec::new()),
            stamps,
            stopped: AtomicBool::new(false),
        }
    }

    /// Whether `output` is an output of an image (original or variant).
    pub fn is_output(&self, output: &str) -> bool {
        self.images.is_output(output)
    }

    fn image_of(&self, output: &str) -> Option<&Image> {
        self.images
            .variants
            .get(output)
            .and_then(|original| self.images.get(original))
    }

    /// The bytes of the image output `output`, made now if the cache does
    /// not hold them; `None` when it is no image output.
    pub fn get(&self, output: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        let image = self.image_of(output)?;
        Some(self.make(image).and_then(|mut made| {
            let found = made.iter().position(|(o, _)| o == output);
            let made = found.map(|i| made.swap_remove(i).1);
            let bytes = made.map(super::Made::bytes);
            match bytes {
                Some(Ok(bytes)) => Ok(bytes),
                Some(Err(e)) => Err(super::unreadable(image, &e)),
                None => Err(super::unreadable(
                    image,
                    &std::io::Error::other("output not made"),
                )),
            }
        }))
    }

    /// Makes (or finds) every output of `image`, one maker per image.
    fn make(&self, image: &Image) -> Result<Vec<(String, super::Made)>, Diagnostic> {
        let lock = {
            let mut making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(making.entry(image.output().to_string()).or_default())
        };
        let _one_at_a_time = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let made = super::publish(image, &self.images.settings, &self.cache, &self.sources);
        if let Err(d) = &made {
            let mut problems = self.problems.lock().unwrap_or_else(PoisonError::into_inner);
            if !problems.contains(d) {
                problems.push(d.clone());
            }
        }
        made
    }

    /// Starts a thread that makes every missing output, one image at a
    /// time, at the lowest priority; it ends when done or stopped.
    pub fn prefetch(self: &Arc<Self>) {
        let store = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("alumni-images".to_string())
            .spawn(move || {
                lower_priority();
                for image in store.images.iter() {
                    if store.stopped.load(Ordering::Relaxed) {
                        return;
                    }
                    // Its problem is kept in `problems`, and answered at its URLs.
                    let _ = store.make(image);
                }
                // What was hashed serves the next start.
                let _ = store.sources.save();
            });
        // Without the thread, every image is still made at its first request.
        drop(spawned);
    }

    /// Stops the background thread after the image it is making.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// The images that could not be made so far.
    pub fn problems(&self) -> Vec<Diagnostic> {
        self.problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The outputs of `self` that differ from those of `old` (another build
    /// of the same site): images added, removed, or whose source changed.
    pub fn changed_since(&self, old: &Store) -> Vec<String> {
        let outputs = |store: &Store| -> HashMap<String, String> {
            store
                .images
                .iter()
                .flat_map(|i| {
                    i.variants
                        .iter()
                        .map(|v| (v.output.clone(), i.source.clone()))
                })
                .collect()
        };
        let (new, before) = (outputs(self), outputs(old));
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(output, source)| {
                before.get(*output) != Some(*source)
                    || self.stamps.get(*source) != old.stamps.get(*source)
            })
            .map(|(output, _)| output.clone())
            .chain(before.keys().filter(|o| !new.contains_key(*o)).cloned())
            .collect();
        changed.sort();
        changed
    }
}

/// Puts the calling thread at the lowest CPU priority (Linux: a thread's
/// nice value is its own), so that it takes only what rebuilds and
/// requests leave.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(tid), 19);
    }
}
