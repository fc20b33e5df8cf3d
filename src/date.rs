//! Dates and date-times from front matter, event times in their time zone,
//! and their formatting per language.
//!
//! Stage: read by the front-matter reader and the collection check, then by
//! views, calendars and feeds. In: the text of a front-matter value (and,
//! for an event time, the IANA name of its zone). Out: plain values
//! ([`DateTime`], [`Placed`]) and strings; this is the one module that speaks
//! to `jiff`, so that Tera views and calendars never see its types.
//!
//! Accepted forms are ISO 8601's `2026-11-28`, `2026-11-28T18:30`,
//! `2026-11-28T18:30:00` and the same with `Z` or an offset such as `+01:00`.
//! An event time is written as the local time of its place with the zone
//! beside it (`start: 2027-03-28T18:30`, `timezone: Asia/Tokyo`); [`place`]
//! finds its offset in the time-zone database bundled into the binary (never
//! the machine's `/usr/share/zoneinfo`), so the same input gives the same
//! instant on every machine. A local time that the zone skips (the spring
//! gap) or shows twice (the autumn fold) is refused with both readings, and
//! an offset that contradicts the zone is refused.
//!
//! Invariant: a [`DateTime`] made by this module is a valid calendar date
//! and time, and two of them order by the instant they name (a value
//! without offset is read as UTC), then field by field.
//!
//! Month and day names come from tables shipped here, never from the
//! system's locale. French and English have names ([`NAMED_LANGUAGES`]);
//! the config refuses any other language at its entry ([`has_names`]), so
//! that no page is dated in another language's words or in bare numbers
//! unseen. Called with another language anyway (a template's `lang=`
//! argument), formatting gives the ISO 8601 numeric forms (`2026-11-28`,
//! `18:30`, the zone's IANA name), never English words.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use jiff::civil;
use jiff::fmt::temporal::DateTimeParser;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{Timestamp, ToSpan as _};

use crate::i18n::{Lang, Text};

/// The front-matter field that names the zone of a page's date-times.
pub(crate) const ZONE_FIELD: &str = "timezone";

/// A calendar date with an optional time of day and UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Four-digit year.
    pub year: i32,
    /// 1..=12.
    pub month: u8,
    /// 1..=31, valid for the month.
    pub day: u8,
    /// Hours, minutes and seconds, when a time was given.
    pub time: Option<(u8, u8, u8)>,
    /// Offset from UTC in minutes, when one was given (`Z` is 0).
    pub offset_minutes: Option<i16>,
}

static PARSER: DateTimeParser = DateTimeParser::new();

fn expected() -> Text {
    tr!(
        "expected a date like 2026-11-28 or a date-time like 2026-11-28T18:30:00+01:00",
        "attendu : une date comme 2026-11-28 ou une date et une heure comme 2026-11-28T18:30:00+01:00"
    )
}

