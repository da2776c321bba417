//! `GET /api/v1/claims.csv`: the claims a search matches, as a spreadsheet.
//!
//! UTF-8 with a byte-order mark: Excel reads a CSV without one in the machine's legacy code page
//! (mojibake for every accent and curly quote), while LibreOffice, Google Sheets, pandas and
//! Python's `utf-8-sig` skip it. Lines end in CRLF and cells are quoted per RFC 4180.
use crate::input::search::SearchFields;
use crate::store::claim_sheet::{self, Sheet, SheetRow};
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::Db;
use chrono::SecondsFormat;
use rocket::http::Header;
use rocket::{Responder, Route, get, routes};

/// The most claims one export holds; more is refused with 422 (narrow the filters instead).
pub const MAX_ROWS: usize = 10_000;

const BOM: &str = "\u{FEFF}";

pub const HEADER: [&str; 10] = [
    "piece",
    "quote",
    "claimant",
    "summary",
    "status",
    "verdict reason",
    "evidence urls",
    "assignee",
    "updated at",
    "claim id",
];

#[derive(Responder)]
#[response(content_type = "text/csv; charset=utf-8")]
struct Csv {
    body: String,
    disposition: Header<'static>,
    cache: Header<'static>,
}

/// The same filters as `GET /api/v1/claims`, read by the same code; no limit or cursor, since
/// every match is exported.
#[allow(clippy::too_many_arguments)]
#[get("/claims.csv?<piece>&<status>&<assignee>&<q>&<verdict_from>&<verdict_to>")]
async fn claims_csv(
    _user: ApiUser,
    mut db: Db,
    piece: Option<&str>,
    status: Option<&str>,
    assignee: Option<&str>,
    q: Option<&str>,
    verdict_from: Option<&str>,
    verdict_to: Option<&str>,
) -> Result<Csv, AppError> {
    let search = SearchFields {
        piece,
        status,
        assignee,
        q,
        verdict_from,
        verdict_to,
        ..SearchFields::default()
    }
    .read(false)
    .map_err(AppError::invalid)?;
    // The sheet reads its own pages: the page size here is not used.
    let filter = search.filter(1);
    let rows = match claim_sheet::rows(&mut db, &filter, MAX_ROWS).await? {
        Sheet::Rows(rows) => rows,
        Sheet::TooMany => {
            return Err(AppError::Validation(
                format!(
                    "more than {MAX_ROWS} claims match, the most one export holds; narrow it with status, piece, assignee, q, verdict_from or verdict_to"
                ),
                Vec::new(),
            ));
        }
    };
    Ok(Csv {
        body: render(&rows).map_err(|e| AppError::Internal(e.to_string()))?,
        disposition: Header::new("Content-Disposition", "attachment; filename=\"claims.csv\""),
        cache: Header::new("Cache-Control", "no-store"),
    })
}

/// The sheet: a BOM, the header row, then one row per claim.
fn render(rows: &[SheetRow]) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    out.write_record(HEADER)?;
    for row in rows {
        let claim = &row.claim;
        // The reason is the verdict's only while the status is one; reopening has a reason too.
        let reason = claim
            .status_reason
            .as_deref()
            .filter(|_| claim.status.is_verdict());
        let cells = [
            claim.piece_title.as_str(),
            &claim.selector.exact,
            &claim.claimant,
            &claim.summary,
            claim.status.label(),
            reason.unwrap_or_default(),
            // A URL cannot hold a raw line break, so one per line is unambiguous.
            &row.evidence_urls.join("\n"),
            row.assignee_name.as_deref().unwrap_or_default(),
            &claim.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            &claim.id.to_string(),
        ];
        out.write_record(cells.map(defused))?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("written from UTF-8 strings only"))
}

/// A cell a spreadsheet would run as a formula (or as DDE) gets a leading apostrophe, which
/// spreadsheets show as text (OWASP's advice on CSV injection). A claim quoting "-5%" or
/// "=x" therefore reads `'-5%` in the raw file: the price of never running a formula.
pub fn defused(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub fn routes() -> Vec<Route> {
    routes![claims_csv]
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn formula_starts_get_an_apostrophe_and_other_text_is_kept() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defused(risky), format!("'{risky}"));
        }
        for safe in ["", "plain", "a=b", " =1", "'quoted", "1-2"] {
            assert_eq!(defused(safe), safe);
        }
    }
}
