//! The pages no other browser test walks through: claim search and the piece forms. Each is
//! checked as every visited page is (console, network, status, accessibility).
use super::desk::Desk;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_claim_search_and_the_piece_forms_pass_the_page_checks() {
    let desk = Desk::signed_in().await;

    desk.click_to_page(".site-nav a[href='/claims']", 200).await;
    assert_eq!(desk.location().await, "/claims");
    desk.visit(&format!(
        "/claims?status=unchecked&piece={}&q=the",
        desk.piece
    ))
    .await;

    desk.click_to_page(".site-nav a[href='/pieces/new']", 200)
        .await;
    assert_eq!(desk.location().await, "/pieces/new");

    desk.visit(&format!("/pieces/{}/edit", desk.piece)).await;
}