/// Why `date` is not a calendar date, when its `YYYY-MM-DD` numbers say so.
fn calendar_problem(date: &str) -> Option<Text> {
    let mut parts = date.split('-').map(str::parse::<i16>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !(1..=12).contains(&month) {
        return Some(tr!(
            "month {month} does not exist",
            "le mois {month} n'existe pas"
        ));
    }
    let first = civil::Date::new(year, i8::try_from(month).ok()?, 1).ok()?;
    (day < 1 || day > i16::from(first.days_in_month())).then(|| {
        tr!(
            "{year}-{month:02} has no day {day}",
            "{year}-{month:02} n'a pas de jour {day}"
        )
    })
}

/// A date written day first, as French and British writers do
/// (`18/12/2026`, `18.12.2026`, `18-12-2026`): the same date year first.
fn day_first(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [day, month, year] = parts[..] else {
        return None;
    };
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    (number(day, 1..=2) && number(month, 1..=2) && number(year, 4..=4))
        .then(|| format!("{year}-{month:0>2}-{day:0>2}"))
}

impl DateTime {
    /// Parses an ISO 8601 date or date-time. The error says what was expected.
    pub fn parse(text: &str) -> Result<DateTime, Text> {
        let text = text.trim();
        let pieces = PARSER.parse_pieces(text).map_err(|_| {
            let date = text.split(['T', 't', ' ']).next().unwrap_or(text);
            if let Some(iso) = day_first(date) {
                return tr!(
                    "dates are written year first: {iso}",
                    "les dates s'écrivent l'année d'abord : {iso}"
                );
            }
            match calendar_problem(date) {
                Some(why) => why,
                None => expected(),
            }
        })?;
        if pieces.time_zone_annotation().is_some() {
            return Err(tr!(
                "a zone in brackets is not read here; write the zone in the `{ZONE_FIELD}` field",
                "un fuseau entre crochets n'est pas lu ici ; indiquez le fuseau dans le champ `{ZONE_FIELD}`"
            ));
        }
        let offset = pieces.to_numeric_offset();
        if offset.is_some() && pieces.time().is_none() {
            return Err(expected());
        }
        Ok(DateTime::from_civil(
            pieces.date(),
            pieces.time(),
            offset.map(minutes_of),
        ))
    }

    fn from_civil(date: civil::Date, time: Option<civil::Time>, offset: Option<i16>) -> DateTime {
        // jiff's ranges are within ours: years -9999..=9999, months 1..=12.
        let small = |v: i8| u8::try_from(v).unwrap_or(0);
        DateTime {
            year: i32::from(date.year()),
            month: small(date.month()),
            day: small(date.day()),
            time: time.map(|t| (small(t.hour()), small(t.minute()), small(t.second()))),
            offset_minutes: offset,
        }
    }

    /// The civil (wall-clock) date and time, midnight for a date alone.
    fn civil(&self) -> civil::DateTime {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        let narrow = |v: u8| i8::try_from(v).unwrap_or(0);
        let date = i16::try_from(self.year)
            .ok()
            .and_then(|y| civil::Date::new(y, narrow(self.month), narrow(self.day)).ok())
            .unwrap_or(civil::Date::ZERO);
        let time = civil::Time::new(narrow(h), narrow(m), narrow(s), 0).unwrap_or(civil::Time::MIN);
        date.to_datetime(time)
    }

    /// The offset as jiff knows it (none: UTC).
    fn offset(&self) -> Offset {
        Offset::from_seconds(i32::from(self.offset_minutes.unwrap_or(0)) * 60)
            .unwrap_or(Offset::UTC)
    }

    /// Whole seconds since 1970-01-01T00:00Z of the instant named (a value
    /// without offset is read as UTC).
    pub fn unix_seconds(&self) -> i64 {
        self.offset()
            .to_timestamp(self.civil())
            .map_or(0, Timestamp::as_second)
    }

    /// Minutes since 1970-01-01T00:00Z, for comparing instants written
    /// with different offsets (a value without offset is read as UTC).
    pub fn utc_minutes(&self) -> i64 {
        self.unix_seconds().div_euclid(60)
    }

    /// The UTC date-time `seconds` after 1970-01-01T00:00Z (a Unix time),
    /// clamped to the years jiff represents (-9999..=9999).
    pub fn from_unix_seconds(seconds: i64) -> DateTime {
        let seconds = seconds.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
        let instant = Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH);
        DateTime::at_offset(instant, Offset::UTC)
    }

    /// The wall time of `instant` at `offset`.
    fn at_offset(instant: Timestamp, offset: Offset) -> DateTime {
        let civil = offset.to_datetime(instant);
        DateTime::from_civil(civil.date(), Some(civil.time()), Some(minutes_of(offset)))
    }

    /// The same instant in UTC (a value without offset is read as UTC).
    #[must_use]
    pub fn to_utc(self) -> DateTime {
        DateTime::from_unix_seconds(self.unix_seconds())
    }

    /// Day of the week, 0 = Monday .. 6 = Sunday.
    pub fn weekday(&self) -> usize {
        usize::try_from(self.civil().weekday().to_monday_zero_offset()).unwrap_or(0)
    }

    /// The next calendar day (date alone), for the exclusive end of an
    /// all-day event.
    #[must_use]
    pub fn next_day(&self) -> DateTime {
        let date = self.civil().date();
        let next = date.checked_add(1.day()).unwrap_or(date);
        DateTime::from_civil(next, None, None)
    }

    /// Formats with a strftime subset: `%Y %m %d %e %-d %B %b %A %H %M %S %z %F %%`.
    /// Names of months and days come from `lang` (`fr` or `en`); in any
    /// other language `%B` and `%b` give the month's number and `%A` the
    /// ISO weekday number (1 = Monday), never English names.
    pub fn format(&self, pattern: &str, lang: &str) -> String {
        let names = Names::for_lang(lang);
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
        let month = usize::from(self.month).clamp(1, 12) - 1;
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('m') => _ = write!(out, "{:02}", self.month),
                Some('d') => _ = write!(out, "{:02}", self.day),
                Some('e') => out.push_str(&self.day_of_month(lang)),
                Some('-') => match chars.next() {
                    Some('d') => out.push_str(&self.day.to_string()),
                    Some(other) => {
                        out.push_str("%-");
                        out.push(other);
                    }
                    None => out.push_str("%-"),
                },
                Some('B') => match names {
                    Some(n) => out.push_str(n.months[month]),
                    None => _ = write!(out, "{:02}", self.month),
                },
                Some('b') => match names {
                    Some(n) => out.push_str(n.months_short[month]),
                    None => _ = write!(out, "{:02}", self.month),
                },
                Some('A') => match names {
                    Some(n) => out.push_str(n.days[self.weekday()]),
                    None => _ = write!(out, "{}", self.weekday() + 1),
                },
                Some('H') => _ = write!(out, "{h:02}"),
                Some('M') => _ = write!(out, "{mi:02}"),
                Some('S') => _ = write!(out, "{s:02}"),
                Some('z') => {
                    let o = self.offset_minutes.unwrap_or(0);
                    let sign = if o < 0 { '-' } else { '+' };
                    _ = write!(out, "{sign}{:02}{:02}", o.abs() / 60, o.abs() % 60);
                }
                Some('%') | None => out.push('%'),
                Some('F') => {
                    _ = write!(out, "{}-{:02}-{:02}", self.year, self.month, self.day);
                }
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
            }
        }
        out
    }

    /// The day of the month as written in running text: French writes the
    /// first of the month as an ordinal ("1er décembre").
    fn day_of_month(&self, lang: &str) -> String {
        if lang == "fr" && self.day == 1 {
            "1er".to_string()
        } else {
            self.day.to_string()
        }
    }

    /// The long form used in running text: "28 novembre 2026", "28 November
    /// 2026"; `2026-11-28` in a language without names.
    pub fn long(&self, lang: &str) -> String {
        match Names::for_lang(lang) {
            Some(_) => self.format("%e %B %Y", lang),
            None => self.format("%F", lang),
        }
    }

    /// The time of day as written in `lang`: `18:30` in French, `6:30 pm`
    /// in English, `18:30` in a language without names.
    pub fn clock(&self, lang: &str) -> String {
        let (h, m, _) = self.time.unwrap_or((0, 0, 0));
        if lang == "en" {
            let half = if h < 12 { "am" } else { "pm" };
            let twelve = if h % 12 == 0 { 12 } else { h % 12 };
            format!("{twelve}:{m:02} {half}")
        } else {
            format!("{h:02}:{m:02}")
        }
    }
}

