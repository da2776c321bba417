//! `factdesk user …`: accounts from the command line. Each handler checks its input, calls the
//! store and prints one line; a failure is one message, which `main` prints after `factdesk: `.
use crate::domain::fields::Fields;
use crate::domain::password;
use crate::domain::roles::Role;
use crate::store::users::{self, NewUser, User};
use crate::store::{Conn, SYSTEM_USER, StoreError};
use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::io::{BufRead, IsTerminal};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user, with a password from standard input.
    ///
    /// The password is one line of standard input; when standard input is a terminal, it is
    /// prompted for twice, without echo.
    Add {
        /// Their email, which they sign in with (unique, whatever its case).
        #[arg(long)]
        email: String,
        /// Their name, as the desk shows it.
        #[arg(long)]
        name: String,
        /// What they may do: reviewers read, note and sign off; editors also edit; admins also
        /// manage users.
        #[arg(long, value_parser = role_parser())]
        role: Role,
    },
    /// List the users: email, name, role, and `disabled` for those who may not sign in.
    List,
    /// Disable a user: their sessions and API tokens stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again (they sign in afresh: disabling ended their sessions and tokens).
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Set a user's password, from standard input.
    ///
    /// The password is read as `add` reads it.
    Passwd {
        #[arg(long)]
        email: String,
    },
}

/// Accepts the roles' names only; `--help` and the error for any other word list them.
fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(Role::ALL.map(Role::as_str)).try_map(|name| name.parse::<Role>())
}

pub async fn run(conn: &mut Conn, command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add { email, name, role } => add(conn, &email, &name, role).await,
        UserCommand::List => list(conn).await,
        UserCommand::Disable { email } => set_disabled(conn, &email, true).await,
        UserCommand::Enable { email } => set_disabled(conn, &email, false).await,
        UserCommand::Passwd { email } => passwd(conn, &email).await,
    }
}

async fn add(conn: &mut Conn, email: &str, name: &str, role: Role) -> Result<(), String> {
    let (name, email) = check_person(name, email)?;
    // Asked before the password is typed; the unique index still decides a race.
    if let Some((existing, _)) = users::for_sign_in(conn, &email)
        .await
        .map_err(store_error)?
    {
        return Err(format!("{} already has an account", existing.email));
    }
    let password = new_password(&email)?;
    let new = NewUser {
        name,
        email,
        role,
        password_hash: password::hash(&password),
    };
    let user = users::add(conn, &new).await.map_err(store_error)?;
    println!("factdesk: added {} {}", user.role(), who(&user));
    Ok(())
}

async fn list(conn: &mut Conn) -> Result<(), String> {
    let everyone = users::list(conn).await.map_err(store_error)?;
    if everyone.is_empty() {
        eprintln!("factdesk: no users yet; add one with `factdesk user add`");
    }
    for line in table(&everyone) {
        println!("{line}");
    }
    Ok(())
}

async fn set_disabled(conn: &mut Conn, email: &str, disabled: bool) -> Result<(), String> {
    let user = users::set_disabled(conn, email.trim(), disabled)
        .await
        .map_err(store_error)?;
    if disabled {
        println!(
            "factdesk: disabled {}; their sessions and API tokens no longer work",
            who(&user)
        );
    } else {
        println!("factdesk: enabled {}", who(&user));
    }
    Ok(())
}

async fn passwd(conn: &mut Conn, email: &str) -> Result<(), String> {
    let email = email.trim();
    // Asked before the password is typed, with the store's own answer for a stranger.
    let known = users::for_sign_in(conn, email)
        .await
        .map_err(store_error)?
        .filter(|(user, _)| user.id != SYSTEM_USER);
    let Some((user, _)) = known else {
        return Err(format!("no user has the email {email}"));
    };
    let password = new_password(&user.email)?;
    let user = users::set_password_hash(conn, email, &password::hash(&password))
        .await
        .map_err(store_error)?;
    println!(
        "factdesk: changed the password of {}; their sessions and API tokens were ended",
        who(&user)
    );
    Ok(())
}

