//! The piece page: its claims marked in place, adding a claim by selecting words, and a mark's
//! tooltip and link.
use super::desk::Desk;
use factdesk::domain::workflow::Status;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Strings from a JSON list the page answered.
fn strings(value: serde_json::Value) -> Vec<String> {
    serde_json::from_value(value).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_piece_marks_every_claim_in_the_text_and_lists_each_one() {
    let desk = Desk::signed_in().await;
    let mut claims: BTreeSet<String> = BTreeSet::new();
    for status in Status::ALL {
        claims.extend(desk.claims_at(status.as_str()).await);
    }
    assert_eq!(claims.len(), 55, "the demo piece has 55 claims");

    desk.visit(&format!("/pieces/{}", desk.piece)).await;

    let marked = strings(
        desk.js(
            "return [...document.querySelectorAll('.piece-text mark[data-claim-id]')].map((m) => m.dataset.claimId);",
            vec![],
        )
        .await,
    );
    let distinct: BTreeSet<String> = marked.iter().cloned().collect();
    assert_eq!(distinct, claims, "one distinct data-claim-id per claim");
    let listed = strings(
        desk.js(
            "return [...document.querySelectorAll('.piece-claim-list .piece-claim a')].map((a) => a.getAttribute('href'));",
            vec![],
        )
        .await,
    );
    assert_eq!(listed.len(), 55, "each claim once in the list: {listed:?}");
    let linked: BTreeSet<String> = listed
        .iter()
        .map(|href| href.strip_prefix("/claims/").unwrap_or(href).to_owned())
        .collect();
    assert_eq!(linked, claims, "the list links every claim");
}

/// Selects the first whole sentence of the piece that no claim covers yet (as a person would
/// with the mouse: a range in the page's selection, then the mouse button let go); answers it.
const SELECT_A_FREE_SENTENCE: &str = r#"
const text = document.querySelector('.piece-text');
const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
const unmarked = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (node.parentElement.closest('mark')) continue;
  unmarked.push(node.data);
  const match = /(?<=[.!?]["”’]?\s+|\n|^\s+)[A-Z][^.!?\n]{30,300}[.!?](?=\s|$)/.exec(node.data);
  if (!match) continue;
  const range = document.createRange();
  range.setStart(node, match.index);
  range.setEnd(node, match.index + match[0].length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  node.parentElement.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, view: window }));
  return match[0];
}
return unmarked;
"#;

/// The words a mark shows, without what it says only to screen readers.
const MARK_TEXT: &str = r#"
const mark = document.querySelector(`mark[data-claim-id="${arguments[0]}"]`);
if (!mark) return null;
const copy = mark.cloneNode(true);
copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove());
return copy.textContent;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selecting_a_sentence_offers_add_claim_and_the_new_claim_is_marked_in_place() {
    let desk = Desk::signed_in().await;
    let page = format!("/pieces/{}", desk.piece);
    desk.visit(&page).await;

    let sentence = desk.js(SELECT_A_FREE_SENTENCE, vec![]).await;
    let sentence = sentence
        .as_str()
        .unwrap_or_else(|| {
            panic!("no sentence without a claim in the text outside marks: {sentence}")
        })
        .to_owned();
    desk.wait_for(
        "the Add claim button to show",
        "(() => { const b = document.querySelector('#add-claim-button'); \
         return b && !b.hidden && b.getClientRects().length > 0; })()",
    )
    .await;
    desk.check_action("selecting a sentence").await;
    assert_eq!(desk.text("#add-claim-button").await.trim(), "Add claim");
    desk.click("#add-claim-button").await;
    desk.wait_for(
        "the add-a-claim form to show",
        "(() => { const f = document.querySelector('#add-claim'); \
         return f && !f.hidden && f.getClientRects().length > 0; })()",
    )
    .await;
    desk.check_action("the add-a-claim form, opened").await;
    assert_eq!(
        desk.value("#add-claim [name=quote]").await.trim(),
        sentence,
        "the form quotes the selected words"
    );
    let start = desk
        .value("#add-claim input[type=hidden][name=start]")
        .await;
    assert!(
        start.parse::<usize>().is_ok(),
        "the form anchors the claim where the selection starts: {start:?}"
    );
    desk.type_into("#add-claim [name=summary]", "Checked from the browser test")
        .await;
    desk.click_to_page("#add-claim button[type=submit]", 200)
        .await;

    let location = desk.location().await;
    let added = location
        .strip_prefix(&format!("{page}?added="))
        .unwrap_or_else(|| panic!("adding a claim leads back to its piece: {location}"));
    let added: Uuid = added.parse().expect("?added= names the new claim");
    let marked = desk.js(MARK_TEXT, vec![added.to_string().into()]).await;
    assert_eq!(
        marked.as_str(),
        Some(sentence.as_str()),
        "the new claim is marked over the selected sentence"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_focused_mark_shows_its_status_and_summary_and_opens_its_claim() {
    let desk = Desk::signed_in().await;
    desk.visit(&format!("/pieces/{}", desk.piece)).await;

    // By keyboard, as someone without a mouse reaches it: Tab until a passage has the focus.
    let mut focused = serde_json::Value::Null;
    for _ in 0..60 {
        desk.press_tab().await;
        focused = desk
            .js(
                "const a = document.activeElement; return a.matches('.piece-text mark .claim-link') ? a.getAttribute('href') : null;",
                vec![],
            )
            .await;
        if !focused.is_null() {
            break;
        }
    }
    let href = focused
        .as_str()
        .expect("Tab reaches a highlighted passage")
        .to_owned();
    desk.check_action("a passage focused").await;
    let id = href.strip_prefix("/claims/").unwrap().to_owned();
    let claim = desk.app.get(&format!("/api/v1/claims/{id}")).await.body;
    let status: Status = claim["status"].as_str().unwrap().parse().unwrap();
    let summary = claim["summary"].as_str().unwrap();
    let words = if summary.trim().is_empty() {
        claim["selector"]["exact"].as_str().unwrap()
    } else {
        summary
    };

    let title = desk
        .js(
            "return document.activeElement.getAttribute('title');",
            vec![],
        )
        .await;
    assert_eq!(
        title.as_str(),
        Some(format!("{}: {words}", status.label()).as_str())
    );
    let tip = desk
        .js(
            "return getComputedStyle(document.activeElement, '::after').content;",
            vec![],
        )
        .await;
    let tip = tip.as_str().unwrap_or_default();
    assert!(
        tip.contains(status.label()) && tip.contains(words),
        "the focused passage shows its status and summary, not {tip:?}"
    );

    desk.click_to_page(&format!(".piece-text a.claim-link[href='{href}']"), 200)
        .await;
    assert_eq!(
        desk.location().await,
        href,
        "clicking the passage opens its claim"
    );
}
