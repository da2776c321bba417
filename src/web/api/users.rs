use crate::domain::fields::Fields;
use crate::domain::password;
use crate::domain::roles::Role;
use crate::store::{self, users::NewUser, users::User};
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, Input};
use crate::web::permission::{ApiMay, ManageUsers};
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, get, post, routes};
use serde::Deserialize;

/// Who is signed in.
#[get("/users/me")]
fn me(user: ApiUser) -> Json<User> {
    Json(user.0.user)
}

#[get("/users")]
async fn list(_admin: ApiMay<ManageUsers>, db: Db) -> Result<Json<Vec<User>>, AppError> {
    Ok(Json(store::users::list(&db).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserInput {
    name: String,
    email: String,
    role: String,
    password: String,
}

impl UserInput {
    /// Checks the fields, then hashes the password (slow on purpose, so off the async workers).
    async fn validate(self) -> Result<NewUser, AppError> {
        let mut fields = Fields::default();
        let name = fields.name("name", &self.name);
        let email = fields.email("email", &self.email);
        let role = fields.parse::<Role>("role", &self.role);
        if let Err(message) = password::check_new(&self.password) {
            fields.error("password", message);
        }
        let valid = fields.finish().map_err(AppError::invalid)?;
        let password = self.password;
        let password_hash = rocket::tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(NewUser {
            name,
            email,
            role: valid.open(role),
            password_hash,
        })
    }
}

#[post("/users", data = "<input>")]
async fn add(
    _admin: ApiMay<ManageUsers>,
    db: DbAfterBody<'_>,
    input: Input<UserInput>,
) -> Result<Created<Json<User>>, AppError> {
    let mut db = db.connect().await?;
    let added = store::users::add(&mut db, &input.0.validate().await?).await?;
    Ok(Created::new("/api/v1/users").body(Json(added)))
}

pub fn routes() -> Vec<Route> {
    routes![me, list, add]
}
