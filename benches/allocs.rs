//! Heap allocations per request on the hot paths benchmarked in `extract.rs`.
//!
//! `cargo test --release --bench allocs -- --nocapture`
//!
//! A counting `#[global_allocator]` (kept out of `extract.rs` so it does not
//! perturb the timings) counts every `alloc`/`realloc` made while one request
//! goes through `service.handle`, after a warm-up request. The request is built
//! and the response dropped outside the counted section, as in the benches.
//! Under `cargo bench` these tests are listed as ignored.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[path = "extract.rs"]
#[allow(dead_code)]
mod extract;

use extract::*;
use fastrs::body::RequestBody;
use fastrs::http::Request;
use fastrs::AppService;

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size(), Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new, Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static A: Counting = Counting;

/// (allocations, bytes) made while `f` runs; its output is dropped after counting.
fn count<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let (a, b) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    let out = f();
    (ALLOCS.load(Relaxed) - a, BYTES.load(Relaxed) - b, out)
}

fn per_request(name: &str, svc: &AppService, make: impl Fn() -> Request<RequestBody>) -> usize {
    let rt = runtime();
    drop(rt.block_on(svc.handle(make()))); // warm-up (lazy statics, regexes, runtime)
    let req = make();
    let (n, bytes, resp) = count(|| rt.block_on(svc.handle(req)));
    println!(
        "{name:<22} {n:>3} allocations, {bytes:>5} bytes  (status {})",
        resp.status()
    );
    n
}

#[test]
fn allocations_per_request() {
    let svc = app();
    let rt = runtime();
    let (n, _, _) = count(|| rt.block_on(async { 1 }));
    println!("{:<22} {n:>3} allocations", "overhead/block_on");
    let (n, _, _) = count(|| post_json("/users", USER_VALID));
    println!(
        "{:<22} {n:>3} allocations (not in the counts below)",
        "build_post_request"
    );
    per_request("user_create/valid", &svc, || {
        post_json("/users", USER_VALID)
    });
    per_request("user_create/invalid", &svc, || {
        post_json("/users", USER_INVALID)
    });
    per_request("order_create/valid", &svc, || {
        post_json("/orders", ORDER_VALID)
    });
    per_request("order_create/invalid", &svc, || {
        post_json("/orders", ORDER_INVALID)
    });
    per_request("params/item", &svc, item_request);
    per_request("hello", &svc, || get("/"));
    per_request("routing/1_route", &routes_app(1), || get("/r0/items/7"));
    per_request("routing/200_routes", &routes_app(200), || {
        get("/r199/items/7")
    });
    let (n, bytes, _) = count(|| {
        serde_json::from_slice::<fastrs::lax::Lax<UserCreate>>(USER_VALID.as_bytes()).is_ok()
    });
    println!(
        "{:<22} {n:>3} allocations, {bytes:>5} bytes",
        "user_create_deser"
    );
}

/// A plain request loop for profilers, run only when `PROFILE` is set:
/// `PROFILE=hello N=100000 valgrind --tool=callgrind --toggle-collect='*request_loop*' \
///   target/release/deps/allocs-* --exact profile_loop`
/// (`PROFILE` = `hello`, `user_create`, `user_invalid`, `order_create`, `params`, `routing`).
#[test]
fn profile_loop() {
    let Ok(which) = std::env::var("PROFILE") else {
        return;
    };
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let rt = runtime();
    let (svc, make): (AppService, fn() -> Request<RequestBody>) = match which.as_str() {
        "hello" => (app(), || get("/")),
        "user_create" => (app(), || post_json("/users", USER_VALID)),
        "user_invalid" => (app(), || post_json("/users", USER_INVALID)),
        "order_create" => (app(), || post_json("/orders", ORDER_VALID)),
        "params" => (app(), item_request),
        "routing" => (routes_app(200), || get("/r199/items/7")),
        other => panic!("unknown PROFILE {other}"),
    };
    let reqs: Vec<_> = (0..n).map(|_| make()).collect();
    let out = request_loop(&rt, &svc, reqs);
    assert!(out.iter().all(|r| r.status().as_u16() < 300));
}

/// The measured loop: one `service.handle` per request (responses dropped later).
#[inline(never)]
fn request_loop(
    rt: &tokio::runtime::Runtime,
    svc: &AppService,
    reqs: Vec<Request<RequestBody>>,
) -> Vec<fastrs::Response> {
    let mut out = Vec::with_capacity(reqs.len());
    for req in reqs {
        out.push(rt.block_on(svc.handle(req)));
    }
    out
}
