//! `cargo bench -p mdsync-core --bench events_sync`: the events pipeline at scale, origin in
//! process (the simulator, 2.41, demo seed plus copies): 100,000 events of the event program
//! and 20,000 tracked entities of the tracker program with their enrollments and events, and a
//! tenth of that. Figures are printed, never asserted.
//!
//! - throughput: the origin's answers of every page, decoded, converted to the engine's shape,
//!   mapped and encoded for a destination as the engine does (CPU time of this thread), in
//!   entities per second;
//! - memory: a whole run into a destination that answers what a sync asks before writing
//!   (from a metadata-only simulator) and imports by counting, so that the figure is the
//!   engine's (the origin's store is built before the peak is reset). It must not grow with
//!   the volume.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimRequest, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::tracker::convert::{for_import, from_export, ProgramAttributes};
use mdsync_core::dhis2::tracker::read::page_path;
use mdsync_core::dhis2::tracker::{TrackerApi, TrackerKind, TrackerQuery};
use mdsync_core::dhis2::{
    Auth, Dhis2Client, HttpRequest, HttpResponse, Method, Transport, TransportError,
};
use mdsync_core::mapping::{Mapper, MappingContext, MappingDictionary};
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::aggregated::TargetMapping;
use mdsync_core::sync::events::{run_events_sync, EventsJob, EventsSelection, EventsSyncOptions};
use mdsync_core::sync::metadata::SyncInstance;
use mdsync_core::sync::{CancellationToken, NoProgress, SyncReport, SyncRuntime};
use serde_json::{json, Value};

const PAGE: usize = 500;

/// Requests to in-process simulators, routed by base URL.
#[derive(Clone)]
struct SimTransport(Vec<Arc<Sim>>);

async fn ask(sim: &Sim, request: HttpRequest) -> Result<HttpResponse, TransportError> {
    let mut sim_request = SimRequest::new(request.method.as_str(), &request.url);
    for (name, value) in &request.headers {
        sim_request = sim_request.with_header(name, value);
    }
    if let Some(body) = request.body {
        sim_request = sim_request.with_body(body);
    }
    let response = sim
        .handle(sim_request)
        .map_err(|_| TransportError::ConnectionDropped {
            url: request.url.clone(),
        })?;
    Ok(HttpResponse {
        status: response.status,
        headers: response.headers,
        body: response.body,
    })
}

impl Transport for SimTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self
            .0
            .iter()
            .find(|sim| request.url.starts_with(sim.base_url()))
        {
            Some(sim) => ask(sim, request).await,
            None => Err(TransportError::Unreachable {
                url: request.url,
                reason: "no such host".into(),
            }),
        }
    }
}

/// A 2.41 destination: its metadata answered by a simulator without tracker data, tracker
/// imports counted and dropped.
#[derive(Clone)]
struct CountingDestination(Arc<Sim>);

impl Transport for CountingDestination {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method != Method::Post {
            return ask(&self.0, request).await;
        }
        let body: Value = request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        let count = |key: &str| body[key].as_array().map_or(0, Vec::len);
        let mut enrollments = 0;
        let mut events = count("events");
        for entity in body["trackedEntities"].as_array().into_iter().flatten() {
            for enrollment in entity["enrollments"].as_array().into_iter().flatten() {
                enrollments += 1;
                events += enrollment["events"].as_array().map_or(0, Vec::len);
            }
        }
        let stats = |created: usize| json!({ "created": created, "updated": 0, "deleted": 0, "ignored": 0, "total": created });
        let report = json!({ "status": "OK", "validationReport": { "errorReports": [] },
            "stats": stats(count("trackedEntities") + enrollments + events + count("relationships")),
            "bundleReport": { "typeReportMap": {
                "TRACKED_ENTITY": { "stats": stats(count("trackedEntities")) },
                "ENROLLMENT": { "stats": stats(enrollments) },
                "EVENT": { "stats": stats(events) },
                "RELATIONSHIP": { "stats": stats(count("relationships")) } } } });
        Ok(HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: report.to_string().into_bytes(),
        })
    }
}

fn admin() -> Auth {
    Auth::Basic {
        username: "admin".into(),
        password: "district".into(),
    }
}

