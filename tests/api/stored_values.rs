//! Statuses, priorities, stances, roles and event kinds come out of the store as the domain's
//! own values, and quote positions as positions. A value the domain does not know (the columns'
//! checks forbid one; a hand-edited database could still hold it) is one answer wherever it is
//! read: a 500 that says nothing of the row, never a default such as "Unchecked" shown as if it
//! were true.
use crate::support::{TestApp, spawn_app_with_claim};
use diesel_async::SimpleAsyncConnection;
use rocket::http::Status;

/// The id of the piece `claim` is on.
async fn piece_of(app: &TestApp, claim: &str) -> String {
    let claim = app.get(&format!("/api/v1/claims/{claim}")).await;
    claim.body["piece_id"].as_str().unwrap().to_owned()
}

/// Runs `sql` on the test's database, behind the app's back.
async fn break_the_database(app: &TestApp, sql: &str) {
    app.db.conn().await.batch_execute(sql).await.unwrap();
}

#[rocket::async_test]
async fn a_status_the_domain_does_not_know_is_a_500_in_the_api_and_on_every_page() {
    let (app, claim) = spawn_app_with_claim().await;
    let piece = piece_of(&app, &claim).await;
    break_the_database(
        &app,
        &format!(
            "ALTER TABLE claims DROP CONSTRAINT claims_status_check;
             ALTER TABLE piece_progress DROP CONSTRAINT piece_progress_status_check;
             UPDATE claims SET status = 'retracted' WHERE id = '{claim}'"
        ),
    )
    .await;

    for path in [
        format!("/api/v1/claims/{claim}"),
        format!("/api/v1/claims?piece={piece}"),
        format!("/api/v1/pieces/{piece}"),
    ] {
        let answer = app.get(&path).await;
        let detail = answer.assert_problem(500);
        assert!(!detail.contains("retracted"), "{path}: {detail}");
    }
    let browser = app.browser_for(&app.editor).await;
    for path in [
        format!("/claims/{claim}"),
        format!("/pieces/{piece}"),
        "/".into(),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, Status::InternalServerError, "{path}: {page:?}");
        assert!(!page.body.contains("Unchecked"), "{path}: {}", page.body);
    }
}

#[rocket::async_test]
async fn an_event_kind_or_a_role_the_domain_does_not_know_is_a_500_not_a_guess() {
    let (app, claim) = spawn_app_with_claim().await;
    assert_eq!(
        app.get(&format!("/api/v1/claims/{claim}/history"))
            .await
            .status,
        Status::Ok
    );
    break_the_database(
        &app,
        &format!(
            "ALTER TABLE events DROP CONSTRAINT events_kind_check;
             INSERT INTO events (id, claim_id, actor_id, kind)
             SELECT gen_random_uuid(), id, created_by, 'retracted' FROM claims WHERE id = '{claim}'"
        ),
    )
    .await;
    app.get(&format!("/api/v1/claims/{claim}/history"))
        .await
        .assert_problem(500);
    let page = app
        .browser_for(&app.editor)
        .await
        .get(&format!("/claims/{claim}"))
        .await;
    assert_eq!(page.status, Status::InternalServerError, "{page:?}");

    // A user whose role is not one the domain knows reads as no role at all, not as a reviewer.
    assert_eq!(app.get("/api/v1/users/me").await.status, Status::Ok);
    break_the_database(
        &app,
        &format!(
            "ALTER TABLE users DROP CONSTRAINT users_role_check;
             UPDATE users SET role = 'owner' WHERE id = '{}'",
            app.editor.id
        ),
    )
    .await;
    app.get("/api/v1/users/me").await.assert_problem(500);
}

#[rocket::async_test]
async fn a_negative_quote_position_is_a_500_not_a_highlight_from_the_start_of_the_piece() {
    let (app, claim) = spawn_app_with_claim().await;
    let piece = piece_of(&app, &claim).await;
    break_the_database(
        &app,
        &format!(
            "ALTER TABLE claims DROP CONSTRAINT claims_quote_start_check;
             UPDATE claims SET quote_start = -5 WHERE id = '{claim}'"
        ),
    )
    .await;
    app.get(&format!("/api/v1/claims/{claim}"))
        .await
        .assert_problem(500);
    let browser = app.browser_for(&app.editor).await;
    let page = browser.get(&format!("/pieces/{piece}")).await;
    assert_eq!(page.status, Status::InternalServerError, "{page:?}");
}
