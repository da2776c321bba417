//! One headless Chromium per test, driven through its own chromedriver: started here, and ended
//! on drop, even when the test panics, so no browser outlives its test.
use super::wire::{self, DEADLINE};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use uuid::Uuid;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The network is closed here: without these, Chromium keeps trying to reach Google's services.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A chromedriver process and the session it holds.
struct Driver {
    child: Child,
    port: u16,
    /// The browser profile and chromedriver's log.
    dir: PathBuf,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(session) = &self.session {
            // Ending the session the proper way has chromedriver quit Chromium and its helpers.
            let _ = wire::http(self.port, "DELETE", &format!("/session/{session}"));
        }
        // Whatever is left of them lives in chromedriver's own process group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("chromedriver's log is kept in {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A browser window on the app at `origin`.
pub struct Browser {
    pub client: Client,
    pub origin: String,
    /// Held to be ended on drop, after the client.
    _driver: Driver,
}

impl Browser {
    pub async fn open(origin: &str) -> Browser {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists(),
            "browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        );
        let dir =
            std::env::temp_dir().join(format!("factdesk-browser-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("profile")).unwrap();
        let port = wire::free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                dir.join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let mut driver = Driver {
            child,
            port,
            dir,
            session: None,
        };
        wire::poll_blocking("chromedriver to be ready", move || {
            wire::http(port, "GET", "/status")
                .is_ok_and(|answer| answer.body.replace(' ', "").contains("\"ready\":true"))
        })
        .await;

        let mut args: Vec<String> = CHROMIUM_FLAGS.map(str::to_owned).into();
        args.push(format!(
            "--user-data-dir={}",
            driver.dir.join("profile").display()
        ));
        args.push("--window-size=1280,900".into());
        let serde_json::Value::Object(capabilities) = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
            "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
        }) else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver opens a Chromium session");
        driver.session = client.session_id().await.unwrap();
        // Scripts (axe most of all) and page loads get more than the deadline on a busy machine.
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(DEADLINE * 4),
                Some(DEADLINE * 2),
                Some(Duration::ZERO),
            ))
            .await
            .unwrap();
        Browser {
            client,
            origin: origin.to_owned(),
            _driver: driver,
        }
    }
}
