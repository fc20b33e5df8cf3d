//! Dates and date-times from front matter, and their formatting per language.
//!
//! Accepted forms are ISO 8601's `2026-11-28`, `2026-11-28T18:30`,
//! `2026-11-28T18:30:00` and the same with `Z` or an offset such as `+01:00`.
//! Month and day names come from tables shipped here, never from the
//! system's locale, so that the same input gives the same bytes everywhere.

use std::fmt::{self, Write as _};

/// A calendar date with an optional time of day and UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn number<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl DateTime {
    /// Parses an ISO 8601 date or date-time. The error says what was expected.
    pub fn parse(text: &str) -> Result<DateTime, String> {
        const EXPECTED: &str =
            "expected a date like 2026-11-28 or a date-time like 2026-11-28T18:30:00+01:00";
        let text = text.trim();
        let (date, rest) = match text.find(['T', ' ']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let mut parts = date.split('-');
        let (Some(year_text), Some(month_text), Some(day_text), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(EXPECTED.to_string());
        };
        let (Some(year), Some(month), Some(day)) = (
            number::<i32>(year_text, 4),
            number::<u8>(month_text, 2),
            number::<u8>(day_text, 2),
        ) else {
            return Err(EXPECTED.to_string());
        };
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist; {EXPECTED}"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("{year}-{month:02} has no day {day}"));
        }
        let mut value = DateTime {
            year,
            month,
            day,
            time: None,
            offset_minutes: None,
        };
        if let Some(rest) = rest {
            let (clock, offset) = if let Some(clock) = rest.strip_suffix('Z') {
                (clock, Some(0))
            } else if let Some(i) = rest.rfind(['+', '-']) {
                let sign: i16 = if rest.as_bytes()[i] == b'-' { -1 } else { 1 };
                let mut hm = rest[i + 1..].split(':');
                let (Some(h), Some(m)) = (
                    hm.next().and_then(|h| number::<i16>(h, 2)),
                    hm.next().and_then(|m| number::<i16>(m, 2)),
                ) else {
                    return Err(EXPECTED.to_string());
                };
                if h > 14 || m > 59 {
                    return Err(format!("offset {} is out of range", &rest[i..]));
                }
                (&rest[..i], Some(sign * (h * 60 + m)))
            } else {
                (rest, None)
            };
            let mut hms = clock.split(':');
            let h = hms.next().and_then(|h| number::<u8>(h, 2));
            let m = hms.next().and_then(|m| number::<u8>(m, 2));
            let s = match hms.next() {
                Some(s) => number::<u8>(s.split('.').next().unwrap_or(s), 2),
                None => Some(0),
            };
            let (Some(h), Some(m), Some(s), None) = (h, m, s, hms.next()) else {
                return Err(EXPECTED.to_string());
            };
            if h > 23 || m > 59 || s > 60 {
                return Err(format!("{clock} is not a time of day"));
            }
            value.time = Some((h, m, s));
            value.offset_minutes = offset;
        }
        Ok(value)
    }

    /// Minutes since 1970-01-01T00:00Z, for comparing instants written
    /// with different offsets (a value without offset is read as UTC).
    pub fn utc_minutes(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm).
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let (h, mi, _) = self.time.unwrap_or((0, 0, 0));
        days * 1440 + i64::from(h) * 60 + i64::from(mi)
            - i64::from(self.offset_minutes.unwrap_or(0))
    }

    /// The UTC date-time `seconds` after 1970-01-01T00:00Z (a Unix time).
    pub fn from_unix_seconds(seconds: i64) -> DateTime {
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        // Civil from days (Howard Hinnant's algorithm), the inverse of `utc_minutes`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // Every value is in range by construction; the fallbacks never apply
        // for years representable in four digits.
        let small = |v: i64| u8::try_from(v).unwrap_or(0);
        DateTime {
            year: i32::try_from(year).unwrap_or(9999),
            month: small(month),
            day: small(day),
            time: Some((
                small(second_of_day / 3600),
                small(second_of_day / 60 % 60),
                small(second_of_day % 60),
            )),
            offset_minutes: Some(0),
        }
    }

    /// The same instant in UTC (a value without offset is read as UTC).
    #[must_use]
    pub fn to_utc(&self) -> DateTime {
        let seconds = self.time.map_or(0, |(_, _, s)| i64::from(s));
        DateTime::from_unix_seconds(self.utc_minutes() * 60 + seconds)
    }

    /// Day of the week, 0 = Monday .. 6 = Sunday (Sakamoto's method).
    pub fn weekday(&self) -> usize {
        const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let m = usize::from(self.month);
        let y = if m < 3 { self.year - 1 } else { self.year };
        let sunday_based =
            (y + y / 4 - y / 100 + y / 400 + T[m - 1] + i32::from(self.day)).rem_euclid(7);
        // 0 = Sunday in Sakamoto's method; shift so that 0 = Monday.
        usize::try_from((sunday_based + 6) % 7).unwrap_or(0)
    }

    /// Formats with a strftime subset: `%Y %m %d %e %-d %B %b %A %H %M %S %z %F %%`.
    /// Names of months and days come from `lang` (`fr` or `en`; others fall back to `en`).
    pub fn format(&self, pattern: &str, lang: &str) -> String {
        let names = Names::for_lang(lang);
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
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
                Some('B') => out.push_str(names.months[usize::from(self.month) - 1]),
                Some('b') => out.push_str(names.months_short[usize::from(self.month) - 1]),
                Some('A') => out.push_str(names.days[self.weekday()]),
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

    /// The long form used in running text: "28 novembre 2026", "28 November 2026".
    pub fn long(&self, lang: &str) -> String {
        self.format("%e %B %Y", lang)
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
                Some(o) => {
                    let sign = if o < 0 { '-' } else { '+' };
                    write!(f, "{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60)?;
                }
                None => {}
            }
        }
        Ok(())
    }
}

struct Names {
    months: [&'static str; 12],
    months_short: [&'static str; 12],
    days: [&'static str; 7],
}

impl Names {
    fn for_lang(lang: &str) -> &'static Names {
        match lang {
            "fr" => &FRENCH,
            _ => &ENGLISH,
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
    use super::DateTime;

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
            assert_eq!(date.utc_minutes() * 60 + seconds.rem_euclid(60), seconds);
        }
        let paris = DateTime::parse("2026-12-10T18:30:00+01:00").unwrap();
        assert_eq!(paris.to_utc().to_string(), "2026-12-10T17:30:00Z");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(
            DateTime::parse("2026-02-29")
                .unwrap_err()
                .contains("no day 29")
        );
        assert!(DateTime::parse("2024-02-29").is_ok());
        assert!(DateTime::parse("2026-13-01").is_err());
        assert!(DateTime::parse("28/11/2026").is_err());
        assert!(DateTime::parse("2026-11-28T25:00").is_err());
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
    }
}
