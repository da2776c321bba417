//! The real binary serving a test's database on a port of its own, for what only a separate
//! process shows: its memory, its sockets, its signals. Killed on drop.
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub struct Served {
    child: Child,
    /// `127.0.0.1:port`.
    pub address: String,
    /// Every line it has written, standard output and error interleaved as they arrived.
    log: Arc<Log>,
}

#[derive(Default)]
struct Log {
    written: Mutex<Written>,
    grown: Condvar,
}

#[derive(Default)]
struct Written {
    lines: Vec<String>,
    /// Pipes closed: at 2 the process has exited (or closed both), and nothing more will come.
    closed: usize,
}

impl Log {
    /// Keeps reading `from`, so a full pipe never blocks the server.
    fn keep(self: &Arc<Self>, from: impl BufRead + Send + 'static) {
        let log = Arc::clone(self);
        std::thread::spawn(move || {
            for line in from.lines().map_while(Result::ok) {
                log.written.lock().unwrap().lines.push(line);
                log.grown.notify_all();
            }
            log.written.lock().unwrap().closed += 1;
            log.grown.notify_all();
        });
    }
}

impl Served {
    /// Starts `factdesk serve` on `database_url` with `env` added, and waits until it listens.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_factdesk"))
            .arg("serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", database_url)
            .env("ROCKET_PORT", "0")
            .env("ROCKET_CLI_COLORS", "false")
            .env("ROCKET_LOAD_DEMO", "false")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Log::default());
        log.keep(BufReader::new(child.stdout.take().unwrap()));
        log.keep(BufReader::new(child.stderr.take().unwrap()));
        let mut served = Served {
            child,
            address: String::new(),
            log,
        };
        let launched = served.wait_for_log("launched from http://", Duration::from_secs(60));
        let Some(line) = launched else {
            let _ = served.child.kill();
            let log = served.log().join("\n");
            panic!("the server stopped before it said where it listens:\n{log}")
        };
        let (_, address) = line.split_once("launched from http://").unwrap();
        served.address = address.trim().to_owned();
        served
    }

    /// What it has written so far, a line an item.
    pub fn log(&self) -> Vec<String> {
        self.log.written.lock().unwrap().lines.clone()
    }

    /// The first line it writes (or has written) containing `text`; None if none comes within
    /// `wait`, or the process closes its output first.
    pub fn wait_for_log(&self, text: &str, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        let mut written = self.log.written.lock().unwrap();
        loop {
            if let Some(line) = written.lines.iter().find(|line| line.contains(text)) {
                return Some(line.clone());
            }
            if written.closed == 2 {
                return None;
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            written = self.log.grown.wait_timeout(written, left).unwrap().0;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as an orchestrator stopping it would.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {}: {sent}", self.pid());
    }

    /// How it exited, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// How it exited, once it has; None if it still runs after `wait`.
    pub fn wait_for_exit(&mut self, wait: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The most memory the process has held at once (`VmHWM`), in MiB.
    pub fn peak_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status");
        kib / 1024
    }

    /// One request on a connection of its own (see [`http`]).
    pub fn request(&self, method: &str, path: &str, headers: &[String], body: &str) -> String {
        http(&self.address, method, path, headers, body)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request over a plain socket, with `Connection: close`; the whole answer, head and body, as
/// text. `headers` are whole header lines; a body is sent as JSON.
pub fn http(address: &str, method: &str, path: &str, headers: &[String], body: &str) -> String {
    let wait = Duration::from_secs(60);
    try_http(address, method, path, headers, body, wait).unwrap()
}

/// [`http`], with what went wrong on the socket returned instead of a panic: a refused
/// connection, a reset, or no answer within `wait` (`WouldBlock` or `TimedOut`).
pub fn try_http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[String],
    body: &str,
    wait: Duration,
) -> std::io::Result<String> {
    exchange(
        address,
        method,
        path,
        headers,
        ("application/json", body),
        wait,
    )
}

/// One request, its body of the content type given; the whole answer.
fn exchange(
    address: &str,
    method: &str,
    path: &str,
    headers: &[String],
    (content_type, body): (&str, &str),
    wait: Duration,
) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(wait))?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(&format!("{header}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str(&format!("\r\n{body}"));
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// The body of a raw HTTP answer, as JSON (Null when it is not JSON).
pub fn json_body(answer: &str) -> serde_json::Value {
    answer
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or_default()
}

/// The status code of a raw HTTP answer (0 when there is none).
pub fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A header of a raw HTTP answer, by name in any case.
pub fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Everything the server sends on one connection until it closes it; `None` if it is still open
/// after `wait`.
pub fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {
            Some(String::from_utf8_lossy(&answer).into_owned())
        }
        Err(error) => panic!("{error}"),
    }
}

/// [`http`] with a urlencoded form body, as a page's form sends it.
pub fn http_form(
    address: &str,
    method: &str,
    path: &str,
    headers: &[String],
    form: &str,
) -> String {
    let form = ("application/x-www-form-urlencoded", form);
    exchange(
        address,
        method,
        path,
        headers,
        form,
        Duration::from_secs(60),
    )
    .unwrap()
}

/// The `name=value` of every cookie an answer sets.
pub fn cookies_set(answer: &str) -> Vec<String> {
    let head = answer.split("\r\n\r\n").next().unwrap();
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, value)| value.trim().split(';').next().unwrap().to_owned())
        .collect()
}

/// Signs in through the page on `address`; the session cookie (`name=value`).
pub fn sign_in(address: &str, email: &str) -> String {
    let login = http_form(address, "GET", "/login", &[], "");
    assert_eq!(status(&login), 200, "{login}");
    let csrf_cookie = cookies_set(&login).join("; ");
    let token = login
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-in form carries its token");
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("email", email),
            ("password", crate::support::PASSWORD),
            ("csrf_token", token),
        ])
        .finish();
    let cookie = format!("Cookie: {csrf_cookie}");
    let signed_in = http_form(address, "POST", "/login", &[cookie], &form);
    assert_eq!(status(&signed_in), 303, "{signed_in}");
    cookies_set(&signed_in)
        .into_iter()
        .find(|cookie| cookie.starts_with("factdesk_session="))
        .expect("signing in sets the session cookie")
}
