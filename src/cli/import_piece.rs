//! `factdesk import-piece FILE --title T --published DATE`: a piece from a text file, for pieces
//! that arrive as files rather than through the desk's form.
//!
//! It is checked by the very validation the API and the form use (`input::piece`), so the
//! command line can add nothing the desk would refuse; that module lives in `web` because it
//! builds the store's input types, which is why this CLI reaches into it.
use crate::input::piece::PieceFields;
use crate::store::{self, Conn, SYSTEM_USER, StoreError};
use clap::Args;

#[derive(Debug, Args)]
pub struct ImportPiece {
    /// The piece's text: a UTF-8 file, stored exactly as it is (claims are anchored in it).
    pub file: String,
    /// The headline.
    #[arg(long)]
    pub title: String,
    /// When it was published: a date (2020-01-13) or an RFC 3339 time.
    #[arg(long)]
    pub published: String,
    /// The outlet that published it.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Where it was published (http or https).
    #[arg(long)]
    pub url: Option<String>,
    /// An author; repeat for each.
    #[arg(long = "author")]
    pub authors: Vec<String>,
}

/// The command-line name of each field, so a refusal says what to change.
fn option(field: &str) -> &str {
    match field {
        "body" => "FILE",
        "published_at" => "--published",
        "authors" => "--author",
        "title" => "--title",
        "outlet" => "--outlet",
        "url" => "--url",
        other => other,
    }
}

pub async fn run(conn: &mut Conn, args: &ImportPiece) -> Result<(), String> {
    let body = std::fs::read(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file))?;
    let body =
        String::from_utf8(body).map_err(|_| format!("FILE {} is not UTF-8 text", args.file))?;
    let fields = PieceFields {
        title: &args.title,
        body: &body,
        outlet: args.outlet.as_deref(),
        url: args.url.as_deref(),
        authors: &args.authors,
        published_at: &args.published,
    };
    let new = fields.validate().map_err(|errors| {
        let problems: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {}", option(&e.field), e.message))
            .collect();
        problems.join("; ")
    })?;
    // No one is signed in on the command line: the piece is the System user's, like the demo.
    let piece = store::pieces::create(conn, SYSTEM_USER, &new)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{} {}", option(&e.field), e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => format!("could not add the piece: {other}"),
        })?;
    println!("{}", piece.piece.id);
    println!("/pieces/{}", piece.piece.id);
    Ok(())
}
