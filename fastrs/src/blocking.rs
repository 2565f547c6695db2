//! A bound on CPU-heavy blocking work: [`Limiter`].
//!
//! `tokio::task::spawn_blocking` has no bound worth the name (512 threads by
//! default): a burst of password hashes (argon2id takes 19 MiB and tens of
//! milliseconds each) runs them all at once, and memory grows with the
//! burst. FastAPI runs sync code in Starlette's threadpool, whose
//! `CapacityLimiter` admits 40 at a time (AnyIO's default); here the bound
//! is explicit and sized for the work: a [`Limiter`] admits `permits` jobs
//! at once (by default one per CPU), queues the others, and a caller that
//! waited longer than the queue timeout gets [`Busy`], answered 503 with
//! `Retry-After`.
//!
//! The jobs run on the limiter's own threads, `permits` of them at most
//! (started when first needed, ended with the last clone of the limiter),
//! not on tokio's blocking pool, where a steady stream of jobs lands on
//! ever new threads. So what a job keeps per thread (a reused work buffer
//! in a `thread_local!`, the allocator's per-thread arena) is bounded by
//! `permits` too: the shop example keeps argon2's 19 MiB per thread and
//! peaks near 50 MiB under 128 logins, where allocating per hash on tokio's
//! pool, even two at a time, peaked at 355 MiB.
//!
//! ```
//! use std::time::Duration;
//! use fastrs::blocking::{Busy, Limiter};
//! use fastrs::prelude::*;
//!
//! // App state: two hashes at a time, a caller waits at most 5 s for a turn.
//! let hashing = Limiter::new(2).queue_timeout(Duration::from_secs(5));
//!
//! #[get("/digest")]
//! async fn digest(limiter: State<Limiter>) -> Result<String, HttpError> {
//!     // `?` turns `Busy` into 503 `{"detail":"Server busy, retry later"}`
//!     // with `Retry-After`.
//!     let n = limiter.run(|| (0..1_000u64).sum::<u64>()).await?;
//!     Ok(n.to_string())
//! }
//!
//! let client = TestClient::new(App::new().state(hashing.clone()).route(digest));
//! assert_eq!(client.get("/digest").send().text(), "\"499500\"");
//! assert_eq!(hashing.completed(), 1);
//!
//! // Busy: nothing free and no time to wait.
//! let full = Limiter::new(1).queue_timeout(Duration::ZERO);
//! let rt = tokio::runtime::Runtime::new().unwrap();
//! rt.block_on(async {
//!     let slow = full.clone();
//!     let first = tokio::spawn(async move {
//!         slow.run(|| std::thread::sleep(Duration::from_millis(300))).await
//!     });
//!     while full.available() > 0 {
//!         tokio::task::yield_now().await;
//!     }
//!     let busy: Busy = full.run(|| ()).await.unwrap_err();
//!     let e = HttpError::from(busy);
//!     assert_eq!(e.status(), 503);
//!     assert_eq!(e.headers()["retry-after"], "1");
//!     first.await.unwrap().unwrap();
//! });
//! assert_eq!(full.rejected(), 1);
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore};

use crate::http_error::HttpError;
use crate::response::{IntoResponse, Response};

/// How long a caller waits for a turn by default.
pub const DEFAULT_QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

/// Admits at most `permits` blocking jobs at once; the others wait in FIFO
/// order up to the queue timeout. Cloning shares the bound (it is app state).
///
/// A job holds its permit until its closure returns, even when the caller
/// gave up waiting for the result (a dropped request): the bound is on the
/// work actually running, not on the callers still listening.
#[derive(Clone)]
pub struct Limiter {
    inner: Arc<Inner>,
}

struct Inner {
    semaphore: Arc<Semaphore>,
    permits: usize,
    queue_timeout: Duration,
    retry_after: u64,
    counts: Arc<Counts>,
    workers: Workers,
}

#[derive(Default)]
struct Counts {
    completed: AtomicU64,
    rejected: AtomicU64,
}

type Job = Box<dyn FnOnce() + Send>;

/// Up to `max` threads taking jobs from one channel; they end when the
/// sender (the limiter) is dropped.
struct Workers {
    sender: mpsc::Sender<Job>,
    receiver: Arc<Mutex<mpsc::Receiver<Job>>>,
    started: AtomicUsize,
    max: usize,
}

