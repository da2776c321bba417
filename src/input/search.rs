//! A search of claims as people send it, from the API's query string or the search page's form,
//! and its one validation: both read it here, so they accept and refuse the same searches.
use crate::domain::fields::{Checked, FieldError, Fields, limits};
use crate::domain::workflow::Status;
use crate::store::ids::{PieceId, UserId};
use crate::store::listing::{After, ClaimFilter};
use chrono::{Datelike, NaiveDate};
use std::str::FromStr;

/// The parameters of a search, as typed (`None` where one was not sent).
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchFields<'a> {
    pub piece: Option<&'a str>,
    pub status: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub q: Option<&'a str>,
    pub verdict_from: Option<&'a str>,
    pub verdict_to: Option<&'a str>,
    /// Claims per page (the API's; the page has its own size).
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

/// A checked search: every filter but the page size.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub piece: Option<PieceId>,
    pub status: Option<Status>,
    pub assignee: Option<UserId>,
    pub words: Option<String>,
    pub verdict_from: Option<NaiveDate>,
    pub verdict_to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub after: Option<After>,
}

impl Search {
    /// The filter for one page: of the size asked for, or else `default_limit`.
    pub fn filter(&self, default_limit: i64) -> ClaimFilter {
        ClaimFilter {
            piece: self.piece,
            status: self.status,
            assignee: self.assignee,
            words: self.words.clone(),
            verdict_from: self.verdict_from,
            verdict_to: self.verdict_to,
            limit: self.limit.unwrap_or(default_limit),
            after: self.after,
        }
    }
}

impl SearchFields<'_> {
    /// Every parameter checked, or each problem under the parameter's name. With
    /// `blank_is_absent` (a form's untouched field) an empty parameter means no filter; without,
    /// it is refused like any other bad value.
    pub fn read(&self, blank_is_absent: bool) -> Result<Search, Vec<FieldError>> {
        let mut fields = Fields::default();
        let given = |value: Option<&str>| -> Option<String> {
            let value = value?;
            let blank = value.trim().is_empty();
            (!(blank && blank_is_absent)).then(|| value.to_owned())
        };
        fn id<Id: FromStr>(
            fields: &mut Fields,
            field: &str,
            value: Option<String>,
        ) -> Option<Checked<Id>> {
            value.map(|v| {
                let id = v.trim().parse().map_err(|_| format!("`{v}` is not a UUID"));
                fields.check(field, id)
            })
        }
        let piece = id::<PieceId>(&mut fields, "piece", given(self.piece));
        let assignee = id::<UserId>(&mut fields, "assignee", given(self.assignee));
        let status = given(self.status).map(|s| fields.parse::<Status>("status", s.trim()));
        let words = given(self.q).map(|q| fields.text("q", &q, limits::SEARCH));
        let verdict_from = given(self.verdict_from).map(|d| day(&mut fields, "verdict_from", &d));
        let verdict_to = given(self.verdict_to).map(|d| day(&mut fields, "verdict_to", &d));
        let ends = (
            verdict_from.as_ref().and_then(Checked::peek),
            verdict_to.as_ref().and_then(Checked::peek),
        );
        if let (Some(from), Some(to)) = ends
            && from > to
        {
            fields.error(
                "verdict_to",
                format!("is {to}, before verdict_from ({from}): no day is in that range"),
            );
        }
        let limit = given(self.limit).map(|n| {
            let n = match n.trim().parse::<i64>() {
                Ok(n) if (1..=limits::PAGE_SIZE).contains(&n) => Ok(n),
                _ => Err(format!(
                    "must be a whole number from 1 to {}",
                    limits::PAGE_SIZE
                )),
            };
            fields.check("limit", n)
        });
        let after = given(self.cursor).map(|c| {
            let after = After::decode(c.trim()).ok_or_else(|| {
                "is not a page of this search; use `next_cursor` from the previous page, or start again from the first page".to_owned()
            });
            fields.check("cursor", after)
        });
        let valid = fields.finish()?;
        Ok(Search {
            piece: valid.open_sent(piece),
            status: valid.open_sent(status),
            assignee: valid.open_sent(assignee),
            words,
            verdict_from: valid.open_sent(verdict_from),
            verdict_to: valid.open_sent(verdict_to),
            limit: valid.open_sent(limit),
            after: valid.open_sent(after),
        })
    }
}

/// A calendar day, `2019-03-12`.
fn day(fields: &mut Fields, field: &str, value: &str) -> Checked<NaiveDate> {
    let day = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .ok()
        // `%Y` takes signed years of any length; Postgres and people use four digits.
        .filter(|d| (0..=9999).contains(&d.year()))
        .ok_or_else(|| format!("`{value}` is not a date such as 2019-03-12"));
    fields.check(field, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(search: SearchFields, blank_is_absent: bool) -> Vec<String> {
        search
            .read(blank_is_absent)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn dates_are_days_in_order() {
        let search = |from, to| SearchFields {
            verdict_from: Some(from),
            verdict_to: Some(to),
            ..SearchFields::default()
        };
        assert!(named(search("2019-03-01", "2019-03-01"), false).is_empty());
        assert_eq!(
            named(search("2019-03-02", "2019-03-01"), false),
            ["verdict_to"]
        );
        assert_eq!(
            named(search("12/03/2019", "2019-02-30"), false),
            ["verdict_from", "verdict_to"]
        );
        assert_eq!(named(search("+20000-01-01", ""), true), ["verdict_from"]);
        // The range is checked whatever else is wrong, so one answer names every problem.
        let reversed_and_more = SearchFields {
            status: Some("done"),
            ..search("2019-03-02", "2019-03-01")
        };
        assert_eq!(named(reversed_and_more, false), ["status", "verdict_to"]);
    }

    #[test]
    fn blanks_are_absent_only_when_asked() {
        let blank = SearchFields {
            q: Some(""),
            piece: Some(" "),
            verdict_from: Some(""),
            ..SearchFields::default()
        };
        assert!(named(blank, true).is_empty());
        assert_eq!(named(blank, false), ["piece", "q", "verdict_from"]);
    }
}
