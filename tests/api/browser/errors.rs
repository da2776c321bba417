//! Error pages in a browser.
use super::desk::Desk;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_claim_is_a_404_page_in_the_layout_with_a_way_back_to_the_desk() {
    let desk = Desk::signed_in().await;

    desk.visit_expecting(&format!("/claims/{}", Uuid::new_v4()), 404)
        .await;

    assert_eq!(
        desk.count("header.masthead a.brand[href='/']").await,
        1,
        "the layout"
    );
    assert_eq!(
        desk.count("main#main h1").await,
        1,
        "a heading says what went wrong"
    );
    assert!(
        desk.count("main#main a[href='/']").await >= 1,
        "the page itself links back to the desk"
    );
}
