//! Prometheus metrics at `/metrics`, as prometheus-fastapi-instrumentator
//! gives a FastAPI app (`Instrumentator(should_instrument_requests_inprogress=True)
//! .instrument(app).expose(app)`): its metric names and labels, the route's
//! path template as `handler` (never the raw path, which would make one
//! series per item id), `none` for a path no route matches, status codes
//! grouped (`2xx`), and the page left out of the OpenAPI document
//! (`include_in_schema=False`).
//!
//! - `http_requests_total{handler, method, status}`: a counter;
//! - `http_request_duration_seconds{handler, method}`: a histogram (Prometheus's
//!   default buckets, 5 ms to 10 s);
//! - `http_requests_inprogress{handler, method}`: a gauge of the requests in flight.
//!
//! The `metrics` crate's types with its Prometheus exporter
//! (metrics-exporter-prometheus, from the metrics-rs project) rather than the
//! older `prometheus` crate: the exporter renders the text format with
//! histograms, and a recorder of the app's own (not the process-wide one)
//! keeps each app's figures apart, as each test builds its own app.
//!
//! [`MetricsLayer`] is a tower layer around the shop's `AppService`; it asks
//! the app which route a path goes to ([`AppService::route_template`]).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use ::metrics::{Gauge, Key, Label, Level, Metadata, Recorder};
use fastrs::http::{header, HeaderValue, Request, StatusCode};
use fastrs::prelude::*;
use fastrs::AppService;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};

const REQUESTS: &str = "http_requests_total";
const DURATION: &str = "http_request_duration_seconds";
const IN_PROGRESS: &str = "http_requests_inprogress";
/// Prometheus's default histogram buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// The content type of Prometheus's text format, as the instrumentator sends it.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

/// The shop's metrics: one Prometheus recorder, shared by the layer that
/// counts and the route that renders.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A recorder with the three metrics described and no sample yet.
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), &BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        recorder.describe_counter(
            REQUESTS.into(),
            None,
            "Total number of requests by method, status and handler.".into(),
        );
        recorder.describe_histogram(
            DURATION.into(),
            Some(::metrics::Unit::Seconds),
            "Latency with only few buckets by handler.".into(),
        );
        recorder.describe_gauge(
            IN_PROGRESS.into(),
            None,
            "Number of HTTP requests in progress.".into(),
        );
        Metrics {
            recorder: Arc::new(recorder),
        }
    }

    /// The metrics in Prometheus's text format.
    pub fn render(&self) -> String {
        self.recorder.handle().render()
    }

    fn labels(handler: &str, method: &str) -> Vec<Label> {
        vec![
            Label::new("handler", handler.to_owned()),
            Label::new("method", method.to_owned()),
        ]
    }
}

/// `GET /metrics`: the figures in Prometheus's text format.
#[get("/metrics", include_in_schema = false)]
pub async fn read_metrics(figures: State<Metrics>) -> Response {
    let mut r = Response::new(fastrs::Body::from(figures.render()));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    r
}

/// The tower layer that counts each request (`App::layer`).
#[derive(Debug, Clone)]
pub struct MetricsLayer {
    metrics: Metrics,
}

impl MetricsLayer {
    /// Counts into `metrics` (the ones the app's `/metrics` renders).
    pub fn new(metrics: Metrics) -> Self {
        MetricsLayer { metrics }
    }
}

impl tower::Layer<AppService> for MetricsLayer {
    type Service = MetricsService;

    fn layer(&self, inner: AppService) -> MetricsService {
        MetricsService {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The shop's `AppService`, counted.
#[derive(Debug, Clone)]
pub struct MetricsService {
    inner: AppService,
    metrics: Metrics,
}

/// Lowers the in-flight gauge when the request ends, answered or dropped.
struct InProgress(Gauge);

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// `2xx`, `4xx`…: the instrumentator's grouped status.
fn status_group(status: StatusCode) -> String {
    format!("{}xx", status.as_u16() / 100)
}

impl<B> tower::Service<Request<B>> for MetricsService
where
    AppService: tower::Service<Request<B>, Response = Response, Error = Infallible>,
    <AppService as tower::Service<Request<B>>>::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        tower::Service::<Request<B>>::poll_ready(&mut self.inner, cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let handler = self
            .inner
            .route_template(req.uri().path())
            .unwrap_or("none")
            .to_owned();
        let method = req.method().as_str().to_owned();
        let recorder = self.metrics.recorder.clone();
        let gauge = recorder.register_gauge(
            &Key::from_parts(IN_PROGRESS, Metrics::labels(&handler, &method)),
            &METADATA,
        );
        gauge.increment(1.0);
        let in_progress = InProgress(gauge);
        let start = Instant::now();
        let answer = self.inner.call(req);
        Box::pin(async move {
            let Ok(response) = answer.await;
            let labels = Metrics::labels(&handler, &method);
            recorder
                .register_histogram(&Key::from_parts(DURATION, labels.clone()), &METADATA)
                .record(start.elapsed().as_secs_f64());
            let mut labels = labels;
            labels.push(Label::new("status", status_group(response.status())));
            recorder
                .register_counter(&Key::from_parts(REQUESTS, labels), &METADATA)
                .increment(1);
            drop(in_progress);
            Ok(response)
        })
    }
}