fn sim(name: &str) -> Arc<Sim> {
    let mut config = InstanceConfig::new(name, SimVersion::new(41, 0));
    config.seed = Seed::Demo(DemoSide::Source);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

/// The demo origin grown to `events` events of the event program and `entities` children
/// (copies of the demo's, with new ids).
fn origin(events: usize, entities: usize) -> Arc<Sim> {
    let origin = sim("origin");
    let program = uid("program:Inpatient morbidity and mortality");
    origin.with_stores(|_, _, tracker| {
        let single: Vec<Value> = tracker
            .events()
            .filter(|e| e["program"] == program)
            .cloned()
            .collect();
        for index in single.len()..events {
            let mut event = single[index % single.len()].clone();
            event["event"] = json!(uid(&format!("bench:event:{index}")));
            tracker.insert_event(event);
        }
        let children: Vec<Value> = tracker.tracked_entities().cloned().collect();
        let enrollments: Vec<Value> = tracker.enrollments().cloned().collect();
        let visits: Vec<Value> = tracker
            .events()
            .filter(|e| e.get("enrollment").is_some())
            .cloned()
            .collect();
        for index in children.len()..entities {
            let template = &children[index % children.len()];
            let old = template["trackedEntity"].as_str().unwrap_or("").to_string();
            let te = uid(&format!("bench:te:{index}"));
            let mut entity = template.clone();
            entity["trackedEntity"] = json!(te);
            tracker.insert_tracked_entity(entity);
            for enrollment in enrollments
                .iter()
                .filter(|e| e["trackedEntity"] == old.as_str())
            {
                let old_enrollment = enrollment["enrollment"].as_str().unwrap_or("").to_string();
                let new_enrollment = uid(&format!("bench:en:{index}"));
                let mut copy = enrollment.clone();
                copy["enrollment"] = json!(new_enrollment);
                copy["trackedEntity"] = json!(te);
                tracker.insert_enrollment(copy);
                for (n, visit) in visits
                    .iter()
                    .filter(|v| v["enrollment"] == old_enrollment.as_str())
                    .enumerate()
                {
                    let mut copy = visit.clone();
                    copy["event"] = json!(uid(&format!("bench:visit:{index}:{n}")));
                    copy["enrollment"] = json!(new_enrollment);
                    copy["trackedEntity"] = json!(te);
                    tracker.insert_event(copy);
                }
            }
        }
    });
    origin
}

fn selection() -> EventsSelection {
    EventsSelection {
        programs: vec![
            uid("program:Inpatient morbidity and mortality"),
            uid("program:Child programme"),
        ],
        org_units: vec![uid("ou:country")],
        include_children: true,
        period: DatePeriod::All,
        ..EventsSelection::default()
    }
}

/// CPU time of this thread (Linux), steadier than wall time on a shared machine.
fn cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        text.split_whitespace().next()?.parse().ok()?,
    ))
}

/// `VmHWM` (peak resident memory) of this process in MiB, after resetting it when asked.
fn peak_mib(reset: bool) -> Option<f64> {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

/// Every page of both programs as the origin answers them (bodies kept to time the rest).
fn page_bodies(origin: &Arc<Sim>) -> Vec<(TrackerKind, Vec<u8>)> {
    let mut bodies = Vec::new();
    for (kind, program) in [
        (
            TrackerKind::Events,
            uid("program:Inpatient morbidity and mortality"),
        ),
        (TrackerKind::TrackedEntities, uid("program:Child programme")),
    ] {
        let query = TrackerQuery {
            program,
            org_unit: uid("ou:country"),
            descendants: true,
            window: None,
            ids: Vec::new(),
        };
        for page in 1.. {
            let path = page_path(TrackerApi::Modern, kind, &query, page, PAGE);
            let request = SimRequest::new("GET", &format!("{}/{path}", origin.base_url()))
                .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=");
            let body = origin.handle(request).expect("page").body;
            let items = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v[kind.plural()].as_array().map(Vec::len))
                .unwrap_or(0);
            bodies.push((kind, body));
            if items < PAGE {
                break;
            }
        }
    }
    bodies
}

