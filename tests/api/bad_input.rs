//! The standard for bad input: every endpoint answers malformed, oversized, unknown or forbidden
//! input with a 4xx problem (application/problem+json) whose message a person can act on; a 5xx is
//! a bug; and a refused request writes nothing.
//!
//! Status contract tested here: not JSON at all → 400; JSON of the wrong shape, type or value, an
//! unknown or missing field → 422; a body over the 2 MiB JSON limit → 413; an id that is
//! malformed or names nothing → 404; an unknown address → 404; a method an address does not take
//! → 405.
use crate::support::{Answer, TestApp, spawn_app};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rocket::http::{ContentType, Header, Method};
use rocket::local::asynchronous::LocalResponse;
use serde_json::{Value, json};

const BODY: &str = "In January a US drone strike killed Qasem Soleimani near Baghdad airport. \
                    Officials said the strike was defensive.";
const UNKNOWN_ID: &str = "6f1c1a58-3b7e-4c1e-9d2a-0b8e4f5a7c31";
/// Rocket.toml's `limits.json`.
const JSON_LIMIT: usize = 2 * 1024 * 1024;

/// The endpoints that write, each with a body it accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Write {
    Piece,
    Claim,
    Patch,
    Evidence,
    Note,
    /// `PATCH /api/v1/pieces/{id}`: a piece's details.
    Details,
}
use Write::*;

impl Write {
    const ALL: [Write; 6] = [Piece, Claim, Patch, Evidence, Note, Details];

    fn valid(self) -> Value {
        match self {
            Piece => json!({ "title": "A piece", "body": BODY, "published_at": "2020-01-13" }),
            Claim => json!({ "quote": "Officials said" }),
            Patch => json!({ "summary": "The strike was called defensive" }),
            Evidence => {
                json!({ "url": "https://www.state.gov/", "title": "A source", "stance": "refutes" })
            }
            Note => json!({ "body": "Asked the **Pentagon** for comment." }),
            Details => json!({ "title": "A new title" }),
        }
    }

    /// The valid body's values as an array, in the order the fields are declared.
    fn positional(self) -> Value {
        match self {
            Piece => json!(["A piece", BODY, null, null, null, "2020-01-13"]),
            Claim => json!(["Officials said", null, null, null, null]),
            Patch => json!([
                null,
                null,
                "The strike was called defensive",
                null,
                null,
                null
            ]),
            Evidence => json!([
                "https://www.state.gov/",
                "A source",
                "refutes",
                null,
                null,
                null
            ]),
            Note => json!(["Asked the **Pentagon** for comment."]),
            Details => json!(["A new title", null, null, null, null, null]),
        }
    }

    /// The valid body with `field` set to `value` (`None` removes it).
    fn with(self, field: &str, value: Option<Value>) -> Value {
        let mut body = self.valid();
        let object = body.as_object_mut().unwrap();
        match value {
            Some(value) => object.insert(field.to_owned(), value),
            None => object.remove(field),
        };
        body
    }

    /// The valid body with the text field `field` set to `text` (an author, for `authors`).
    fn with_text(self, field: &str, text: &str) -> Value {
        let value = if field == "authors" {
            json!([text])
        } else {
            json!(text)
        };
        self.with(field, Some(value))
    }
}

/// Every text field a client sends, with its documented limit in characters.
const TEXTS: [(Write, &str, usize); 21] = [
    (Piece, "title", 500),
    (Piece, "body", 200_000),
    (Piece, "outlet", 200),
    (Piece, "url", 2048),
    (Piece, "authors", 200),
    (Claim, "quote", 2000),
    (Claim, "claimant", 500),
    (Claim, "summary", 2000),
    (Patch, "reason", 5000),
    (Patch, "summary", 2000),
    (Patch, "claimant", 500),
    (Evidence, "url", 2048),
    (Evidence, "title", 500),
    (Evidence, "publisher", 200),
    (Evidence, "note", 5000),
    (Evidence, "archived_url", 2048),
    (Note, "body", 20_000),
    (Details, "title", 500),
    (Details, "outlet", 200),
    (Details, "url", 2048),
    (Details, "authors", 200),
];

