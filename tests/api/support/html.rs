//! The tests' browser and HTML kit: a [`Browser`] is a tracked local client that keeps its
//! cookies as a real browser does (two on one test database are two people, or a person and an
//! attacker); [`Page`] is an HTML answer read whole; [`tags`], [`unescape`] and the markup
//! checks ([`assert_page_markup`], [`assert_inert`], [`assert_security_headers`]) read pages
//! as a browser would, for every test module that looks at a page.
use super::{PASSWORD, TestApp, TestDb};
use chrono::{DateTime, Utc};
use diesel_async::RunQueryDsl;
use factdesk::Config;
use factdesk::domain::roles::Role;
use factdesk::store::users::User;
use rocket::figment::providers::Serialized;
use rocket::http::{ContentType, Cookie, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

pub const SESSION_COOKIE: &str = "factdesk_session";
pub const CSRF_COOKIE: &str = "factdesk_csrf";

/// A browser of its own: a tracked client on an app built as production builds it.
pub struct Browser {
    client: Client,
}

impl TestApp {
    /// A browser of its own, signed in as `user` (the sign-in answers 303 to the desk).
    pub async fn browser_for(&self, user: &User) -> Browser {
        let browser = Browser::open(&self.db).await;
        let page = browser.sign_in(&user.email, PASSWORD).await;
        assert_eq!(
            (page.status, page.location()),
            (Status::SeeOther, Some("/")),
            "{} signs in: {page:?}",
            user.email
        );
        browser
    }

    /// A new user of `role`, and a browser signed in as them.
    pub async fn browser_as(&self, role: Role) -> (User, Browser) {
        let (user, _) = self.user(role).await;
        let browser = self.browser_for(&user).await;
        (user, browser)
    }
}

impl Browser {
    pub async fn open(db: &TestDb) -> Browser {
        Browser::open_with(db, false).await
    }

    /// A browser on an app with `secure_cookies` set as given (as when served over https).
    pub async fn open_with(db: &TestDb, secure_cookies: bool) -> Browser {
        let config = Config::from_env()
            .unwrap()
            .with_database_url(&db.url)
            .unwrap();
        let secure = Serialized::global("secure_cookies", secure_cookies);
        let config = Config::from_figment(config.figment.merge(secure)).unwrap();
        let client = Client::tracked(factdesk::rocket(config))
            .await
            .expect("a valid rocket");
        Browser { client }
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::read(self.client.get(path.to_owned()).dispatch().await).await
    }

    /// A GET whose answer is read only to its head (its body may never end: `/live`).
    pub async fn head_of(&self, path: &str) -> Page {
        let response = self.client.get(path.to_owned()).dispatch().await;
        let headers = response
            .headers()
            .iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        Page {
            status: response.status(),
            headers,
            body: String::new(),
        }
    }

    /// A GET that also sends `cookie` (as someone who copied it would).
    pub async fn get_with(&self, path: &str, cookie: &Cookie<'static>) -> Page {
        let request = self.client.get(path.to_owned()).cookie(cookie.clone());
        Page::read(request.dispatch().await).await
    }

    /// Posts `fields` urlencoded, as an HTML form does.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .client
            .post(path.to_owned())
            .header(ContentType::Form)
            .body(body);
        Page::read(request.dispatch().await).await
    }

    /// The token in the sign-in form (opening the page gives this browser its CSRF cookie).
    pub async fn csrf_token(&self) -> String {
        let page = self.get("/login").await;
        assert_eq!(page.status, Status::Ok, "{page:?}");
        page.csrf_token()
            .expect("the sign-in form carries a csrf_token")
    }

    /// Signs in through the page, as a person does.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        let token = self.csrf_token().await;
        self.post_form(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    /// The session secret this browser holds (its private cookie, decrypted), if any.
    pub fn session_secret(&self) -> Option<String> {
        self.client
            .cookies()
            .get_private(SESSION_COOKIE)
            .map(|cookie| cookie.value().to_owned())
    }

    /// The session cookie as the browser stores it (sealed).
    pub fn session_cookie(&self) -> Option<Cookie<'static>> {
        self.client.cookies().get(SESSION_COOKIE).cloned()
    }
}

/// An answer read whole.
pub struct Page {
    pub status: Status,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Page {
    pub async fn read(response: LocalResponse<'_>) -> Page {
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        let body = response.into_string().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("Location")
    }

    /// The `Set-Cookie` header that sets `name`, as sent.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&prefix))
    }

