//! Factdesk's patch (see vendor/README.md). Rocket documents `keep_alive` as the seconds an idle
//! connection is kept open, but hyper 0.14 has no idle timeout for HTTP/1: a connection that was
//! answered and then sends nothing stays open for ever. `IdleIo` ends it. Once the server has
//! written to a connection, `keep_alive` seconds in which the client sends nothing and the server
//! writes nothing more close it. Reading from the client disarms the timer, so a handler that
//! takes long is never cut off; a streamed answer rearms it with every write.
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::Future;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{sleep, Instant, Sleep};

use crate::http::private::{Certificates, Connection, Listener};

pub struct IdleListener<L> {
    listener: L,
    keep_alive: Option<Duration>,
}

impl<L> IdleListener<L> {
    pub fn new(listener: L, keep_alive: u32) -> Self {
        let keep_alive = (keep_alive > 0).then(|| Duration::from_secs(keep_alive.into()));
        IdleListener { listener, keep_alive }
    }
}

impl<L: Listener + Unpin> Listener for IdleListener<L> where L::Connection: Unpin {
    type Connection = IdleIo<L::Connection>;

    fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr()
    }

    fn poll_accept(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>
    ) -> Poll<io::Result<Self::Connection>> {
        let keep_alive = self.keep_alive;
        Pin::new(&mut self.listener)
            .poll_accept(cx)
            .map(|accepted| accepted.map(|io| IdleIo::new(io, keep_alive)))
    }
}

pub struct IdleIo<I> {
    io: I,
    keep_alive: Option<Duration>,
    timer: Pin<Box<Sleep>>,
    /// Whether `timer` has been set yet (one that goes off early is set again in `expired`).
    timer_set: bool,
    /// From a write by the server until the client next sends something.
    armed: bool,
    /// When the server last wrote: the connection is idle from then.
    last_write: Instant,
}

impl<I> IdleIo<I> {
    fn new(io: I, keep_alive: Option<Duration>) -> Self {
        let timer = Box::pin(sleep(Duration::from_secs(0)));
        let last_write = Instant::now();
        IdleIo { io, keep_alive, timer, timer_set: false, armed: false, last_write }
    }

    /// Starts the idle clock from now (`fresh`), or from its last start if it is running. The
    /// timer is set only when it is not: a write moves the deadline, and a timer that goes off
    /// early is set again for it, so a busy connection costs no timer work per request.
    fn arm(&mut self, cx: &mut Context<'_>, fresh: bool) {
        let Some(keep_alive) = self.keep_alive else { return };
        if fresh || !self.armed {
            self.last_write = Instant::now();
        }
        self.armed = true;
        if !self.timer_set {
            self.timer.as_mut().reset(self.last_write + keep_alive);
            self.timer_set = true;
        }
        // The task waits on the socket, not on the timer, until this is polled.
        let _ = self.expired(cx);
    }

    /// Whether the connection has been idle too long; registers for a wake-up when it will be.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(keep_alive) = self.keep_alive else { return false };
        if !self.armed || self.timer.as_mut().poll(cx).is_pending() {
            return false;
        }
        let deadline = self.last_write + keep_alive;
        if Instant::now() >= deadline {
            return true;
        }
        self.timer.as_mut().reset(deadline);
        let _ = self.timer.as_mut().poll(cx);
        false
    }

    fn idle_error() -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, "connection idle longer than keep_alive")
    }

    fn written<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>, wrote: bool)
        -> Poll<io::Result<T>>
    {
        match poll {
            Poll::Ready(Ok(value)) => {
                if wrote {
                    self.arm(cx, true);
                }
                Poll::Ready(Ok(value))
            }
            Poll::Pending => {
                // A client that stops reading an answer is idle too.
                self.arm(cx, false);
                if self.expired(cx) { Poll::Ready(Err(Self::idle_error())) } else { Poll::Pending }
            }
            error => error,
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for IdleIo<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.armed = false;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(Self::idle_error())),
            other => other,
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for IdleIo<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.io).poll_write(cx, buf);
        let wrote = matches!(poll, Poll::Ready(Ok(n)) if n > 0);
        self.written(cx, poll, wrote)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        let wrote = matches!(poll, Poll::Ready(Ok(n)) if n > 0);
        self.written(cx, poll, wrote)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.io).poll_flush(cx);
        self.written(cx, poll, false)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl<C: Connection + Unpin> Connection for IdleIo<C> {
    fn peer_address(&self) -> Option<SocketAddr> {
        self.io.peer_address()
    }

    fn peer_certificates(&self) -> Option<Certificates> {
        self.io.peer_certificates()
    }

    fn enable_nodelay(&self) -> io::Result<()> {
        self.io.enable_nodelay()
    }
}