fn minutes_of(offset: Offset) -> i16 {
    // Offsets are within ±25:59:59, so minutes fit in i16.
    i16::try_from(offset.seconds() / 60).unwrap_or(0)
}

/// `+01:00`, `-05:00`, `+00:00`.
fn offset_text(minutes: i16) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

/// What [`DateTime`]'s order compares, in order: see [`DateTime::order_key`].
pub(crate) type OrderKey = (i64, i32, u8, u8, Option<(u8, u8, u8)>, Option<i16>);

impl DateTime {
    /// The order of date-times as a plain value: the instant first (so
    /// `2026-11-21T01:00+01:00` comes before `2026-11-20T23:30-05:00`),
    /// then field by field to agree with `==`. Made once per value where
    /// many are sorted: the instant goes through the time-zone library.
    pub(crate) fn order_key(&self) -> OrderKey {
        (
            self.unix_seconds(),
            self.year,
            self.month,
            self.day,
            self.time,
            self.offset_minutes,
        )
    }
}

impl Ord for DateTime {
    /// By [`DateTime::order_key`].
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for DateTime {
    /// ISO 8601, as it was written (with seconds when a time is present).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some((h, m, s)) = self.time {
            write!(f, "T{h:02}:{m:02}:{s:02}")?;
            match self.offset_minutes {
                Some(0) => write!(f, "Z")?,
                Some(o) => f.write_str(&offset_text(o))?,
                None => {}
            }
        }
        Ok(())
    }
}

/// Why a date-time field cannot be placed in time: a message and a hint
/// saying what to write, for a diagnostic located at the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: Text,
    /// What to write instead.
    pub hint: Text,
}

impl From<Problem> for (Text, Text) {
    fn from(p: Problem) -> Self {
        (p.message, p.hint)
    }
}

impl From<Problem> for (String, String) {
    /// For callers that still carry English strings.
    fn from(p: Problem) -> Self {
        (p.message.en, p.hint.en)
    }
}

/// A date-time field placed in time: its wall time in its zone with the
/// zone's offset (or a date alone, for an all-day event), and the zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placed {
    /// The local date and time with its offset, or a date alone.
    pub local: DateTime,
    /// The IANA name of the zone (`Asia/Tokyo`), when the page gives one.
    pub zone: Option<String>,
}

