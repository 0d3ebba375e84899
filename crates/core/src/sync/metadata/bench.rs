//! Benchmark of the metadata engine (`cargo xtask bench`, feature `bench`): a generated package
//! of about 10,000 objects, resolved from an in-memory origin and built into target chunks,
//! against a plain serde_json parse + serialize of the same payload.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::chunks::plan_chunks;
use super::memory_server::{run_ready, thread_cpu_time, MemoryServer, ReplayTransport};
use super::selection::{MetadataSelection, MetadataSyncOptions};
use super::version_transform::adapt_payload;
use super::{read_origin, OriginPackage};
use crate::dhis2::in_flight::InFlight;
use crate::dhis2::{Auth, Dhis2Client, Transport, Version};
use crate::sync::{CancellationToken, NoProgress};

/// Figures of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub objects: usize,
    pub requests: usize,
    /// Round trips those requests take when each level of dependencies is read together.
    pub round_trips: usize,
    pub chunks: usize,
    pub payload_bytes: usize,
    /// Resolution + payload build, without the in-memory server's own time.
    pub engine: Duration,
    /// The in-memory server's time in the recording round (not part of `engine`: the timed
    /// rounds replay its recorded answers).
    pub server: Duration,
    /// serde_json parse + serialize of the final payload.
    pub baseline: Duration,
    /// The same two measurements in CPU time of this thread (Linux; mean of the rounds), when
    /// available.
    pub engine_cpu: Option<Duration>,
    pub baseline_cpu: Option<Duration>,
    /// Peak resident memory of the process (VmHWM), in KiB, when the OS reports it.
    pub peak_memory_kib: Option<u64>,
}

impl BenchReport {
    /// Engine time over baseline time: CPU time when the OS reports it (a shared machine
    /// inflates wall time unevenly), else wall time.
    pub fn ratio(&self) -> f64 {
        match (self.engine_cpu, self.baseline_cpu) {
            (Some(engine), Some(baseline)) => ratio(engine, baseline),
            _ => self.wall_ratio(),
        }
    }

    pub fn wall_ratio(&self) -> f64 {
        ratio(self.engine, self.baseline)
    }
}

fn ratio(engine: Duration, baseline: Duration) -> f64 {
    engine.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
}

fn millis(duration: Option<Duration>) -> String {
    duration.map_or("n/a".into(), |d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "metadata engine: resolve + build payload ({ROUNDS} rounds: fastest wall, mean CPU)"
        )?;
        writeln!(f, "  objects            {}", self.objects)?;
        writeln!(f, "  origin requests    {}", self.requests)?;
        writeln!(f, "  origin round trips {}", self.round_trips)?;
        writeln!(f, "  chunks             {}", self.chunks)?;
        writeln!(
            f,
            "  payload            {:.1} MiB",
            self.payload_bytes as f64 / 1048576.0
        )?;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(f, "  engine wall time   {:.1} ms", ms(self.engine))?;
        writeln!(f, "  engine CPU time    {}", millis(self.engine_cpu))?;
        writeln!(f, "  (server, not timed) {:.1} ms", ms(self.server))?;
        writeln!(
            f,
            "  serde baseline     {:.1} ms wall, {} CPU",
            ms(self.baseline),
            millis(self.baseline_cpu)
        )?;
        writeln!(
            f,
            "  ratio              {:.2}x (target <= 2x; wall {:.2}x)",
            self.ratio(),
            self.wall_ratio()
        )?;
        match self.peak_memory_kib {
            Some(kib) => writeln!(f, "  peak memory VmHWM  {:.1} MiB", kib as f64 / 1024.0),
            None => writeln!(f, "  peak memory VmHWM  n/a"),
        }
    }
}

fn uid(prefix: &str, index: usize) -> String {
    format!("{prefix}{index:0>width$}", width = 11 - prefix.len())
}

fn refs(ids: impl IntoIterator<Item = String>) -> Value {
    Value::Array(ids.into_iter().map(|id| json!({"id": id})).collect())
}

fn sharing() -> Value {
    json!({"owner": "usr00000001", "public": "rw------", "external": false, "users": {},
        "userGroups": {"grp00000001": {"id": "grp00000001", "access": "rwrw----"}}})
}