fn throughput(origin: &Arc<Sim>, label: &str) {
    let bodies = page_bodies(origin);
    let mapping = MappingDictionary::default();
    let context = MappingContext::default();
    let mapper = Mapper::new(&mapping, &context);
    let attributes = ProgramAttributes::default();
    let started = cpu();
    let wall = Instant::now();
    let (mut entities, mut bytes) = (0usize, 0usize);
    for (kind, body) in &bodies {
        let mut value: Value = serde_json::from_slice(body).expect("JSON");
        let items: Vec<Value> = match value.get_mut(kind.plural()).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let items: Vec<Value> = items
            .into_iter()
            .map(|i| from_export(i, *kind, TrackerApi::Modern))
            .collect();
        entities += items.len();
        let mapped = match kind {
            TrackerKind::Events => mapper.events(items).payload,
            _ => mapper.tracked_entities(items).payload,
        };
        let out: Vec<Value> = mapped
            .into_iter()
            .map(|i| for_import(i, *kind, TrackerApi::Modern, &attributes))
            .collect();
        bytes += serde_json::to_vec(&json!({ kind.plural(): out }))
            .expect("encode")
            .len();
    }
    let spent = match (started, cpu()) {
        (Some(start), Some(end)) => end.saturating_sub(start),
        _ => wall.elapsed(),
    };
    println!(
        "  {label}: {entities} entities (events + tracked entities) in {} pages: read + convert + map + encode {:.0} entities/s ({:.2} s CPU, {:.0} MiB encoded)",
        bodies.len(),
        entities as f64 / spent.as_secs_f64().max(1e-9),
        spent.as_secs_f64(),
        bytes as f64 / 1048576.0
    );
}

fn run(origin: &Arc<Sim>, destination: &Arc<Sim>) -> SyncReport {
    let origin = SyncInstance::new(
        "origin",
        Dhis2Client::new(
            SimTransport(vec![Arc::clone(origin)]),
            origin.base_url(),
            admin(),
        ),
    );
    let target = SyncInstance::new(
        "destination",
        Dhis2Client::new(
            CountingDestination(Arc::clone(destination)),
            destination.base_url(),
            admin(),
        ),
    );
    let job = EventsJob {
        selection: selection(),
        options: EventsSyncOptions {
            page_size: PAGE,
            ..EventsSyncOptions::default()
        },
        last_run: RuleLastRun::default(),
        started_millis: 1_749_981_600_000,
        uid_seed: "bench".into(),
    };
    let clock = TestClock::starting_at(job.started_millis);
    let cancel = CancellationToken::new();
    clock.run(run_events_sync(
        &origin,
        &[target],
        &[TargetMapping::default()],
        &job,
        &SyncRuntime::new(&clock, &NoProgress, &cancel),
    ))
}

fn memory(origin: &Arc<Sim>, destination: &Arc<Sim>, label: &str) {
    let before = resident_mib();
    let reset = peak_mib(true).is_some();
    let started = Instant::now();
    let report = run(origin, destination);
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_mib(false);
    let details = report.events.as_ref().expect("details");
    let target = &report.targets[0];
    println!(
        "  {label}: whole run {:.1} s, {} pages, {} entities read ({:.0}/s end to end), {} objects created; status {:?}",
        seconds,
        details.pages_read,
        details.entities_read,
        details.entities_read as f64 / seconds.max(1e-9),
        target.stats.created,
        target.status
    );
    match (before, peak, reset) {
        (Some(before), Some(peak), true) => println!(
            "      peak memory during the run {:.0} MiB, of which the engine {:.0} MiB",
            peak,
            (peak - before).max(0.0)
        ),
        _ => println!("      peak memory: not available on this platform"),
    }
}

fn main() {
    let destination = sim("destination");
    destination.with_stores(|_, _, tracker| tracker.clear());
    for (label, events, entities) in [
        (
            "a tenth (10,000 events, 2,000 tracked entities)",
            10_000,
            2_000,
        ),
        (
            "full (100,000 events, 20,000 tracked entities)",
            100_000,
            20_000,
        ),
    ] {
        let origin = origin(events, entities);
        throughput(&origin, label);
        memory(&origin, &destination, label);
    }
}
