//! The domain's named values (status, priority, stance, role, event kind, anchor) as Diesel reads them
//! from their text columns. Every reader gets the typed value or, for a name the domain does not
//! know (which the columns' checks forbid), one error: a broken database, never a quiet default.
//! Writes bind `as_str()`: the domain stays free of Diesel's derives.
use crate::domain::claimreview::ClaimantKind;
use crate::domain::history::EventKind;
use crate::domain::reanchor::Anchor;
use crate::domain::roles::Role;
use crate::domain::workflow::{Priority, Stance, Status};
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Integer, Text};

macro_rules! text_columns {
    ($($type:ty),+) => {$(
        impl FromSql<Text, Pg> for $type {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                Ok(std::str::from_utf8(value.as_bytes())?.parse::<$type>()?)
            }
        }

        // What `#[derive(FromSqlRow)]` would write: the value is its own row.
        impl Queryable<Text, Pg> for $type {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

text_columns!(
    Status,
    Priority,
    Stance,
    Role,
    EventKind,
    ClaimantKind,
    Anchor
);

/// A position in a piece's text, in characters, as a claim's quote is anchored: never negative
/// (the column's check says so), so a negative one is a broken database, not a place to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position(pub usize);

impl FromSql<Integer, Pg> for Position {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let stored = <i32 as FromSql<Integer, Pg>>::from_sql(value)?;
        Ok(Position(usize::try_from(stored)?))
    }
}

impl Queryable<Integer, Pg> for Position {
    type Row = Self;
    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}
