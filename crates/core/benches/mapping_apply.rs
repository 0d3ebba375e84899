//! `cargo bench -p mdsync-core --bench mapping_apply`: applying a mapping to 1,000,000 aggregated
//! data values, against a plain serde_json parse + serialise of the same payload. Figures are
//! printed, never asserted (targets: ≥ 2 million values per second; mapping adds < 20% to parse +
//! serialise).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use mdsync_core::mapping::{decode_strict, DataValueSet, Mapper, MappingContext};
use serde_json::{json, Value};

const VALUES: usize = 1_000_000;
const ROUNDS: usize = 5;
const ELEMENTS: usize = 200;
const UNITS: usize = 600;

/// A UID from a label and a number (11 characters, a letter first).
fn uid(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:0width$}", width = 11 - prefix.len())
}

fn mapping() -> Value {
    let mut elements = serde_json::Map::new();
    for e in 0..ELEMENTS {
        // Half the data elements are mapped; every tenth carries its own option mapping.
        if e.is_multiple_of(2) {
            let mut entry = json!({"mappedId": uid("Dst", e), "code": format!("DE_{e}")});
            if e.is_multiple_of(10) {
                entry["mapping"] =
                    json!({"options": {uid("Opt", e): {"code": "YES", "mappedCode": "SI"}}});
            }
            elements.insert(uid("Dat", e), entry);
        }
    }
    let units: serde_json::Map<String, Value> = (0..UNITS)
        .filter(|u| !u.is_multiple_of(3))
        .map(|u| {
            (
                uid("Org", u),
                json!({"mappedId": format!("/{}/{}", uid("Roo", 0), uid("Dou", u))}),
            )
        })
        .collect();
    json!({
        "aggregatedDataElements": elements,
        "organisationUnits": units,
        "categoryOptions": {"CatSexAaaaa-OptMaleAaaa": {"mappedId": "DstOptMan01"},
                            "CatSexAaaaa-OptFemaAaaa": {"mappedId": "DstOptWom01"}},
        "options": {"OptNoAaaaaa": {"code": "NO", "mappedCode": "NON"}}
    })
}

fn context() -> MappingContext {
    serde_json::from_value(json!({
        "originCategoryOptionCombos": [
            {"id": "HllvX50cXC0", "categoryCombo": {"id": "bjDvmb4bfuf"}, "categoryOptions": [{"id": "xYerKDKCefk"}]},
            {"id": "CocMaleAaaa", "categoryCombo": {"id": "CmbSexAaaaa"}, "categoryOptions": [{"id": "OptMaleAaaa"}]},
            {"id": "CocFemaAaaa", "categoryCombo": {"id": "CmbSexAaaaa"}, "categoryOptions": [{"id": "OptFemaAaaa"}]}
        ],
        "destinationCategoryOptionCombos": [
            {"id": "DstMan00001", "categoryCombo": {"id": "DstSexCmb01"}, "categoryOptions": [{"id": "DstOptMan01"}]},
            {"id": "DstWom00001", "categoryCombo": {"id": "DstSexCmb01"}, "categoryOptions": [{"id": "DstOptWom01"}]}
        ],
        "defaultIds": ["HllvX50cXC0", "bjDvmb4bfuf", "xYerKDKCefk", "GLevLNI9wkl"]
    }))
    .expect("context")
}

/// A DHIS2-shaped data value set: 1,000,000 values, the fields an export carries.
fn payload() -> Vec<u8> {
    let combos = ["HllvX50cXC0", "CocMaleAaaa", "CocFemaAaaa"];
    let mut text = String::with_capacity(VALUES * 230);
    text.push_str("{\"dataValues\":[");
    for i in 0..VALUES {
        if i > 0 {
            text.push(',');
        }
        let element = i % ELEMENTS;
        let unit = (i / ELEMENTS) % UNITS;
        let month = 1 + (i / (ELEMENTS * UNITS)) % 12;
        let value = if element.is_multiple_of(10) {
            "YES".to_string()
        } else {
            (i % 97).to_string()
        };
        let _ = write!(
            text,
            "{{\"dataElement\":\"{}\",\"period\":\"2024{month:02}\",\"orgUnit\":\"{}\",\
             \"categoryOptionCombo\":\"{}\",\"attributeOptionCombo\":\"HllvX50cXC0\",\
             \"value\":\"{value}\",\"storedBy\":\"admin\",\"created\":\"2024-02-01T10:00:00.000\",\
             \"lastUpdated\":\"2024-02-01T10:00:00.000\",\"followup\":false}}",
            uid("Dat", element),
            uid("Org", unit),
            combos[(i / 7) % 3],
        );
    }
    text.push_str("]}");
    text.into_bytes()
}

