//! Typed settings, in layers, each overriding the ones before: Rocket's built-in defaults, then
//! Factdesk's (here), then Rocket.toml, then `ROCKET_*` variables, then `DATABASE_URL`.
use rocket::figment::providers::{Env, Format, Serialized, Toml};
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
    /// Password checks (argon2, 19 MiB and a core each) run at once; more sign-ins wait a
    /// second, then are answered 503 with `Retry-After`. By default, one per core.
    pub password_checks: usize,
    /// Load the demo piece into an empty database at start-up.
    pub load_demo: bool,
    /// Where the cookie secret is kept when `secret_key` is not configured: created on first
    /// run (mode 0600), outside git. Instances that share sessions share `ROCKET_SECRET_KEY`.
    pub secret_key_file: String,
    /// Served over https: mark the session and CSRF cookies `Secure` and send
    /// `Strict-Transport-Security` (set it when Factdesk is served over https).
    pub secure_cookies: bool,
    /// The public base URL the pages are reached at: published fact checks link to
    /// `{public_url}/checks/{id}` (absolute http(s); a trailing `/` is ignored).
    pub public_url: String,
    /// The newsroom that publishes the checks: the `author` of every ClaimReview.
    pub newsroom_name: String,
    /// The newsroom's own site; none means `public_url`.
    pub newsroom_url: Option<String>,
    /// Seconds a connection has to send a request's whole head, from when it opens or its last
    /// answer was sent: a client that sends it slowly, or idles between requests, is disconnected.
    pub header_timeout: u64,
    /// Seconds a request has to send its whole body; a slower one is answered 408.
    pub body_timeout: u64,
}

impl Settings {
    /// The newsroom's site as published: `newsroom_url`, else `public_url`.
    pub fn newsroom_url(&self) -> &str {
        self.newsroom_url.as_deref().unwrap_or(&self.public_url)
    }

    /// Refuses what would publish broken links: each URL must be absolute http(s).
    pub fn validate(&self) -> Result<(), String> {
        let urls = [
            ("public_url", Some(self.public_url.as_str())),
            ("newsroom_url", self.newsroom_url.as_deref()),
        ];
        for (name, value) in urls {
            let Some(value) = value else { continue };
            let fine = url::Url::parse(value)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host());
            if !fine {
                return Err(format!(
                    "{name} `{value}` is not an absolute http(s) URL (such as https://news.example.org)"
                ));
            }
        }
        if self.password_checks == 0 {
            return Err("password_checks is 0: at least one sign-in must be able to run".into());
        }
        for (name, seconds) in [
            ("header_timeout", self.header_timeout),
            ("body_timeout", self.body_timeout),
        ] {
            if seconds == 0 {
                return Err(format!(
                    "{name} is 0: a connection must be given at least a second"
                ));
            }
        }
        if self.newsroom_name.trim().is_empty() {
            return Err(
                "newsroom_name is empty: name the newsroom that publishes the checks".into(),
            );
        }
        Ok(())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "postgres://localhost/factdesk".into(),
            pool_size: 16,
            password_checks: std::thread::available_parallelism().map_or(1, |cores| cores.get()),
            load_demo: true,
            secret_key_file: ".factdesk-secret".into(),
            secure_cookies: false,
            public_url: "http://127.0.0.1:8000".into(),
            newsroom_name: "Factdesk newsroom".into(),
            newsroom_url: None,
            header_timeout: 10,
            body_timeout: 30,
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

/// Factdesk's defaults for settings of Rocket's own, where Rocket's built-in ones are wrong for
/// it. They hold wherever Factdesk is started: Rocket.toml is found only from the working
/// directory up, and without it Rocket would trust a forgeable `X-Real-IP` for the sign-in
/// throttle, take JSON bodies of only 1 MiB, and (in release builds) log only critical errors.
fn rocket_defaults() -> Figment {
    Figment::from(Serialized::default(rocket::Config::IP_HEADER, false))
        .merge(Serialized::default("limits.json", "2 MiB"))
        // The piece form carries a body of up to 200,000 characters, urlencoded.
        .merge(Serialized::default("limits.form", "4 MiB"))
        .merge(Serialized::default(rocket::Config::LOG_LEVEL, "normal"))
}

impl Config {
    /// The layers as `rocket::Config::figment()` builds them, with Factdesk's defaults (ours and
    /// those in [`rocket_defaults`]) right above Rocket's built-in ones: Rocket.toml (or the file
    /// `ROCKET_CONFIG` names), `ROCKET_*` variables and `DATABASE_URL` override them all.
    pub fn figment() -> Figment {
        Figment::from(rocket::Config::default())
            .merge(Serialized::defaults(Settings::default()))
            .merge(rocket_defaults())
            .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
            .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
            .merge(Env::raw().only(&["DATABASE_URL"]).profile(Profile::Global))
            .select(Profile::from_env_or(
                "ROCKET_PROFILE",
                rocket::Config::DEFAULT_PROFILE,
            ))
    }