/// "Jane Doe <jane@example.org>"
fn who(user: &User) -> String {
    format!("{} <{}>", user.name, user.email)
}

/// One line per user, columns aligned: email, name, role, and `disabled` when so.
fn table(users: &[User]) -> Vec<String> {
    let widest = |column: fn(&User) -> &str| {
        users
            .iter()
            .map(|user| column(user).chars().count())
            .max()
            .unwrap_or(0)
    };
    let (email_width, name_width) = (widest(|u| &u.email), widest(|u| &u.name));
    let role_width = Role::ALL.iter().map(|role| role.as_str().len()).max();
    let role_width = role_width.unwrap_or(0);
    users
        .iter()
        .map(|user| {
            let disabled = if user.disabled { "disabled" } else { "" };
            let line = format!(
                "{:email_width$}  {:name_width$}  {:role_width$}  {disabled}",
                user.email, user.name, user.role
            );
            line.trim_end().to_owned()
        })
        .collect()
}

/// The name and email, checked by the same rules as the API's; one line naming each problem.
fn check_person(name: &str, email: &str) -> Result<(String, String), String> {
    let mut fields = Fields::default();
    let (name, email) = (fields.name("name", name), fields.email("email", email));
    fields.finish().map_err(|errors| {
        let problems: Vec<String> = errors
            .iter()
            .map(|e| format!("--{} {}", e.field, e.message))
            .collect();
        problems.join("; ")
    })?;
    Ok((name, email))
}

/// The new password: prompted for twice without echo on a terminal, else one line of standard
/// input. Either way it must meet the rules for new passwords.
fn new_password(email: &str) -> Result<String, String> {
    let checked = |password: String| match password::check_new(&password) {
        Ok(()) => Ok(password),
        Err(why) => Err(format!("the password {why}")),
    };
    if !std::io::stdin().is_terminal() {
        return checked(read_line(std::io::stdin().lock())?);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| format!("could not read the password: {e}"))
    };
    let password = checked(ask(&format!("New password for {email}: "))?)?;
    if ask("The same password again: ")? != password {
        return Err("the two passwords differ".into());
    }
    Ok(password)
}

/// The first line, without its line ending (`\n` or `\r\n`) and nothing else trimmed.
fn read_line(mut input: impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    let read = input.read_line(&mut line).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => "the password on standard input is not UTF-8".into(),
        _ => format!("could not read the password from standard input: {e}"),
    })?;
    if read == 0 {
        return Err(
            "no password on standard input: pipe it as one line, or run this in a terminal".into(),
        );
    }
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    Ok(line)
}

/// The store's refusals name a field; the command line needs only their messages.
fn store_error(error: StoreError) -> String {
    match error {
        StoreError::Invalid(errors) => errors
            .into_iter()
            .map(|error| error.message)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piped_password_loses_its_line_ending_only() {
        let read = |input: &str| read_line(input.as_bytes());
        assert_eq!(read("  spaced out  \n").as_deref(), Ok("  spaced out  "));
        assert_eq!(read("windows\r\nsecond line").as_deref(), Ok("windows"));
        assert_eq!(read("no newline").as_deref(), Ok("no newline"));
        assert!(read("").is_err());
        assert!(read_line(&b"\xff\xfe\n"[..]).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn the_table_aligns_its_columns() {
        let user = |email: &str, name: &str, role, disabled| User {
            id: crate::store::ids::UserId::random(),
            name: name.into(),
            email: email.into(),
            role,
            disabled,
            created_at: chrono::Utc::now(),
        };
        let lines = table(&[
            user("jane@example.org", "Jane Doe", Role::Editor, true),
            user("al@example.org", "Al", Role::Admin, false),
        ]);
        assert_eq!(
            lines,
            [
                "jane@example.org  Jane Doe  editor    disabled",
                "al@example.org    Al        admin",
            ]
        );
    }

    #[test]
    fn the_store_refusal_reads_as_its_message() {
        let error = StoreError::invalid("email", "jane@example.org already has an account");
        assert_eq!(
            store_error(error),
            "jane@example.org already has an account"
        );
    }
}
