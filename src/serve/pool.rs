//! The threads of `alumni serve`: a fixed number, whatever the load.
//!
//! Stage: between the listening socket and [`super::answer`]. In: accepted
//! connections. Out: every request answered by one of [`WORKERS`] threads,
//! live-reload polls held by one thread of their own.
//!
//! One thread per connection had no bound: a thousand connections were a
//! thousand threads, each with its stack. Now:
//!
//! - the accept thread hands new connections to the *waiting room*, a
//!   thread that holds every connection with no request under way (new
//!   ones, and kept-alive ones between requests) and waits, with `poll(2)`,
//!   until one of them has bytes to read. An idle connection costs a file
//!   descriptor and a few kilobytes, never a thread. The room keeps at most
//!   [`MAX_IDLE`] of them (beyond, the one idle longest is closed), a new
//!   connection [`FIRST_REQUEST`] for its first request and a kept-alive one
//!   [`NEXT_REQUEST`] for its next;
//! - a connection with bytes to read goes to the [`WORKERS`] request
//!   threads through a bounded queue (when all are busy, the room waits,
//!   and new connections wait in the system's backlog). A worker looks,
//!   without taking a byte, whether a whole head has come: if not, the
//!   connection goes back to the room, which closes it unless the head is
//!   whole within [`HEAD_TIME`] (a client sending a byte at a time never
//!   holds a worker). Else it reads the head, answers, and hands the
//!   connection back to the room; a write that makes no progress for
//!   [`WRITE_TIME`] closes it;
//! - a live-reload poll that has to wait (`/__alumni/poll`, up to 20 s)
//!   is not waited for by a worker: its connection goes to the *poll
//!   holder*, one thread that answers every held poll when the site changes
//!   or its time is up. At most [`MAX_HELD_POLLS`] are held (one per open
//!   tab); a poll beyond gets a `503` with `Retry-After`, and the page's
//!   script polls again a second later. Held polls never take a worker, so
//!   they cannot starve page requests, nor page requests them.
//!
//! The threads are made at the start: 1 accept thread, 1 room,
//! [`WORKERS`] workers, 1 poll holder, besides the file watcher.

use std::io::{self, BufReader, BufWriter, Read};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Outcome, PollWait, Reply, Shared};

/// Threads answering requests: a browser loads a page with six connections
/// at most; every answer comes from memory.
pub(super) const WORKERS: usize = 8;

/// Live-reload polls held at once: one per open tab of the preview.
pub(super) const MAX_HELD_POLLS: usize = 32;

/// Connections kept while they have no request under way; beyond, the one
/// idle longest is closed (a browser opens another when it needs one).
pub(super) const MAX_IDLE: usize = 512;

/// Connections with a request to read, waiting for a worker.
const QUEUE: usize = 64;

/// Accepted connections not yet taken in by the waiting room.
const FRESH: usize = 128;

/// How long a new connection may take to send its first request.
pub(super) const FIRST_REQUEST: Duration = Duration::from_secs(10);

/// How long a kept-alive connection is kept for its next request.
pub(super) const NEXT_REQUEST: Duration = Duration::from_secs(30);

/// How long a request head may take to arrive, once its first bytes have.
pub(super) const HEAD_TIME: Duration = Duration::from_secs(5);

/// How long one write may wait for a client that does not read.
const WRITE_TIME: Duration = Duration::from_secs(10);

/// Bytes read from a connection at a time.
const READ_BUFFER: usize = 8 * 1024;

/// The write buffer: a response's headers and a small body leave in one write.
const WRITE_BUFFER: usize = 16 * 1024;

/// A socket whose reads fail once a deadline has passed, however slowly
/// the bytes come.
pub(super) struct Timed {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// A client's connection.
pub(super) struct Conn {
    pub(super) reader: BufReader<Timed>,
    pub(super) writer: BufWriter<TcpStream>,
    /// Since when it waits for a request (for closing the longest idle first).
    idle_since: Instant,
    /// When it is closed if no request has come.
    idle_until: Instant,
    /// When the head that has started to come must be whole.
    head_by: Option<Instant>,
}

impl Conn {
    fn new(stream: TcpStream) -> io::Result<Conn> {
        stream.set_write_timeout(Some(WRITE_TIME))?;
        let writer = BufWriter::with_capacity(WRITE_BUFFER, stream.try_clone()?);
        let now = Instant::now();
        Ok(Conn {
            reader: BufReader::with_capacity(
                READ_BUFFER,
                Timed {
                    stream,
                    deadline: now,
                },
            ),
            writer,
            idle_since: now,
            idle_until: now + FIRST_REQUEST,
            head_by: None,
        })
    }