/// Fills `server` with a package of data sets and their dependencies; returns the data set ids.
pub fn generate_package(
    server: &MemoryServer,
    data_sets: usize,
    elements_per_set: usize,
) -> Vec<String> {
    let named = |id: &str, name: String| {
        json!({"id": id, "name": name, "code": id, "shortName": name,
        "created": "2024-01-01T00:00:00.000", "href": "http://x", "displayName": name,
        "access": {"read": true}, "sharing": sharing()})
    };
    for (plural, id) in [
        ("categoryOptions", "xYerKDKCefk"),
        ("categories", "GLevLNI9wkl"),
        ("categoryCombos", "bjDvmb4bfuf"),
        ("categoryOptionCombos", "HllvX50cXC0"),
    ] {
        server.insert(plural, named(id, "default".into()));
    }
    let options = 400;
    for i in 0..options {
        server.insert(
            "categoryOptions",
            named(&uid("co", i), format!("Option {i}")),
        );
    }
    for i in 0..100 {
        let mut category = named(&uid("ca", i), format!("Category {i}"));
        category["categoryOptions"] = refs((0..4).map(|k| uid("co", (i * 4 + k) % options)));
        server.insert("categories", category);
    }
    let combos = 50;
    for i in 0..combos {
        let mut combo = named(&uid("cc", i), format!("Combo {i}"));
        combo["categories"] = refs([uid("ca", i * 2), uid("ca", i * 2 + 1)]);
        server.insert("categoryCombos", combo);
        for k in 0..16 {
            let mut coc = named(&uid("oc", i * 16 + k), format!("COC {i}-{k}"));
            coc["categoryCombo"] = json!({"id": uid("cc", i)});
            coc["categoryOptions"] = refs([uid("co", i * 8 + k / 4), uid("co", i * 8 + 4 + k % 4)]);
            server.insert("categoryOptionCombos", coc);
        }
    }
    for i in 0..100 {
        let mut set = named(&uid("os", i), format!("Option set {i}"));
        set["options"] = refs((0..10).map(|k| uid("op", i * 10 + k)));
        server.insert("optionSets", set);
        for k in 0..10 {
            let mut option = named(&uid("op", i * 10 + k), format!("Option {i}-{k}"));
            option["optionSet"] = json!({"id": uid("os", i)});
            server.insert("options", option);
        }
    }
    let elements = data_sets * elements_per_set;
    for i in 0..elements {
        let mut element = named(&uid("de", i), format!("Data element {i}"));
        element["valueType"] = json!("NUMBER");
        element["categoryCombo"] = json!({"id": if i % 5 == 0 { "bjDvmb4bfuf".to_string() } else { uid("cc", i % combos) }});
        if i % 10 == 0 {
            element["optionSet"] = json!({"id": uid("os", i % 100)});
        }
        server.insert("dataElements", element);
    }
    server.insert("indicatorTypes", named("it000000001", "Number".into()));
    let indicators = elements / 6;
    for i in 0..indicators {
        let mut indicator = named(&uid("in", i), format!("Indicator {i}"));
        indicator["indicatorType"] = json!({"id": "it000000001"});
        indicator["numerator"] = json!(format!(
            "#{{{}}}+#{{{}.{}}}",
            uid("de", i),
            uid("de", i + 1),
            uid("oc", i % 800)
        ));
        indicator["denominator"] = json!("1");
        server.insert("indicators", indicator);
    }
    for i in 0..100 {
        server.insert(
            "organisationUnits",
            named(&uid("ou", i), format!("Org unit {i}")),
        );
    }
    (0..data_sets)
        .map(|i| {
            let id = uid("ds", i);
            let mut set = named(&id, format!("Data set {i}"));
            set["categoryCombo"] = json!({"id": "bjDvmb4bfuf"});
            set["dataSetElements"] = Value::Array(
                (0..elements_per_set)
                    .map(|k| {
                        json!({"dataElement": {"id": uid("de", i * elements_per_set + k)},
                        "dataSet": {"id": id}})
                    })
                    .collect(),
            );
            set["indicators"] = refs(
                (0..indicators / data_sets).map(|k| uid("in", i * (indicators / data_sets) + k)),
            );
            set["organisationUnits"] = refs((0..100).map(|k| uid("ou", k)));
            server.insert("dataSets", set);
            id
        })
        .collect()
}

/// Peak resident memory (VmHWM) of this process, from `/proc/self/status`.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs the benchmark: about 10,000 objects (36 data sets × 200 data elements and what they
/// bring along).
pub fn run() -> BenchReport {
    run_with(36, 200)
}

/// Rounds of each measurement.
const ROUNDS: usize = 5;

