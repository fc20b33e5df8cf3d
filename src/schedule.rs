//! Scheduled publication: the build's idea of now, and the pages it hides.
//!
//! "Now" comes from the clock, or from `SOURCE_DATE_EPOCH` when that is set
//! (the reproducible-builds convention: whole seconds since 1970-01-01 UTC),
//! so that building the same tree again gives the same bytes. Pages with a
//! `publish_date` after now or an `expiry_date` at or before now are left
//! out, like drafts, unless the build asks for them (`--future`,
//! `--expired`). [`next_change`] finds the next instant at which the
//! output changes, so that CI can schedule a rebuild: a page appears or
//! expires, or an event starts or ends (and so stops being upcoming, see
//! `calendar::span`).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::date::DateTime;
use crate::front_matter::FrontMatter;
use crate::i18n::Text;
use crate::parse::Document;

/// The environment variable that fixes the build's idea of now.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The build's now: `SOURCE_DATE_EPOCH` when set, else the system clock.
/// A malformed `SOURCE_DATE_EPOCH` is an error rather than a silent
/// fallback to the clock, which would make the output change unseen.
pub fn now() -> Result<DateTime, Text> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(text) => from_epoch_text(&text),
        Err(std::env::VarError::NotPresent) => Ok(clock()),
        Err(std::env::VarError::NotUnicode(_)) => Err(tr!(
            "{SOURCE_DATE_EPOCH} is not a number of seconds since 1970-01-01",
            "{SOURCE_DATE_EPOCH} n'est pas un nombre de secondes depuis le 1er janvier 1970"
        )),
    }
}

fn clock() -> DateTime {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    DateTime::from_unix_seconds(seconds)
}

/// Reads the value of `SOURCE_DATE_EPOCH`.
pub fn from_epoch_text(text: &str) -> Result<DateTime, Text> {
    let trimmed = text.trim();
    match trimmed.parse::<i64>() {
        // Four-digit years only: 0001-01-01 .. 9999-12-31.
        Ok(seconds) if (-62_135_596_800..=253_402_300_799).contains(&seconds) => {
            Ok(DateTime::from_unix_seconds(seconds))
        }
        _ => Err(tr!(
            "{SOURCE_DATE_EPOCH}={trimmed:?} is not a number of seconds since 1970-01-01 UTC; \
             set it to e.g. `$(git log -1 --format=%ct)` or unset it to use the clock",
            "{SOURCE_DATE_EPOCH}={trimmed:?} n'est pas un nombre de secondes depuis le 1er janvier 1970 UTC ; \
             donnez-lui par exemple `$(git log -1 --format=%ct)`, ou retirez-la pour utiliser l'horloge"
        )),
    }
}

/// Which scheduled pages a build keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The build's now.
    pub now: DateTime,
    /// Keep pages whose `publish_date` is still to come.
    pub future: bool,
    /// Keep pages whose `expiry_date` has passed.
    pub expired: bool,
}

impl Schedule {
    /// Whether a page with this front matter is left out of the build.
    pub fn hides(&self, front: &FrontMatter) -> bool {
        let now = self.now.unix_seconds();
        let not_yet = front.publish_date.is_some_and(|d| d.unix_seconds() > now);
        let gone = front.expiry_date.is_some_and(|d| d.unix_seconds() <= now);
        (not_yet && !self.future) || (gone && !self.expired)
    }
}

/// What happens to a page at a scheduled instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Its `publish_date` comes: the page appears.
    Appears,
    /// Its `expiry_date` comes: the page goes.
    Expires,
    /// The event starts: it is under way.
    Starts,
    /// The event ends: it is no longer upcoming.
    Ends,
}

/// When an event takes place, in whole seconds since 1970-01-01T00:00Z:
/// decided once, from the event's fields (`calendar::span`), for
/// calendars, for the views' `upcoming` and for the schedule of rebuilds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The instant it starts (an all-day event: the start of its first day
    /// in its zone).
    pub start: i64,
    /// The instant it ends: its end field, else its start; an all-day
    /// event ends at the start of the day after its last, in its zone.
    pub end: i64,
}

