//! `factdesk export` and `factdesk import`: the whole database as one JSON document, for backups
//! and moving a desk between servers.
use crate::store::Conn;
use crate::store::dump::{self, Dump};
use std::io::Write;

/// Writes the document to standard output (one JSON document, pretty-printed, ending in a newline).
pub async fn export(conn: &mut Conn, with_credentials: bool) -> Result<(), String> {
    let dump = dump::export(conn, with_credentials)
        .await
        .map_err(|e| format!("could not read the database: {e}"))?;
    let mut text = serde_json::to_string_pretty(&dump)
        .map_err(|e| format!("could not write the dump: {e}"))?;
    text.push('\n');
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("could not write the dump: {e}"))?;
    if !with_credentials {
        eprintln!(
            "factdesk: exported without password hashes, API tokens or sessions (add --with-credentials to include them)"
        );
    }
    Ok(())
}

/// Reads and checks the document before the database is touched, so a wrong file changes nothing.
pub fn read(path: &str) -> Result<Dump, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Dump::parse(&text).map_err(|why| format!("{path}: {why}"))
}

pub async fn import(conn: &mut Conn, dump: &Dump) -> Result<(), String> {
    let loaded = dump::import(conn, dump)
        .await
        .map_err(|e| format!("nothing was imported: {e}"))?;
    let count = |n: usize, noun| dump::counted(i64::try_from(n).unwrap_or(i64::MAX), noun);
    println!(
        "factdesk: imported {}, {} and {}",
        count(loaded.users, "user"),
        count(loaded.pieces, "piece"),
        count(loaded.claims, "claim")
    );
    if loaded.without_password > 0 {
        eprintln!(
            "factdesk: {} imported without a password, so cannot sign in until an admin runs `factdesk user passwd --email …` for each",
            count(loaded.without_password, "user")
        );
    }
    Ok(())
}
