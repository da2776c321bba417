//! Typed settings: defaults here, then Rocket.toml, then `ROCKET_*` variables, then `DATABASE_URL`.
use rocket::figment::providers::{Env, Serialized};
use rocket::figment::{Figment, Profile};
use serde::{Deserialize, Serialize};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Where Postgres is; `DATABASE_URL` wins over everything else.
    pub database_url: String,
    /// Connections each instance may hold open.
    pub pool_size: usize,
    /// Load the demo piece into an empty database at start-up.
    pub load_demo: bool,
    /// Where the cookie secret is kept when `secret_key` is not configured: created on first
    /// run (mode 0600), outside git. Instances that share sessions share `ROCKET_SECRET_KEY`.
    pub secret_key_file: String,
    /// Mark the session cookie `Secure` (set it when Factdesk is served over https).
    pub secure_cookies: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "postgres://localhost/factdesk".into(),
            pool_size: 16,
            load_demo: true,
            secret_key_file: ".factdesk-secret".into(),
            secure_cookies: false,
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
        let settings: Settings = figment.extract().map_err(Box::new)?;
        // Rocket's own defaults (in `rocket::Config::figment()`) hold an all-zero `secret_key`:
        // only a non-zero one is configured. A malformed one is left for Rocket to report.
        let configured = figment.contains("secret_key")
            && figment
                .extract_inner::<rocket::config::SecretKey>("secret_key")
                .map_or(true, |key| !key.is_zero());
        let figment = if configured {
            figment
        } else {
            let file = &settings.secret_key_file;
            let key = load_or_create_secret(Path::new(file))
                .map_err(|e| Box::new(format!("secret key file {file}: {e}").into()))?;
            // As bytes: Rocket reads a key given as text only in 64 hex or 44/88 base64 characters.
            let bytes = hex_bytes(&key).ok_or_else(|| {
                Box::new(format!("secret key file {file}: not 128 hex characters").into())
            })?;
            figment.merge(Serialized::global("secret_key", bytes))
        };
        Ok(Config { figment, settings })
    }

    /// The same configuration pointed at another database (tests, tools).
    pub fn with_database_url(self, url: &str) -> Result<Self, ConfigError> {
        Self::from_figment(self.figment.merge(Serialized::global("database_url", url)))
    }
}

/// The 64 bytes of a hex-encoded secret.
fn hex_bytes(key: &str) -> Option<Vec<u8>> {
    if key.len() != 128 || !key.is_ascii() {
        return None;
    }
    (0..key.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok())
        .collect()
}

/// Reads the cookie secret, or makes one: 64 random bytes, hex-encoded, in a file only its owner
/// can read. `create_new` settles a race between instances starting at once.
fn load_or_create_secret(path: &Path) -> std::io::Result<String> {
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(key.as_bytes())?;
            Ok(key)
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?.trim().to_owned())
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_secret_is_made_once_private_to_its_owner_and_then_reused() {
        let dir = std::env::temp_dir().join(format!("factdesk-secret-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("secret");
        let first = load_or_create_secret(&path).unwrap();
        assert_eq!(first.len(), 128);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(load_or_create_secret(&path).unwrap(), first);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn without_a_configured_key_rocket_uses_the_one_in_the_file_on_every_start() {
        let dir = std::env::temp_dir().join(format!("factdesk-secret-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        // As `from_env` builds it: Rocket's defaults carry an all-zero key, which is no key.
        let figment = Figment::from(Serialized::defaults(Settings {
            secret_key_file: dir.join("secret").to_string_lossy().into_owned(),
            ..Settings::default()
        }))
        .merge(rocket::Config::figment());
        let key = |figment: &Figment| {
            let config = Config::from_figment(figment.clone()).unwrap();
            config
                .figment
                .extract::<rocket::Config>()
                .unwrap()
                .secret_key
        };
        let first = key(&figment);
        assert!(!first.is_zero());
        assert!(first == key(&figment), "a restart keeps everyone signed in");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_configured_secret_key_is_used_as_it_is() {
        let key = "a".repeat(128);
        let figment = Figment::from(Serialized::defaults(Settings {
            secret_key_file: "/nonexistent/dir/secret".into(),
            ..Settings::default()
        }))
        .merge(Serialized::global("secret_key", &key));
        let config = Config::from_figment(figment).unwrap();
        assert_eq!(
            config
                .figment
                .extract_inner::<String>("secret_key")
                .unwrap(),
            key
        );
    }
}