impl Span {
    /// Whether the event is still to come or under way at `now` (seconds
    /// since 1970): it stops being upcoming the moment it ends.
    pub fn upcoming(&self, now: i64) -> bool {
        now < self.end
    }

    /// Whether the event is under way at `now`.
    pub fn ongoing(&self, now: i64) -> bool {
        self.start <= now && now < self.end
    }
}

/// The next scheduled change of the site after now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// When, in UTC.
    pub at: DateTime,
    /// What happens.
    pub kind: ChangeKind,
    /// The page's file, e.g. `content/events/x.md`.
    pub path: String,
}

/// The earliest scheduled instant strictly after `now` among `documents`
/// (drafts aside: they are never published by a scheduled build): a
/// `publish_date` or `expiry_date`, or the start or end of an event, a
/// document for which `event` gives a [`Span`]. Ties go to the first path
/// in name order, for stable output.
pub fn next_change(
    documents: &[Document],
    now: DateTime,
    event: &dyn Fn(&Document) -> Option<Span>,
) -> Option<Change> {
    let now = now.unix_seconds();
    documents
        .iter()
        .filter(|d| !d.front.draft)
        .flat_map(|d| {
            let span = event(d);
            [
                (
                    d.front.publish_date.map(|t| t.unix_seconds()),
                    ChangeKind::Appears,
                ),
                (
                    d.front.expiry_date.map(|t| t.unix_seconds()),
                    ChangeKind::Expires,
                ),
                (span.map(|s| s.start), ChangeKind::Starts),
                (span.map(|s| s.end), ChangeKind::Ends),
            ]
            .into_iter()
            .filter_map(move |(at, kind)| Some((at?, kind, &d.file.path)))
        })
        .filter(|(at, _, _)| *at > now)
        .min_by(|a, b| (a.0, a.2).cmp(&(b.0, b.2)))
        .map(|(at, kind, path)| Change {
            at: DateTime::from_unix_seconds(at),
            kind,
            path: path.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(publish: Option<&str>, expiry: Option<&str>) -> FrontMatter {
        FrontMatter {
            title: "T".into(),
            publish_date: publish.map(|d| DateTime::parse(d).unwrap()),
            expiry_date: expiry.map(|d| DateTime::parse(d).unwrap()),
            ..FrontMatter::default()
        }
    }

    fn at(text: &str, future: bool, expired: bool) -> Schedule {
        Schedule {
            now: DateTime::parse(text).unwrap(),
            future,
            expired,
        }
    }

    #[test]
    fn hides_pages_before_publication_and_from_expiry() {
        let s = at("2026-12-01T12:00:00Z", false, false);
        assert!(!s.hides(&front(None, None)));
        assert!(!s.hides(&front(Some("2026-12-01T12:00:00Z"), None)));
        assert!(s.hides(&front(Some("2026-12-01T12:00:01Z"), None)));
        // 13:30 in Paris is 12:30 UTC: still to come.
        assert!(s.hides(&front(Some("2026-12-01T13:30:00+01:00"), None)));
        assert!(s.hides(&front(None, Some("2026-12-01T12:00:00Z"))));
        assert!(!s.hides(&front(None, Some("2026-12-02"))));
        assert!(!at("2026-12-01T12:00:00Z", true, false).hides(&front(Some("2027-01-01"), None)));
        assert!(!at("2026-12-01T12:00:00Z", false, true).hides(&front(None, Some("2026-01-01"))));
        assert!(at("2026-12-01T12:00:00Z", true, false).hides(&front(None, Some("2026-01-01"))));
    }

    #[test]
    fn epoch_text_is_checked() {
        assert_eq!(
            from_epoch_text("1796083200").unwrap().to_string(),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            from_epoch_text(" 0\n").unwrap().to_string(),
            "1970-01-01T00:00:00Z"
        );
        for bad in [
            "",
            "yesterday",
            "1.5",
            "99999999999999999999",
            "253402300800",
        ] {
            let e = from_epoch_text(bad).unwrap_err();
            assert!(e.contains("SOURCE_DATE_EPOCH"), "{e:?}");
        }
    }
}