fn zone_named(name: &str) -> Result<TimeZone, Problem> {
    TimeZone::get(name.trim()).map_err(|_| {
        let names: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_string())
            .collect();
        let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        let hint = match crate::diagnostic::did_you_mean(name.trim(), &candidates) {
            Some(close) => tr!("did you mean `{close}`?", "vouliez-vous dire `{close}` ?"),
            None => tr!(
                "write a zone of the time-zone database, like Europe/Paris, Asia/Tokyo or America/New_York",
                "indiquez un fuseau de la base des fuseaux horaires, comme Europe/Paris, Asia/Tokyo ou America/New_York"
            ),
        };
        Problem {
            message: tr!(
                "unknown time zone `{name}` in `{ZONE_FIELD}`",
                "fuseau horaire `{name}` inconnu dans `{ZONE_FIELD}`"
            ),
            hint,
        }
    })
}

/// `02:00` of a civil date-time.
fn hm(dt: civil::DateTime) -> String {
    format!("{:02}:{:02}", dt.hour(), dt.minute())
}

/// Reads a date-time field written as the local time of `zone` (an IANA
/// name, `None` when the page names none). A date alone is an all-day
/// value; a time needs a zone or an offset; an offset must be the zone's
/// at that instant; `Z` gives the instant in UTC, shown in the zone.
pub(crate) fn place(text: &str, zone: Option<&str>) -> Result<Placed, Problem> {
    let value = DateTime::parse(text).map_err(|why| Problem {
        message: tr!(
            "not a date or a date and time: `{}`",
            "ni une date ni une date et une heure : `{}`";
            text.trim()
        ),
        hint: why,
    })?;
    let Some(name) = zone else {
        return without_zone(value);
    };
    let tz = zone_named(name)?;
    let zone_name = tz.iana_name().unwrap_or(name.trim()).to_string();
    let placed = |local| Placed {
        local,
        zone: Some(zone_name.clone()),
    };
    if value.time.is_none() {
        return Ok(placed(value));
    }
    let wall = WallTime {
        tz: &tz,
        zone_name: &zone_name,
        civil: value.civil(),
        written: value.format("%FT%H:%M", "en"),
    };
    if let Some(minutes) = value.offset_minutes {
        let zulu = text.trim().ends_with(['Z', 'z']);
        return wall.with_offset(&value, minutes, zulu).map(placed);
    }
    let civil = wall.civil;
    match tz.to_ambiguous_timestamp(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => Ok(placed(DateTime::from_civil(
            civil.date(),
            Some(civil.time()),
            Some(minutes_of(offset)),
        ))),
        AmbiguousOffset::Gap { before, after } => Err(wall.skipped(before, after)),
        AmbiguousOffset::Fold { before, after } => Err(wall.repeated(before, after)),
    }
}

/// A date-time `value` of a page that names no zone: a date alone, or a
/// time with its offset; a time without one cannot be placed.
fn without_zone(value: DateTime) -> Result<Placed, Problem> {
    if value.time.is_some() && value.offset_minutes.is_none() {
        return Err(Problem {
            message: tr!(
                "`{value}` has no time zone",
                "`{value}` n'a pas de fuseau horaire"
            ),
            hint: tr!(
                "add `{ZONE_FIELD}: Europe/Paris` (the zone of the place) to the page",
                "ajoutez `{ZONE_FIELD}: Europe/Paris` (le fuseau du lieu) à la page"
            ),
        });
    }
    Ok(Placed {
        local: value,
        zone: None,
    })
}

/// A wall time of a date-time field in the zone the page names.
struct WallTime<'a> {
    tz: &'a TimeZone,
    /// The zone's IANA name, for messages.
    zone_name: &'a str,
    civil: civil::DateTime,
    /// The wall time as written, without its offset (`2026-03-29T02:30`).
    written: String,
}