/// One engine round: resolution from the in-memory origin, transforms and chunk bodies.
struct EngineRound {
    engine: Duration,
    engine_cpu: Option<Duration>,
    requests: usize,
    objects: usize,
    chunks: Vec<Vec<u8>>,
}

fn engine_round<T: Transport>(
    transport: &T,
    requests: impl Fn() -> usize,
    selection: &MetadataSelection,
) -> EngineRound {
    let client = Dhis2Client::new(transport, "http://origin", Auth::Session);
    let options = MetadataSyncOptions::default();
    let requests_before = requests();
    let started_cpu = thread_cpu_time();
    let started = Instant::now();
    let read = run_ready(read_origin(
        &client,
        selection,
        &options,
        &NoProgress,
        &CancellationToken::new(),
    ));
    let mut package: OriginPackage = match read {
        Ok(package) => package,
        Err(error) => panic!("the benchmark origin failed: {error}"),
    };
    let mut payload = std::mem::take(&mut package.payload);
    adapt_payload(&mut payload, &Version::new(2, 36), None);
    let objects = payload.values().map(Vec::len).sum();
    let chunks = plan_chunks(
        payload,
        &|p| package.schemas.order_of(p),
        options.chunks,
        options.strip_timestamps,
    );
    let engine = started.elapsed();
    let engine_cpu = started_cpu
        .zip(thread_cpu_time())
        .map(|(before, after)| after.saturating_sub(before));
    EngineRound {
        engine,
        engine_cpu,
        requests: requests() - requests_before,
        objects,
        chunks: chunks.into_iter().map(|chunk| chunk.body).collect(),
    }
}

/// serde_json parse + serialize of each chunk body: (wall, CPU, bytes written).
fn baseline_round(chunks: &[Vec<u8>]) -> (Duration, Option<Duration>, usize) {
    let started_cpu = thread_cpu_time();
    let started = Instant::now();
    let mut bytes = 0;
    for body in chunks {
        let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        bytes += serde_json::to_vec(&parsed).map_or(0, |out| out.len());
    }
    let cpu = started_cpu
        .zip(thread_cpu_time())
        .map(|(before, after)| after.saturating_sub(before));
    (started.elapsed(), cpu, bytes)
}

fn sum_option(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
    Some(a? + b?)
}

pub fn run_with(data_sets: usize, elements_per_set: usize) -> BenchReport {
    let server = MemoryServer::new("2.40.2");
    let selected = generate_package(&server, data_sets, elements_per_set);
    let selection = MetadataSelection::ids(selected).with_types(["dataSets"]);
    // A first round against the server records its answers; the timed rounds replay them, so
    // that the server's own work is not counted. Wall time: the fastest round. CPU time: the
    // mean (the OS counts it in scheduler ticks, so one round alone can be off by a few ms).
    engine_round(&server, || server.requests.get(), &selection);
    let server_time = server.busy.get();
    let replay = ReplayTransport::of(&server);
    let mut best = engine_round(&replay, || replay.requests.get(), &selection);
    let mut engine_cpu = best.engine_cpu;
    for _ in 1..ROUNDS {
        let round = engine_round(&replay, || replay.requests.get(), &selection);
        engine_cpu = sum_option(engine_cpu, round.engine_cpu);
        if round.engine < best.engine {
            best = round;
        }
    }
    let (mut baseline, mut baseline_cpu, reserialized) = baseline_round(&best.chunks);
    for _ in 1..ROUNDS {
        let (wall, cpu, _) = baseline_round(&best.chunks);
        baseline = baseline.min(wall);
        baseline_cpu = sum_option(baseline_cpu, cpu);
    }
    // Untimed: the same reads through a transport that counts round trips.
    let watched = InFlight::new(&replay);
    engine_round(&watched, || watched.requests(), &selection);
    let round_trips = watched.round_trips();
    let rounds = ROUNDS as u32;
    let engine_cpu = engine_cpu.map(|total| total / rounds);
    let baseline_cpu = baseline_cpu.map(|total| total / rounds);
    let payload_bytes: usize = best.chunks.iter().map(Vec::len).sum();
    BenchReport {
        objects: best.objects,
        requests: best.requests,
        round_trips,
        chunks: best.chunks.len(),
        payload_bytes: payload_bytes.max(reserialized),
        engine: best.engine,
        engine_cpu,
        server: server_time,
        baseline,
        baseline_cpu,
        peak_memory_kib: peak_memory_kib(),
    }
}