/// Fields that take one of a few words, or a date, rather than free text.
const CHOICES: [(Write, &str); 6] = [
    (Piece, "published_at"),
    (Details, "published_at"),
    (Claim, "priority"),
    (Patch, "status"),
    (Patch, "priority"),
    (Evidence, "stance"),
];

/// A text of `chars` characters, two bytes each (so a limit counted in bytes would trip early);
/// addresses keep a valid beginning so only the length is wrong.
fn text_of(field: &str, chars: usize) -> String {
    let prefix = if field.ends_with("url") {
        "https://example.org/"
    } else {
        ""
    };
    prefix.to_owned() + &"é".repeat(chars - prefix.len())
}

#[derive(QueryableByName, Debug, PartialEq, Eq, Clone, Copy)]
struct Rows {
    #[diesel(sql_type = BigInt)]
    pieces: i64,
    #[diesel(sql_type = BigInt)]
    claims: i64,
    #[diesel(sql_type = BigInt)]
    evidence: i64,
    #[diesel(sql_type = BigInt)]
    removed: i64,
    #[diesel(sql_type = BigInt)]
    notes: i64,
    #[diesel(sql_type = BigInt)]
    events: i64,
    #[diesel(sql_type = BigInt)]
    piece_events: i64,
}

impl Rows {
    fn all(&self) -> [i64; 7] {
        [
            self.pieces,
            self.claims,
            self.evidence,
            self.removed,
            self.notes,
            self.events,
            self.piece_events,
        ]
    }
}

/// What a write could change: row counts behind the API's back, and the claim and piece as
/// they read.
#[derive(Debug, PartialEq)]
struct Snapshot {
    rows: Rows,
    claim: Value,
    piece: Value,
}

/// A piece with one claim and one evidence link, for the endpoints that need something to hang on.
struct Desk {
    app: TestApp,
    conn: AsyncPgConnection,
    piece: String,
    claim: String,
    evidence: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let (claim, _) = app.create_claim(&piece, "killed Qasem Soleimani").await;
    let evidence = app.add_evidence(&claim, "supports").await;
    let conn = app.db.conn().await;
    Desk {
        app,
        conn,
        piece,
        claim,
        evidence,
    }
}

/// Reads an answer whole, failing the test on any server error.
async fn read(response: LocalResponse<'_>) -> Answer {
    let answer = Answer::read(response).await;
    assert!(answer.status.code < 500, "a server error: {answer:#?}");
    answer
}