impl WallTime<'_> {
    /// The `value` written with an offset of `minutes`, placed in the
    /// zone: the offset must be the zone's at that instant, unless it is
    /// `Z` (`zulu`), an instant in UTC shown in the zone.
    fn with_offset(&self, value: &DateTime, minutes: i16, zulu: bool) -> Result<DateTime, Problem> {
        let instant = value
            .offset()
            .to_timestamp(self.civil)
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let actual = self.tz.to_offset(instant);
        if zulu || minutes_of(actual) == minutes {
            return Ok(DateTime::at_offset(instant, actual));
        }
        let (given, real) = (offset_text(minutes), offset_text(minutes_of(actual)));
        let (written, zone_name) = (&self.written, self.zone_name);
        Err(Problem {
            message: tr!(
                "offset {given} is not that of {zone_name} at {written} (it is {real})",
                "le décalage {given} n'est pas celui de {zone_name} à {written} (c'est {real})"
            ),
            hint: tr!(
                "write `{written}` without an offset: the build takes it from `{ZONE_FIELD}`",
                "écrivez `{written}` sans décalage : la construction le déduit de `{ZONE_FIELD}`"
            ),
        })
    }

    /// The problem of a wall time the clocks skip, going forward from the
    /// offset `before` to `after`: the times on both sides of the jump, and
    /// the time it would be read as.
    fn skipped(&self, before: Offset, after: Offset) -> Problem {
        let (written, zone_name) = (&self.written, self.zone_name);
        // The instant the clocks jumped, read on both sides of the jump.
        let later = before
            .to_timestamp(self.civil)
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let change = self
            .tz
            .preceding(later)
            .next()
            .map_or(later, |t| t.timestamp());
        let (from, to) = (
            hm(before.to_datetime(change)),
            hm(after.to_datetime(change)),
        );
        let shifted = DateTime::at_offset(later, after).format("%FT%H:%M", "en");
        let (b, a) = (
            offset_text(minutes_of(before)),
            offset_text(minutes_of(after)),
        );
        Problem {
            message: tr!(
                "{written} does not exist in {zone_name}: that night clocks go forward from {from} to {to} ({b} to {a})",
                "{written} n'existe pas à {zone_name} : cette nuit-là, les horloges passent de {from} à {to} ({b} à {a})"
            ),
            hint: tr!(
                "write a time before {from} or from {to} on, e.g. `{shifted}`",
                "indiquez une heure avant {from} ou à partir de {to}, par exemple `{shifted}`"
            ),
        }
    }

    /// The problem of a wall time that happens twice, the clocks going
    /// back from the offset `before` to `after`: both readings, with their
    /// offsets and in UTC.
    fn repeated(&self, before: Offset, after: Offset) -> Problem {
        let (written, zone_name) = (&self.written, self.zone_name);
        let reading = |offset: Offset| {
            let instant = offset
                .to_timestamp(self.civil)
                .unwrap_or(Timestamp::UNIX_EPOCH);
            (
                format!("{written}{}", offset_text(minutes_of(offset))),
                DateTime::at_offset(instant, Offset::UTC).format("%H:%M", "en"),
            )
        };
        let ((first, first_utc), (second, second_utc)) = (reading(before), reading(after));
        Problem {
            message: tr!(
                "{written} happens twice in {zone_name}: that night clocks go back an hour; it is {first} ({first_utc} UTC) or {second} ({second_utc} UTC)",
                "{written} a lieu deux fois à {zone_name} : cette nuit-là, les horloges reculent d'une heure ; c'est {first} ({first_utc} UTC) ou {second} ({second_utc} UTC)"
            ),
            hint: tr!(
                "write the one you mean with its offset: `{first}` (the first) or `{second}` (the second)",
                "écrivez celle que vous voulez avec son décalage : `{first}` (la première) ou `{second}` (la seconde)"
            ),
        }
    }
}

