//! People who use the desk: their roles, passwords and whether they may still sign in.
use super::credentials;
pub use super::records::User;
use super::schema::users;
use super::{Conn, SYSTEM_USER, StoreError, StoreResult};
use crate::domain::roles::Role;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// A validated new user, with the password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    id: Uuid,
    name: &'a str,
    email: &'a str,
    role: &'a str,
    password_hash: &'a str,
}

pub async fn add(conn: &mut Conn, new: &NewUser) -> StoreResult<User> {
    let inserted = diesel::insert_into(users::table)
        .values(NewUserRow {
            id: Uuid::new_v4(),
            name: &new.name,
            email: &new.email,
            role: new.role.as_str(),
            password_hash: &new.password_hash,
        })
        .returning(User::as_returning())
        .get_result(conn)
        .await;
    match inserted {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(StoreError::invalid(
            "email",
            format!("{} already has an account", new.email),
        )),
        other => Ok(other?),
    }
}

/// Everyone but the built-in System user, by name.
pub async fn list(mut conn: &Conn) -> StoreResult<Vec<User>> {
    Ok(users::table
        .filter(users::id.ne(SYSTEM_USER))
        .order((users::name.asc(), users::email.asc()))
        .select(User::as_select())
        .load(&mut conn)
        .await?)
}

fn by_email(email: &str) -> users::BoxedQuery<'static, diesel::pg::Pg> {
    users::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(email) = lower(")
                .bind::<diesel::sql_types::Text, _>(email.to_owned())
                .sql(")"),
        )
        .into_boxed()
}

/// The user and their password hash, for signing in (case-insensitive email).
pub async fn for_sign_in(
    conn: &mut Conn,
    email: &str,
) -> StoreResult<Option<(User, Option<String>)>> {
    Ok(by_email(email)
        .select((User::as_select(), users::password_hash))
        .first(conn)
        .await
        .optional()?)
}

async fn update_by_email<V>(conn: &mut Conn, email: &str, changes: V) -> StoreResult<User>
where
    V: diesel::AsChangeset<Target = users::table> + Send,
    <V as diesel::AsChangeset>::Changeset:
        Send + diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    let id: Uuid = by_email(email)
        .filter(users::id.ne(SYSTEM_USER))
        .select(users::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| StoreError::invalid("email", format!("no user has the email {email}")))?;
    Ok(diesel::update(users::table.find(id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Disabling takes effect at once and ends every session and token of the user, so enabling
/// them again later does not bring back a credential that may have leaked.
pub async fn set_disabled(conn: &mut Conn, email: &str, disabled: bool) -> StoreResult<User> {
    conn.transaction(async move |conn| {
        let user = update_by_email(conn, email, users::disabled.eq(disabled)).await?;
        if disabled {
            credentials::revoke_all(conn, user.id).await?;
        }
        Ok(user)
    })
    .await
}

/// A new password ends every session and token made with the old one.
pub async fn set_password_hash(conn: &mut Conn, email: &str, hash: &str) -> StoreResult<User> {
    conn.transaction(async move |conn| {
        let user = update_by_email(conn, email, users::password_hash.eq(hash)).await?;
        credentials::revoke_all(conn, user.id).await?;
        Ok(user)
    })
    .await
}

/// Whether anyone (besides System) can sign in yet.
pub async fn anyone_can_sign_in(conn: &mut Conn) -> StoreResult<bool> {
    let count: i64 = users::table
        .filter(users::id.ne(SYSTEM_USER))
        .filter(users::password_hash.is_not_null())
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)
        .await?;
    Ok(count > 0)
}
