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

/// The checks every page gets would catch what they are for: a console error, a load from
/// another origin (which the Content-Security-Policy refuses, and says so in the console), an
/// image without a text alternative, and a request that leaves the app (a navigation, which no
/// CSP stops).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_checks_catch_console_errors_foreign_requests_and_inaccessible_markup() {
    let desk = Desk::signed_in().await;
    desk.visit("/").await;

    desk.js(
        "console.error('provoked by the test');
         fetch('http://203.0.113.9/tracker.js').catch(() => {});
         document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/favicon.svg\">');",
        vec![],
    )
    .await;
    let violations = desk
        .accessibility_violations("the provoked page")
        .await
        .join("\n");
    assert!(violations.contains("image-alt"), "{violations}");
    // The logs are read as they fill: each reading takes what came since the last one.
    let mut console = String::new();
    let mut foreign = Vec::<String>::new();
    let mut left = false;
    let start = std::time::Instant::now();
    loop {
        console.push_str(&desk.console_errors(None).await.join("\n"));
        let events = desk.network_events().await;
        foreign.extend(
            desk.foreign_requests(&events)
                .into_iter()
                .map(str::to_owned),
        );
        let refused =
            console.contains("provoked by the test") && console.contains("Content Security Policy");
        if refused && !left {
            desk.js("location.href = 'http://203.0.113.9/elsewhere';", vec![])
                .await;
            left = true;
        }
        if refused
            && foreign
                .iter()
                .any(|url| url.contains("203.0.113.9/elsewhere"))
        {
            break;
        }
        assert!(
            start.elapsed() < super::wire::DEADLINE,
            "not all caught; console: {console}; requests elsewhere: {foreign:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
