//! Diagnostics about a YAML entry are placed at the key or value they are
//! about, as the YAML parser found it, whatever the text around it: the
//! same key under another parent, a `key:` line inside a block of text, a
//! quoted key, a flow mapping `{a: 1}`, a value on the line after its key.
//! Each test names the line scanner it replaces and what that scanner did.

use alumni::config::Config;
use alumni::front_matter::{self, FrontMatter};

use crate::harness::TestSite;

/// The `path:line:col` of every error `Config::parse` gives for `text`,
/// with its message.
fn config_errors(text: &str) -> Vec<String> {
    Config::parse(text, None)
        .expect_err("the config is refused")
        .iter()
        .map(|d| format!("{} {}", d.location(), d.message.en))
        .collect()
}

/// The same for the front matter of the Markdown file `text`.
fn front_matter_errors(text: &str) -> Vec<String> {
    let split = front_matter::split(text, "a.md").unwrap();
    FrontMatter::parse(text, &split, "a.md")
        .expect_err("the front matter is refused")
        .iter()
        .map(|d| format!("{} {}", d.location(), d.message.en))
        .collect()
}

/// The `check` diagnostics of the repository's site with `edit` applied,
/// for the file `path`: their first lines.
fn check_lines(site: &TestSite, path: &str) -> Vec<String> {
    let run = site.check(&[]);
    (run.stderr + &run.stdout)
        .lines()
        .filter(|l| l.starts_with(path))
        .map(str::to_string)
        .collect()
}

/// Catches locating `sections.news.paginate_by` by the first line of the
/// file that starts with `paginate_by:` (the old `config::key_offset`):
/// that is the `tags` taxonomy's, line 20 of content/site.yaml.
#[test]
fn sections_news_paginate_by_zero_is_reported_at_its_own_line_not_at_a_taxonomys() {
    let site = TestSite::repository();
    let config = site.read("content/site.yaml");
    let taxonomy = config.find("    paginate_by: 10\n").unwrap();
    let news = config
        .find("  news:\n    sort_by: date\n    paginate_by: 2\n")
        .unwrap();
    assert!(taxonomy < news, "the taxonomy's `paginate_by` comes first");
    site.edit(
        "content/site.yaml",
        "  news:\n    sort_by: date\n    paginate_by: 2\n",
        "  news:\n    sort_by: date\n    paginate_by: 0\n",
    );
    let line = config[..news].lines().count() + 3;
    assert_eq!(
        check_lines(&site, "content/site.yaml"),
        [format!(
            "content/site.yaml:{line}:18: error: `sections.news.paginate_by` must be above 0"
        )]
    );
}

/// Catches locating a collection's field by the first `club:` line of the
/// file (the old `config::key_offset`), which is the same field name in
/// another collection.
#[test]
fn a_field_named_like_a_field_of_another_collection_is_reported_at_its_own_entry() {
    let text = "title: A\nbase_url: https://example.org/\ntheme: t\n\
        collections:\n  clubs:\n    fields:\n      club: { type: string }\n\
        \x20 events:\n    fields:\n      club: { type: reference }\n";
    assert_eq!(
        config_errors(text),
        ["content/site.yaml:10:7 `club` is a reference without `collection`"]
    );
}

/// Catches the old `config::key_offset` reading a `theme:` line of a
/// block of text (`|`) as the key `theme`.
#[test]
fn a_key_written_inside_a_block_of_text_is_not_taken_for_the_key() {
    let text = "title: A\nbase_url: https://example.org/\nextra:\n  note: |\n    \
        theme: the theme is named below\ntheme: ../outside\n";
    assert_eq!(
        config_errors(text),
        ["content/site.yaml:6:1 `../outside` is not a theme name"]
    );
}

/// Catches the old `config::key_offset`, which read lines that start with
/// `key:` and so never found a key of a flow mapping: the error fell back
/// to the start of the `images:` line.
#[test]
fn a_key_of_a_flow_mapping_is_reported_at_the_key() {
    let text = "title: A\nbase_url: https://example.org/\ntheme: t\nimages: { quality: 0 }\n";
    assert_eq!(
        config_errors(text),
        ["content/site.yaml:4:11 `images.quality` must be from 1 to 100"]
    );
}

/// Catches the old `front_matter::top_level_keys`, which took a quoted
/// key's value to start one byte after the key's text, inside the quotes
/// (column 7 here).
#[test]
fn the_value_of_a_quoted_front_matter_key_is_reported_at_the_value() {
    assert_eq!(
        front_matter_errors("---\ntitle: A\n\"draft\": maybe\n---\n"),
        ["a.md:3:10 `draft` must be true or false"]
    );
}

/// Catches the old `front_matter::top_level_keys`, which read `{title` as
/// the only key of a front matter written as a flow mapping, and placed
/// the error of `draft` at the start of the file.
#[test]
fn a_front_matter_written_as_a_flow_mapping_is_located_key_by_key() {
    assert_eq!(
        front_matter_errors("---\n{title: A, draft: maybe}\n---\n"),
        ["a.md:2:19 `draft` must be true or false"]
    );
}

/// Catches the value scanner of the collection checks, which looked for a
/// value after the `:` on the key's line and so pointed at the end of the
/// `start:` line when the value is written on the next one.
#[test]
fn a_field_value_on_the_line_after_its_key_is_reported_at_the_value() {
    let site = TestSite::repository();
    let path = "content/events/lancement-du-reseau.md";
    let page = site.read(path);
    let start = page.lines().position(|l| l.starts_with("start:")).unwrap();
    let old = page.lines().nth(start).unwrap().to_string();
    site.edit(path, &format!("{old}\n"), "start:\n  demain\n");
    let found = check_lines(&site, path);
    let at = format!("{path}:{}:3: error: `start`", start + 2);
    assert!(
        found.iter().any(|l| l.starts_with(&at)),
        "expected {at}...\nfound:\n{}",
        found.join("\n")
    );
}

/// Catches the key offsets of the old `front_matter::top_level_keys` in
/// the check of unknown fields: a front matter written as a flow mapping
/// had no key `sujet`, and its error was placed at line 1.
#[test]
fn an_unknown_field_of_a_flow_mapping_front_matter_is_reported_at_the_key() {
    let site = TestSite::repository();
    let path = "content/news/portes-ouvertes.md";
    site.write(
        path,
        "---\n{title: \"Portes ouvertes\", date: 2026-09-01, tags: [réseau], sujet: visite}\n---\nTexte.\n",
    );
    let found = check_lines(&site, path);
    let at = format!("{path}:2:62: error: unknown field `sujet` for a page of news");
    assert!(
        found.contains(&at),
        "expected {at}\nfound:\n{}",
        found.join("\n")
    );
}
