//! The claim status page's forms, used as a person uses them: evidence, a verdict with its
//! reason, a Markdown note, and a stale form from a second window.
use super::desk::Desk;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_then_a_verdict_with_a_reason_shows_in_the_badge_and_the_history() {
    let desk = Desk::signed_in().await;
    let claim = desk.unchecked_claim().await;
    let page = format!("/claims/{claim}");
    desk.visit(&page).await;

    desk.type_into("#evidence-url", "https://www.state.gov/reports/figures")
        .await;
    desk.type_into("#evidence-title", "The State Department's figures")
        .await;
    desk.pick("#evidence-stance", "supports").await;
    desk.click_to_page("form[action$='/evidence'] button[type=submit]", 200)
        .await;
    assert_eq!(desk.location().await, page);
    assert!(
        desk.text(".stance-supports .evidence-list")
            .await
            .contains("The State Department's figures"),
        "the evidence is listed under its stance"
    );

    let reason = "The State Department's figures say the same.";
    desk.pick("#status-to", "accurate").await;
    desk.type_into("#status-reason", reason).await;
    desk.click_to_page("form[action$='/status'] button[type=submit]", 200)
        .await;

    assert_eq!(desk.location().await, page);
    assert!(
        desk.text(".status-badge").await.contains("Accurate"),
        "the badge shows the verdict: {:?}",
        desk.text(".status-badge").await
    );
    assert_eq!(desk.text(".claim-reason").await.trim(), reason);
    let last_event = desk.text(".claim-history .timeline li:last-child").await;
    assert!(
        last_event.contains("Accurate") && last_event.contains(reason),
        "the history ends with the verdict and its reason: {last_event:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_markdown_note_is_shown_rendered() {
    let desk = Desk::signed_in().await;
    let claim = desk.unchecked_claim().await;
    desk.visit(&format!("/claims/{claim}")).await;

    desk.type_into(
        "#note-body",
        "The figure is **bold** and [the report](https://www.state.gov/) backs it.",
    )
    .await;
    desk.click_to_page("form[action$='/notes'] button[type=submit]", 200)
        .await;

    assert_eq!(desk.text(".note-body strong").await, "bold");
    let link = desk
        .js(
            "const a = document.querySelector('.note-body a'); return a && [a.getAttribute('href'), a.textContent];",
            vec![],
        )
        .await;
    assert_eq!(
        link,
        serde_json::json!(["https://www.state.gov/", "the report"])
    );
    let shown = desk.text(".note-body").await;
    assert!(
        !shown.contains("**") && !shown.contains("]("),
        "no Markdown left raw: {shown:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_status_form_in_a_second_window_is_refused_and_keeps_its_text() {
    let desk = Desk::signed_in().await;
    let claim = desk.unchecked_claim().await;
    let page = format!("/claims/{claim}");
    desk.visit(&page).await;
    let first = desk.client.window().await.unwrap();
    let second = desk.client.new_window(true).await.unwrap().handle;
    desk.client.switch_to_window(second.clone()).await.unwrap();
    desk.visit(&page).await;

    // The first window changes the status, while the second still shows the form it loaded.
    desk.client.switch_to_window(first).await.unwrap();
    desk.pick("#status-to", "in_progress").await;
    desk.type_into("#status-reason", "Started in the first window.")
        .await;
    desk.click_to_page("form[action$='/status'] button[type=submit]", 200)
        .await;
    assert!(desk.text(".status-badge").await.contains("In progress"));

    desk.client.switch_to_window(second).await.unwrap();
    let typed = "Typed in the second window, and not to be lost.";
    desk.pick("#status-to", "in_progress").await;
    desk.type_into("#status-reason", typed).await;
    desk.click_to_page("form[action$='/status'] button[type=submit]", 412)
        .await;

    let trouble = desk.text(".claim-trouble").await;
    assert!(
        trouble.contains("412"),
        "the refusal says what happened: {trouble:?}"
    );
    assert_eq!(
        desk.value("#status-reason").await,
        typed,
        "nothing typed is lost"
    );
    let changed = desk.text(".what-changed").await;
    assert!(
        changed.contains("In progress"),
        "the refusal lists what changed since the form was loaded: {changed:?}"
    );
}
