//! Event times written as the local time of their place with its zone:
//! the instant in calendars, the zone on pages, daylight-saving gaps and
//! folds, offsets that contradict the zone, unknown zones, and order by
//! instant across offsets.

use std::path::Path;
use std::process::Command;

use crate::harness::{Run, TestSite};

/// 2026-12-01T00:00:00Z: every event below is still to come.
const DEC_1: &str = "1796083200";

/// `alumni ARGS` with English messages and a fixed now.
fn alumni_en(cwd: &Path, args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_alumni"))
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C.UTF-8")
        .env("SOURCE_DATE_EPOCH", DEC_1)
        .output()
        .expect("the alumni binary runs")
        .into()
}

fn run(site: &TestSite, command: &str) -> Run {
    let root = site.root();
    alumni_en(site.temp(), &[command, "--root", root.to_str().unwrap()])
}

/// The repository's site with one event page in `content/events/NAME`,
/// whose front matter has `fields` (lines) after its title and date.
fn with_event(name: &str, fields: &str) -> TestSite {
    let site = TestSite::repository();
    site.write(
        &format!("content/events/{name}"),
        &format!(
            "---\ntitle: \"Rencontre\"\ndate: 2026-11-30\n{fields}place: \"Tokyo\"\n---\nTexte.\n"
        ),
    );
    site
}

#[test]
fn a_tokyo_event_is_at_its_instant_in_calendars_and_shows_its_zone() {
    let fields = "timezone: Asia/Tokyo\nstart: 2027-03-28T18:30\nend: 2027-03-28T21:00\n";
    let site = with_event("tokyo.md", fields);
    site.write(
        "content/events/tokyo.en.md",
        &format!(
            "---\ntitle: \"Meet-up\"\ndate: 2026-11-30\n{fields}place: \"Tokyo\"\n---\nText.\n"
        ),
    );
    let built = run(&site, "build");
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);

    // 18:30 in Tokyo (UTC+9) is 09:30 UTC.
    let ics = site.read("public/events/tokyo/event.ics");
    assert!(ics.contains("DTSTART:20270328T093000Z\r\n"), "{ics}");
    assert!(ics.contains("DTEND:20270328T120000Z\r\n"), "{ics}");
    let all = site.read("public/events.ics");
    assert!(all.contains("DTSTART:20270328T093000Z\r\n"), "{all}");

    let fr = site.read("public/events/tokyo/index.html");
    assert!(
        fr.contains(
            "<time datetime=\"2027-03-28T18:30:00+09:00\">28 mars 2027, 18:30, heure de Tokyo</time>"
        ),
        "{fr}"
    );
    assert!(
        fr.contains("\"startDate\":\"2027-03-28T18:30:00+09:00\""),
        "{fr}"
    );
    let en = site.read("public/en/events/tokyo/index.html");
    assert!(
        en.contains("28 March 2027, 6:30 pm Tokyo time</time>"),
        "{en}"
    );

    // The site's own events: Paris time by default, the survey all day.
    let launch = site.read("public/events/lancement-du-reseau/index.html");
    assert!(
        launch.contains("16 novembre 2026, 09:00, heure de Paris</time>"),
        "{launch}"
    );
    let survey = site.read("public/events/cloture-enquete/event.ics");
    assert!(
        survey.contains("DTSTART;VALUE=DATE:20261218\r\n"),
        "{survey}"
    );
    assert!(survey.contains("DTEND;VALUE=DATE:20261219\r\n"), "{survey}");
}

