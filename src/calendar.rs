//! iCalendar (RFC 5545) files of events: the site's calendar, one per
//! organiser (a club), and one per event for "add to my calendar".
//!
//! In: the assembled site and its `calendar:` config. Out: (output path,
//! bytes) pairs. Event times are written as local time plus zone in front
//! matter and placed in time by [`crate::date::place`]; here they are
//! written in UTC (the RFC's `Z` form, so no VTIMEZONE is needed and any
//! calendar shows them in its own zone), and an event whose times are dates
//! alone is an all-day event (`VALUE=DATE`, end exclusive); `UID`
//! comes from the event's permalink, `DTSTAMP` from its `updated` or `date`
//! (never from the clock); text is escaped, lines end with CRLF and are
//! folded at 75 octets.

use std::collections::HashMap;

use crate::config::Calendar;
use crate::date::{self, DateTime, Placed};
use crate::front_matter::FrontMatter;
use crate::i18n::Text;
use crate::model::{Page, Site};
use crate::schedule::Span;
use crate::urls::permalink_of;
use crate::yaml::Value;

/// Escapes a TEXT value (RFC 5545, 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets without splitting a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// `20261216T080000Z`.
fn utc(date: DateTime) -> String {
    date.to_utc().format("%Y%m%dT%H%M%SZ", "en")
}

/// A date-time field of an event's front matter placed in its zone. A value
/// that cannot be placed was reported by the collection check; it is left out.
fn front_time(front: &FrontMatter, key: &str) -> Option<Placed> {
    let text = |key: &str| front.extra.get(key).and_then(Value::as_str);
    date::place(text(key)?, text(date::ZONE_FIELD)).ok()
}

/// When the event whose front matter is `front` takes place, by the start
/// and end fields `calendar` names; `None` without a start that can be
/// placed in time.
pub(crate) fn span(calendar: &Calendar, front: &FrontMatter) -> Option<Span> {
    let start = front_time(front, &calendar.start)?;
    let end = front_time(front, &calendar.end);
    Some(span_of(&start, end.as_ref()))
}

fn span_of(start: &Placed, end: Option<&Placed>) -> Span {
    let last = end.unwrap_or(start);
    let end = if last.all_day() {
        date::place(&last.local.next_day().to_string(), last.zone.as_deref())
            .map_or(last.unix_seconds(), |next| next.unix_seconds())
    } else {
        last.unix_seconds()
    };
    let start = start.unix_seconds();
    Span {
        start,
        end: end.max(start),
    }
}

/// An event as the calendar needs it.
struct Event<'a> {
    page: &'a Page,
    start: Placed,
    end: Option<Placed>,
}

fn events<'a>(site: &'a Site, calendar: &Calendar, lang: &str) -> Vec<Event<'a>> {
    let mut list: Vec<Event<'a>> = site
        .pages
        .iter()
        .filter(|p| p.lang == lang && !p.fallback)
        .filter(|p| site.sections[p.section].folder == calendar.section)
        .filter_map(|page| {
            let front = &page.document.front;
            let start = front_time(front, &calendar.start)?;
            let end = front_time(front, &calendar.end);
            Some(Event { page, start, end })
        })
        .collect();
    list.sort_by(|a, b| {
        (a.start.unix_seconds(), &a.page.path).cmp(&(b.start.unix_seconds(), &b.page.path))
    });
    list
}

/// `DTSTART` and `DTEND`: UTC instants, or dates (`VALUE=DATE`, the end
/// exclusive: the day after the last) for an all-day event. A timed event
/// without end has none (it ends when it starts, RFC 5545 3.6.1).
fn times(out: &mut String, event: &Event<'_>) {
    if event.start.all_day() {
        let last = event.end.as_ref().map_or(event.start.local, |e| e.local);
        let date = |d: DateTime| d.format("%Y%m%d", "en");
        line(
            out,
            &format!("DTSTART;VALUE=DATE:{}", date(event.start.local)),
        );
        line(out, &format!("DTEND;VALUE=DATE:{}", date(last.next_day())));
        return;
    }
    line(out, &format!("DTSTART:{}", utc(event.start.utc())));
    if let Some(end) = &event.end {
        line(out, &format!("DTEND:{}", utc(end.utc())));
    }
}

