//! `cargo bench -p mdsync-core --bench aggregated_sync`: the aggregated pipeline at the demo
//! seed's scale, origin in process (the simulator, demo seed plus values copied into earlier
//! years). Figures are printed, never asserted. Targets: read + map + encode ≥ 1,000,000 values
//! per second; the engine's peak memory ≤ 200 MB for 1,000,000 values and independent of the
//! volume (printed for 100,000 and 1,000,000).
//!
//! - throughput: the origin's `dataValueSets` answers of every slice, decoded, mapped and
//!   encoded as the engine does (CPU time of this thread); with `AGGREGATED_BENCH_WASM_DIR`
//!   set, the answers and the figure are saved there for the wasm run of the same code
//!   (`wasm/`, started by `cargo xtask bench`);
//! - memory: a whole run into a destination that counts what it receives and keeps nothing, so
//!   that the figure is the engine's (the origin's store is built before the peak is reset);
//! - requests and bytes sent to a real (simulated) destination that already holds the values,
//!   with and without "ignore values the destination already has".

use std::sync::Arc;
use std::time::{Duration, Instant};

use dhis2_sim::data_values::bench::add_earlier_years;
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimRequest, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::{
    Auth, Dhis2Client, HttpRequest, HttpResponse, Method, Transport, TransportError,
};
use mdsync_core::mapping::{DataValueSet, Mapper, MappingContext, MappingDictionary};
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::aggregated::write::{encode, prepare_for_sending};
use mdsync_core::sync::aggregated::{
    run_aggregated_sync, AggregatedJob, AggregatedSelection, AggregatedSyncOptions, TargetMapping,
};
use mdsync_core::sync::metadata::SyncInstance;
use mdsync_core::sync::{CancellationToken, NoProgress, SyncReport, SyncRuntime};
use serde_json::{json, Value};

/// Requests to in-process simulators, routed by base URL.
#[derive(Clone)]
struct SimTransport(Vec<Arc<Sim>>);

impl Transport for SimTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let Some(sim) = self
            .0
            .iter()
            .find(|sim| request.url.starts_with(sim.base_url()))
        else {
            return Err(TransportError::Unreachable {
                url: request.url,
                reason: "no such host".into(),
            });
        };
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
}

/// A DHIS2 2.41 that answers what a sync asks before writing, and imports by counting.
#[derive(Clone)]
struct CountingDestination;

impl Transport for CountingDestination {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.url.split_once("/api/").map_or("", |(_, p)| p);
        let body = if path.starts_with("system/info") {
            json!({ "version": "2.41.0", "serverTimeZoneId": "UTC" })
        } else if request.method == Method::Post {
            let values = request.body.as_deref().map_or(0, |b| {
                b.windows(14).filter(|w| w == b"\"dataElement\":").count()
            });
            json!({ "httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
                "response": { "responseType": "ImportSummary", "status": "SUCCESS",
                    "importCount": { "imported": values, "updated": 0, "ignored": 0, "deleted": 0 },
                    "conflicts": [] } })
        } else if let Some((plural, ids)) = id_filter(path) {
            // Every object asked for exists.
            json!({ plural: ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() })
        } else {
            json!({})
        };
        Ok(HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        })
    }
}

/// `dataSets?…&filter=id:in:%5Ba,b%5D` → ("dataSets", [a, b]).
fn id_filter(path: &str) -> Option<(String, Vec<String>)> {
    let (plural, query) = path.split_once('?')?;
    let list = query.split("id:in:%5B").nth(1)?.split("%5D").next()?;
    Some((
        plural.to_string(),
        list.split(',').map(str::to_string).collect(),
    ))
}

fn demo_origin(values: usize) -> (Arc<Sim>, usize) {
    let mut config = InstanceConfig::new("origin", SimVersion::new(41, 0));
    config.seed = Seed::Demo(DemoSide::Source);
    config.base_url = "http://origin.sim".into();
    let sim = Arc::new(Sim::new(config));
    let total = sim.with_stores(|_, store, _| {
        let seed = store.len();
        add_earlier_years(store, values.saturating_sub(seed));
        store.len()
    });
    (sim, total)
}

