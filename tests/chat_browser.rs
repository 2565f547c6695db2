//! examples/chat in a real, offline browser: a real server on 127.0.0.1,
//! then `node tests/browser/chat.mjs` drives Debian's headless chromium
//! through playwright-core: two chat pages talk through their browser
//! WebSockets (FastAPI's messages word for word), and the feed page reads
//! the same messages from `/events` with the browser's own `EventSource`.
//! (How the script is run, and when it is skipped: `tests/support/browser.rs`.)

#[path = "support/browser.rs"]
mod browser;

/// Two chat pages and the feed page; see `tests/browser/chat.mjs`.
#[test]
fn the_chat_and_its_feed_in_a_real_browser() {
    let Some(browser::BrowserRun {
        base,
        status,
        stdout,
        stderr,
    }) = browser::run(
        "the_chat_and_its_feed_in_a_real_browser",
        chat::app(),
        "chat.mjs",
        &[],
    )
    else {
        return;
    };
    assert!(
        status.success(),
        "the chat browser check of {base} failed ({status}):\n{stdout}\n{stderr}"
    );
    for expect in [
        "second page shows \"You wrote: Hi, I just arrived\"",
        "says: Hello from the first page\"",
        "feed shows \"Client #",
        "left the chat\"",
    ] {
        assert!(stdout.contains(expect), "expected {expect:?}:\n{stdout}");
    }
}