fn vevent(out: &mut String, site: &Site, calendar: &Calendar, event: &Event<'_>) {
    let front = &event.page.document.front;
    let permalink = permalink_of(site, &event.page.path);
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    let stamp = front.updated.or(front.date).unwrap_or(event.start.utc());
    line(out, "BEGIN:VEVENT");
    line(
        out,
        &format!("UID:{}@{host}", event.page.path.trim_end_matches('/')),
    );
    line(out, &format!("DTSTAMP:{}", utc(stamp)));
    times(out, event);
    line(out, &format!("SUMMARY:{}", escape(&front.title)));
    if let Some(description) = &front.description {
        line(out, &format!("DESCRIPTION:{}", escape(description)));
    }
    let place = calendar
        .location
        .as_deref()
        .and_then(|key| front.extra.get(key))
        .and_then(Value::as_str);
    if let Some(place) = place {
        line(out, &format!("LOCATION:{}", escape(place)));
    }
    line(out, &format!("URL:{permalink}"));
    line(out, "END:VEVENT");
}

fn vcalendar(site: &Site, calendar: &Calendar, name: &str, events: &[&Event<'_>]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//alumni//static site generator//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        vevent(&mut out, site, calendar, event);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// The paths the calendars may take, with what each is, for
/// `claims`: `events.ics` of each language, `event.ics` beside
/// each page of the events section, and, when events are grouped by
/// organiser, `events.ics` beside every page (any page may organise).
pub(crate) fn reserved(site: &Site) -> Vec<(String, Text)> {
    let Some(calendar) = &site.config.calendar else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for language in &site.config.languages {
        out.push((
            format!("{}events.ics", site.config.language_prefix(&language.code)),
            tr!(
                "the calendar of events ({})",
                "le calendrier des événements ({})";
                language.code
            ),
        ));
    }
    for page in &site.pages {
        let folder = &site.sections[page.section].folder;
        if *folder == calendar.section {
            out.push((
                format!("{}event.ics", page.path),
                tr!(
                    "the calendar file of `{}`",
                    "le fichier de calendrier de `{}`";
                    page.document.file.path
                ),
            ));
        }
        if calendar.group_by.is_some() {
            out.push((
                format!("{}events.ics", page.path),
                tr!(
                    "the calendar of the events of `{}`",
                    "le calendrier des événements de `{}`";
                    page.document.file.path
                ),
            ));
        }
    }
    out
}

/// `<event page>/event.ics`, and `<organiser page>/events.ics`.
pub(crate) fn outputs(site: &Site) -> Vec<(String, Vec<u8>)> {
    let Some(calendar) = &site.config.calendar else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for language in &site.config.languages {
        let list = events(site, calendar, &language.code);
        if list.is_empty() {
            continue;
        }
        let prefix = site.config.language_prefix(&language.code);
        let all: Vec<&Event<'_>> = list.iter().collect();
        out.push((
            format!("{prefix}events.ics"),
            vcalendar(site, calendar, &language.title, &all).into_bytes(),
        ));
        for event in &list {
            out.push((
                format!("{}event.ics", event.page.path),
                vcalendar(site, calendar, &event.page.document.front.title, &[event]).into_bytes(),
            ));
        }
        if let Some(key) = &calendar.group_by {
            // Organisers by the source path the events name, resolved in this
            // language: looked up in a map made once, so that the work grows
            // with the events, not with events times pages.
            let mut by_key: HashMap<&str, &Page> = HashMap::new();
            for p in site
                .pages
                .iter()
                .filter(|p| p.lang == language.code && !p.fallback)
            {
                by_key
                    .entry(p.document.translation_key.as_str())
                    .or_insert(p);
            }
            let mut organisers: Vec<(&Page, Vec<&Event<'_>>)> = Vec::new();
            let mut place: HashMap<&str, usize> = HashMap::new();
            for event in &list {
                let Some(target) = event
                    .page
                    .document
                    .front
                    .extra
                    .get(key.as_str())
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let target = crate::collection::reference_target(target);
                let Some(&organiser) = by_key.get(target.as_str()) else {
                    continue;
                };
                if let Some(&at) = place.get(organiser.path.as_str()) {
                    organisers[at].1.push(event);
                } else {
                    place.insert(&organiser.path, organisers.len());
                    organisers.push((organiser, vec![event]));
                }
            }
            for (organiser, events) in organisers {
                out.push((
                    format!("{}events.ics", organiser.path),
                    vcalendar(site, calendar, &organiser.document.front.title, &events)
                        .into_bytes(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_utc() {
        assert_eq!(
            utc(DateTime::parse("2026-12-10T18:30:00+01:00").unwrap()),
            "20261210T173000Z"
        );
        assert_eq!(
            utc(DateTime::parse("2026-01-01T00:30:00+02:00").unwrap()),
            "20251231T223000Z"
        );
        assert_eq!(
            utc(DateTime::parse("2024-02-29").unwrap()),
            "20240229T000000Z"
        );
    }

    #[test]
    fn escapes_and_folds() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"));
    }
}