impl Desk {
    /// Every request acts as the signed-in editor, so only what it sends can be wrong.
    fn bearer(&self) -> Header<'static> {
        Header::new("Authorization", format!("Bearer {}", self.app.token))
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        if_match: Option<&str>,
        body: Option<&[u8]>,
    ) -> Answer {
        let mut request = self
            .app
            .client
            .req(method, path.to_owned())
            .header(self.bearer());
        if let Some(body) = body {
            request = request.header(ContentType::JSON).body(body);
        }
        if let Some(tag) = if_match {
            request = request.header(Header::new("If-Match", tag.to_owned()));
        }
        read(request.dispatch().await).await
    }

    async fn get(&self, path: &str) -> Answer {
        self.request(Method::Get, path, None, None).await
    }

    /// Sends `body` as it is; a PATCH carries the current ETag, so only the body can be wrong.
    async fn send(&self, write: Write, body: impl AsRef<[u8]>) -> Answer {
        let (claim, piece) = (&self.claim, &self.piece);
        let (method, path) = match write {
            Piece => (Method::Post, "/api/v1/pieces".to_owned()),
            Claim => (Method::Post, format!("/api/v1/pieces/{piece}/claims")),
            Patch => (Method::Patch, format!("/api/v1/claims/{claim}")),
            Evidence => (Method::Post, format!("/api/v1/claims/{claim}/evidence")),
            Note => (Method::Post, format!("/api/v1/claims/{claim}/notes")),
            Details => (Method::Patch, format!("/api/v1/pieces/{piece}")),
        };
        let tag = match write {
            Patch | Details => self.get(&path).await.etag,
            _ => None,
        };
        self.request(method, &path, tag.as_deref(), Some(body.as_ref()))
            .await
    }

    async fn snapshot(&mut self) -> Snapshot {
        let rows = diesel::sql_query(
            "SELECT (SELECT count(*) FROM pieces) AS pieces, (SELECT count(*) FROM claims) AS claims, \
             (SELECT count(*) FROM evidence) AS evidence, \
             (SELECT count(*) FROM evidence WHERE removed_at IS NOT NULL) AS removed, \
             (SELECT count(*) FROM notes) AS notes, (SELECT count(*) FROM events) AS events, \
             (SELECT count(*) FROM piece_events) AS piece_events",
        )
        .get_result::<Rows>(&mut self.conn)
        .await
        .unwrap();
        let claim = self
            .get(&format!("/api/v1/claims/{}", self.claim))
            .await
            .body;
        let piece = self
            .get(&format!("/api/v1/pieces/{}", self.piece))
            .await
            .body;
        Snapshot { rows, claim, piece }
    }

    /// Sends what must be refused with `status`, proves it wrote nothing, and returns the answer.
    async fn refused(&mut self, write: Write, body: impl AsRef<[u8]>, status: u16) -> Answer {
        let shown: String = String::from_utf8_lossy(body.as_ref())
            .chars()
            .take(200)
            .collect();
        let before = self.snapshot().await;
        let answer = self.send(write, body).await;
        answer.assert_problem(status);
        assert_eq!(
            self.snapshot().await,
            before,
            "{write:?} {shown} was refused but wrote"
        );
        answer
    }

    /// As `refused`, for a 422 whose `errors` name exactly `field`; returns that field's message.
    async fn invalid(&mut self, write: Write, body: &Value, field: &str) -> String {
        let answer = self.refused(write, &body.to_string(), 422).await;
        assert_eq!(
            answer.error_fields(),
            [field],
            "{write:?} {body:.200}: {answer:#?}"
        );
        assert!(answer.assert_problem(422).contains(field), "{answer:#?}");
        answer.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Any method on any address: must be refused with `status` and write nothing.
    async fn refused_at(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&str>,
        status: u16,
    ) -> Answer {
        let before = self.snapshot().await;
        let answer = self
            .request(method, path, Some("\"1\""), body.map(str::as_bytes))
            .await;
        answer.assert_problem(status);
        assert_eq!(
            self.snapshot().await,
            before,
            "{method} {path} was refused but wrote"
        );
        answer
    }
}

#[rocket::async_test]
async fn text_that_is_not_json_is_refused_with_400_saying_so() {
    let mut desk = desk().await;
    for write in Write::ALL {
        // Each endpoint's own valid body spoilt, so the parser reaches the flaw before any field check.
        let valid = write.valid().to_string();
        let spoilt = [
            format!("{},}}", &valid[..valid.len() - 1]),
            format!("{valid} trailing"),
            valid.replace('"', "'"),
        ];
        for body in ["{", "not json", ""]
            .map(String::from)
            .into_iter()
            .chain(spoilt)
        {
            let answer = desk.refused(write, &body, 400).await;
            let detail = answer.assert_problem(400);
            assert!(
                detail.starts_with("the body is not valid JSON: "),
                "{write:?} {body:?}: {detail}"
            );
        }
        // Not even text: a byte that is never UTF-8.
        let answer = desk.refused(write, b"{\"title\": \"\xff\"}", 400).await;
        let detail = answer.assert_problem(400);
        assert!(
            detail.starts_with("the body could not be read as UTF-8 text: "),
            "{detail}"
        );
    }
}

#[rocket::async_test]
async fn json_that_is_not_an_object_is_refused_with_422_asking_for_one() {
    let mut desk = desk().await;
    for write in Write::ALL {
        let valid = write.valid().to_string();
        let not_objects = [
            "[]".to_owned(),
            format!("[{valid}]"),
            // serde would read these as the endpoint's fields, by position.
            write.positional().to_string(),
            "\"title\"".into(),
            "42".into(),
            "null".into(),
        ];
        for body in not_objects {
            let answer = desk.refused(write, &body, 422).await;
            let detail = answer.assert_problem(422);
            assert!(
                detail.starts_with("the body must be a JSON object"),
                "{write:?} {body:.80}: {detail}"
            );
        }
    }
}