    /// Gives the next request `wait` to come.
    fn idle(&mut self, wait: Duration) {
        self.idle_since = Instant::now();
        self.idle_until = self.idle_since + wait;
    }

    /// The socket.
    pub(super) fn stream(&mut self) -> &mut TcpStream {
        &mut self.reader.get_mut().stream
    }

    /// Sets how long reads may go on from now.
    pub(super) fn read_for(&mut self, time: Duration) {
        self.reader.get_mut().deadline = Instant::now() + time;
    }
}

/// The most bytes of a head worth looking at before reading it: past them,
/// [`super::http::read_head`] refuses it at once.
const WHOLE_HEAD: usize = super::http::MAX_REQUEST_LINE + super::http::MAX_HEADER_BYTES + 8;

/// Whether `bytes` hold a whole request head (leading line ends are skipped,
/// as the reader does).
fn holds_a_head(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    rest.windows(2).any(|w| w == b"\n\n") || rest.windows(3).any(|w| w == b"\n\r\n")
}

/// Whether reading a head from `conn` now cannot wait for the client: the
/// whole head is there, or the connection ended, or so many bytes came
/// that the reader refuses them. Looks without taking any byte (what is
/// buffered, then the socket's `MSG_PEEK`); `scratch` is the worker's.
fn head_arrived(conn: &mut Conn, scratch: &mut Vec<u8>) -> bool {
    scratch.clear();
    scratch.extend_from_slice(conn.reader.buffer());
    if holds_a_head(scratch) || scratch.len() >= WHOLE_HEAD {
        return true;
    }
    let have = scratch.len();
    scratch.resize(WHOLE_HEAD, 0);
    let stream = conn.stream();
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let peeked = stream.peek(&mut scratch[have..]);
    let blocking = stream.set_nonblocking(false);
    match peeked {
        // Closed: the reader says so at once.
        Ok(0) => true,
        Ok(n) => {
            scratch.truncate(have + n);
            blocking.is_err() || holds_a_head(scratch) || scratch.len() >= WHOLE_HEAD
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            scratch.truncate(have);
            holds_a_head(scratch)
        }
        Err(_) => true,
    }
}

/// A poll whose answer waits for a change, with what its reply needs.
pub(super) struct HeldPoll {
    pub(super) conn: Conn,
    pub(super) wait: PollWait,
    pub(super) minor: u8,
    pub(super) head_only: bool,
    pub(super) keep: bool,
}

/// Wakes the waiting room from `poll(2)` when a connection comes back.
struct Waker {
    #[cfg(unix)]
    send: std::os::unix::net::UnixStream,
}

/// The room's end of its [`Waker`].
struct Wakeup {
    #[cfg(unix)]
    receive: std::os::unix::net::UnixStream,
}

fn waker() -> io::Result<(Waker, Wakeup)> {
    #[cfg(unix)]
    {
        let (send, receive) = std::os::unix::net::UnixStream::pair()?;
        send.set_nonblocking(true)?;
        receive.set_nonblocking(true)?;
        Ok((Waker { send }, Wakeup { receive }))
    }
    #[cfg(not(unix))]
    Ok((Waker {}, Wakeup {}))
}

impl Waker {
    fn wake(&self) {
        #[cfg(unix)]
        {
            use std::io::Write as _;
            // A full socket already holds a wake-up: nothing is lost.
            let _ = (&self.send).write(&[1]);
        }
    }
}

/// The queue of connections with a request to read, and how many wait in it.
#[derive(Clone)]
struct Ready {
    tx: SyncSender<Conn>,
    queued: Arc<AtomicUsize>,
}

impl Ready {
    /// Queues a connection for a worker, waiting while the queue is full;
    /// `false` when no worker is left.
    fn send(&self, conn: Conn) -> bool {
        self.queued.fetch_add(1, Ordering::SeqCst);
        self.tx.send(conn).is_ok()
    }
}

/// Where connections go: to the room (new and kept-alive ones) and to the
/// poll holder. Cloned into every thread that hands connections on.
#[derive(Clone)]
pub(super) struct Handoff {
    fresh: SyncSender<Conn>,
    back: Sender<Conn>,
    waker: Arc<Waker>,
}

impl Handoff {
    /// Hands a new connection to the room; waits while the room is behind.
    pub(super) fn accepted(&self, stream: TcpStream) {
        if let Ok(conn) = Conn::new(stream) {
            if self.fresh.send(conn).is_ok() {
                self.waker.wake();
            }
        }
    }

