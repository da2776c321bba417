//! Screenshots of the desk, a piece and a claim at a wide and a phone's width: into
//! docs/screenshots (shown in the README) when FACTDESK_SCREENSHOTS=1, else into
//! target/screenshots, so that a plain test run leaves the repository as it was.
use super::desk::Desk;
use crate::support::{PASSWORD, add_user};
use factdesk::domain::roles::Role;
use rocket::http::Method;
use std::path::PathBuf;

fn folder() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if std::env::var("FACTDESK_SCREENSHOTS").as_deref() == Ok("1") {
        root.join("docs/screenshots")
    } else {
        root.join("target/screenshots")
    }
}

/// The width and height a PNG says it has.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

impl Desk {
    /// A verdict set by the editor and signed off by a reviewer, through the API, so the
    /// pictures show a claim's whole course.
    pub(super) async fn a_signed_off_verdict(&self) -> String {
        let claim = self.unchecked_claim().await;
        self.app.add_evidence(&claim, "supports").await;
        let path = format!("/api/v1/claims/{claim}");
        let tag = self.app.get(&path).await.etag.unwrap();
        let body = serde_json::json!({ "status": "accurate", "reason": "The State Department's own figures agree." });
        let set = self.app.patch(&path, Some(&tag), &body).await;
        assert_eq!(set.status.code, 200, "{set:#?}");
        let (rex, reviewer) = add_user(&self.app.db, Role::Reviewer).await;
        self.rename(rex.id, "Rex Reviewer").await;
        let signed = self
            .app
            .send(
                Method::Post,
                &format!("{path}/signoff"),
                Some(&reviewer),
                set.etag.as_deref(),
                Some("{}".into()),
            )
            .await;
        assert_eq!(signed.status.code, 200, "{signed:#?}");
        claim
    }

    /// Gives a test user a name a reader of the README can follow.
    async fn rename(&self, user: factdesk::store::ids::UserId, name: &str) {
        use diesel_async::RunQueryDsl;
        diesel::sql_query("UPDATE users SET name = $1 WHERE id = $2")
            .bind::<diesel::sql_types::Text, _>(name)
            .bind::<diesel::sql_types::Uuid, _>(user)
            .execute(&mut self.app.db.conn().await)
            .await
            .unwrap();
    }

    /// Makes the page's viewport exactly `width` CSS pixels wide.
    async fn set_viewport_width(&self, width: u32) {
        let height = 900;
        self.client.set_window_size(width, height).await.unwrap();
        let inner = self.js("return window.innerWidth;", vec![]).await;
        let inner = inner.as_u64().unwrap() as u32;
        if inner != width {
            // The window's frame, if any, takes the difference.
            self.client
                .set_window_size(width + width.abs_diff(inner), height)
                .await
                .unwrap();
        }
        self.wait_for(
            &format!("a viewport {width} wide"),
            &format!("window.innerWidth === {width}"),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_desk_a_piece_and_a_claim_at_1280_and_390_pixels() {
    let desk = Desk::open().await;
    desk.rename(desk.app.editor.id, "Edna Editor").await;
    desk.sign_in(&desk.app.editor.email, PASSWORD).await;
    let claim = desk.a_signed_off_verdict().await;
    let folder = folder();
    std::fs::create_dir_all(&folder).unwrap();

    for width in [1280, 390] {
        desk.set_viewport_width(width).await;
        for (name, path) in [
            ("desk", "/".to_owned()),
            ("piece", format!("/pieces/{}", desk.piece)),
            ("claim", format!("/claims/{claim}")),
        ] {
            desk.visit(&path).await;
            let png = desk.client.screenshot().await.unwrap();
            let (shot_width, _) = png_size(&png);
            assert_eq!(shot_width, width, "{name} at {width}: the viewport's width");
            let file = folder.join(format!("{name}-{width}.png"));
            std::fs::write(&file, png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }
}
