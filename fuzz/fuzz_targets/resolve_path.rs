//! Fuzz target: `alumni serve`'s request-path resolution over a small map of
//! outputs.
//!
//! Besides "no panic", it checks the property the server is built on: a
//! request can only name a key of the map, and never one reached through a
//! `..` or `.` segment, an encoded separator, a backslash or a NUL.

#![no_main]

use std::sync::{Arc, OnceLock};

use alumni::live::Outputs;
use alumni::serve::{Target, resolve_path};
use libfuzzer_sys::fuzz_target;

fn outputs() -> &'static Outputs {
    static OUTPUTS: OnceLock<Outputs> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        [
            "index.html",
            "404.html",
            "clubs/index.html",
            "clubs/biotech/index.html",
            "clubs/club-des-docteurs/index.html",
            "en/index.html",
            "en/404.html",
            "en/clubs/biotech/index.html",
            "alter-ego/episode-1/poster.svg",
            "static/site.css",
            "static/site.js",
            "sitemap.xml",
            "search.json",
            "tags/économie/index.html",
        ]
        .into_iter()
        .map(|k| (k.to_string(), Arc::new(Vec::new())))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    // The server reads the request target as UTF-8 text (src/serve/http.rs).
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let outputs = outputs();
    match resolve_path(url, outputs) {
        Target::File(key) => {
            assert!(outputs.contains_key(&key), "{key} is not an output");
            let path = url.split(['?', '#']).next().unwrap_or("");
            assert!(path.starts_with('/'));
            let lower = path.to_ascii_lowercase();
            for hidden in ["%2f", "%5c", "%00", "\\", "\0"] {
                assert!(!lower.contains(hidden), "{url:?} reached {key}");
            }
        }
        Target::Redirect(location) => {
            // The redirect names a folder of the site, not another host:
            // asking for it gives that folder's index.
            assert!(
                !location.starts_with("//"),
                "{url:?} redirects to {location:?}"
            );
            match resolve_path(&location, outputs) {
                Target::File(key) => assert!(key.ends_with("index.html")),
                other => panic!("{url:?} redirects to {location:?}, which gives {other:?}"),
            }
        }
        Target::NotFound | Target::BadRequest => {}
    }
});
