//! The command line: help, version, exit codes.

use crate::harness::{TestSite, alumni, repo_root};

#[test]
fn version_and_help_exit_zero() {
    let root = repo_root();
    let run = alumni(&root, &["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("alumni {}", env!("CARGO_PKG_VERSION"))
    );
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["help", "build"],
        &["serve", "--help"],
        &["check", "--help"],
        &["new", "--help"],
    ] {
        let run = alumni(&root, args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(
            run.stdout.contains("Usage: alumni"),
            "{args:?}: {}",
            run.stdout
        );
    }
    let run = alumni(&root, &["build", "--help"]);
    for flag in ["--root", "--out", "--base-url", "--drafts"] {
        assert!(run.stdout.contains(flag), "{flag}");
    }
}

#[test]
fn usage_errors_exit_two() {
    let root = repo_root();
    assert_eq!(alumni(&root, &["build", "--no-such-flag"]).code, 2);
    assert_eq!(alumni(&root, &["frobnicate"]).code, 2);
}

#[test]
fn a_folder_without_content_is_a_site_error() {
    let empty = tempfile::tempdir().unwrap();
    let run = alumni(empty.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("content: error: there is no `content/` folder here"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_output_folder_holding_the_sources_is_refused() {
    let site = TestSite::new("site");
    let content = site.root().join("content");
    for out in [
        content.clone(),
        site.root(),
        site.temp().to_path_buf(),
        content.join("clubs"),
    ] {
        let run = site.build(&["--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{}", out.display());
        assert!(run.stderr.contains("refusing to use"), "{}", run.stderr);
    }
    assert!(content.join("clubs/biotech.md").is_file());
}
