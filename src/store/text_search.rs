//! The full-text index as the store's queries use it: the table of documents (`claim_search`,
//! kept by the triggers of migration 000005), the one text search configuration, and the three
//! ways a query finds the claims that match some words: a subquery of ids (`matching`), a walk
//! that looks each claim up (`looked_up`), and which of the two reads fewer rows (`walks`).
//! Shared by the ranked search and the listings' filters, so neither imports the other.
use super::schema::{claims as claims_table, pieces};
use super::{Conn, StoreResult};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;

/// Postgres types Diesel has no name for.
pub mod sql_types {
    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "tsvector"))]
    pub struct TsVector;

    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "tsquery"))]
    pub struct TsQuery;

    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "regconfig"))]
    pub struct RegConfig;
}
use sql_types::{RegConfig, TsQuery};

// Declared here rather than in schema.rs, which diesel.toml keeps it out of (Diesel's schema
// printer knows no tsvector).
diesel::table! {
    use diesel::sql_types::Uuid;
    use super::sql_types::TsVector;

    claim_search (claim_id) {
        claim_id -> Uuid,
        document -> TsVector,
    }
}
diesel::joinable!(claim_search -> claims_table (claim_id));
diesel::allow_tables_to_appear_in_same_query!(claim_search, claims_table);
diesel::allow_tables_to_appear_in_same_query!(claim_search, pieces);

diesel::define_sql_function! {
    /// The text search configuration (migration 000005): the one place it is named.
    fn factdesk_search_config() -> RegConfig;
}
diesel::define_sql_function! {
    /// Words as people type them into a search box: `"exact phrase"`, `or`, `-not`; never a syntax error.
    fn websearch_to_tsquery(config: RegConfig, words: Text) -> TsQuery;
}
diesel::define_sql_function! {
    /// Whether ranking the newest matches should walk claims rather than read every match
    /// (migration 000006).
    fn claim_search_walks(query: TsQuery, window_size: diesel::sql_types::Integer) -> diesel::sql_types::Bool;
}
diesel::define_sql_function! {
    /// How many operands and operators a query has: none when every word is a stop word.
    fn numnode(query: TsQuery) -> diesel::sql_types::Integer;
}
diesel::infix_operator!(Matches, " @@ ", backend: Pg);

diesel::alias!(claim_search as matched_search: MatchedSearch);

/// The words as a query, parsed with the search configuration.
pub(super) fn words_query(words: &str) -> websearch_to_tsquery<factdesk_search_config, String> {
    websearch_to_tsquery(factdesk_search_config(), words.to_owned())
}

/// The ids of claims whose document matches `words` (a subquery, on an alias of
/// `claim_search` so that the ranked search can join the table itself too).
pub(super) fn matching(words: &str) -> MatchingIds {
    matched_search
        .select(matched_search.field(claim_search::claim_id))
        .filter(Matches::new(
            matched_search.field(claim_search::document),
            words_query(words),
        ))
}

type MatchingIds = diesel::dsl::Filter<
    diesel::dsl::Select<
        diesel::query_source::Alias<MatchedSearch>,
        diesel::query_source::AliasedField<MatchedSearch, claim_search::claim_id>,
    >,
    Matches<
        diesel::query_source::AliasedField<MatchedSearch, claim_search::document>,
        websearch_to_tsquery<factdesk_search_config, String>,
    >,
>;

/// Whether finding `wanted` claims that match `words` (newest first) should walk claims and look
/// each up (`looked_up`) rather than read every match through the GIN index: Postgres's
/// statistics say which reads fewer rows (migration 000006, `claim_search_walks`).
pub(super) async fn walks(mut conn: &Conn, words: &str, wanted: i64) -> StoreResult<bool> {
    let wanted = i32::try_from(wanted).unwrap_or(i32::MAX);
    Ok(
        diesel::select(claim_search_walks(words_query(words), wanted))
            .get_result(&mut conn)
            .await?,
    )
}

/// What a search's words leave to do, asked in one statement (`weigh`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weighed {
    /// Every word is a stop word or punctuation ("the", "%"): nothing to match.
    NothingToMatch,
    /// Few enough matches to read them all through the GIN index.
    Joined,
    /// Common enough to walk claims newest first and look each up (`walks`).
    Walked,
}

/// Whether `words` leave anything to search for and, if so, whether finding `wanted` of their
/// matches should walk (`walks`): one round trip, where asking each in turn took two.
pub(super) async fn weigh(mut conn: &Conn, words: &str, wanted: i64) -> StoreResult<Weighed> {
    let wanted = i32::try_from(wanted).unwrap_or(i32::MAX);
    let (nodes, walked): (i32, bool) = diesel::select((
        numnode(words_query(words)),
        claim_search_walks(words_query(words), wanted),
    ))
    .get_result(&mut conn)
    .await?;
    Ok(match (nodes > 0, walked) {
        (false, _) => Weighed::NothingToMatch,
        (true, false) => Weighed::Joined,
        (true, true) => Weighed::Walked,
    })
}

/// Whether `words` leave anything to search for once stop words and punctuation are dropped.
pub(super) async fn has_lexemes(mut conn: &Conn, words: &str) -> StoreResult<bool> {
    let nodes: i32 = diesel::select(numnode(words_query(words)))
        .get_result(&mut conn)
        .await?;
    Ok(nodes > 0)
}

/// The condition "this claim's document matches `words`", checked claim by claim as a walk
/// reaches it: the `OFFSET 0` keeps Postgres from turning it into a join over every match.
pub(super) fn looked_up(
    words: &str,
) -> Box<dyn BoxableExpression<claims_table::table, Pg, SqlType = diesel::sql_types::Bool>> {
    Box::new(
        diesel::dsl::sql::<diesel::sql_types::Bool>("EXISTS (SELECT 1 FROM claim_search s ")
            .sql("WHERE s.claim_id = claims.id AND s.document @@ ")
            .sql("websearch_to_tsquery(factdesk_search_config(), ")
            .bind::<Text, _>(words.to_owned())
            .sql(") OFFSET 0)"),
    )
}
