use crate::support::spawn_app;
use factdesk::Config;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

#[rocket::async_test]
async fn healthz_and_readyz_answer_while_postgres_is_up() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status, Status::Ok);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, Status::Ok);
    assert_eq!(ready.body["status"], "ready");
}

#[rocket::async_test]
async fn readyz_answers_503_while_postgres_is_unreachable() {
    // Port 9 (discard) on loopback has no Postgres: the pool cannot connect.
    let config = Config::from_env()
        .unwrap()
        .with_database_url("postgres://127.0.0.1:9/factdesk")
        .unwrap();
    let client = Client::tracked(factdesk::rocket(config)).await.unwrap();
    assert_eq!(client.get("/healthz").dispatch().await.status(), Status::Ok);
    let ready = client.get("/readyz").dispatch().await;
    assert_eq!(ready.status(), Status::ServiceUnavailable);
    assert_eq!(ready.headers().get_one("Retry-After"), Some("2"));
    assert_eq!(
        ready.content_type().map(|c| c.to_string()).as_deref(),
        Some("application/problem+json")
    );
    // A token cannot be checked without the database: the API says it is unavailable, the same
    // way as /readyz. A request without a token needs no database to be refused.
    for (authorization, status) in [
        (Some("Bearer 0123456789abcdef"), Status::ServiceUnavailable),
        (None, Status::Unauthorized),
    ] {
        let mut request = client.get("/api/v1/pieces");
        if let Some(value) = authorization {
            request = request.header(Header::new("Authorization", value));
        }
        let answer = request.dispatch().await;
        assert_eq!(answer.status(), status, "{authorization:?}");
        let retry = (status == Status::ServiceUnavailable).then_some("2");
        assert_eq!(answer.headers().get_one("Retry-After"), retry);
        assert_eq!(
            answer.content_type().map(|c| c.to_string()).as_deref(),
            Some("application/problem+json"),
            "{authorization:?}"
        );
    }
}