impl Workers {
    fn new(max: usize) -> Self {
        let (sender, receiver) = mpsc::channel();
        Workers {
            sender,
            receiver: Arc::new(Mutex::new(receiver)),
            started: AtomicUsize::new(0),
            max,
        }
    }

    /// Runs `job` on a worker, starting one when fewer than `max` run (a
    /// permit is held, so at most `max` jobs are ever queued or running).
    fn submit(&self, job: Job) {
        if self.started.load(Ordering::Acquire) < self.max
            && self.started.fetch_add(1, Ordering::AcqRel) < self.max
        {
            let receiver = self.receiver.clone();
            let spawned = std::thread::Builder::new()
                .name("fastrs-blocking".into())
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(rx) => match rx.recv() {
                            Ok(job) => job,
                            Err(_) => return,
                        },
                        Err(_) => return,
                    };
                    job();
                });
            if let Err(e) = spawned {
                self.started.fetch_sub(1, Ordering::AcqRel);
                if self.started.load(Ordering::Acquire) == 0 {
                    // No thread to run it: tokio's blocking pool will.
                    tracing::error!("fastrs::blocking: no worker thread ({e}), using tokio's");
                    drop(tokio::task::spawn_blocking(job));
                    return;
                }
            }
        }
        if let Err(mpsc::SendError(job)) = self.sender.send(job) {
            // Unreachable while `self` holds the receiver; run it anyway.
            drop(tokio::task::spawn_blocking(job));
        }
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("permits", &self.inner.permits)
            .field("available", &self.available())
            .field("queue_timeout", &self.inner.queue_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for Limiter {
    /// [`Limiter::default_permits`] permits, a 10 s queue timeout.
    fn default() -> Self {
        Limiter::new(Limiter::default_permits())
    }
}

impl Limiter {
    /// At most `permits` jobs at once (0 counts as 1), callers waiting up to
    /// [`DEFAULT_QUEUE_TIMEOUT`], `Retry-After: 1`.
    pub fn new(permits: usize) -> Self {
        Limiter::build(permits, DEFAULT_QUEUE_TIMEOUT, 1)
    }

    fn build(permits: usize, queue_timeout: Duration, retry_after: u64) -> Self {
        let permits = permits.clamp(1, Semaphore::MAX_PERMITS);
        Limiter {
            inner: Arc::new(Inner {
                semaphore: Arc::new(Semaphore::new(permits)),
                permits,
                queue_timeout,
                retry_after,
                counts: Arc::default(),
                workers: Workers::new(permits),
            }),
        }
    }

    /// One permit per CPU the process may use (`available_parallelism`), 1
    /// when unknown: CPU-bound jobs gain nothing from more.
    pub fn default_permits() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }

    /// How long a caller waits for a permit before [`Busy`]
    /// (`Duration::ZERO`: only when one is free at once). Set it before
    /// sharing the limiter: it makes a new one.
    #[must_use]
    pub fn queue_timeout(self, timeout: Duration) -> Self {
        Limiter::build(self.inner.permits, timeout, self.inner.retry_after)
    }

    /// The `Retry-After` seconds [`Busy`] answers with (1 by default).
    /// Set it before sharing the limiter: it makes a new one.
    #[must_use]
    pub fn retry_after(self, seconds: u64) -> Self {
        Limiter::build(self.inner.permits, self.inner.queue_timeout, seconds)
    }

    /// Runs `job` on one of the limiter's threads once a permit is free.
    ///
    /// # Errors
    /// [`Busy`] when no permit came within the queue timeout (the job does
    /// not run).
    ///
    /// # Panics
    /// When `job` panics, the panic resumes here (the permit is released,
    /// the thread lives on).
    pub async fn run<F, T>(&self, job: F) -> Result<T, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let acquire = self.inner.semaphore.clone().acquire_owned();
        let permit = match tokio::time::timeout(self.inner.queue_timeout, acquire).await {
            Ok(Ok(permit)) => permit,
            // Timed out (or the semaphore closed, which this type never does).
            _ => {
                self.inner.counts.rejected.fetch_add(1, Ordering::Relaxed);
                return Err(Busy {
                    retry_after: self.inner.retry_after,
                });
            }
        };
        let (tx, rx) = oneshot::channel();
        let counts = self.inner.counts.clone();
        self.inner.workers.submit(Box::new(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            if out.is_ok() {
                counts.completed.fetch_add(1, Ordering::Relaxed);
            }
            drop(permit);
            let _ = tx.send(out);
        }));
        match rx.await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("fastrs::blocking: the job was dropped unrun"),
        }
    }

    /// The bound.
    pub fn permits(&self) -> usize {
        self.inner.permits
    }

    /// Permits free right now.
    pub fn available(&self) -> usize {
        self.inner.semaphore.available_permits()
    }

    /// Jobs that ran to the end.
    pub fn completed(&self) -> u64 {
        self.inner.counts.completed.load(Ordering::Relaxed)
    }

    /// Callers turned away with [`Busy`].
    pub fn rejected(&self) -> u64 {
        self.inner.counts.rejected.load(Ordering::Relaxed)
    }
}