#[rocket::async_test]
async fn a_value_of_the_wrong_type_is_refused_with_422_pointing_at_it() {
    let mut desk = desk().await;
    let cases = [
        (Piece, "title", json!(5)),
        (Piece, "authors", json!("x")),
        (Piece, "authors", json!([1])),
        (Piece, "published_at", json!(20200113)),
        (Piece, "body", json!(null)),
        (Claim, "start", json!("ten")),
        (Claim, "start", json!(-1)),
        (Claim, "start", json!(1.5)),
        (Claim, "quote", json!({ "exact": "Officials said" })),
        (Patch, "summary", json!(true)),
        (Patch, "status", json!(["accurate"])),
        (Patch, "assignee", json!("nobody")),
        (Evidence, "stance", json!({})),
        (Evidence, "url", json!(1)),
        (Note, "body", json!(["x"])),
        (Details, "title", json!(5)),
        (Details, "outlet", json!(1)),
        (Details, "authors", json!([1])),
        (Details, "published_at", json!(20200113)),
    ];
    for (write, field, value) in cases {
        let body = write.with(field, Some(value)).to_string();
        let answer = desk.refused(write, &body, 422).await;
        let detail = answer.assert_problem(422);
        assert!(
            detail.starts_with(&format!(
                "the body does not match what this endpoint takes: {field}"
            )),
            "{write:?} {field}: {detail}"
        );
        // `authors[0]` for a wrong item in a list: the path names the very value to fix.
        let fields = answer.error_fields();
        assert!(
            fields.len() == 1 && fields[0].starts_with(field),
            "{write:?} {field}: {fields:?}"
        );
    }
}

#[rocket::async_test]
async fn an_unknown_or_server_assigned_field_is_refused_with_422_naming_it() {
    let mut desk = desk().await;
    for write in Write::ALL {
        for field in ["titel", "id", "version", "created_by"] {
            let body = write.with(field, Some(json!("x"))).to_string();
            let answer = desk.refused(write, &body, 422).await;
            let detail = answer.assert_problem(422);
            assert!(
                detail.contains(&format!("unknown field `{field}`, expected")),
                "{write:?}: {detail}"
            );
        }
    }
}

#[rocket::async_test]
async fn a_missing_required_field_is_refused_with_422_naming_it() {
    let mut desk = desk().await;
    let required = [
        (Piece, "title"),
        (Piece, "body"),
        (Piece, "published_at"),
        (Claim, "quote"),
        (Evidence, "url"),
        (Evidence, "title"),
        (Evidence, "stance"),
        (Note, "body"),
    ];
    for (write, field) in required {
        let body = write.with(field, None).to_string();
        let answer = desk.refused(write, &body, 422).await;
        let detail = answer.assert_problem(422);
        assert!(
            detail.contains(&format!("missing field `{field}`")),
            "{write:?}: {detail}"
        );
    }
}

#[rocket::async_test]
async fn a_patch_that_changes_nothing_is_refused_with_422_listing_what_it_can_change() {
    let mut desk = desk().await;
    // A reason alone explains a change that is not there.
    for body in [json!({}), json!({ "reason": "because" })] {
        let message = desk.invalid(Patch, &body, "status").await;
        assert!(message.starts_with("nothing to change"), "{message}");
        for field in ["status", "summary", "claimant", "priority", "assignee"] {
            assert!(message.contains(field), "{message}");
        }
    }
}

