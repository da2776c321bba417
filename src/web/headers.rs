//! Security headers on every answer: pages load only what the app itself serves, are never
//! framed, tell other sites nothing about where a reader came from, and are never cached (a
//! token answer carries a secret; signed-in pages and JSON are one person's). Only the
//! stylesheet may be cached. Over https (`secure_cookies`), browsers are told to keep to https.
use crate::Settings;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Status};
use rocket::{Request, Response};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// Where the stylesheet, the script and the icon are served, and for how long a browser may keep them.
pub const STATIC_FILES: [&str; 4] = [
    "/static/factdesk.css",
    "/static/factdesk.js",
    "/static/live.js",
    "/static/favicon.svg",
];
pub const STYLESHEET_CACHE_CONTROL: &str = "public, max-age=3600";

/// How long browsers keep to https once told to (a year), when `secure_cookies` is set.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "Security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        response.set_header(Header::new(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY,
        ));
        response.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        response.set_header(Header::new("X-Frame-Options", "DENY"));
        response.set_header(Header::new("Referrer-Policy", "same-origin"));
        if !response.headers().contains("Cache-Control") {
            let path = request.uri().path();
            let fixed = STATIC_FILES.iter().any(|file| path == *file);
            let cache = if fixed && response.status() == Status::Ok {
                STYLESHEET_CACHE_CONTROL
            } else {
                "no-store"
            };
            response.set_header(Header::new("Cache-Control", cache));
        }
        let secure = request
            .rocket()
            .state::<Settings>()
            .is_some_and(|settings| settings.secure_cookies);
        if secure {
            response.set_header(Header::new(
                "Strict-Transport-Security",
                STRICT_TRANSPORT_SECURITY,
            ));
        }
    }
}
