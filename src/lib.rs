//! Factdesk: a fact-check claim tracker for newsrooms.
//!
//! `domain` holds the pure rules, `store` the Diesel queries, `web` the Rocket routes and `cli`
//! the command line's handlers; arrows point inward only. [`rocket`] is the one place the app is
//! assembled, for the binary and the tests alike.
pub mod cli;
pub mod config;
pub mod domain;
pub mod input;
pub mod store;
pub mod web;

pub use config::{Config, Settings};

use rocket::{Build, Rocket};

pub fn rocket(config: Config) -> Rocket<Build> {
    let (pool, queries) =
        store::database::pool(&config.settings.database_url, config.settings.pool_size);
    let checks = store::password_checks::PasswordChecks::new(
        config.settings.password_checks,
        store::password_checks::WAIT,
    );
    let hub = web::live::Hub::new(&config.settings.database_url, pool.clone());
    let rocket = rocket::custom(config.figment)
        .manage(pool)
        .manage(hub)
        .manage(checks)
        .manage(queries)
        .manage(config.settings)
        .attach(web::headers::SecurityHeaders)
        .attach(web::framing::CloseAmbiguousFraming)
        .mount("/", web::health::routes())
        .mount("/", web::openapi::routes())
        .mount("/", web::pages::routes())
        .mount("/", web::live::routes())
        .mount("/", web::api::claimreview::public_routes())
        .mount("/api/v1", web::api::routes())
        // Each address's errors are answered by the catcher registered nearest it: a page
        // everywhere, but problem documents where machines call.
        .register("/", web::pages::catchers());
    web::error::MACHINE_ADDRESSES
        .into_iter()
        .fold(rocket, |rocket, base| {
            rocket.register(base, web::error::catchers())
        })
}