#[rocket::async_test]
async fn an_unknown_status_priority_or_stance_is_refused_with_422_listing_the_allowed_values() {
    let mut desk = desk().await;
    let statuses = [
        "unchecked",
        "in_progress",
        "accurate",
        "misleading",
        "false",
        "unverifiable",
    ];
    let priorities = ["low", "normal", "high"];
    let cases = [
        (Patch, "status", "done", &statuses[..]),
        (Patch, "status", "Accurate", &statuses[..]),
        (Patch, "status", "in progress", &statuses[..]),
        (Patch, "priority", "urgent", &priorities[..]),
        (Claim, "priority", "urgent", &priorities[..]),
        (
            Evidence,
            "stance",
            "agrees",
            &["supports", "refutes", "context"][..],
        ),
    ];
    for (write, field, value, allowed) in cases {
        let message = desk
            .invalid(write, &write.with_text(field, value), field)
            .await;
        assert!(message.contains(&format!("`{value}`")), "{message}");
        for known in allowed {
            assert!(
                message.contains(&format!("`{known}`")),
                "{field} {value}: {message}"
            );
        }
    }
}

#[rocket::async_test]
async fn empty_and_whitespace_only_values_are_refused_for_every_field() {
    let mut desk = desk().await;
    let fields = TEXTS
        .iter()
        .map(|&(write, field, _)| (write, field))
        .chain(CHOICES);
    for (write, field) in fields {
        for blank in ["", " ", "\t\n ", "\u{a0}\u{3000}"] {
            desk.invalid(write, &write.with_text(field, blank), field)
                .await;
        }
    }
}

#[rocket::async_test]
async fn text_one_character_over_its_limit_is_refused_counting_characters_not_bytes() {
    let mut desk = desk().await;
    for (write, field, limit) in TEXTS {
        let body = write.with_text(field, &text_of(field, limit + 1));
        let message = desk.invalid(write, &body, field).await;
        assert_eq!(
            message,
            format!("is {} characters long; the limit is {limit}", limit + 1)
        );
    }
}

#[rocket::async_test]
async fn text_of_exactly_its_limit_is_accepted() {
    let desk = desk().await;
    for (write, field, limit) in TEXTS {
        if (write, field) == (Claim, "quote") {
            // A quote must occur in its piece: this one does not hold such a quote.
            let quote = text_of(field, limit);
            let piece = desk.app.create_piece(&format!("{quote}.")).await;
            desk.app.create_claim(&piece, &quote).await;
            continue;
        }
        let mut body = write.with_text(field, &text_of(field, limit));
        // Each accepted write is new to the desk, which refuses a piece whose text it holds, a
        // claim over the words of another and evidence at an address the claim already has.
        match (write, field) {
            (Piece, "body") | (Evidence, "url") => {}
            (Piece, _) => {
                body["body"] = json!(format!("The text sent with a {field} of its limit."))
            }
            (Claim, "claimant") => body["quote"] = json!("US drone strike"),
            (Claim, _) => body["quote"] = json!("near Baghdad airport"),
            (Evidence, _) => body["url"] = json!(format!("https://www.state.gov/{field}")),
            _ => {}
        }
        let answer = desk.send(write, &body.to_string()).await;
        assert!(
            answer.status.class().is_success(),
            "{write:?} {field}: {answer:#?}"
        );
        // Addresses come back normalised, and a reason is kept in the history, not the claim.
        if !(field.ends_with("url") || field == "reason") {
            let stored = if field == "authors" {
                &answer.body["authors"][0]
            } else {
                &answer.body[field]
            };
            assert_eq!(
                stored.as_str().unwrap().chars().count(),
                limit,
                "{write:?} {field}"
            );
        }
    }
}

#[rocket::async_test]
async fn more_than_fifty_authors_are_refused() {
    let mut desk = desk().await;
    let authors: Vec<String> = (0..51).map(|n| format!("Author {n}")).collect();
    let message = desk
        .invalid(
            Piece,
            &Piece.with("authors", Some(json!(authors))),
            "authors",
        )
        .await;
    assert_eq!(message, "lists 51 authors; the limit is 50");
}

#[rocket::async_test]
async fn a_nul_character_in_any_text_is_refused_with_422() {
    let mut desk = desk().await;
    for (write, field, _) in TEXTS {
        // Postgres cannot store U+0000 in text: it must be refused before it gets there.
        let text = if field.ends_with("url") {
            "https://example.org/\u{0}"
        } else {
            "Soleimani\u{0}"
        };
        let message = desk
            .invalid(write, &write.with_text(field, text), field)
            .await;
        assert_eq!(
            message, "must not contain the NUL character (U+0000)",
            "{write:?} {field}"
        );
    }
}

