//! Clients that send slowly (issue 10, defect 2): a body trickling in holds its own socket, never
//! one of the pool's connections, so everyone else is still served.
use crate::served::{Served, status};
use crate::support::{TestDb, add_user};
use factdesk::domain::roles::Role;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use uuid::Uuid;

const POOL: usize = 4;
const SENT: usize = 20;

#[test]
fn twice_as_many_slow_bodies_as_pooled_connections_leave_everyone_else_served() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::new());
    let (_, token) = runtime.block_on(add_user(&db, Role::Editor));
    let served = Served::start(&db.url, &[("ROCKET_POOL_SIZE", &POOL.to_string())]);

    // Each sends its head and the first 20 bytes of a note, signed in, then waits. (Rocket reads
    // the first 14 bytes of any body before routing, to look for a form's `_method`: it is past
    // those that the route's guards run, and a connection would be taken.)
    let note = br#"{"body": "a note sent one byte at a time"}"#;
    let path = format!("/api/v1/claims/{}/notes", Uuid::new_v4());
    let mut slow: Vec<TcpStream> = (0..2 * POOL)
        .map(|_| {
            let mut stream = TcpStream::connect(&served.address).unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                served.address,
                note.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&note[..SENT]).unwrap();
            stream
        })
        .collect();
    // Time for the server to read every head and run every guard.
    std::thread::sleep(Duration::from_millis(500));

    // With each slow client holding a connection, these would wait out the pool's 5 s and 503.
    let ready = served.request("GET", "/readyz", &[], "");
    assert_eq!(status(&ready), 200, "{ready}");
    let bearer = format!("Authorization: Bearer {token}");
    let pieces = served.request("GET", "/api/v1/pieces", &[bearer], "");
    assert_eq!(status(&pieces), 200, "{pieces}");

    // The slow ones finish, and are answered as if they had been quick: the claim is unknown.
    for stream in &mut slow {
        stream.write_all(&note[SENT..]).unwrap();
    }
    for mut stream in slow {
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert_eq!(status(&answer), 404, "{answer}");
        assert!(answer.contains("no claim"), "{answer}");
    }
}
