//! Fuzz target: the judge of files beside untrusted pages.
//!
//! Besides "no panic", it checks the property the trust boundary rests on:
//! bytes are accepted under a name only as the kind that name says, and
//! never under a name of another kind (HTML, script, no extension).

#![no_main]

use alumni::attachment::{Kind, judge};
use libfuzzer_sys::fuzz_target;

/// The names a contributor's file may take, one per accepted kind.
const NAMES: [(&str, Kind); 7] = [
    ("content/clubs/x/a.jpg", Kind::Jpeg),
    ("content/clubs/x/a.png", Kind::Png),
    ("content/clubs/x/a.gif", Kind::Gif),
    ("content/clubs/x/a.webp", Kind::WebP),
    ("content/clubs/x/a.avif", Kind::Avif),
    ("content/clubs/x/a.pdf", Kind::Pdf),
    ("content/clubs/x/a.svg", Kind::Svg),
];

fuzz_target!(|data: &[u8]| {
    for (name, kind) in NAMES {
        if let Ok(found) = judge(name, data) {
            assert_eq!(found, kind, "{name} accepted as {found:?}");
        }
    }
    // Other names are never accepted.
    for name in ["content/clubs/x/a.html", "content/clubs/x/a.js", "content/clubs/x/a"] {
        assert!(judge(name, data).is_err(), "{name} accepted");
    }
});