#[rocket::async_test]
async fn a_body_over_the_json_limit_is_refused_with_413_naming_the_limit() {
    let mut desk = desk().await;
    for write in Write::ALL {
        // A JSON document of exactly `size` bytes with one unknown field.
        let body = |size: usize| format!("{{\"titel\":\"{}\"}}", "a".repeat(size - 12));
        assert_eq!(body(JSON_LIMIT).len(), JSON_LIMIT);
        let detail = desk
            .refused(write, &body(JSON_LIMIT + 1), 413)
            .await
            .assert_problem(413)
            .to_owned();
        assert_eq!(detail, "the body is larger than the limit of 2MiB");
        // At the limit the body is read, and refused for what it says.
        desk.refused(write, &body(JSON_LIMIT), 422).await;
    }
}

#[rocket::async_test]
async fn only_absolute_http_addresses_are_accepted() {
    let mut desk = desk().await;
    let fields = [
        (Piece, "url"),
        (Evidence, "url"),
        (Evidence, "archived_url"),
        (Details, "url"),
    ];
    let bad = [
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://x",
        "/relative",
        "www.example.org",
        "https://",
        "mailto:desk@example.org",
    ];
    for (write, field) in fields {
        for address in bad {
            let message = desk
                .invalid(write, &write.with_text(field, address), field)
                .await;
            assert!(
                message.contains("http or https address"),
                "{address}: {message}"
            );
        }
    }
}

#[rocket::async_test]
async fn an_invalid_publication_date_is_refused_with_422_showing_the_formats() {
    let mut desk = desk().await;
    let dates = [
        "13/01/2020",
        "2020-02-30",
        "",
        "2020-13-01",
        "2020-01-13T25:00:00Z",
        "yesterday",
        "-5000-01-01",
        "+300000-01-01",
        // Stored, it would come back as `+10000-01-01T23:58:59Z`: not RFC 3339.
        "9999-12-31T23:59:59-23:59",
    ];
    for write in [Piece, Details] {
        for date in dates {
            let message = desk
                .invalid(
                    write,
                    &write.with_text("published_at", date),
                    "published_at",
                )
                .await;
            assert!(
                message.contains("2020-01-13"),
                "{write:?} {date}: {message}"
            );
        }
    }
}

#[rocket::async_test]
async fn a_malformed_or_unknown_id_in_any_path_is_404_naming_it() {
    let mut desk = desk().await;
    // The id of something else is as unknown as a made-up one.
    let real = [
        desk.piece.clone(),
        desk.claim.clone(),
        desk.evidence.clone(),
    ];
    let (piece, claim, evidence) = (0, 1, 2);
    let routes = [
        (Method::Get, "/api/v1/pieces/{}", piece, None),
        (Method::Patch, "/api/v1/pieces/{}", piece, Some(Details)),
        (Method::Get, "/api/v1/pieces/{}/history", piece, None),
        (Method::Get, "/api/v1/claims/{}", claim, None),
        (Method::Get, "/api/v1/claims/{}/history", claim, None),
        (Method::Patch, "/api/v1/claims/{}", claim, Some(Patch)),
        (Method::Post, "/api/v1/pieces/{}/claims", piece, Some(Claim)),
        (
            Method::Post,
            "/api/v1/claims/{}/evidence",
            claim,
            Some(Evidence),
        ),
        (Method::Post, "/api/v1/claims/{}/notes", claim, Some(Note)),
        (Method::Delete, "/api/v1/evidence/{}", evidence, None),
    ];
    for (method, template, own, write) in routes {
        let body = write.map(|write| write.valid().to_string());
        let made_up = [
            "not-a-uuid",
            "1",
            "6f1c1a58-3b7e-4c1e-9d2a",
            "%FF",
            UNKNOWN_ID,
        ];
        let others = real.iter().enumerate().filter(|(kind, _)| *kind != own);
        let ids = made_up.into_iter().chain(others.map(|(_, id)| id.as_str()));
        for id in ids {
            let path = template.replace("{}", id);
            let answer = desk.refused_at(method, &path, body.as_deref(), 404).await;
            let detail = answer.assert_problem(404);
            assert!(detail.starts_with("no "), "{method} {path}: {detail}");
        }
    }
}