/// Every data set, the first two provinces, 2024: about 130,000 values.
fn two_provinces() -> AggregatedSelection {
    AggregatedSelection {
        org_units: (0..2)
            .map(|p| dhis2_sim::seed::rng::uid(&format!("ou:province:{p}")))
            .collect(),
        period: DatePeriod::Fixed {
            start: Some("2024-01-01".into()),
            end: Some("2024-12-31".into()),
        },
        ..whole_country()
    }
}

/// Every data set, the whole country, 2000–2024: every value of the origin.
fn whole_country() -> AggregatedSelection {
    let data_sets = [
        "Reproductive health",
        "Child health and immunization",
        "Malaria and HIV",
        "OPD morbidity",
        "Facility stock",
    ];
    AggregatedSelection {
        data_sets: data_sets
            .iter()
            .map(|name| dhis2_sim::seed::rng::uid(&format!("ds:{name}")))
            .collect(),
        org_units: vec![dhis2_sim::seed::rng::uid("ou:country")],
        include_descendants: true,
        period: DatePeriod::Fixed {
            start: Some("2000-01-01".into()),
            end: Some("2024-12-31".into()),
        },
        ..AggregatedSelection::default()
    }
}

fn admin() -> Auth {
    Auth::Basic {
        username: "admin".into(),
        password: "district".into(),
    }
}

fn run<T: Transport + Clone>(
    origin: &Arc<Sim>,
    selection: &AggregatedSelection,
    destination: T,
    destination_url: &str,
    options: &AggregatedSyncOptions,
) -> SyncReport {
    let origin_instance = SyncInstance::new(
        "origin",
        Dhis2Client::new(
            SimTransport(vec![Arc::clone(origin)]),
            origin.base_url(),
            admin(),
        ),
    );
    let targets = [SyncInstance::new(
        "destination",
        Dhis2Client::new(destination, destination_url, admin()),
    )];
    let job = AggregatedJob {
        selection: selection.clone(),
        options: options.clone(),
        last_run: RuleLastRun::default(),
        started_millis: 1_749_981_600_000,
    };
    let clock = TestClock::starting_at(job.started_millis);
    let cancel = CancellationToken::new();
    clock.run(run_aggregated_sync(
        &origin_instance,
        &targets,
        &[TargetMapping::default()],
        &job,
        &SyncRuntime::new(&clock, &NoProgress, &cancel),
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

/// CPU time of this thread (Linux), steadier than wall time on a shared machine.
fn cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        text.split_whitespace().next()?.parse().ok()?,
    ))
}

