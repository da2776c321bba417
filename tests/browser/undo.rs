//! Undoing mistakes in the browser (issue 12): a claim archived from its page once the box is
//! ticked, found in the archive and restored from there; a piece's archive confirmation; a note
//! edited by its author. Every page visited passes the page checks (console, network, status,
//! accessibility).
use super::desk::Desk;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_is_archived_from_its_page_and_restored_from_the_archive() {
    let desk = Desk::signed_in().await;
    let claim = desk.unchecked_claim().await;
    desk.visit(&format!("/claims/{claim}")).await;

    // Without the box ticked nothing is archived, and the reason typed is kept.
    desk.type_into(
        "#archive-reason",
        "Claimed twice: the other claim is checked.",
    )
    .await;
    desk.click_to_page(".archive-form button[type=submit]", 422)
        .await;
    assert_eq!(
        desk.value("#archive-reason").await,
        "Claimed twice: the other claim is checked."
    );
    desk.click(".archive-form input[name=confirm]").await;
    desk.click_to_page(".archive-form button[type=submit]", 200)
        .await;
    assert!(
        desk.text(".archived-notice")
            .await
            .contains("Claimed twice")
    );
    assert_eq!(desk.count("form[action$='/status']").await, 0);

    desk.click_to_page(".site-nav a[href='/archived']", 200)
        .await;
    assert_eq!(desk.count(".archived-item").await, 1);
    desk.click_to_page(".archived-item button[type=submit]", 200)
        .await;
    assert_eq!(desk.location().await, "/archived");
    assert_eq!(desk.count(".archived-item").await, 0, "restored");
    desk.visit(&format!("/claims/{claim}")).await;
    assert_eq!(desk.count(".archived-notice").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_piece_archive_confirmation_and_a_note_edit_pass_the_page_checks() {
    let desk = Desk::signed_in().await;
    desk.visit(&format!("/pieces/{}/archive", desk.piece)).await;
    assert!(desk.text("h1").await.starts_with("Archive"));

    let claim = desk.unchecked_claim().await;
    desk.visit(&format!("/claims/{claim}")).await;
    desk.type_into("#note-body", "First words.").await;
    desk.click_to_page("form[action$='/notes'] button[type=submit]", 200)
        .await;
    desk.click(".note-edit summary").await;
    let editor = desk
        .js(
            "return document.querySelector('.note-edit textarea').id;",
            vec![],
        )
        .await;
    let editor = format!("#{}", editor.as_str().unwrap());
    desk.js(
        "document.querySelector(arguments[0]).value = '';",
        vec![serde_json::json!(editor)],
    )
    .await;
    desk.type_into(&editor, "Second words.").await;
    desk.click_to_page(".note-edit form[action$='/edit'] button[type=submit]", 200)
        .await;
    assert_eq!(desk.text(".note-body").await.trim(), "Second words.");
    assert!(desk.text(".claim-history").await.contains("edited a note"));
}