#[rocket::async_test]
async fn an_unknown_address_is_404_pointing_to_the_api() {
    let mut desk = desk().await;
    let claim = desk.claim.clone();
    for (method, path) in [
        (Method::Get, "/api/v1/nope".to_owned()),
        (Method::Get, "/api/v1/claims/x/y".to_owned()),
        (
            Method::Get,
            format!("/api/v1/claims/{claim}/evidence/extra"),
        ),
        (Method::Post, "/api/v1/nope".to_owned()),
        (Method::Get, "/api/v2/pieces".to_owned()),
    ] {
        let answer = desk.refused_at(method, &path, Some("{}"), 404).await;
        assert!(
            answer
                .assert_problem(404)
                .starts_with(&format!("there is nothing at {method} ")),
            "{answer:#?}"
        );
    }
}

#[rocket::async_test]
async fn a_method_an_address_does_not_take_is_405_listing_those_it_does() {
    let mut desk = desk().await;
    let (piece, claim, evidence) = (
        desk.piece.clone(),
        desk.claim.clone(),
        desk.evidence.clone(),
    );
    for (method, path, allowed) in [
        (Method::Put, "/api/v1/pieces".to_owned(), "GET, POST"),
        (
            Method::Delete,
            format!("/api/v1/pieces/{piece}"),
            "GET, PATCH",
        ),
        (
            Method::Post,
            format!("/api/v1/pieces/{piece}/history"),
            "GET",
        ),
        (Method::Put, format!("/api/v1/claims/{claim}"), "GET, PATCH"),
        (
            Method::Delete,
            format!("/api/v1/claims/{claim}"),
            "GET, PATCH",
        ),
        (
            Method::Get,
            format!("/api/v1/evidence/{evidence}"),
            "DELETE",
        ),
        (
            Method::Patch,
            format!("/api/v1/claims/{claim}/notes"),
            "POST",
        ),
    ] {
        let answer = desk.refused_at(method, &path, Some("{}"), 405).await;
        assert_eq!(
            answer.assert_problem(405),
            format!("{path} does not take {method}; it takes {allowed}")
        );
        let response = desk
            .app
            .client
            .req(method, path.clone())
            .header(desk.bearer())
            .body("{}")
            .dispatch()
            .await;
        assert_eq!(
            response.headers().get_one("Allow"),
            Some(allowed),
            "{method} {path}"
        );
    }
}