    /// The value of the form's hidden `csrf_token` input.
    pub fn csrf_token(&self) -> Option<String> {
        tags(&self.body)
            .into_iter()
            .find(|tag| tag.name == "input" && tag.attribute("name") == Some("csrf_token"))
            .and_then(|tag| tag.attribute("value").map(str::to_owned))
    }

    /// The first `input` named `name`.
    pub fn input(&self, name: &str) -> Option<Tag> {
        tags(&self.body)
            .into_iter()
            .find(|tag| tag.name == "input" && tag.attribute("name") == Some(name))
    }

    #[track_caller]
    pub fn assert_html(&self, what: &str, status: Status) {
        assert_eq!(self.status, status, "{what}: {self:?}");
        assert_eq!(
            self.header("Content-Type"),
            Some("text/html; charset=utf-8"),
            "{what}: {self:?}"
        );
    }
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body: String = self.body.chars().take(3_000).collect();
        f.debug_struct("Page")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .finish()
    }
}

/// A start tag, with its attributes' values unescaped (as a browser reads them).
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

impl Tag {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The start tags of `html`, read as a browser's tokenizer reads them (enough of it to see every
/// element and attribute a browser would): a `<` not followed by a letter is text, comments and
/// end tags are skipped, attribute values may be double-, single- or unquoted.
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let end = bytes.len();
    let skip_to = |from: usize, needle: &str| {
        html[from..]
            .find(needle)
            .map_or(end, |at| from + at + needle.len())
    };
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        if html[i..].starts_with("!--") {
            i = skip_to(i, "-->");
            continue;
        }
        match bytes.get(i) {
            Some(b'!' | b'/' | b'?') => {
                i = skip_to(i, ">");
                continue;
            }
            Some(b) if b.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let stop = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'>';
        let start = i;
        while i < end && !stop(bytes[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < end && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= end || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            i += 1; // A name may begin with any character, even `=`.
            while i < end && !stop(bytes[i]) && bytes[i] != b'=' {
                i += 1;
            }
            let attribute = html[start..i].to_ascii_lowercase();
            while i < end && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < end && bytes[i] == b'=' {
                i += 1;
                while i < end && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < end && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let quote = bytes[i] as char;
                    let close = html[i + 1..].find(quote).map_or(end, |at| i + 1 + at);
                    value = unescape(&html[i + 1..close]);
                    i = (close + 1).min(end);
                } else {
                    let start = i;
                    while i < end && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = unescape(&html[start..i]);
                }
            }
            attributes.push((attribute, value));
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// HTML text as a browser shows it: character references decoded, once.
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.as_bytes()[1..]
            .iter()
            .take(12)
            .position(|&b| b == b';')
            .and_then(|semicolon| {
                let entity = &rest[1..1 + semicolon];
                let c = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => {
                        let number = entity.strip_prefix('#')?;
                        let code = match number.strip_prefix(['x', 'X']) {
                            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                            None => number.parse().ok()?,
                        };
                        char::from_u32(code)?
                    }
                };
                Some((c, semicolon + 2))
            });
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a URL a page loads or links to stays on this site: a path, query or fragment, never
/// another host (`//host`) or another scheme (`http:`, `https:`, `javascript:`, `data:`).
pub fn same_origin(url: &str) -> bool {
    // Browsers drop surrounding spaces and any tab or newline inside a URL before reading it.
    let url: String = url
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if url.starts_with("//") || url.starts_with("/\\") || url.starts_with('\\') {
        return false;
    }
    let scheme_end = url.find([':', '/', '?', '#']);
    !matches!(scheme_end, Some(at) if url.as_bytes()[at] == b':')
}

/// Whether a URL would run script when followed.
pub fn runs_script(url: &str) -> bool {
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let url = url.to_ascii_lowercase();
    url.starts_with("javascript:") || url.starts_with("vbscript:") || url.starts_with("data:")
}

/// Attributes whose value is a URL the browser loads or follows.
pub const URL_ATTRIBUTES: [&str; 8] = [
    "src",
    "href",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "xlink:href",
];

/// Nothing in `html` can run: no script or svg element at all, no event-handler attribute
/// (`onerror=`, `onload=`, `onmouseover=` …), no URL that runs script.
#[track_caller]
pub fn assert_inert(what: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for raw in ["<script", "<svg"] {
        assert!(!lower.contains(raw), "{what}: `{raw}` in {html}");
    }
    for tag in tags(html) {
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "{what}: event handler `{name}` on <{}> in {html}",
                tag.name
            );
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                assert!(
                    !runs_script(value),
                    "{what}: <{} {name}=\"{value}\"> runs script, in {html}",
                    tag.name
                );
            }
        }
    }
}