    /// Reads Rocket.toml (found from the working directory up) and the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment())
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment.extract().map_err(Box::new)?;
        settings.validate().map_err(|e| Box::new(e.into()))?;
        // `openssl rand -hex 64`, the README's recipe, makes 128 hex digits, which Rocket does not
        // read as a key (it takes 64 hex digits, or 44 or 88 base64 characters): give it the bytes.
        let hex_key = figment.extract_inner::<String>("secret_key").ok();
        let figment = match hex_key.as_deref().and_then(hex_bytes) {
            Some(bytes) => figment.merge(Serialized::global("secret_key", bytes)),
            None => figment,
        };
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
    if key.len() != 128 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..key.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok())
        .collect()
}

/// Reads the cookie secret, or makes one: 64 random bytes, hex-encoded, in a file only its owner
/// can read. Instances (and test apps) starting at once race to make it: the key is written whole
/// to a file of this process's own, then linked into place, which fails if another got there
/// first, so no one ever reads a file that is still being written.
fn load_or_create_secret(path: &Path) -> std::io::Result<String> {
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut draft_name = path.as_os_str().to_owned();
    draft_name.push(format!(".{}.draft", uuid::Uuid::new_v4()));
    let draft = Path::new(&draft_name);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(draft)
        .and_then(|mut file| {
            file.write_all(key.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::hard_link(draft, path));
    // The draft is only a name for the same file now, or a failed attempt: either way it goes.
    let _ = std::fs::remove_file(draft);
    match written {
        Ok(()) => Ok(key),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?.trim().to_owned())
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
// figment's Jail takes closures that answer its own error, which is large.
#[allow(clippy::result_large_err)]
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
    fn instances_starting_at_once_all_read_the_one_whole_key_that_was_made() {
        // The CI failure of 5 December 2026: test apps starting together in a fresh clone, one
        // reading `.factdesk-secret` between another's creating it and writing it.
        let dir = std::env::temp_dir().join(format!("factdesk-secret-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        for round in 0..20 {
            let path = dir.join(format!("secret-{round}"));
            let start = std::sync::Barrier::new(8);
            let keys: Vec<String> = std::thread::scope(|scope| {
                let starters: Vec<_> = (0..8)
                    .map(|_| {
                        scope.spawn(|| {
                            start.wait();
                            load_or_create_secret(&path).unwrap()
                        })
                    })
                    .collect();
                starters.into_iter().map(|s| s.join().unwrap()).collect()
            });
            assert!(
                keys.iter().all(|key| key.len() == 128 && *key == keys[0]),
                "{keys:?}"
            );
        }
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 20, "no draft is left behind: {left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn without_a_configured_key_rocket_uses_the_one_in_the_file_on_every_start() {
        let dir = std::env::temp_dir().join(format!("factdesk-secret-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        // As `from_env` builds it: Rocket's defaults carry an all-zero key, which is no key. Made
        // with no ROCKET_* variable of another test's (figment reads them as it merges).
        let file = dir.join("secret").to_string_lossy().into_owned();
        let key = || {
            with_no_environment(|_| {
                let figment = Config::figment().merge(Serialized::global("secret_key_file", &file));
                let config = Config::from_figment(figment).unwrap();
                Ok(config.figment.extract::<rocket::Config>()?.secret_key)
            })
        };
        let first = key();
        assert!(!first.is_zero());
        assert!(first == key(), "a restart keeps everyone signed in");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// `read`, run with the environment emptied and in an empty directory of its own. figment's
    /// `Jail` restores both after and holds a lock meanwhile, so that of the tests that read the
    /// environment, each sees only the variables it sets itself.
    fn with_no_environment<T>(read: impl FnOnce(&mut figment::Jail) -> figment::Result<T>) -> T {
        let mut out = None;
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            out = Some(read(jail)?);
            Ok(())
        });
        out.expect("the jail ran")
    }

    /// What `Config::from_env` makes of an environment holding only `vars`.
    fn configured_in(vars: &[(&str, &str)]) -> serde_json::Value {
        with_no_environment(|jail| {
            let secret = jail.directory().join("secret");
            jail.set_env("ROCKET_SECRET_KEY_FILE", secret.display());
            for (name, value) in vars {
                jail.set_env(name, value);
            }
            let config = Config::from_env().map_err(|error| error.to_string())?;
            let rocket: rocket::Config = config.figment.extract()?;
            Ok(serde_json::json!({
                "ip_header": rocket.ip_header.as_ref().map(|header| header.as_str()),
                "json_limit": rocket.limits.get("json").map(|limit| limit.as_u64()),
                "log_level": rocket.log_level.to_string(),
                "pool_size": config.settings.pool_size,
                "database_url": config.settings.database_url,
                "timeouts": [rocket.header_timeout, rocket.body_timeout, u64::from(rocket.keep_alive)],
            }))
        })
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("factdesk-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn without_a_rocket_toml_the_throttle_trusts_no_header_and_json_takes_2_mib() {
        let dir = temp_dir();
        let missing = dir.join("Rocket.toml");
        let seen = configured_in(&[("ROCKET_CONFIG", missing.to_str().unwrap())]);
        assert_eq!(seen["ip_header"], serde_json::Value::Null, "{seen}");
        assert_eq!(seen["json_limit"], 2 * MIB, "{seen}");
        assert_eq!(seen["log_level"], "normal", "{seen}");
        assert_eq!(seen["pool_size"], 16, "{seen}");
        assert_eq!(seen["database_url"], "postgres://localhost/factdesk");
        // Rocket (patched, vendor/README.md) is given Factdesk's connection limits, not its own 0.
        assert_eq!(seen["timeouts"], serde_json::json!([10, 30, 5]), "{seen}");

        // The environment still overrides those defaults.
        let seen = configured_in(&[
            ("ROCKET_CONFIG", missing.to_str().unwrap()),
            ("ROCKET_IP_HEADER", "X-Real-IP"),
            ("ROCKET_LIMITS", "{json=\"3 MiB\"}"),
            ("ROCKET_HEADER_TIMEOUT", "2"),
        ]);
        assert_eq!(seen["ip_header"], "X-Real-IP", "{seen}");
        assert_eq!(seen["json_limit"], 3 * MIB, "{seen}");
        assert_eq!(seen["timeouts"], serde_json::json!([2, 30, 5]), "{seen}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn rocket_toml_overrides_the_defaults_and_the_environment_overrides_rocket_toml() {
        let dir = temp_dir();
        let toml = dir.join("Rocket.toml");
        std::fs::write(
            &toml,
            "[default]\nip_header = \"X-Forwarded-For\"\npool_size = 3\n\
             database_url = \"postgres://toml/factdesk\"\n[default.limits]\njson = \"4 MiB\"\n",
        )
        .unwrap();
        let toml = toml.to_str().unwrap();
        let seen = configured_in(&[("ROCKET_CONFIG", toml)]);
        assert_eq!(
            (&seen["ip_header"], &seen["json_limit"], &seen["pool_size"]),
            (&"X-Forwarded-For".into(), &(4 * MIB).into(), &3.into()),
            "{seen}"
        );
        assert_eq!(seen["database_url"], "postgres://toml/factdesk");

        let seen = configured_in(&[
            ("ROCKET_CONFIG", toml),
            ("ROCKET_IP_HEADER", "X-Real-IP"),
            ("DATABASE_URL", "postgres://env/factdesk"),
        ]);
        assert_eq!(seen["ip_header"], "X-Real-IP", "{seen}");
        assert_eq!(seen["database_url"], "postgres://env/factdesk");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_projects_rocket_toml_keeps_the_same_defaults() {
        let dir = temp_dir();
        let toml = Path::new(env!("CARGO_MANIFEST_DIR")).join("Rocket.toml");
        let seen = configured_in(&[("ROCKET_CONFIG", toml.to_str().unwrap())]);
        assert_eq!(seen["ip_header"], serde_json::Value::Null, "{seen}");
        assert_eq!(seen["json_limit"], 2 * MIB, "{seen}");
        assert_eq!(seen["timeouts"], serde_json::json!([10, 30, 5]), "{seen}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn publishing_urls_must_be_absolute_http_and_say_which_setting_is_wrong() {
        let with = |key: &str, value: &str| {
            let figment = Figment::from(Serialized::defaults(Settings::default()))
                .merge(Serialized::global("secret_key", "a".repeat(128)))
                .merge(Serialized::global(key, value));
            Config::from_figment(figment).map(|config| config.settings)
        };
        for (key, value) in [
            ("public_url", "news.example.org"),
            ("public_url", "ftp://news.example.org"),
            ("public_url", "/checks"),
            ("newsroom_url", "javascript:alert(1)"),
            ("newsroom_name", "  "),
        ] {
            let error = with(key, value).unwrap_err().to_string();
            assert!(error.contains(key), "{key} = {value:?}: {error}");
        }
        let none_at_once = Settings {
            password_checks: 0,
            ..Settings::default()
        };
        assert!(
            none_at_once
                .validate()
                .unwrap_err()
                .contains("password_checks")
        );
        for unbounded in ["header_timeout", "body_timeout"] {
            let figment = Figment::from(Serialized::defaults(Settings::default()))
                .merge(Serialized::global(unbounded, 0));
            let error = Config::from_figment(figment).unwrap_err().to_string();
            assert!(error.contains(unbounded), "{error}");
        }
        let settings = with("public_url", "https://checks.example.org/").unwrap();
        assert_eq!(settings.newsroom_url(), "https://checks.example.org/");
        let settings = with("newsroom_url", "https://news.example.org").unwrap();
        assert_eq!(settings.newsroom_url(), "https://news.example.org");
        assert_eq!(settings.public_url, "http://127.0.0.1:8000");
    }

    /// The key Rocket would start with, from `secret_key` set to `key`.
    fn started_with(key: &str) -> rocket::config::SecretKey {
        with_no_environment(|_| {
            let figment = Config::figment()
                .merge(Serialized::global(
                    "secret_key_file",
                    "/nonexistent/dir/secret",
                ))
                .merge(Serialized::global("secret_key", key));
            let config = Config::from_figment(figment).unwrap();
            let rocket: rocket::Config = config.figment.extract()?;
            Ok(rocket.secret_key)
        })
    }

    #[test]
    fn a_configured_secret_key_is_used_whether_hex_as_openssl_writes_it_or_base64() {
        // `openssl rand -hex 64`, as the README says, and the same 64 bytes in base64.
        let bytes: Vec<u8> = (1..=64).collect();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let base64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QA==";
        let expected = rocket::config::SecretKey::from(&bytes[..]);
        assert!(started_with(&hex) == expected, "128 hex digits");
        assert!(
            started_with(&hex.to_uppercase()) == expected,
            "in capitals too"
        );
        assert!(started_with(base64) == expected, "88 base64 characters");
    }
}