    /// Gives a connection back to the room to wait for its next request.
    fn wait_next(&self, mut conn: Conn) {
        conn.idle(NEXT_REQUEST);
        if self.back.send(conn).is_ok() {
            self.waker.wake();
        }
    }

    /// Wakes the room (to see that the server stops).
    pub(super) fn wake(&self) {
        self.waker.wake();
    }
}

/// Starts the room, the workers and the poll holder; returns what hands
/// connections to them.
pub(super) fn start(shared: &Arc<Shared>) -> io::Result<Handoff> {
    let (fresh, fresh_rx) = std::sync::mpsc::sync_channel(FRESH);
    let (back, back_rx) = std::sync::mpsc::channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(QUEUE);
    let queued = Arc::new(AtomicUsize::new(0));
    let ready = Ready {
        tx: ready_tx,
        queued: Arc::clone(&queued),
    };
    let (waker, wakeup) = waker()?;
    let handoff = Handoff {
        fresh,
        back,
        waker: Arc::new(waker),
    };
    let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(f)
            .map(drop)
    };
    {
        let (shared, ready) = (Arc::clone(shared), ready.clone());
        spawn(
            "alumni-room",
            Box::new(move || room(&fresh_rx, &back_rx, &wakeup, &ready, &shared)),
        )?;
    }
    let queue = Arc::new(Mutex::new(ready_rx));
    for _ in 0..WORKERS {
        let (queue, queued) = (Arc::clone(&queue), Arc::clone(&queued));
        let (shared, handoff) = (Arc::clone(shared), handoff.clone());
        spawn(
            "alumni-serve",
            Box::new(move || worker(&queue, &queued, &handoff, &shared)),
        )?;
    }
    {
        let (shared, handoff, ready) = (Arc::clone(shared), handoff.clone(), ready.clone());
        spawn(
            "alumni-polls",
            Box::new(move || hold_polls(&handoff, &ready, &shared)),
        )?;
    }
    Ok(handoff)
}

/// The waiting room (see the module's documentation).
fn room(
    fresh: &Receiver<Conn>,
    back: &Receiver<Conn>,
    wakeup: &Wakeup,
    ready: &Ready,
    shared: &Shared,
) {
    let mut idle: Vec<Conn> = Vec::new();
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        loop {
            match fresh.try_recv() {
                Ok(conn) => idle.push(conn),
                Err(TryRecvError::Empty) => break,
                // The accept thread ended: the server stops.
                Err(TryRecvError::Disconnected) => return,
            }
        }
        idle.extend(back.try_iter());
        let now = Instant::now();
        idle.retain(|c| c.idle_until > now);
        while idle.len() > MAX_IDLE {
            if let Some(oldest) = (0..idle.len()).min_by_key(|&i| idle[i].idle_since) {
                idle.swap_remove(oldest);
            }
        }
        let timeout = idle
            .iter()
            .map(|c| c.idle_until.saturating_duration_since(now))
            .min()
            .unwrap_or(FIRST_REQUEST);
        let readable = wait_readable(&mut idle, wakeup, timeout);
        // From the last, so that removing one leaves the others' indices.
        for i in readable.into_iter().rev() {
            let conn = idle.swap_remove(i);
            if !ready.send(conn) {
                return;
            }
        }
    }
}

