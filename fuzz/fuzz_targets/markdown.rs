//! Fuzz target: a page through the Markdown stage with the real theme's
//! shortcodes (`figure`, `note`, `video` of `themes/sorbonne`).
//!
//! The site of this repository is prepared once (config, theme, links), then
//! each input is a page file: its body (after front matter, when it has
//! some) is rendered twice, as a trusted French page and as an English page
//! of the untrusted `clubs` collection. Besides "no panic", it checks that
//! every diagnostic points inside the file, and that the untrusted HTML has
//! no script left.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use alumni::build::{self, BuildOptions, PreparedSite};
use alumni::collection::Collection;
use alumni::diagnostic::Diagnostic;
use alumni::front_matter;
use alumni::markdown::{self, BodySource, Env};
use alumni::model::LinkIndex;
use libfuzzer_sys::fuzz_target;

const PATH: &str = "content/clubs/fuzz.md";

/// The stack of rayon's worker threads, on which `build` renders bodies.
const BUILD_THREAD_STACK: usize = 2 * 1024 * 1024;

struct Prepared {
    prepared: PreparedSite,
    index: LinkIndex,
}

fn prepared() -> &'static Prepared {
    static PREPARED: OnceLock<Prepared> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let options = BuildOptions::new(root);
        let prepared = match build::prepare(&options) {
            Ok(p) => p,
            Err(e) => panic!("the repository's site does not build: {e:?}"),
        };
        let index = LinkIndex::new(&prepared.site);
        Prepared { prepared, index }
    })
}

fn check_diagnostic(text: &str, d: &Diagnostic) {
    if let Some(p) = d.position {
        let lines = text.split('\n').count();
        assert!(
            p.line >= 1 && p.line <= lines,
            "line {} of {lines}: {d}",
            p.line
        );
    }
    let _ = d.to_string();
}

fn render(text: &str, body_start: usize, lang: &str, collection: Option<&Collection>) {
    let p = prepared();
    let base_path = &p.prepared.site.config.base_path;
    let resolve = |target: &str| {
        p.index
            .resolve(target, lang)
            .map(|path| format!("{base_path}{path}"))
    };
    let env = Env {
        resolve: &resolve,
        shortcodes: Some(&p.prepared.engine),
        lang,
        collection,
    };
    let source = BodySource {
        path: PATH,
        file_text: text,
        body_start,
        content_path: "clubs/fuzz.md",
    };
    let (rendered, errors) = markdown::render(&text[body_start..], source, &env);
    for d in &errors {
        check_diagnostic(text, d);
    }
    assert!(rendered.reading_time >= 1);
    if collection.is_some_and(|c| !c.trusted) {
        for html in std::iter::once(&rendered.html).chain(rendered.summary.as_ref()) {
            let markup = without_attribute_values(html).to_ascii_lowercase();
            assert!(
                !markup.contains("<script"),
                "script left in untrusted HTML: {html}"
            );
        }
    }
}

/// `html` with the values of `name="value"` attributes left out. The
/// sanitiser writes every attribute value between double quotes (escaping
/// those inside) and escapes `<` in text, so a `<script` left in what
/// remains is an element, not text an author typed into an `alt`.
fn without_attribute_values(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("=\"") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        match rest.find('"') {
            Some(end) => rest = &rest[end..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let body_start = front_matter::split(text, PATH).map_or(0, |s| s.body_start);
    let clubs = prepared().prepared.site.config.collection("clubs");
    assert!(
        clubs.is_some_and(|c| !c.trusted),
        "the clubs collection is untrusted"
    );
    // On a thread with the stack of a build's rayon threads (2 MiB), so that
    // recursion that would overflow a real build overflows here too.
    std::thread::scope(|scope| {
        let renders = std::thread::Builder::new()
            .stack_size(BUILD_THREAD_STACK)
            .spawn_scoped(scope, || {
                render(text, body_start, "fr", None);
                render(text, body_start, "en", clubs);
            })
            .expect("a thread for the render");
        if let Err(panic) = renders.join() {
            std::panic::resume_unwind(panic);
        }
    });
});
