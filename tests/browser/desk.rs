//! A test's whole world: its own database with the demo piece, the app serving it over TCP, and
//! one browser on it. Dropped in field order: the browser first, the database last.
use super::driver::Browser;
use super::server::Server;
use crate::support::{PASSWORD, TestApp, spawn_app_with_demo};
use std::ops::Deref;

pub struct Desk {
    pub browser: Browser,
    /// Held to be stopped on drop, once the browser is gone.
    _server: Server,
    pub app: TestApp,
    /// The demo piece.
    pub piece: factdesk::store::ids::PieceId,
}

impl Desk {
    pub async fn open() -> Desk {
        let (app, piece) = spawn_app_with_demo().await;
        let server = Server::start(&app.db).await;
        let browser = Browser::open(&server.origin).await;
        Desk {
            browser,
            _server: server,
            app,
            piece,
        }
    }

    /// Opened, and signed in through the sign-in page as the app's editor.
    pub async fn signed_in() -> Desk {
        let desk = Desk::open().await;
        desk.browser.sign_in(&desk.app.editor.email, PASSWORD).await;
        desk
    }

    /// The demo piece's claims at `status`, as the API lists them.
    pub async fn claims_at(&self, status: &str) -> Vec<String> {
        let path = format!(
            "/api/v1/claims?piece={}&status={status}&limit=100",
            self.piece
        );
        let answer = self.app.get(&path).await;
        assert_eq!(answer.status.code, 200, "{answer:#?}");
        answer.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|claim| claim["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A demo claim not yet checked.
    pub async fn unchecked_claim(&self) -> String {
        let claims = self.claims_at("unchecked").await;
        claims
            .into_iter()
            .next()
            .expect("the demo has unchecked claims")
    }
}

impl Deref for Desk {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}