/// The indices of the connections of `idle` that have bytes to read (or
/// are closed), waiting up to `timeout` for one, or for a wake-up.
#[cfg(unix)]
fn wait_readable(idle: &mut [Conn], wakeup: &Wakeup, timeout: Duration) -> Vec<usize> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(idle.len() + 1);
    fds.push(PollFd::new(&wakeup.receive, PollFlags::IN));
    for conn in idle.iter() {
        fds.push(PollFd::new(&conn.reader.get_ref().stream, PollFlags::IN));
    }
    let timeout = Timespec {
        tv_sec: i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(timeout.subsec_nanos()),
    };
    if poll(&mut fds, Some(&timeout)).is_err() {
        // Interrupted: the caller looks again.
        return Vec::new();
    }
    if !fds[0].revents().is_empty() {
        let mut scratch = [0u8; 64];
        while matches!((&wakeup.receive).read(&mut scratch), Ok(n) if n > 0) {}
    }
    fds[1..]
        .iter()
        .enumerate()
        .filter(|(_, fd)| !fd.revents().is_empty())
        .map(|(i, _)| i)
        .collect()
}

#[cfg(not(unix))]
fn wait_readable(idle: &mut [Conn], _: &Wakeup, timeout: Duration) -> Vec<usize> {
    sweep_readable(idle, timeout)
}

/// Without `poll(2)`: looks at each connection without blocking, and
/// sleeps a little when none has bytes (new ones come in between).
#[cfg_attr(unix, allow(dead_code))]
fn sweep_readable(idle: &mut [Conn], timeout: Duration) -> Vec<usize> {
    let mut readable = Vec::new();
    let mut byte = [0u8];
    for (i, conn) in idle.iter_mut().enumerate() {
        let stream = conn.stream();
        if stream.set_nonblocking(true).is_err() {
            readable.push(i);
            continue;
        }
        let peeked = stream.peek(&mut byte);
        let _ = stream.set_nonblocking(false);
        if !matches!(&peeked, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            readable.push(i);
        }
    }
    if readable.is_empty() {
        std::thread::sleep(timeout.min(Duration::from_millis(5)));
    }
    readable
}

/// A request thread: answers the connections the room hands it.
fn worker(queue: &Mutex<Receiver<Conn>>, queued: &AtomicUsize, handoff: &Handoff, shared: &Shared) {
    let mut scratch = Vec::with_capacity(WHOLE_HEAD);
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(conn) = next else {
            return;
        };
        queued.fetch_sub(1, Ordering::SeqCst);
        serve(conn, queued, handoff, shared, &mut scratch);
    }
}

/// How long a worker with nothing else to do waits for a connection's next
/// request before handing it to the room: a browser's next request on a
/// kept-alive connection is often that near, and the trip through the room
/// costs it a few hundred microseconds.
const LINGER_NEXT: Duration = Duration::from_millis(2);

/// Whether `conn` has bytes to read within `wait`.
#[cfg(unix)]
fn readable_soon(conn: &Conn, wait: Duration) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(&conn.reader.get_ref().stream, PollFlags::IN)];
    let timeout = Timespec {
        tv_sec: 0,
        tv_nsec: i64::from(wait.subsec_nanos()),
    };
    poll(&mut fds, Some(&timeout)).is_ok_and(|n| n > 0)
}

#[cfg(not(unix))]
fn readable_soon(_: &Conn, _: Duration) -> bool {
    false
}

/// Answers the requests a connection has sent, then gives it back to the
/// room, or to the poll holder, or closes it.
fn serve(
    mut conn: Conn,
    queued: &AtomicUsize,
    handoff: &Handoff,
    shared: &Shared,
    scratch: &mut Vec<u8>,
) {
    loop {
        // A head that has not all come goes back to the room: the worker
        // never waits for a client, who has HEAD_TIME in all to send it.
        if !head_arrived(&mut conn, scratch) {
            let now = Instant::now();
            let by = *conn.head_by.get_or_insert(now + HEAD_TIME);
            if by <= now {
                return;
            }
            conn.idle_since = now;
            conn.idle_until = by;
            if handoff.back.send(conn).is_ok() {
                handoff.waker.wake();
            }
            return;
        }
        conn.head_by = None;
        conn.read_for(HEAD_TIME);
        let (outcome, minor, head_only, keep) = match super::http::read_head(&mut conn.reader) {
            Ok(head) => {
                let outcome = super::answer(&head, shared);
                let close = matches!(&outcome, Outcome::Reply(r) if r.close);
                let keep = head.keep_alive() && !head.has_body() && !close;
                (outcome, head.minor, head.method == "HEAD", keep)
            }
            Err(error) => match error.answer(shared.lang) {
                Some((status, text)) => {
                    (Outcome::Reply(Reply::text(status, &text)), 1, false, false)
                }
                None => return,
            },
        };
        let reply = match outcome {
            Outcome::Reply(reply) => reply,
            Outcome::Hold(wait) => {
                let mut state = shared.lock();
                if state.held.len() < MAX_HELD_POLLS {
                    state.held.push(HeldPoll {
                        conn,
                        wait,
                        minor,
                        head_only,
                        keep,
                    });
                    drop(state);
                    shared.changed.notify_all();
                    return;
                }
                drop(state);
                super::too_many_polls(shared.lang)
            }
        };
        let Some(conn_after) = finish(conn, reply, minor, head_only, keep, shared) else {
            return;
        };
        conn = conn_after;
        // A request already read behind this one is answered at once; so
        // is one that comes within LINGER_NEXT when no other connection
        // waits for a worker.
        if conn.reader.buffer().is_empty()
            && (queued.load(Ordering::SeqCst) > 0 || !readable_soon(&conn, LINGER_NEXT))
        {
            return handoff.wait_next(conn);
        }
    }
}

