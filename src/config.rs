//! Typed settings: defaults here, then Rocket.toml, then `ROCKET_*` variables, then `DATABASE_URL`.
use rocket::figment::providers::{Env, Serialized};
use rocket::figment::{Figment, Profile};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Where Postgres is; `DATABASE_URL` wins over everything else.
    pub database_url: String,
    /// Connections each instance may hold open.
    pub pool_size: usize,
    /// Load the demo piece into an empty database at start-up.
    pub load_demo: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "postgres://localhost/factdesk".into(),
            pool_size: 16,
            load_demo: true,
        }
    }
}

/// A setting that is missing or of the wrong type (boxed: figment's error is large).
pub type ConfigError = Box<rocket::figment::Error>;

/// Everything the app is built from: Rocket's own settings and ours, from one figment.
#[derive(Debug, Clone)]
pub struct Config {
    pub figment: Figment,
    pub settings: Settings,
}

impl Config {
    /// Reads Rocket.toml (found from the working directory up) and the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let figment = Figment::from(Serialized::defaults(Settings::default()))
            .merge(rocket::Config::figment())
            .merge(Env::raw().only(&["DATABASE_URL"]).profile(Profile::Global));
        Self::from_figment(figment)
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings = figment.extract().map_err(Box::new)?;
        Ok(Config { figment, settings })
    }

    /// The same configuration pointed at another database (tests, tools).
    pub fn with_database_url(self, url: &str) -> Result<Self, ConfigError> {
        Self::from_figment(self.figment.merge(Serialized::global("database_url", url)))
    }
}