/// The origin's answers for every slice of the whole-country selection (as the engine reads
/// them: 50,000 values at most each).
fn slice_bodies(origin: &Arc<Sim>) -> Vec<Vec<u8>> {
    let selection = whole_country();
    let units: Vec<String> = {
        let client = Dhis2Client::new(
            SimTransport(vec![Arc::clone(origin)]),
            origin.base_url(),
            admin(),
        );
        let body: Value = futures::executor::block_on(client.get_json(&format!(
            "api/organisationUnits?paging=false&fields=id&filter=path:like:{}",
            selection.org_units[0]
        )))
        .expect("org units");
        body["organisationUnits"]
            .as_array()
            .map(|units| {
                units
                    .iter()
                    .filter_map(|u| u["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut bodies = Vec::new();
    for data_set in &selection.data_sets {
        for batch in units.chunks(20) {
            for year in 2000..=2024 {
                let url = format!(
                    "{}/api/dataValueSets.json?dataSet={data_set}&orgUnit={}&startDate={year}-01-01&endDate={year}-12-31",
                    origin.base_url(),
                    batch.join(",")
                );
                let request = SimRequest::new("GET", &url)
                    .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=");
                if let Ok(response) = origin.handle(request) {
                    if response.body.len() > 20 {
                        bodies.push(response.body);
                    }
                }
            }
        }
    }
    bodies
}

/// Rounds of the read + map + encode (here and in `wasm/run.mjs`); the fastest counts.
const ROUNDS: usize = 5;

fn throughput(origin: &Arc<Sim>) {
    let bodies = slice_bodies(origin);
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let mapping = MappingDictionary::default();
    let context = MappingContext {
        default_ids: vec!["HllvX50cXC0".parse().expect("uid")],
        ..MappingContext::default()
    };
    // Fastest of ROUNDS rounds (CPU time of this thread), as the wasm run (`wasm/run.mjs`)
    // counts its own: the figure is the fastest whole round; each phase's fastest is printed
    // beside it.
    let mut best = [Duration::MAX; 3];
    let mut best_round = Duration::MAX;
    let (mut values, mut encoded) = (0, 0);
    for _ in 0..ROUNDS {
        let mut spent = [Duration::ZERO; 3];
        (values, encoded) = (0, 0);
        let mapper = Mapper::new(&mapping, &context);
        for body in &bodies {
            let started = cpu();
            let set = DataValueSet::from_json(body).expect("values");
            let parsed = cpu();
            let mut mapped = mapper.data_values(set).payload.data_values;
            prepare_for_sending(&mut mapped);
            let mapped_at = cpu();
            for chunk in mapped.chunks(10_000) {
                encoded += std::hint::black_box(encode(chunk)).len();
            }
            let encoded_at = cpu();
            values += mapped.len();
            drop(std::hint::black_box(mapped));
            if let (Some(a), Some(b), Some(c), Some(d)) = (started, parsed, mapped_at, encoded_at) {
                spent[0] += b - a;
                spent[1] += c - b;
                spent[2] += d - c;
            }
        }
        for (known, now) in best.iter_mut().zip(spent) {
            *known = (*known).min(now);
        }
        best_round = best_round.min(spent.iter().sum());
    }
    // The yardstick: serde_json alone, parse and serialise of the same answers.
    let mut baseline = Duration::MAX;
    for _ in 0..3 {
        let started = cpu();
        for body in &bodies {
            let set: DataValueSet = serde_json::from_slice(body).expect("values");
            drop(std::hint::black_box(
                serde_json::to_vec(&set).expect("encoded"),
            ));
        }
        if let (Some(a), Some(b)) = (started, cpu()) {
            baseline = baseline.min(b - a);
        }
    }
    let total = best_round;
    if let Ok(dir) = std::env::var("AGGREGATED_BENCH_WASM_DIR") {
        save_for_wasm(std::path::Path::new(&dir), &bodies, values, total);
    }
    let per_second = |spent: Duration| values as f64 / spent.as_secs_f64().max(1e-9) / 1e6;
    println!(
        "  read + map + encode: {values} values ({:.0} MiB read, {:.0} MiB encoded) in {:.0} ms CPU: \
         {:.2} million values/s (target ≥ 1)",
        bytes as f64 / 1048576.0,
        encoded as f64 / 1048576.0,
        total.as_secs_f64() * 1e3,
        per_second(total)
    );
    println!(
        "    fastest of {ROUNDS} rounds; phase by phase (each its fastest): decode {:.0} ms \
         ({:.2} M/s), map {:.0} ms ({:.2} M/s), encode {:.0} ms ({:.2} M/s)",
        best[0].as_secs_f64() * 1e3,
        per_second(best[0]),
        best[1].as_secs_f64() * 1e3,
        per_second(best[1]),
        best[2].as_secs_f64() * 1e3,
        per_second(best[2])
    );
    println!(
        "    yardstick on this machine: serde_json parse + serialise alone {:.0} ms ({:.2} M/s): \
         the sync's read + map + encode takes {:.2}× that",
        baseline.as_secs_f64() * 1e3,
        per_second(baseline),
        total.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
}

/// For the wasm run of the same read + map + encode (`wasm/run.mjs`, started by `cargo xtask
/// bench`): the answers (u32 little-endian length, then the bytes, for each) and the native figure.
fn save_for_wasm(dir: &std::path::Path, bodies: &[Vec<u8>], values: usize, spent: Duration) {
    let mut file = Vec::with_capacity(bodies.iter().map(|body| body.len() + 4).sum());
    for body in bodies {
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(body);
    }
    let native = json!({ "values": values, "cpuMs": spent.as_secs_f64() * 1e3 });
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join("bodies.bin"), file))
        .and_then(|()| std::fs::write(dir.join("native.json"), native.to_string()));
    if let Err(error) = written {
        println!(
            "    (could not save the answers for the wasm run in {}: {error})",
            dir.display()
        );
    }
}

fn memory(origin: &Arc<Sim>, selection: &AggregatedSelection) {
    let before = resident_mib();
    let reset = peak_mib(true).is_some();
    let started = Instant::now();
    let report = run(
        origin,
        selection,
        CountingDestination,
        "http://destination.sim",
        &AggregatedSyncOptions::default(),
    );
    let total = report.objects_by_type.iter().map(|(_, n)| n).sum::<usize>();
    let seconds = started.elapsed().as_secs_f64();
    let target = &report.targets[0];
    let details = target.aggregated.as_ref().expect("details");
    let peak = peak_mib(false);
    println!(
        "  {total:>9} values: {:.1} s, {:.2} million values/s end to end, {} slice(s), {} origin request(s), \
         {} destination request(s), {:.0} MiB sent; status {:?}",
        seconds,
        details.values_sent as f64 / seconds / 1e6,
        details.slices_total,
        report.origin_request_count,
        target.request_count,
        details.bytes_sent as f64 / 1048576.0,
        target.status
    );
    match (before, peak, reset) {
        (Some(before), Some(peak), true) => println!(
            "             peak memory during the run {:.0} MiB, of which the engine {:.0} MiB (target ≤ 200)",
            peak,
            (peak - before).max(0.0)
        ),
        _ => println!("             peak memory: not available on this platform"),
    }
}

fn ignore_existing(origin: &Arc<Sim>, selection: &AggregatedSelection) {
    let mut config = InstanceConfig::new("destination", SimVersion::new(41, 0));
    config.seed = Seed::Demo(DemoSide::Source);
    config.base_url = "http://destination.sim".into();
    let destination = Arc::new(Sim::new(config));
    destination.with_stores(|_, store, _| store.clear());
    let transport = SimTransport(vec![Arc::clone(&destination)]);
    let first = run(
        origin,
        selection,
        transport.clone(),
        destination.base_url(),
        &AggregatedSyncOptions::default(),
    );
    let total = first.objects_by_type.iter().map(|(_, n)| n).sum::<usize>();
    for ignore in [false, true] {
        destination.clear_request_log();
        let options = AggregatedSyncOptions {
            ignore_existing: ignore,
            ..AggregatedSyncOptions::default()
        };
        let report = run(
            origin,
            selection,
            transport.clone(),
            destination.base_url(),
            &options,
        );
        let log = destination.request_log();
        let sent: usize = log.iter().map(|r| r.request_bytes).sum();
        let received: usize = log.iter().map(|r| r.bytes).sum();
        let posts = log.iter().filter(|r| r.method == "POST").count();
        let details = report.targets[0].aggregated.as_ref().expect("details");
        println!(
            "  {total} values again, ignore-existing {}: {} request(s) ({posts} POST), {:.1} MiB sent, \
             {:.1} MiB received, {} value(s) sent, {} skipped",
            if ignore { "on " } else { "off" },
            log.len(),
            sent as f64 / 1048576.0,
            received as f64 / 1048576.0,
            details.values_sent,
            details.values_skipped_existing
        );
    }
}

fn main() {
    // `AGGREGATED_BENCH=throughput` (or memory, ignore) runs one part.
    let only = std::env::var("AGGREGATED_BENCH").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only == name;
    println!("aggregated sync: demo seed scale, origin in process (simulated DHIS2 2.41)");
    let (origin, total) = demo_origin(1_000_000);
    println!("  origin: the demo seed and earlier years, {total} values");
    if part("memory") {
        memory(&origin, &two_provinces());
        memory(&origin, &whole_country());
    }
    if part("throughput") {
        throughput(&origin);
    }
    if part("ignore") {
        ignore_existing(&origin, &two_provinces());
    }
}
