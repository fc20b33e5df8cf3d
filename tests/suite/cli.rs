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
            .starts_with("alumni: error: there is no `content/` folder here"),
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

/// `1.23 s`, `45 ms`, `0,31 ms` in seconds.
fn seconds(text: &str) -> f64 {
    let text = text.replace(',', ".");
    let (number, unit) = text.split_once(' ').unwrap();
    let number: f64 = number.parse().unwrap();
    if unit == "ms" { number / 1e3 } else { number }
}

/// The rows of the table that follows `heading` in `report`, as cells.
fn rows<'a>(report: &'a str, heading: &str) -> Vec<Vec<&'a str>> {
    let start = report
        .find(heading)
        .unwrap_or_else(|| panic!("{heading}: {report}"));
    report[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

#[test]
fn build_timings_list_stages_templates_and_slowest_outputs_by_cost() {
    let site = TestSite::repository();
    let quiet = site.build(&[]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("stage"), "{}", quiet.stderr);

    let run = site.build(&["--timings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = &run.stderr;
    let stages = rows(report, "Time per stage (wall time, total ");
    assert_eq!(stages[0], ["stage", "time", "share"]);
    let names: Vec<&str> = stages[1..].iter().map(|r| r[0]).collect();
    for stage in [
        "reading sources",
        "front matter",
        "Markdown",
        "HTML pages",
        "search index",
        "calendars",
        "swap into place",
    ] {
        assert!(names.contains(&stage), "{stage}: {report}");
    }
    let times: Vec<f64> = stages[1..].iter().map(|r| seconds(r[1])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{report}");

    let templates = rows(report, "Templates (time added up over ");
    assert_eq!(
        templates[0],
        ["template", "calls", "total", "share", "mean", "max"]
    );
    let calls = |name: &str| -> usize {
        let row = templates
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name}: {report}"));
        row[1].parse().unwrap()
    };
    // Both homes, both 404 pages, and every page the summary counts.
    assert_eq!(calls("index.html"), 2, "{report}");
    assert_eq!(calls("404.html"), 2, "{report}");
    let built: usize = run.stdout["built ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let rendered: usize = templates[1..]
        .iter()
        .map(|r| r[1].parse::<usize>().unwrap())
        .sum();
    assert_eq!(rendered, built, "{}{report}", run.stdout);
    let totals: Vec<f64> = templates[1..].iter().map(|r| seconds(r[2])).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{report}");

    let slowest = rows(report, "Slowest outputs (rendering):");
    assert_eq!(slowest.len(), 10, "{report}");
    let times: Vec<f64> = slowest.iter().map(|r| seconds(r[0])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{report}");
    assert!(
        slowest
            .iter()
            .all(|r| r[2].starts_with('(') && r[2].ends_with(".html)")),
        "{report}"
    );

    let fr = site.build(&["--timings", "--lang", "fr"]);
    assert_eq!(fr.code, 0, "{}", fr.stderr);
    for line in [
        "Durée de chaque étape (temps réel, en tout ",
        "Gabarits (temps additionné sur ",
        "Sorties les plus lentes (rendu) :",
    ] {
        assert!(fr.stderr.contains(line), "{line}: {}", fr.stderr);
    }
    let stages = rows(&fr.stderr, "Durée de chaque étape");
    assert_eq!(stages[0], ["étape", "durée", "part"]);
    assert!(
        stages[1..]
            .iter()
            .any(|r| r[0] == "pages HTML" && r[2].ends_with(" %")),
        "{}",
        fr.stderr
    );
}

/// Every diagnostic names a real file, or none: an error in a command-line
/// argument or a missing folder is printed `alumni: error:`, without a
/// `file=` annotation for GitHub and with a null path in JSON (before, the
/// words `--base-url`, `title`, `content` and an empty string were printed
/// where a file goes, and GitHub was asked to annotate a file `title`).
/// Catches a diagnostic given a path that is not a file.
#[test]
fn errors_outside_any_file_are_not_printed_as_file_locations() {
    let site = TestSite::new("site");
    let root = site.root();
    let root = root.to_str().unwrap();
    let run = alumni(
        site.temp(),
        &["build", "--root", root, "--base-url", "ftp://example.org/"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("alumni: error: `--base-url`: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--base-url https://"), "{}", run.stderr);
    let run = alumni(site.temp(), &["new", "news", "???", "--root", root]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("alumni: error: `???` gives an empty file name"),
        "{}",
        run.stderr
    );
    let empty = tempfile::tempdir().unwrap();
    let github = alumni(empty.path(), &["check", "--format", "github"]);
    assert_eq!(
        github.stdout.lines().next(),
        Some(
            "::error title=alumni::there is no `content/` folder here%0Ahint: run alumni in the site's root folder, or pass --root DIR"
        ),
        "{}",
        github.stdout
    );
    let json = alumni(empty.path(), &["check", "--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["path"], serde_json::Value::Null, "{}", json.stdout);
}

/// Staff who write French read the command line in French: the help of
/// every command, with its defaults, and a mistyped command or option is
/// told in French with the one meant and the usage. `--lang en` and an
/// English locale keep clap's English. Catches a French table left out of
/// the command, and clap's English error printed to a French reader.
#[test]
fn the_command_line_speaks_french_to_a_french_locale() {
    let root = repo_root();
    let french = |args: &[&str]| -> crate::harness::Run {
        crate::harness::alumni_command()
            .env("LC_ALL", "fr_FR.UTF-8")
            .env("LANG", "fr_FR.UTF-8")
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap()
            .into()
    };
    let help = french(&["--help"]);
    assert_eq!(help.code, 0);
    for words in [
        "Construit le site du réseau des alumni",
        "Utilisation : alumni",
        "Commandes",
        "Affiche l'aide.",
    ] {
        assert!(help.stdout.contains(words), "{words}: {}", help.stdout);
    }
    assert!(!help.stdout.contains("Print help"), "{}", help.stdout);
    let build = french(&["build", "--help"]);
    assert!(
        build.stdout.contains(
            "Le dossier racine du site (qui contient content/ et themes/) [par défaut : .]."
        ),
        "{}",
        build.stdout
    );
    assert!(!build.stdout.contains("[default"), "{}", build.stdout);
    let typo = french(&["biuld"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .starts_with("erreur : la commande `biuld` n'existe pas ; vouliez-vous dire `build` ?"),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr.contains("Utilisation : alumni"),
        "{}",
        typo.stderr
    );
    let option = french(&["check", "--formt", "github"]);
    assert_eq!(option.code, 2);
    assert!(
        option
            .stderr
            .contains("l'option `--formt` n'existe pas ici ; vouliez-vous dire `--format` ?"),
        "{}",
        option.stderr
    );
    let value = french(&["check", "--format", "html"]);
    assert_eq!(value.code, 2);
    assert!(
        value
            .stderr
            .contains("`html` n'est pas une valeur de `--format"),
        "{}",
        value.stderr
    );
    assert!(value.stderr.contains("human"), "{}", value.stderr);
    let english = french(&["build", "--help", "--lang", "en"]);
    assert!(
        english.stdout.contains("Usage: alumni build"),
        "{}",
        english.stdout
    );
    let english = alumni(&root, &["biuld"]);
    assert!(
        english.stderr.contains("unrecognized subcommand"),
        "{}",
        english.stderr
    );
}
