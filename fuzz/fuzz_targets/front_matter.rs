//! Fuzz target: a whole Markdown file through front-matter splitting, the
//! YAML parser and the typed reading of the common fields.
//!
//! Besides "no panic", it checks what later stages rely on: the offsets of
//! [`Split`] point at the text they describe, and every diagnostic has a
//! position inside the file and can be printed.

#![no_main]

use alumni::diagnostic::Diagnostic;
use alumni::front_matter::{self, FrontMatter, Split};
use alumni::yaml::{self, Value};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "content/fuzz.md";

/// A diagnostic must point at a line of `text` (or one past its last line)
/// and print without panicking: serve's overlay and the terminal do both.
fn check_diagnostic(text: &str, d: &Diagnostic) {
    if let Some(p) = d.position {
        let lines = text.split('\n').count();
        assert!(p.line >= 1 && p.line <= lines, "line {} of {lines}", p.line);
        assert!(p.col >= 1);
    }
    let _ = d.to_string();
}

fn check_split(text: &str, split: &Split<'_>) {
    assert_eq!(
        &text[split.yaml_start..split.yaml_start + split.yaml.len()],
        split.yaml
    );
    assert_eq!(&text[split.body_start..], split.body);
    assert!(split.yaml_start + split.yaml.len() <= split.body_start);
}

fuzz_target!(|data: &[u8]| {
    // Files that are not UTF-8 are rejected by `load` before this stage.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let split = match front_matter::split(text, PATH) {
        Ok(split) => split,
        Err(d) => return check_diagnostic(text, &d),
    };
    check_split(text, &split);
    let source = yaml::Source {
        path: PATH,
        file_text: text,
        start: split.yaml_start,
    };
    if let Err(d) = yaml::parse::<Value>(split.yaml, source) {
        check_diagnostic(text, &d);
    }
    match FrontMatter::parse(text, &split, PATH) {
        Ok(fm) => {
            assert!(!fm.title.trim().is_empty());
            for (_, offset) in &fm.key_offsets {
                assert!(*offset <= text.len());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for d in &errors {
                check_diagnostic(text, d);
            }
        }
    }
});