/// The collection check of one `date` or `datetime` field (`with_time`)
/// of a page, whose other front-matter values `extra` gives as text: a
/// date must be a calendar date; a date-time must be placed in time by
/// [`place`] in the page's [`ZONE_FIELD`], and be written in the same form
/// (date alone, or date and time) as the field it comes `after`.
pub(crate) fn check_field(
    name: &str,
    after: Option<&str>,
    text: &str,
    with_time: bool,
    extra: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Problem> {
    if !with_time {
        return DateTime::parse(text).map(|_| ()).map_err(|why| Problem {
            message: tr!(
                "`{name}` must be a date like 2026-11-28",
                "`{name}` doit être une date comme 2026-11-28"
            ),
            hint: why,
        });
    }
    let zone = extra(ZONE_FIELD);
    let earlier = after.and_then(|key| Some((key, extra(key)?)));
    if let (Some(name), Some(_)) = (zone.as_deref(), &earlier) {
        // An unknown zone is reported once, at the field this one comes after.
        if zone_named(name).is_err() {
            return Ok(());
        }
    }
    let this = place(text, zone.as_deref()).map_err(|p| Problem {
        message: p.message.map(|m, lang| match lang {
            Lang::Fr => format!("`{name}` : {m}"),
            Lang::En => format!("`{name}`: {m}"),
        }),
        ..p
    })?;
    let before = earlier.and_then(|(key, text)| Some((key, place(&text, zone.as_deref()).ok()?)));
    if let Some((key, before)) = before {
        if before.all_day() != this.all_day() {
            return Err(Problem {
                message: tr!(
                    "`{name}` and `{key}` are not written alike: one has a time, the other not",
                    "`{name}` et `{key}` ne sont pas écrits de la même façon : l'un a une heure, l'autre non"
                ),
                hint: tr!(
                    "give both a time (2027-03-28T18:30), or neither for an all-day event (2027-03-28)",
                    "donnez une heure aux deux (2027-03-28T18:30), ou à aucun pour un événement sur la journée (2027-03-28)"
                ),
            });
        }
    }
    Ok(())
}

/// French names of cities whose French name differs from the zone's.
const FRENCH_CITIES: [(&str, &str); 14] = [
    ("Algiers", "Alger"),
    ("Athens", "Athènes"),
    ("Beirut", "Beyrouth"),
    ("Brussels", "Bruxelles"),
    ("Copenhagen", "Copenhague"),
    ("Lisbon", "Lisbonne"),
    ("London", "Londres"),
    ("Mexico City", "Mexico"),
    ("Montreal", "Montréal"),
    ("Moscow", "Moscou"),
    ("Singapore", "Singapour"),
    ("Vienna", "Vienne"),
    ("Warsaw", "Varsovie"),
    ("Sao Paulo", "São Paulo"),
];

impl Placed {
    /// Whether the value is a date alone (an all-day event).
    pub(crate) fn all_day(&self) -> bool {
        self.local.time.is_none()
    }

    /// Whole seconds since 1970 of the instant: for a date alone, the
    /// start of that day in the zone (UTC without zone).
    pub(crate) fn unix_seconds(&self) -> i64 {
        if !self.all_day() {
            return self.local.unix_seconds();
        }
        let Some(tz) = self.zone.as_deref().and_then(|z| TimeZone::get(z).ok()) else {
            return self.local.unix_seconds();
        };
        self.local
            .civil()
            .date()
            .to_zoned(tz)
            .and_then(|z| z.start_of_day())
            .map_or_else(|_| self.local.unix_seconds(), |z| z.timestamp().as_second())
    }

    /// The instant in UTC (`2027-03-28T09:30:00Z`).
    pub(crate) fn utc(&self) -> DateTime {
        DateTime::from_unix_seconds(self.unix_seconds())
    }

    /// The zone as a reader of `lang` says it: `heure de Tokyo`, `Tokyo
    /// time`; `UTC+09:00` without zone name; the IANA name in a language
    /// without names.
    pub(crate) fn zone_label(&self, lang: &str) -> String {
        let Some(zone) = &self.zone else {
            return format!("UTC{}", offset_text(self.local.offset_minutes.unwrap_or(0)));
        };
        if zone == "UTC" || zone.starts_with("Etc/") || Names::for_lang(lang).is_none() {
            return zone.clone();
        }
        let city = zone.rsplit('/').next().unwrap_or(zone).replace('_', " ");
        if lang == "fr" {
            let city = FRENCH_CITIES
                .iter()
                .find(|(en, _)| *en == city)
                .map_or(city.as_str(), |(_, fr)| fr);
            let elided = city.starts_with(['A', 'E', 'I', 'O', 'U', 'Â', 'É', 'Î', 'Ô']);
            if elided {
                format!("heure d'{city}")
            } else {
                format!("heure de {city}")
            }
        } else {
            format!("{city} time")
        }
    }

    /// The value in running text: `28 mars 2027, 18:30, heure de Tokyo`,
    /// `28 March 2027, 6:30 pm Tokyo time`, `2027-03-28 18:30 Asia/Tokyo`
    /// in a language without names; the date alone for an all-day value.
    pub(crate) fn text(&self, lang: &str) -> String {
        let date = self.local.long(lang);
        if self.all_day() {
            return date;
        }
        let (clock, zone) = (self.local.clock(lang), self.zone_label(lang));
        match lang {
            "fr" => format!("{date}, {clock}, {zone}"),
            "en" => format!("{date}, {clock} {zone}"),
            _ => format!("{date} {clock} {zone}"),
        }
    }
}

/// The languages whose month and day names are known here.
pub(crate) const NAMED_LANGUAGES: [&str; 2] = ["fr", "en"];

/// Whether dates can be written in `lang` with its own month and day names.
pub(crate) fn has_names(lang: &str) -> bool {
    Names::for_lang(lang).is_some()
}

struct Names {
    months: [&'static str; 12],
    months_short: [&'static str; 12],
    days: [&'static str; 7],
}

impl Names {
    fn for_lang(lang: &str) -> Option<&'static Names> {
        match lang {
            "fr" => Some(&FRENCH),
            "en" => Some(&ENGLISH),
            _ => None,
        }
    }
}

static FRENCH: Names = Names {
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    months_short: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
    days: [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ],
};

static ENGLISH: Names = Names {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    days: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
};

#[cfg(test)]
mod tests {
    use super::{DateTime, place};

    #[test]
    fn parses_dates_and_datetimes() {
        let d = DateTime::parse("2026-11-28").unwrap();
        assert_eq!((d.year, d.month, d.day, d.time), (2026, 11, 28, None));
        let t = DateTime::parse("2026-12-10T18:30:00+01:00").unwrap();
        assert_eq!(t.time, Some((18, 30, 0)));
        assert_eq!(t.offset_minutes, Some(60));
        assert_eq!(t.to_string(), "2026-12-10T18:30:00+01:00");
        assert_eq!(
            DateTime::parse("2026-12-10T18:30Z").unwrap().to_string(),
            "2026-12-10T18:30:00Z"
        );
        assert_eq!(
            DateTime::parse("2027-03-28T18:30").unwrap().to_string(),
            "2027-03-28T18:30:00"
        );
    }

    #[test]
    fn instants_compare_across_offsets() {
        let paris = DateTime::parse("2026-12-10T18:30:00+01:00").unwrap();
        let utc = DateTime::parse("2026-12-10T17:30:00Z").unwrap();
        assert_eq!(utc.utc_minutes(), paris.utc_minutes());
        let later = DateTime::parse("2026-12-10T18:00:00+00:00").unwrap();
        assert!(later.utc_minutes() > paris.utc_minutes());
        assert_eq!(DateTime::parse("1970-01-02").unwrap().utc_minutes(), 1440);
    }

    #[test]
    fn order_is_by_instant_not_by_field() {
        // 04:30 UTC on the 21st, and 00:00 UTC on the 21st.
        let new_york = DateTime::parse("2026-11-20T23:30-05:00").unwrap();
        let paris = DateTime::parse("2026-11-21T01:00+01:00").unwrap();
        assert!(paris < new_york);
        let mut list = vec![new_york, paris];
        list.sort();
        assert_eq!(list, [paris, new_york]);
        // The same instant written twice is not equal, but orders stably.
        let utc = DateTime::parse("2026-11-21T00:00Z").unwrap();
        assert_ne!(utc, paris);
        assert_ne!(utc.cmp(&paris), std::cmp::Ordering::Equal);
    }

    #[test]
    fn unix_seconds_round_trip() {
        for (seconds, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_796_083_200, "2026-12-01T00:00:00Z"),
            (951_782_399, "2000-02-28T23:59:59Z"),
            (951_868_800, "2000-03-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            let date = DateTime::from_unix_seconds(seconds);
            assert_eq!(date.to_string(), text);
            assert_eq!(date.unix_seconds(), seconds);
        }
        let paris = DateTime::parse("2026-12-10T18:30:00+01:00").unwrap();
        assert_eq!(paris.to_utc().to_string(), "2026-12-10T17:30:00Z");
    }

    #[test]
    fn a_date_written_day_first_is_refused_with_the_same_date_year_first() {
        for (text, iso) in [
            ("18/12/2026", "2026-12-18"),
            ("1.3.2027", "2027-03-01"),
            ("05-06-2026", "2026-06-05"),
        ] {
            let why = DateTime::parse(text).unwrap_err();
            assert_eq!(why.en, format!("dates are written year first: {iso}"));
            assert_eq!(
                why.fr,
                format!("les dates s'écrivent l'année d'abord : {iso}")
            );
        }
        assert!(DateTime::parse("2026-12-18").is_ok());
        assert!(
            DateTime::parse("18/12/26")
                .unwrap_err()
                .en
                .starts_with("expected")
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(
            DateTime::parse("2026-02-29")
                .unwrap_err()
                .contains("no day 29")
        );
        assert!(DateTime::parse("2024-02-29").is_ok());
        assert!(
            DateTime::parse("2026-13-01")
                .unwrap_err()
                .contains("month 13")
        );
        assert!(DateTime::parse("28/11/2026").is_err());
        assert!(DateTime::parse("2026-11-28T25:00").is_err());
        assert!(DateTime::parse("2026-11-28+01:00").is_err());
        assert!(DateTime::parse("2026-11-28T18:30[Asia/Tokyo]").is_err());
    }

    #[test]
    fn formats_per_language_from_shipped_names() {
        let d = DateTime::parse("2026-11-28").unwrap();
        assert_eq!(d.long("fr"), "28 novembre 2026");
        assert_eq!(d.long("en"), "28 November 2026");
        assert_eq!(d.format("%A %d/%m/%Y", "fr"), "samedi 28/11/2026");
        assert_eq!(
            DateTime::parse("2026-12-01").unwrap().long("fr"),
            "1er décembre 2026"
        );
        // Another language gets numbers, not English words.
        assert_eq!(d.long("de"), "2026-11-28");
        assert_eq!(d.format("%A %B", "de"), "6 11");
    }

    #[test]
    fn local_times_take_the_offset_of_their_zone() {
        let winter = place("2026-12-10T18:30", Some("Europe/Paris")).unwrap();
        assert_eq!(winter.local.to_string(), "2026-12-10T18:30:00+01:00");
        let summer = place("2027-06-10T18:30", Some("Europe/Paris")).unwrap();
        assert_eq!(summer.local.to_string(), "2027-06-10T18:30:00+02:00");
        let tokyo = place("2027-03-28T18:30", Some("Asia/Tokyo")).unwrap();
        assert_eq!(tokyo.utc().to_string(), "2027-03-28T09:30:00Z");
        assert_eq!(tokyo.text("fr"), "28 mars 2027, 18:30, heure de Tokyo");
        assert_eq!(tokyo.text("en"), "28 March 2027, 6:30 pm Tokyo time");
        assert_eq!(tokyo.text("de"), "2027-03-28 18:30 Asia/Tokyo");
        // Z is an instant, shown in the zone.
        let zulu = place("2027-03-28T09:30Z", Some("Asia/Tokyo")).unwrap();
        assert_eq!(zulu.local.to_string(), "2027-03-28T18:30:00+09:00");
        let athens = place("2027-01-05T09:00", Some("Europe/Athens")).unwrap();
        assert_eq!(athens.zone_label("fr"), "heure d'Athènes");
        assert_eq!(athens.local.clock("en"), "9:00 am");
    }

    #[test]
    fn all_day_values_start_at_midnight_in_their_zone() {
        let day = place("2026-12-18", Some("Europe/Paris")).unwrap();
        assert!(day.all_day());
        assert_eq!(day.utc().to_string(), "2026-12-17T23:00:00Z");
        assert_eq!(day.text("fr"), "18 décembre 2026");
        assert_eq!(day.local.next_day().to_string(), "2026-12-19");
        let year_end = DateTime::parse("2026-12-31").unwrap().next_day();
        assert_eq!(year_end.to_string(), "2027-01-01");
    }

    #[test]
    fn gaps_folds_and_contradictions_are_refused() {
        let gap = place("2027-03-28T02:30", Some("Europe/Paris")).unwrap_err();
        assert!(gap.message.contains("does not exist"), "{}", gap.message.en);
        assert!(
            gap.message.contains("from 02:00 to 03:00"),
            "{}",
            gap.message.en
        );
        assert!(gap.hint.contains("2027-03-28T03:30"), "{}", gap.hint.en);
        let fold = place("2026-10-25T02:30", Some("Europe/Paris")).unwrap_err();
        assert!(
            fold.message.contains("happens twice"),
            "{}",
            fold.message.en
        );
        assert!(
            fold.hint.contains("`2026-10-25T02:30+02:00`"),
            "{}",
            fold.hint.en
        );
        assert!(
            fold.hint.contains("`2026-10-25T02:30+01:00`"),
            "{}",
            fold.hint.en
        );
        // Either reading of the fold, written with its offset, is accepted.
        let second = place("2026-10-25T02:30+01:00", Some("Europe/Paris")).unwrap();
        assert_eq!(second.utc().to_string(), "2026-10-25T01:30:00Z");
        let wrong = place("2027-06-10T18:30+01:00", Some("Europe/Paris")).unwrap_err();
        assert!(
            wrong.message.contains("(it is +02:00)"),
            "{}",
            wrong.message.en
        );
        assert!(place("2026-12-10T18:30+01:00", Some("Europe/Paris")).is_ok());
        let typo = place("2026-12-10T18:30", Some("Europe/Pari")).unwrap_err();
        assert!(
            typo.message.contains("unknown time zone"),
            "{}",
            typo.message.en
        );
        assert!(typo.hint.contains("`Europe/Paris`"), "{}", typo.hint.en);
        let bare = place("2026-12-10T18:30", None).unwrap_err();
        assert!(bare.message.contains("no time zone"), "{}", bare.message.en);
        assert!(place("2026-12-10T18:30+01:00", None).is_ok());
        for problem in [gap, fold, wrong, typo, bare] {
            assert!(!problem.message.fr.is_empty() && !problem.hint.fr.is_empty());
        }
    }
}
