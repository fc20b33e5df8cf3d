//! Bad input: one fixture per mistake, its exact diagnostics and exit code.
//!
//! `tests/fixtures/invalid/<case>/files/` is laid over the `site` fixture;
//! `expected.txt` holds `exit: N`, a blank line, then the exact stderr.
//! `UPDATE_SNAPSHOTS=1` rewrites `expected.txt` (review the diff).

use std::fs;

use crate::harness::{TestSite, copy_tree, fixture};

fn check(case: &str) {
    let dir = fixture("invalid").join(case);
    let site = TestSite::new("site");
    // A previous good build, which the failed one must leave in place.
    assert_eq!(site.build(&[]).code, 0);
    let before = crate::harness::tree(&site.public());
    copy_tree(&dir.join("files"), &site.root());
    let run = site.build(&[]);
    let actual = format!("exit: {}\n\n{}", run.code, run.stderr);
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&expected_path, &actual).unwrap();
    }
    let expected = fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        expected == actual,
        "case {case}\n--- expected\n{expected}\n--- actual\n{actual}"
    );
    assert_ne!(run.code, 0);
    assert!(
        run.stdout.is_empty(),
        "nothing on stdout when the build fails"
    );
    assert!(
        crate::harness::tree(&site.public()) == before,
        "{case}: the previous output changed"
    );
    // `check` is what a pull request is judged by: it fails whenever the
    // build does, so that nothing it passes stops the deploy.
    let judged = site.check(&[]);
    assert_eq!(
        judged.code, run.code,
        "{case}: check and build disagree\n--- check\n{}",
        judged.stdout
    );
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check(stringify!($name)); })*

        /// Every fixture folder is a listed case, so none is silently skipped.
        #[test]
        fn every_fixture_is_listed() {
            let listed = [$(stringify!($name)),*];
            let mut found: Vec<String> = fs::read_dir(fixture("invalid"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(found, listed);
        }
    };
}

cases!(
    bad_date,
    broken_yaml,
    front_matter_never_closed,
    i18n_key_missing,
    i18n_key_only_in_one_language,
    i18n_language_missing,
    invalid_utf8,
    link_to_missing_heading,
    link_to_missing_page,
    missing_template,
    missing_title,
    several_errors_sorted,
    shortcode_bad_value,
    shortcode_missing_argument,
    shortcode_nested_too_deep,
    shortcode_never_closed,
    shortcode_rejects_its_arguments,
    shortcode_unknown,
    shortcode_unknown_argument,
    taxonomy_not_a_list,
    template_syntax_error,
    two_pages_one_url,
    unknown_asset,
    unknown_config_key,
    unknown_sort_value,
    unknown_template_variable,
    untrusted_page_chooses_a_template,
);
