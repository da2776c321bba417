//! `factdesk seed-synthetic --pieces P [--claims-per-piece C] [--seed S]`: fills an empty
//! database with a made-up newsroom for benchmarks (see `store::synthetic`).
use crate::store::synthetic::{self, COMMON_WORD, Options, RARE_WORD, generate};
use crate::store::{Conn, database};
use chrono::{NaiveTime, Utc};
use clap::Args;
use diesel_async::AsyncConnection;
use std::time::Instant;

/// Connections writing at once: Postgres runs the triggers of each on a core of its own.
const WRITERS: usize = 2;

#[derive(Debug, Args)]
pub struct SeedSynthetic {
    /// How many pieces.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(generate::MAX_PIECES)))]
    pub pieces: u32,
    /// Claims on each piece.
    #[arg(long, default_value_t = 40,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(generate::MAX_CLAIMS_PER_PIECE)))]
    pub claims_per_piece: u32,
    /// The same seed (on the same day, UTC) writes the same rows.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub async fn run(url: &str, args: &SeedSynthetic) -> Result<(), String> {
    let mut conns = Vec::with_capacity(WRITERS);
    for _ in 0..WRITERS {
        conns.push(
            Conn::establish(url)
                .await
                .map_err(|e| format!("cannot connect to {}: {e}", database::redacted(url)))?,
        );
    }
    // Times are counted back from the start of today (UTC), so a seed gives the same rows all day.
    let now = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    let options = Options {
        pieces: args.pieces,
        claims_per_piece: args.claims_per_piece,
        seed: args.seed,
        now,
    };
    let started = Instant::now();
    let seeded = synthetic::seed(conns, options)
        .await
        .map_err(|e| format!("could not seed: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "factdesk: seeded {} pieces and {} claims ({} evidence, {} notes, {} events, {} users) in {seconds:.1} s, {:.0} claims/s; common word: {COMMON_WORD} (in {} quotes), rare word: {RARE_WORD} (in {})",
        seeded.pieces,
        seeded.claims,
        seeded.evidence,
        seeded.notes,
        seeded.events,
        seeded.users,
        seeded.claims as f64 / seconds,
        seeded.common_quotes,
        seeded.rare_quotes,
    );
    Ok(())
}