/// No permit within the queue timeout: 503 `{"detail":"Server busy, retry
/// later"}` with `Retry-After`, through `?` into [`HttpError`] or as a
/// response of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    retry_after: u64,
}

impl Busy {
    /// The `Retry-After` seconds.
    pub fn retry_after(&self) -> u64 {
        self.retry_after
    }
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "server busy, retry after {} s", self.retry_after)
    }
}

impl std::error::Error for Busy {}

impl From<Busy> for HttpError {
    fn from(b: Busy) -> Self {
        HttpError::new(503, "Server busy, retry later")
            .header("retry-after", &b.retry_after.to_string())
    }
}

impl IntoResponse for Busy {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_permits_jobs_run_at_once() {
        use std::sync::atomic::AtomicUsize;
        let limiter = Limiter::new(3).queue_timeout(Duration::from_secs(30));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (limiter, running, peak) = (limiter.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                limiter
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(10));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 3);
        assert_eq!(limiter.completed(), 20);
        assert_eq!(limiter.rejected(), 0);
        assert_eq!(limiter.available(), 3);
    }

    #[tokio::test]
    async fn a_dropped_caller_keeps_the_permit_until_the_job_ends() {
        let limiter = Limiter::new(1).queue_timeout(Duration::ZERO);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let l = limiter.clone();
        let caller = tokio::spawn(async move { l.run(move || rx.recv().ok()).await });
        while limiter.available() > 0 {
            tokio::task::yield_now().await;
        }
        caller.abort();
        let _ = caller.await;
        // the job still runs: no permit for anyone else
        let busy = limiter.run(|| ()).await.unwrap_err();
        assert_eq!(busy.retry_after(), 1);
        tx.send(()).unwrap();
        while limiter.available() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(limiter.run(|| 5).await, Ok(5));
    }

    #[tokio::test]
    async fn waiting_callers_get_a_turn_within_the_timeout() {
        let limiter = Limiter::new(1)
            .queue_timeout(Duration::from_secs(30))
            .retry_after(7);
        let a = limiter.run(|| std::thread::sleep(Duration::from_millis(50)));
        let b = limiter.run(|| 2);
        let (a, b) = tokio::join!(a, b);
        assert_eq!((a, b), (Ok(()), Ok(2)));
        let e = HttpError::from(Busy { retry_after: 7 });
        assert_eq!(e.headers()["retry-after"], "7");
        assert_eq!(e.detail(), "Server busy, retry later");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_run_on_at_most_permits_threads() {
        let limiter = Limiter::new(2);
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let limiter = limiter.clone();
            tasks.push(tokio::spawn(async move {
                limiter
                    .run(|| {
                        std::thread::sleep(Duration::from_millis(1));
                        std::thread::current().id()
                    })
                    .await
                    .unwrap()
            }));
        }
        let mut threads = std::collections::HashSet::new();
        for t in tasks {
            threads.insert(t.await.unwrap());
        }
        assert!(threads.len() <= 2, "{} threads", threads.len());
        assert_eq!(
            limiter.inner.workers.started.load(Ordering::SeqCst),
            threads.len()
        );
    }

    #[test]
    fn sizes() {
        assert!(Limiter::default().permits() >= 1);
        assert_eq!(Limiter::new(0).permits(), 1);
    }

    #[tokio::test]
    async fn a_panicking_job_panics_the_caller_and_frees_its_permit() {
        let limiter = Limiter::new(1);
        let l = limiter.clone();
        let caller = tokio::spawn(async move { l.run(|| panic!("boom")).await });
        let panic = caller.await.unwrap_err().into_panic();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"boom"));
        assert_eq!(limiter.run(|| 1).await, Ok(1));
        assert_eq!(limiter.completed(), 1);
    }
}
