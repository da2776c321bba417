//! A request that says its length twice, with both `Content-Length` and `Transfer-Encoding`, is
//! how requests are smuggled past a proxy: the proxy and the server may disagree on where it ends,
//! and read what follows as a second request. The body is read by `Transfer-Encoding` (hyper
//! does), and RFC 9112 §6.1 then asks the server to close the connection after answering, so
//! nothing that followed on it is ever answered as a request of its own.
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

pub struct CloseAmbiguousFraming;

#[rocket::async_trait]
impl Fairing for CloseAmbiguousFraming {
    fn info(&self) -> Info {
        Info {
            name: "Close connections after ambiguously framed requests",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let headers = request.headers();
        if headers.contains("Content-Length") && headers.contains("Transfer-Encoding") {
            response.set_header(Header::new("Connection", "close"));
        }
    }
}