/// The diagnostic of `check` that starts with `content/events/NAME:LINE:COL:`.
fn located(run: &Run, at: &str) -> String {
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_ne!(run.code, 0, "{out}");
    let start = out
        .find(&format!("content/events/{at}: error: "))
        .unwrap_or_else(|| panic!("no error at {at}:\n{out}"));
    out[start..]
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_local_time_in_the_spring_gap_is_refused_at_its_value() {
    let site = with_event("gap.md", "start: 2027-03-28T02:30\nend: 2027-03-28T04:00\n");
    let error = located(&run(&site, "check"), "gap.md:4:8");
    assert!(
        error.contains("2027-03-28T02:30 does not exist in Europe/Paris"),
        "{error}"
    );
    assert!(error.contains("from 02:00 to 03:00"), "{error}");
    assert!(
        error.contains("hint: write a time before 02:00 or from 03:00 on, e.g. `2027-03-28T03:30`"),
        "{error}"
    );
}

#[test]
fn a_local_time_in_the_autumn_fold_is_refused_with_both_instants() {
    let site = with_event(
        "fold.md",
        "start: 2026-10-25T02:30\nend: 2026-10-25T04:00\n",
    );
    let error = located(&run(&site, "check"), "fold.md:4:8");
    assert!(error.contains("happens twice in Europe/Paris"), "{error}");
    assert!(
        error.contains("2026-10-25T02:30+02:00 (00:30 UTC)"),
        "{error}"
    );
    assert!(
        error.contains("2026-10-25T02:30+01:00 (01:30 UTC)"),
        "{error}"
    );
    assert!(
        error.contains("hint: write the one you mean with its offset"),
        "{error}"
    );

    // Written with the offset of one reading, it is accepted.
    site.edit(
        "content/events/fold.md",
        "2026-10-25T02:30\n",
        "2026-10-25T02:30+01:00\n",
    );
    let checked = run(&site, "check");
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
}

#[test]
fn an_offset_that_contradicts_the_zone_is_refused() {
    let site = with_event(
        "ete.md",
        "start: 2027-06-10T18:30+01:00\nend: 2027-06-10T20:00\n",
    );
    let error = located(&run(&site, "check"), "ete.md:4:8");
    assert!(
        error.contains(
            "offset +01:00 is not that of Europe/Paris at 2027-06-10T18:30 (it is +02:00)"
        ),
        "{error}"
    );
    assert!(
        error.contains("hint: write `2027-06-10T18:30` without an offset"),
        "{error}"
    );
}

#[test]
fn an_unknown_zone_is_refused_once_with_a_suggestion() {
    let site = with_event(
        "pari.md",
        "timezone: Europe/Pari\nstart: 2026-12-10T18:30\nend: 2026-12-10T20:00\n",
    );
    let checked = run(&site, "check");
    let error = located(&checked, "pari.md:5:8");
    assert!(error.contains("unknown time zone `Europe/Pari`"), "{error}");
    assert!(
        error.contains("hint: did you mean `Europe/Paris`?"),
        "{error}"
    );
    let out = format!("{}{}", checked.stdout, checked.stderr);
    assert_eq!(out.matches("unknown time zone").count(), 1, "{out}");
}

#[test]
fn an_all_day_start_with_a_timed_end_is_refused() {
    let site = with_event("mixte.md", "start: 2026-12-18\nend: 2026-12-18T18:00\n");
    let error = located(&run(&site, "check"), "mixte.md:5:6");
    assert!(error.contains("are not written alike"), "{error}");
}

#[test]
fn pages_and_calendars_order_by_instant_across_offsets() {
    // 23:30 in New York on the 20th is 04:30 UTC on the 21st: after
    // 01:00 in Paris on the 21st (00:00 UTC), though its fields are earlier.
    let site = TestSite::new("site");
    site.write(
        "content/news/new-york.md",
        "---\ntitle: Zz New York\ndate: 2026-11-20T23:30:00-05:00\n---\nTexte.\n",
    );
    site.write(
        "content/news/paris.md",
        "---\ntitle: Aa Paris\ndate: 2026-11-21T01:00:00+01:00\n---\nTexte.\n",
    );
    for (name, start) in [
        ("new-york", "2026-11-20T23:30:00-05:00"),
        ("paris", "2026-11-21T01:00:00+01:00"),
    ] {
        site.write(
            &format!("content/events/{name}.md"),
            &format!(
                "---\ntitle: Evenement {name}\ndate: 2026-11-01\nstart: {start}\nend: 2026-11-22T10:00:00Z\n---\nTexte.\n"
            ),
        );
    }
    let built = run(&site, "build");
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    // Newest first.
    let news = site.read("public/news/index.html");
    let (ny, paris) = (news.find("Zz New York"), news.find("Aa Paris"));
    assert!(ny.is_some() && paris.is_some(), "{news}");
    assert!(ny < paris, "{news}");
    // Soonest first.
    let ics = site.read("public/events.ics");
    let (ny, paris) = (
        ics.find("SUMMARY:Evenement new-york"),
        ics.find("SUMMARY:Evenement paris"),
    );
    assert!(ny.is_some() && paris.is_some(), "{ics}");
    assert!(paris < ny, "{ics}");
}