/// A seeded linear congruential generator: the same bodies on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn key(&mut self) -> String {
        #[rustfmt::skip]
        const KEYS: &[&str] = &[
            "title", "body", "outlet", "url", "authors", "published_at", "quote", "start",
            "claimant", "summary", "priority", "status", "reason", "assignee", "stance",
            "publisher", "note", "archived_url", "titel", "", "id", "version", "Title", "__proto__",
            "é", "\u{0}", "title ",
        ];
        self.pick(KEYS).to_owned()
    }

    /// Raw JSON text, so numbers can be larger than any Rust type holds.
    fn value(&mut self, depth: usize) -> String {
        #[rustfmt::skip]
        const NUMBERS: &[&str] = &[
            "0", "-1", "1.5", "1e400", "-1e400", "123456789012345678901234567890",
            "18446744073709551616", "9223372036854775807", "-0", "4294967296", "2147483648",
        ];
        match self.below(if depth > 3 { 4 } else { 7 }) {
            0 => "null".into(),
            1 => self.pick(&["true", "false"]).into(),
            2 => self.pick(NUMBERS).into(),
            3 if self.below(8) == 0 => {
                Value::from("é".repeat([501, 2001, 5001, 20_001][self.below(4)])).to_string()
            }
            3 => self.string(),
            4 => {
                let items: Vec<String> =
                    (0..self.below(4)).map(|_| self.value(depth + 1)).collect();
                format!("[{}]", items.join(","))
            }
            _ => render(&self.fields(depth + 1)),
        }
    }

    fn string(&mut self) -> String {
        #[rustfmt::skip]
        const STRINGS: &[&str] = &[
            "", "   ", "x", "é😀", "\u{0}", "a\u{7}b\n\u{1b}[31m", "in_progress", "accurate", "high",
            "supports", "https://example.org/", "javascript:alert(1)", "2020-01-13", "13/01/2020",
            "-5000-01-01", "Officials said", "killed Qasem Soleimani",
            "00000000-0000-0000-0000-000000000000", UNKNOWN_ID, "\u{202e}rtl",
            "<script>alert(1)</script>", "'; DROP TABLE claims; --", "\u{feff}", "\u{fffd}",
        ];
        Value::from(self.pick(STRINGS)).to_string()
    }

    /// Up to five random fields, repeats and all.
    fn fields(&mut self, depth: usize) -> Vec<(String, String)> {
        (0..self.below(6))
            .map(|_| (self.key(), self.value(depth)))
            .collect()
    }

    /// A third pure noise; the rest a valid body with up to two fields dropped, added or given
    /// another value (so some are accepted), now and then cut short or sent as an array of values.
    fn body(&mut self, write: Write) -> String {
        if self.below(3) == 0 {
            return self.value(0);
        }
        let valid = write.valid();
        let mut fields: Vec<(String, String)> = valid
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, value)| (key.clone(), value.to_string()))
            .collect();
        for _ in 0..self.below(3) {
            let at = self.below(fields.len().max(1));
            match self.below(4) {
                0 if at < fields.len() => drop(fields.remove(at)),
                1 => fields.push((self.key(), self.value(1))),
                _ if at < fields.len() => {
                    fields[at].1 = if self.below(2) == 0 {
                        self.string()
                    } else {
                        self.value(1)
                    }
                }
                _ => {}
            }
        }
        match self.below(12) {
            0 => {
                let whole: Vec<char> = render(&fields).chars().collect();
                whole[..whole.len() / 2].iter().collect()
            }
            1 => format!(
                "[{}]",
                fields
                    .iter()
                    .map(|(_, value)| value.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            _ => render(&fields),
        }
    }
}

fn render(fields: &[(String, String)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

#[rocket::async_test]
async fn two_hundred_random_bodies_per_endpoint_never_cause_a_server_error_or_a_stray_write() {
    let mut desk = desk().await;
    let mut rng = Lcg(0x5eed_f4c7);
    let mut accepted = 0;
    for write in Write::ALL {
        for _ in 0..200 {
            let body = rng.body(write);
            let before = desk.snapshot().await;
            let answer = desk.send(write, &body).await;
            let after = desk.snapshot().await;
            if answer.status.class().is_success() {
                accepted += 1;
                assert!(
                    body.starts_with('{'),
                    "{write:?} accepted a body that is not an object: {body:.300}"
                );
                assert_eq!(
                    answer.content_type.as_deref(),
                    Some("application/json"),
                    "{write:?} {body:.300}: {answer:#?}"
                );
                let grew = after
                    .rows
                    .all()
                    .iter()
                    .zip(before.rows.all())
                    .all(|(after, before)| *after >= before);
                assert!(grew, "{write:?} {body:.300} shrank a table");
                // An edit adds no row, and may change nothing at all: {"priority": "normal"}.
                let added = match write {
                    Piece => Some(after.rows.pieces - before.rows.pieces),
                    Claim => Some(after.rows.claims - before.rows.claims),
                    Patch | Details => None,
                    Evidence => Some(after.rows.evidence - before.rows.evidence),
                    Note => Some(after.rows.notes - before.rows.notes),
                };
                assert!(
                    added.is_none_or(|n| n == 1),
                    "{write:?} {body:.300} added {added:?} rows"
                );
            } else {
                answer.assert_problem(answer.status.code);
                assert!(answer.status.class().is_client_error(), "{answer:#?}");
                assert_eq!(
                    after, before,
                    "{write:?} {body:.300} was refused with {} but wrote",
                    answer.status
                );
            }
        }
    }
    // Were nothing accepted, the "only grows on success" half would test nothing.
    assert!(accepted > 100, "only {accepted} bodies were accepted");
}
