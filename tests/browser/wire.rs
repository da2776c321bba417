//! Waiting and plain HTTP: the few things the harness does before a browser session exists, or in
//! `Drop`, where nothing can be awaited.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How long any wait lasts before the test fails: the machine is small and runs many tests at once.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// How often a condition is looked at again while waiting.
const PAUSE: Duration = Duration::from_millis(100);

pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// One HTTP/1.1 request to 127.0.0.1:`port`, blocking. The body is read by its Content-Length:
/// chromedriver keeps the connection open whatever the request asks.
pub fn http(port: u16, method: &str, path: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(DEADLINE))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Waits until `ready` (a blocking check, run off the async workers) says yes; panics after the deadline.
pub async fn poll_blocking<F>(what: &str, ready: F)
where
    F: Fn() -> bool + Clone + Send + 'static,
{
    let start = Instant::now();
    loop {
        let check = ready.clone();
        if tokio::task::spawn_blocking(check).await.unwrap() {
            return;
        }
        assert!(start.elapsed() < DEADLINE, "waited {DEADLINE:?} for {what}");
        tokio::time::sleep(PAUSE).await;
    }
}

/// Waits until `ready` answers Some, and returns it; panics after the deadline with the last
/// thing `ready` said instead.
pub async fn poll<T, F, Fut>(what: &str, mut ready: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match ready().await {
            Ok(value) => return value,
            Err(last) => assert!(
                start.elapsed() < DEADLINE,
                "waited {DEADLINE:?} for {what}; last seen: {last}"
            ),
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// A port free at this moment, for a program that must be told which one to listen on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}