/// The one script a page may carry: the app's own file, loaded from the app, nothing inline.
pub const APP_SCRIPT: &str = r#"<script src="/static/factdesk.js" defer></script>"#;

/// Live pages' script (`/live`), on the pages that show claims: the app's own file too.
pub const LIVE_SCRIPT: &str = r#"<script src="/static/live.js" defer></script>"#;

/// `html` without the app's own script files, each at most once.
pub fn without_app_scripts(html: &str) -> String {
    html.replacen(APP_SCRIPT, "", 1)
        .replacen(LIVE_SCRIPT, "", 1)
}

/// The one inline script element a page may carry: a JSON-LD data block (a published check's
/// ClaimReview), which browsers never run.
pub const DATA_BLOCK: &str = r#"<script type="application/ld+json">"#;

/// `html` without its JSON-LD data blocks, each checked to be data only: JSON with no `<` in it,
/// so its first `<` is its own `</script>` and nothing in it can end it early or start markup.
#[track_caller]
pub fn without_data_blocks(what: &str, html: &str) -> String {
    const END: &str = "</script>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(DATA_BLOCK) {
        out.push_str(&rest[..at]);
        let inside = &rest[at + DATA_BLOCK.len()..];
        let end = inside.find('<').unwrap_or(inside.len());
        assert!(
            inside[end..].starts_with(END),
            "{what}: a JSON-LD block with markup in it (or unclosed), in {html}"
        );
        let data = &inside[..end];
        if let Err(error) = serde_json::from_str::<serde_json::Value>(data) {
            panic!("{what}: a JSON-LD block that is not JSON ({error}): {data}");
        }
        rest = &inside[end + END.len()..];
    }
    out.push_str(rest);
    out
}

/// What every page keeps to, so its Content-Security-Policy never has to be loosened: no script
/// or style written into the page (no inline `<script>`, `<style>` or `style=`; the app's own
/// script file at most, and JSON-LD data blocks that cannot run), no event handlers, nothing
/// loaded from another site, and links to other sites only as plain http(s) links that tell the
/// other site nothing (`rel="noopener noreferrer"`).
#[track_caller]
pub fn assert_page_markup(what: &str, html: &str) {
    let html = &without_data_blocks(what, &without_app_scripts(html));
    assert_inert(what, html);
    for tag in tags(html) {
        assert!(
            tag.name != "style",
            "{what}: an inline <style> element in {html}"
        );
        assert!(
            tag.attribute("style").is_none(),
            "{what}: a style= attribute on <{}> in {html}",
            tag.name
        );
        for (name, value) in &tag.attributes {
            if tag.name == "a" && name == "href" && !same_origin(value) {
                let rel = tag.attribute("rel").unwrap_or_default();
                assert!(
                    (value.starts_with("https://") || value.starts_with("http://"))
                        && rel.contains("noopener")
                        && rel.contains("noreferrer"),
                    "{what}: <a href=\"{value}\" rel=\"{rel}\"> leaves the site without rel=\"noopener noreferrer\", in {html}"
                );
            } else if URL_ATTRIBUTES.contains(&name.as_str()) {
                assert!(
                    same_origin(value),
                    "{what}: <{} {name}=\"{value}\"> leaves the site, in {html}",
                    tag.name
                );
            }
        }
    }
}

/// The headers every answer carries, pages and redirects alike.
#[track_caller]
pub fn assert_security_headers(what: &str, page: &Page) {
    let policy = page
        .header("Content-Security-Policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy: {page:?}"));
    for directive in ["default-src 'self'", "frame-ancestors 'none'"] {
        assert!(
            policy.split(';').any(|d| d.trim() == directive),
            "{what}: the policy `{policy}` lacks `{directive}`"
        );
    }
    assert_eq!(
        page.header("X-Content-Type-Options"),
        Some("nosniff"),
        "{what}: {page:?}"
    );
    assert_eq!(
        page.header("Referrer-Policy"),
        Some("same-origin"),
        "{what}: {page:?}"
    );
    assert_eq!(
        page.header("Cache-Control"),
        Some("no-store"),
        "{what}: {page:?}"
    );
}

/// A credential as stored.
#[derive(Debug, diesel::QueryableByName)]
pub struct CredentialRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    pub secret_hash: Vec<u8>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn credentials(db: &TestDb) -> Vec<CredentialRow> {
    diesel::sql_query("SELECT kind, secret_hash, revoked_at FROM credentials ORDER BY created_at")
        .load(&mut db.conn().await)
        .await
        .unwrap()
}
