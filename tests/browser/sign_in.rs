//! Signing in through the sign-in page.
use super::desk::Desk;
use crate::support::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_signs_in_through_the_sign_in_page_and_reaches_the_desk() {
    let desk = Desk::open().await;

    desk.visit("/").await;
    assert_eq!(
        desk.location().await,
        "/login",
        "the desk asks a stranger to sign in"
    );

    desk.sign_in(&desk.app.editor.email, PASSWORD).await;

    let signed_in_as = desk.text(".signout strong").await;
    assert_eq!(signed_in_as, desk.app.editor.name);
    assert_eq!(desk.text("main h1").await.trim(), "The desk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_keeps_the_person_on_the_sign_in_page_with_a_message() {
    let desk = Desk::open().await;

    desk.visit("/login").await;
    desk.type_into("#email", &desk.app.editor.email).await;
    desk.type_into("#password", "not the password at all").await;
    desk.click_to_page("main form button[type=submit]", 401)
        .await;

    assert_eq!(desk.location().await, "/login");
    assert!(
        !desk.text("[role=alert]").await.trim().is_empty(),
        "a message says why"
    );
    assert_eq!(
        desk.value("#email").await,
        desk.app.editor.email,
        "the email is kept"
    );
}
