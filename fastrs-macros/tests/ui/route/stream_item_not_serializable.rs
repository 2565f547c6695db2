use fastrs::json_lines::JsonLines;
use fastrs::prelude::*;
use fastrs::sse::EventSourceResponse;

struct Reading {
    value: f64,
}

#[get("/events")]
async fn events(readings: Vec<f64>) -> EventSourceResponse<Reading> {
    let items = readings.into_iter().map(|value| Reading { value });
    EventSourceResponse::new(fastrs::stream_item::iterate_in_threadpool(items))
}

#[get("/lines")]
async fn lines() -> JsonLines<Reading> {
    JsonLines::new(fastrs::stream_item::iterate_in_threadpool(Vec::new().into_iter()))
}

fn main() {}
