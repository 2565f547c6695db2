"""Requests for each app of this directory: module name → [(name, method, path, headers, body)]."""

GET = "GET"
POST = "POST"

CASES = {
    "sse_tutorial001": [
        ("items_stream", GET, "/items/stream", {}, None),
        ("items_stream_no_async", GET, "/items/stream-no-async", {}, None),
        ("items_stream_no_annotation", GET, "/items/stream-no-annotation", {}, None),
        ("items_stream_no_async_no_annotation", GET, "/items/stream-no-async-no-annotation", {}, None),
    ],
    "sse_tutorial002": [
        ("items_stream", GET, "/items/stream", {}, None),
    ],
    "sse_tutorial003": [
        ("logs_stream", GET, "/logs/stream", {}, None),
    ],
    "sse_tutorial004": [
        ("from_start", GET, "/items/stream", {}, None),
        ("resume_after_0", GET, "/items/stream", {"last-event-id": "0"}, None),
        ("resume_after_2", GET, "/items/stream", {"last-event-id": "2"}, None),
        ("bad_last_event_id", GET, "/items/stream", {"last-event-id": "abc"}, None),
    ],
    "sse_tutorial005": [
        ("chat", POST, "/chat/stream", {"content-type": "application/json"},
         '{"text": "Hello from the   other side"}'),
        ("chat_empty", POST, "/chat/stream", {"content-type": "application/json"}, '{"text": ""}'),
        ("chat_missing_text", POST, "/chat/stream", {"content-type": "application/json"}, "{}"),
        ("chat_bad_json", POST, "/chat/stream", {"content-type": "application/json"}, '{"text": '),
        ("chat_get", GET, "/chat/stream", {}, None),
    ],
    "jsonl_tutorial001": [
        ("items_stream", GET, "/items/stream", {}, None),
        ("items_stream_no_async", GET, "/items/stream-no-async", {}, None),
        ("items_stream_no_annotation", GET, "/items/stream-no-annotation", {}, None),
        ("items_stream_no_async_no_annotation", GET, "/items/stream-no-async-no-annotation", {}, None),
    ],
    "app": [
        ("sse_fields", GET, "/sse/fields", {}, None),
        ("sse_untyped_data", GET, "/sse/untyped-data", {}, None),
        ("sse_readings", GET, "/sse/readings", {}, None),
        ("sse_numbers", GET, "/sse/numbers", {}, None),
        ("sse_untyped", GET, "/sse/untyped", {}, None),
        ("sse_created", POST, "/sse/created", {}, None),
        ("sse_empty", GET, "/sse/empty", {}, None),
        ("jsonl_readings", GET, "/jsonl/readings", {}, None),
        ("jsonl_numbers", GET, "/jsonl/numbers", {}, None),
        ("jsonl_untyped", GET, "/jsonl/untyped", {}, None),
        ("jsonl_single", GET, "/jsonl/single", {}, None),
    ],
}
