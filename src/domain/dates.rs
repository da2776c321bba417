//! Dates as people type them: RFC 3339, or a plain calendar date for a piece's publication day.
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

/// A time as pages show it: the day in the reader's form ("13 Jan 2020", UTC), and the exact
/// instant in RFC 3339 for a `title` tooltip (`<time datetime="{exact}" title="{exact}">{day}</time>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub day: String,
    pub exact: String,
}

impl Shown {
    pub fn of(at: DateTime<Utc>) -> Shown {
        Shown {
            day: at.format("%-d %b %Y").to_string(),
            exact: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }
}

/// Parses `2020-01-13T09:30:00-05:00` or `2020-01-13` (taken as midnight UTC, since a newsroom
/// often knows only the day a piece ran). Only times that come back as RFC 3339, in UTC, are
/// taken: a four-digit year once the offset is applied (`9999-12-31T23:59:59-23:59` is in the
/// year 10000, which RFC 3339 cannot write).
pub fn parse_datetime(input: &str) -> Option<DateTime<Utc>> {
    let input = input.trim();
    let at = match DateTime::parse_from_rfc3339(input) {
        Ok(at) => at.with_timezone(&Utc),
        // `%Y` also takes signed years of any length, some before the 4713 BC Postgres starts at.
        Err(_) => NaiveDate::parse_from_str(input, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
            .and_utc(),
    };
    (0..=9999).contains(&at.year()).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_day_for_readers_and_the_exact_time_for_the_tooltip() {
        let at = parse_datetime("2020-01-03T09:30:05-05:00").unwrap();
        let shown = Shown::of(at);
        assert_eq!(shown.day, "3 Jan 2020");
        assert_eq!(shown.exact, "2020-01-03T14:30:05Z");
        assert_eq!(
            Shown::of(parse_datetime("2020-12-13").unwrap()).day,
            "13 Dec 2020"
        );
    }

    #[test]
    fn reads_rfc3339_with_offset_as_utc() {
        let at = parse_datetime("2020-01-13T09:30:00-05:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2020-01-13T14:30:00+00:00");
    }

    #[test]
    fn takes_the_first_and_last_instants_rfc3339_can_write_in_utc() {
        let first = parse_datetime("0000-01-01T00:00:00Z").unwrap();
        let last = parse_datetime("9999-12-31T23:59:59+00:00").unwrap();
        assert_eq!(first.to_rfc3339(), "0000-01-01T00:00:00+00:00");
        assert_eq!(last.to_rfc3339(), "9999-12-31T23:59:59+00:00");
    }

    #[test]
    fn reads_a_plain_date_as_midnight_utc() {
        let at = parse_datetime(" 2020-01-13 ").unwrap();
        assert_eq!(at.to_rfc3339(), "2020-01-13T00:00:00+00:00");
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            "",
            "13/01/2020",
            "2020-02-30",
            "yesterday",
            "2020-01-13T25:00:00Z",
            "-5000-01-01",
            "+20000-01-01",
            // Four digits as typed, five once in UTC; and a year before 0 the same way.
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:30:00+01:00",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad:?}");
        }
    }
}