/// Writes a reply; the connection when it stays open for another request.
fn finish(
    mut conn: Conn,
    reply: Reply,
    minor: u8,
    head_only: bool,
    keep: bool,
    shared: &Shared,
) -> Option<Conn> {
    if super::write_reply(&mut conn.writer, reply, minor, head_only).is_err() {
        return None;
    }
    if !keep || shared.stopping.load(Ordering::SeqCst) {
        super::close_gracefully(&mut conn);
        return None;
    }
    Some(conn)
}

/// The poll holder (see the module's documentation).
fn hold_polls(handoff: &Handoff, ready: &Ready, shared: &Shared) {
    let mut state = shared.lock();
    loop {
        let stopping = shared.stopping.load(Ordering::SeqCst);
        let now = Instant::now();
        let (due, waiting): (Vec<HeldPoll>, Vec<HeldPoll>) = std::mem::take(&mut state.held)
            .into_iter()
            .partition(|h| stopping || super::poll_is_due(&h.wait, &state, now));
        state.held = waiting;
        if !due.is_empty() {
            let replies: Vec<(HeldPoll, Reply)> = due
                .into_iter()
                .map(|h| {
                    let reply = super::poll_reply(&state, shared);
                    (h, reply)
                })
                .collect();
            drop(state);
            for (h, reply) in replies {
                if let Some(conn) = finish(h.conn, reply, h.minor, h.head_only, h.keep, shared) {
                    if conn.reader.buffer().is_empty() {
                        handoff.wait_next(conn);
                    } else if !ready.send(conn) {
                        // A request sent behind the poll is a worker's; without
                        // workers, the server stops.
                        return;
                    }
                }
            }
            state = shared.lock();
            continue;
        }
        if stopping {
            return;
        }
        let timeout = state
            .held
            .iter()
            .map(|h| h.wait.deadline.saturating_duration_since(now))
            .min()
            .unwrap_or(Duration::from_secs(60));
        state = shared
            .changed
            .wait_timeout(state, timeout)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_head_is_cut_at_its_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let mut conn = Conn::new(accepted).unwrap();
        conn.read_for(Duration::from_millis(200));
        let started = Instant::now();
        std::io::Write::write_all(&mut client, b"GET / HTT").unwrap();
        let mut line = Vec::new();
        let got = std::io::BufRead::read_until(&mut conn.reader, b'\n', &mut line);
        assert!(got.is_err(), "{got:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn the_sweep_finds_connections_with_bytes_to_read() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut clients = Vec::new();
        let mut conns = Vec::new();
        for _ in 0..3 {
            clients.push(TcpStream::connect(addr).unwrap());
            conns.push(Conn::new(listener.accept().unwrap().0).unwrap());
        }
        std::io::Write::write_all(&mut clients[1], b"GET").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(sweep_readable(&mut conns, Duration::from_millis(1)), [1]);
        #[cfg(unix)]
        {
            let (_waker, wakeup) = waker().unwrap();
            assert_eq!(
                wait_readable(&mut conns, &wakeup, Duration::from_secs(1)),
                [1]
            );
        }
    }
}
