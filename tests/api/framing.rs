//! Requests framed two ways at once (issue 10, defect 6), over a real socket.
use crate::served::Served;
use crate::support::TestDb;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Everything the server sends on one connection until it closes it; `None` if it is still open
/// after `wait`.
fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn a_request_with_both_content_length_and_chunks_is_answered_once_and_its_connection_closed() {
    let db = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDb::new());
    let served = Served::start(&db.url, &[]);
    let host = &served.address;
    // The chunked body ends after `{}`; what follows would be a second request on the connection.
    let smuggled = format!(
        "POST /api/v1/tokens HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: 60\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n\
         GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n"
    );
    let mut stream = TcpStream::connect(host).unwrap();
    stream.write_all(smuggled.as_bytes()).unwrap();

    let answer = until_closed(&mut stream, Duration::from_secs(3))
        .expect("the connection was left open after an ambiguously framed request");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");

    // A request framed one way keeps its connection for the next.
    let mut stream = TcpStream::connect(host).unwrap();
    let twice = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").repeat(2);
    stream.write_all(twice.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    while seen.matches("HTTP/1.1 200").count() < 2 {
        let read = stream
            .read(&mut buffer)
            .expect("both answers on one connection");
        assert!(read > 0, "closed early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}
