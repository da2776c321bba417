//! What a person does in the browser: open a page, type, pick, click, and wait for what follows.
//! Every page reached this way is checked (see `checks`) before the test looks at it.
use super::driver::Browser;
use super::wire;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::Value;

impl Browser {
    /// Opens `path` on the app; its answer must be 200.
    pub async fn visit(&self, path: &str) {
        self.visit_expecting(path, 200).await;
    }

    /// Opens `path` on the app, meant to answer `status`.
    pub async fn visit_expecting(&self, path: &str, status: u16) {
        let url = format!("{}{path}", self.origin);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
        self.wait_for(
            &format!("{path} to load"),
            "document.readyState === 'complete'",
        )
        .await;
        self.check(path, status).await;
    }

    /// Runs `script` (a function body) in the page and answers what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("running `{script}`: {e}"))
    }

    /// Waits until the JavaScript expression `condition` is truthy; answers its value.
    pub async fn wait_for(&self, what: &str, condition: &str) -> Value {
        let script = format!("return ({condition}) || null;");
        wire::poll(what, || async {
            match self.client.execute(&script, vec![]).await {
                Ok(Value::Null) => Err("not yet".to_owned()),
                Ok(value) => Ok(value),
                // A script that runs while the next page replaces this one fails: look again.
                Err(error) => Err(error.to_string()),
            }
        })
        .await
    }

    /// Clicks what `selector` finds and waits for the page it leads to, which must answer `status`.
    pub async fn click_to_page(&self, selector: &str, status: u16) {
        self.js("window.factdeskStillHere = true; return null;", vec![])
            .await;
        self.click(selector).await;
        self.wait_for(
            &format!("the page that {selector} leads to"),
            "!window.factdeskStillHere && document.readyState === 'complete'",
        )
        .await;
        self.check(&format!("after clicking {selector}"), status)
            .await;
    }

    pub async fn click(&self, selector: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("finding {selector}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {selector}: {e}"));
    }

    /// Replaces the text of the field `selector` finds with `text`, typed key by key.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("finding {selector}: {e}"));
        field.clear().await.unwrap();
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {selector}: {e}"));
    }

    /// Picks the option of value `value` in the list `selector` finds.
    pub async fn pick(&self, selector: &str, value: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("finding {selector}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("picking {value} in {selector}: {e}"));
    }

    /// Presses Tab on whatever has the focus.
    pub async fn press_tab(&self) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab)
            .await
            .unwrap();
    }

    /// The text of the first element `selector` finds, as the page's DOM has it ("" if none).
    pub async fn text(&self, selector: &str) -> String {
        let found = self
            .js(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                vec![selector.into()],
            )
            .await;
        found.as_str().unwrap_or_default().to_owned()
    }

    /// The value of the form field `selector` finds.
    pub async fn value(&self, selector: &str) -> String {
        let found = self
            .js(
                "const e = document.querySelector(arguments[0]); return e ? e.value : null;",
                vec![selector.into()],
            )
            .await;
        found
            .as_str()
            .unwrap_or_else(|| panic!("no field {selector}"))
            .to_owned()
    }

    /// How many elements `selector` finds.
    pub async fn count(&self, selector: &str) -> usize {
        let n = self
            .js(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![selector.into()],
            )
            .await;
        n.as_u64().unwrap() as usize
    }

    /// The path and query of the page shown.
    pub async fn location(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Signs in through the sign-in page, as a person does, and lands on the desk.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.visit("/login").await;
        self.type_into("#email", email).await;
        self.type_into("#password", password).await;
        self.click_to_page("main form button[type=submit]", 200)
            .await;
        assert_eq!(self.location().await, "/", "signing in leads to the desk");
    }
}
