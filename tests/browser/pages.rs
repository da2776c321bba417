//! The pages no other browser test walks through: claim search (with highlighted matches), the
//! piece forms and the public check page. Each is checked as every visited page is (console,
//! network, status, accessibility).
use super::desk::Desk;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_claim_search_and_the_piece_forms_pass_the_page_checks() {
    let desk = Desk::signed_in().await;

    desk.click_to_page(".site-nav a[href='/claims']", 200).await;
    assert_eq!(desk.location().await, "/claims");
    desk.visit(&format!(
        "/claims?status=unchecked&piece={}&q=killed",
        desk.piece
    ))
    .await;

    desk.click_to_page(".site-nav a[href='/pieces/new']", 200)
        .await;
    assert_eq!(desk.location().await, "/pieces/new");

    desk.visit(&format!("/pieces/{}/edit", desk.piece)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_check_page_passes_the_page_checks_without_signing_in() {
    let desk = Desk::open().await;
    let claim = desk.a_signed_off_verdict().await;

    desk.visit(&format!("/checks/{claim}")).await;

    assert_eq!(desk.count(".status-badge").await, 1, "the verdict");
    assert_eq!(desk.count("form.signout").await, 0, "nobody is signed in");
}
