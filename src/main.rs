//! The `factdesk` command: a thin CLI over the library.
use clap::{Parser, Subcommand};
use factdesk::cli::dump;
use factdesk::cli::import_piece::{self, ImportPiece};
use factdesk::cli::seed::{self, SeedSynthetic};
use factdesk::cli::users::{self, UserCommand};
use factdesk::store::{self, database};
use factdesk::{Config, rocket};
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about = "Factdesk: a fact-check claim tracker for newsrooms")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create and migrate the database if needed, load the demo into an empty one, and serve (the default).
    Serve,
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Replace the demo piece with a fresh copy (its claims back to unchecked).
    Demo {
        /// Reload even when people have worked on the demo piece (their changes are lost).
        #[arg(long)]
        force: bool,
    },
    /// Add, list, disable and enable users, and set their passwords.
    #[command(subcommand)]
    User(UserCommand),
    /// Write the whole database to standard output as one JSON document (factdesk export > dump.json).
    ///
    /// Users are exported without their password hashes, and API tokens and sessions are left out,
    /// unless --with-credentials is given.
    Export {
        /// Include password hashes, API tokens and sessions (keep such a file as safe as the database).
        #[arg(long)]
        with_credentials: bool,
    },
    /// Load a document written by `factdesk export` into a new, empty database, in one transaction.
    Import {
        /// The dump to load.
        file: String,
    },
    /// Add a piece whose text is in a file; prints its id and the address of its page.
    ImportPiece(ImportPiece),
    /// Fill an empty database with a made-up newsroom for benchmarks (refuses one with any piece).
    ///
    /// About 20 users who cannot sign in, pieces published over the last two years, and claims
    /// with evidence, notes, verdicts, sign-offs and their history. The word `budget` is in about
    /// a quarter of the quotes, `zeppelin` in one in 10,000.
    SeedSynthetic(SeedSynthetic),
}

#[rocket::main]
async fn main() -> ExitCode {
    match run(Cli::parse().command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("factdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("bad configuration: {e}"))?;
    let url = config.settings.database_url.clone();
    // The file is read and checked first, so a wrong one leaves the database as it was (or
    // not even created).
    let document = match &command {
        Command::Import { file } => Some(dump::read(file)?),
        _ => None,
    };
    database::prepare(&url).await.map_err(|e| e.to_string())?;
    if let Some(document) = document {
        return dump::import(&mut connect(&url).await?, &document).await;
    }
    match command {
        Command::Migrate => {
            println!("factdesk: {} is migrated", database::redacted(&url));
            Ok(())
        }
        Command::Demo { force } => {
            let mut conn = connect(&url).await?;
            let piece = store::demo::reload(&mut conn, force)
                .await
                .map_err(|e| format!("could not load the demo: {e}"))?;
            println!("factdesk: demo piece reloaded as /api/v1/pieces/{piece}");
            Ok(())
        }
        Command::User(command) => users::run(&mut connect(&url).await?, command).await,
        Command::Export { with_credentials } => {
            dump::export(&mut connect(&url).await?, with_credentials).await
        }
        Command::Import { .. } => unreachable!("an import has returned above"),
        Command::ImportPiece(args) => import_piece::run(&mut connect(&url).await?, &args).await,
        Command::SeedSynthetic(args) => seed::run(&url, &args).await,
        Command::Serve => {
            let mut conn = connect(&url).await?;
            let loaded = config.settings.load_demo
                && store::demo::load_if_empty(&mut conn)
                    .await
                    .map_err(|e| format!("could not load the demo: {e}"))?;
            if loaded {
                println!("factdesk: the database was empty, so the demo piece has been loaded");
            }
            let anyone = store::users::anyone_can_sign_in(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            if !anyone {
                println!(
                    "factdesk: no one can sign in yet. Create the first admin with\n  factdesk user add --email you@example.org --name 'Your Name' --role admin\n(it reads the password from standard input)"
                );
            }
            drop(conn);
            rocket(config)
                .launch()
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    }
}

async fn connect(url: &str) -> Result<store::Conn, String> {
    use diesel_async::AsyncConnection;
    store::Conn::establish(url)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", database::redacted(url)))
}
