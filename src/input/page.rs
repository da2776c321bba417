//! Where a listing's page starts and how long it is, as people send it (`limit`, `cursor`): the
//! pieces of the API and of the desk are paged through here.
use crate::domain::fields::{Fields, limits};
use crate::store::listing::Cursor;

/// A checked page: its size, and the cursor of the page before (none for the first).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub limit: i64,
    pub after: Option<Cursor>,
}

impl Paging {
    /// Reads `limit` (1 to the largest page size; `default` when absent) and `cursor` (a
    /// `next_cursor` this listing gave), adding what is wrong with each to `fields`. An empty
    /// parameter is no parameter, as a form's untouched field is.
    pub fn read(
        fields: &mut Fields,
        limit: Option<&str>,
        cursor: Option<&str>,
        default: i64,
    ) -> Paging {
        let limit = match given(limit).map(str::parse::<i64>) {
            None => default,
            Some(Ok(n)) if (1..=limits::PAGE_SIZE).contains(&n) => n,
            Some(_) => {
                fields.error(
                    "limit",
                    format!("must be a whole number from 1 to {}", limits::PAGE_SIZE),
                );
                default
            }
        };
        let after = given(cursor).and_then(|c| {
            Cursor::decode(c).or_else(|| {
                fields.error(
                    "cursor",
                    "is not a page of this listing; use `next_cursor` from the previous page, or start again from the first page",
                );
                None
            })
        });
        Paging { limit, after }
    }
}

/// A parameter as sent, trimmed; an empty one is none.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(limit: Option<&str>, cursor: Option<&str>) -> Vec<String> {
        let mut fields = Fields::default();
        Paging::read(&mut fields, limit, cursor, 20);
        fields
            .finish()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn sizes_and_cursors_are_checked() {
        let mut fields = Fields::default();
        let paging = Paging::read(&mut fields, None, Some(""), 20);
        assert_eq!((paging.limit, paging.after), (20, None));
        assert!(refused(Some("100"), None).is_empty());
        assert_eq!(refused(Some("0"), Some("nope")), ["limit", "cursor"]);
        assert_eq!(refused(Some("101"), None), ["limit"]);
        let cursor = "1578873600123456.0123456789abcdef0123456789abcdef";
        assert!(refused(None, Some(cursor)).is_empty());
    }
}
