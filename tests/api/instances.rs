//! Several instances against one database (issue 10): behind a load balancer a person's next
//! request may reach another instance, so a session started on one, and a token issued by one,
//! must be honoured by every other that shares the secret key. (Instances starting together on a
//! new database migrate it once: `startup.rs`.)
use crate::served::{Served, header, http_form, sign_in, status};
use crate::support::{PASSWORD, TestDb, add_user};
use factdesk::domain::roles::Role;
use std::slice::from_ref;

/// `openssl rand -hex 64`, as the README says to make one.
const KEY: &str = "5f0c0ffee5f0c0ffee5f0c0ffee5f0c0ffee5f0c0ffee5f0c0ffee5f0c0ffee5\
                   0ddba11cafe0ddba11cafe0ddba11cafe0ddba11cafe0ddba11cafe0ddba11ca";
const ANOTHER_KEY: &str = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2\
                           c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4";

#[test]
fn a_session_and_a_token_made_on_one_instance_are_honoured_by_another_with_the_same_key() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::new());
    let (user, _) = runtime.block_on(add_user(&db, Role::Editor));
    let one = Served::start(&db.url, &[("ROCKET_SECRET_KEY", KEY)]);
    let other = Served::start(&db.url, &[("ROCKET_SECRET_KEY", KEY)]);
    let stranger = Served::start(&db.url, &[("ROCKET_SECRET_KEY", ANOTHER_KEY)]);

    let session = format!("Cookie: {}", sign_in(&one.address, &user.email));
    let desk = http_form(&other.address, "GET", "/", from_ref(&session), "");
    assert_eq!(status(&desk), 200, "{desk}");
    assert!(
        desk.contains(&user.name),
        "the desk is not {}'s: {desk}",
        user.name
    );
    // The cookie is sealed with the key: an instance with another cannot open it.
    let desk = http_form(&stranger.address, "GET", "/", &[session], "");
    assert_eq!(status(&desk), 303, "{desk}");
    assert_eq!(header(&desk, "location"), Some("/login"), "{desk}");

    let body = serde_json::json!({ "email": user.email, "password": PASSWORD }).to_string();
    let issued = one.request("POST", "/api/v1/tokens", &[], &body);
    assert_eq!(status(&issued), 201, "{issued}");
    let json = issued.split("\r\n\r\n").nth(1).unwrap();
    let token: serde_json::Value = serde_json::from_str(json).unwrap();
    let bearer = format!("Authorization: Bearer {}", token["token"].as_str().unwrap());
    // A token is looked up in the shared database, whatever the key.
    for instance in [&other, &stranger] {
        let pieces = instance.request("GET", "/api/v1/pieces", from_ref(&bearer), "");
        assert_eq!(status(&pieces), 200, "{pieces}");
    }
}
