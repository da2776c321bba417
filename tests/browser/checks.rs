//! What every page a test visits is checked for: nothing at SEVERE level in the browser's console
//! (script errors, Content-Security-Policy violations, failed loads), no request to any origin but
//! the app's own, and no serious or critical accessibility violation found by axe-core.
use super::driver::Browser;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// chromedriver's legacy log endpoint: each read returns what was logged since the last one.
#[derive(Debug)]
struct ReadLog(&'static str);

impl WebDriverCompatibleCommand for ReadLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": self.0 }).to_string()),
        )
    }
}

/// The axe-core the tests inject, as `npm ci --prefix tests/browser` installs it (run here once
/// if it is missing, so that `cargo test` alone works wherever npm does).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
        let file: PathBuf = dir.join("node_modules/axe-core/axe.min.js");
        if !file.exists() {
            let installed = std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .status();
            assert!(
                installed.is_ok_and(|status| status.success()),
                "the browser tests need axe-core: npm ci --prefix tests/browser"
            );
        }
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    })
}

/// Runs axe on the whole document; answers the serious and critical violations, in words.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(
  (results) => done(results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes
      .map((n) => `    at ${n.target.join(' ')}: ${n.html.slice(0, 300)}`).join('\n'))),
  (error) => done([`axe failed: ${error}`]));
"#;

impl Browser {
    async fn read_log(&self, kind: &'static str) -> Vec<Value> {
        let entries = self
            .client
            .issue_cmd(ReadLog(kind))
            .await
            .unwrap_or_else(|e| panic!("reading the {kind} log: {e}"));
        match entries {
            Value::Array(entries) => entries,
            other => panic!("the {kind} log is not a list: {other}"),
        }
    }

    /// The console, the network and axe, on the page now shown. `status`: the HTTP status the
    /// test means this page to have; a failed load of the page itself is then no error.
    pub async fn check(&self, what: &str, status: u16) {
        self.check_network(what, Some(status)).await;
        self.check_console(what, Some(status)).await;
        self.check_unique_ids(what).await;
        self.check_accessibility(what).await;
    }

    /// The same after something done within a page, which loaded no new one (a form the page's
    /// script revealed is checked too).
    pub async fn check_action(&self, what: &str) {
        self.check_network(what, None).await;
        self.check_console(what, None).await;
        self.check_unique_ids(what).await;
        self.check_accessibility(what).await;
    }

    async fn check_console(&self, what: &str, status: Option<u16>) {
        let severe = self.console_errors(status).await;
        assert!(
            severe.is_empty(),
            "{what}: errors in the browser's console:\n{}",
            severe.join("\n")
        );
    }

    /// What was logged at SEVERE level since the last reading, but for the failed load of the
    /// page itself when the test means it to fail with `status`.
    pub async fn console_errors(&self, status: Option<u16>) -> Vec<String> {
        let page = self.client.current_url().await.unwrap().to_string();
        let expected = status.map(|status| format!("status of {status} "));
        self.read_log("browser")
            .await
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .filter(|entry| {
                let message = entry["message"].as_str().unwrap_or_default();
                let the_page_itself = entry["source"] == "network"
                    && message.starts_with(&format!("{page} "))
                    && expected
                        .as_ref()
                        .is_some_and(|status| message.contains(status));
                !the_page_itself
            })
            .map(|entry| entry.to_string())
            .collect()
    }

    /// Every request went to the app, and the page just loaded (if any) answered `status`.
    async fn check_network(&self, what: &str, status: Option<u16>) {
        let events = self.network_events().await;
        let elsewhere = self.foreign_requests(&events);
        assert!(
            elsewhere.is_empty(),
            "{what}: requests to another origin than {}: {elsewhere:?}",
            self.origin
        );
        let Some(status) = status else {
            return;
        };
        let page = events
            .iter()
            .filter(|event| event["method"] == "Network.responseReceived")
            .filter(|event| event["params"]["type"] == "Document")
            .filter_map(|event| event["params"]["response"]["status"].as_u64())
            .next_back();
        assert_eq!(
            page,
            Some(u64::from(status)),
            "{what}: the page's HTTP status"
        );
    }

    /// The DevTools network events logged since the last reading.
    pub async fn network_events(&self) -> Vec<Value> {
        self.read_log("performance")
            .await
            .into_iter()
            .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
            .map(|message| message["message"].clone())
            .collect()
    }

    /// The addresses of requests in `events` to anywhere but the app.
    pub fn foreign_requests<'e>(&self, events: &'e [Value]) -> Vec<&'e str> {
        let own = format!("{}/", self.origin);
        events
            .iter()
            .filter(|event| event["method"] == "Network.requestWillBeSent")
            // Chromium's own pages (its new-tab page at start) load their parts from chrome://.
            .filter(|event| {
                let document = event["params"]["documentURL"].as_str().unwrap_or_default();
                !document.starts_with("chrome://") && !document.starts_with("chrome-untrusted://")
            })
            .filter_map(|event| event["params"]["request"]["url"].as_str())
            .filter(|url| {
                !(url.starts_with(&own) || url.starts_with("data:") || url.starts_with("about:"))
            })
            .collect()
    }

    /// A label, `aria-labelledby` or link to `#id` finds the first element of that id: a second
    /// one is out of reach (axe-core no longer checks this).
    async fn check_unique_ids(&self, what: &str) {
        let repeated = self
            .client
            .execute(
                "const seen = new Set(), repeated = new Set();
                 for (const e of document.querySelectorAll('[id]')) {
                   (seen.has(e.id) ? repeated : seen).add(e.id);
                 }
                 return [...repeated];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(repeated, json!([]), "{what}: ids used more than once");
    }

    async fn check_accessibility(&self, what: &str) {
        let violations = self.accessibility_violations(what).await;
        assert!(
            violations.is_empty(),
            "{what}: serious or critical accessibility violations (axe-core):\n{}",
            violations.join("\n")
        );
    }

    /// axe-core's serious and critical violations on the page now shown, in words.
    pub async fn accessibility_violations(&self, what: &str) -> Vec<String> {
        let loaded = self
            .client
            .execute(
                &format!("{}\n;return typeof window.axe;", axe_source()),
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("{what}: injecting axe-core: {e}"));
        assert_eq!(loaded, "object", "{what}: axe-core did not load");
        let violations = self
            .client
            .execute_async(RUN_AXE, vec![])
            .await
            .unwrap_or_else(|e| panic!("{what}: running axe-core: {e}"));
        serde_json::from_value(violations).unwrap()
    }
}