/// CPU time of this thread (Linux), steadier than wall time on a shared machine.
fn cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        text.split_whitespace().next()?.parse().ok()?,
    ))
}

/// Wall and CPU time (when the OS reports it) of one call.
fn measure<T>(run: impl FnOnce() -> T) -> (T, Duration, Option<Duration>) {
    let (wall, cpu_start) = (Instant::now(), cpu());
    let result = run();
    let elapsed = wall.elapsed();
    let used = cpu_start.zip(cpu()).map(|(start, end)| end - start);
    (result, elapsed, used)
}

/// The fastest of the rounds, in wall and CPU time; `round` returns its own measurement so
/// that setup and clean-up stay out of it.
fn time(mut round: impl FnMut() -> (Duration, Option<Duration>)) -> (Duration, Option<Duration>) {
    let mut best = (Duration::MAX, None::<Duration>);
    for _ in 0..ROUNDS {
        let (wall, used) = round();
        best.0 = best.0.min(wall);
        best.1 = match (best.1, used) {
            (Some(known), Some(now)) => Some(known.min(now)),
            (_, now) => now,
        };
    }
    best
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64().max(1e-9)
}

fn main() {
    let bytes = payload();
    let (mapping, _) = decode_strict(&mapping()).expect("mapping");
    let context = context();

    let (baseline, baseline_cpu) = time(|| {
        let (out, wall, used) = measure(|| {
            let set: DataValueSet = serde_json::from_slice(&bytes).expect("parse");
            serde_json::to_vec(&set).expect("serialise")
        });
        drop(std::hint::black_box(out));
        (wall, used)
    });
    let (with_mapping, with_mapping_cpu) = time(|| {
        let (out, wall, used) = measure(|| {
            let set: DataValueSet = serde_json::from_slice(&bytes).expect("parse");
            let mapped = Mapper::new(&mapping, &context).data_values(set);
            serde_json::to_vec(&mapped.payload).expect("serialise")
        });
        drop(std::hint::black_box(out));
        (wall, used)
    });
    let parsed: DataValueSet = serde_json::from_slice(&bytes).expect("parse");
    let mut written = 0;
    let (alone, alone_cpu) = time(|| {
        let set = parsed.clone();
        let (mapped, wall, used) = measure(|| Mapper::new(&mapping, &context).data_values(set));
        written = mapped.report.written;
        drop(std::hint::black_box(mapped));
        (wall, used)
    });

    let pick = |wall: Duration, cpu: Option<Duration>| cpu.unwrap_or(wall);
    let base = pick(baseline, baseline_cpu);
    let mapped = pick(with_mapping, with_mapping_cpu);
    let map_only = pick(alone, alone_cpu);
    let clock = if baseline_cpu.is_some() {
        "CPU"
    } else {
        "wall"
    };
    println!("mapping: {VALUES} aggregated data values, {:.0} MiB of JSON (fastest of {ROUNDS}, {clock} time)", bytes.len() as f64 / 1048576.0);
    println!("  written after mapping          {written}");
    println!(
        "  parse + serialise              {:>8.1} ms",
        seconds(base) * 1e3
    );
    println!(
        "  parse + map + serialise        {:>8.1} ms",
        seconds(mapped) * 1e3
    );
    println!(
        "  map alone                      {:>8.1} ms",
        seconds(map_only) * 1e3
    );
    println!(
        "  map alone: values per second   {:>8.2} million (target ≥ 2)",
        VALUES as f64 / seconds(map_only) / 1e6
    );
    println!(
        "  mapping adds                   {:>8.1} % to parse + serialise (target < 20 %; ratio {:.3})",
        (seconds(mapped) / seconds(base) - 1.0) * 100.0,
        seconds(mapped) / seconds(base)
    );
    println!(
        "  map alone / parse + serialise  {:>8.3}",
        seconds(map_only) / seconds(base)
    );
}
