//! Scale figures for `cargo xtask bench`: the demo seed plus a million more values, a paged
//! `dataValueSets` read and a 10,000-value import, timed, with the process's memory.

use super::store::{StoredValue, ValueKey};
use super::DataValueStore;
use crate::metadata::MetadataStore;
use crate::seed::{apply, DemoSide, Seed};
use crate::tracker::TrackerStore;
use crate::{Account, Query, RequestContext, SimVersion};
use serde_json::{json, Value};
use std::fmt;
use std::time::Instant;

/// What [`run`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Values the demo seed wrote.
    pub seed_values: usize,
    /// Values stored after adding the extra million.
    pub total_values: usize,
    /// Seconds to build the demo and add the extra values.
    pub build_seconds: f64,
    /// Values returned by the paged read (one data set, one month, one province with children).
    pub read_values: usize,
    pub read_seconds: f64,
    /// Values in the import request and how many were imported.
    pub import_values: usize,
    pub imported: usize,
    pub import_seconds: f64,
    /// Resident memory of the process after the run (`VmRSS`), in MiB; `None` off Linux.
    pub resident_mib: Option<f64>,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "dhis2-sim data values: demo seed {} values, {} in total, built in {:.2} s",
            self.seed_values, self.total_values, self.build_seconds
        )?;
        writeln!(
            f,
            "  paged dataValueSets read: {} values in {:.1} ms",
            self.read_values,
            self.read_seconds * 1000.0
        )?;
        writeln!(
            f,
            "  import of {} values ({} imported): {:.1} ms",
            self.import_values,
            self.imported,
            self.import_seconds * 1000.0
        )?;
        match self.resident_mib {
            Some(mib) => write!(f, "  resident memory: {mib:.0} MiB"),
            None => write!(f, "  resident memory: not available on this platform"),
        }
    }
}

/// `VmRSS` of this process in MiB (Linux only).
pub fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn bench_account() -> Account {
    Account {
        id: "M5zQapPyTZI".into(),
        username: "admin".into(),
        password: String::new(),
        first_name: "Bench".into(),
        surname: "Admin".into(),
        user_roles: Vec::new(),
        authorities: vec!["ALL".into()],
        user_groups: Vec::new(),
        // Like any real admin, placed at the top of the demo country (DHIS2 checks the
        // hierarchy of superusers too).
        organisation_units: vec![
            crate::seed::org_unit_places(&Seed::Demo(DemoSide::Source)).national,
        ],
    }
}

fn context<'a>(
    version: SimVersion,
    user: &'a Account,
    method: &'a str,
    query: &str,
    body: &'a [u8],
) -> RequestContext<'a> {
    RequestContext {
        version,
        user,
        method,
        segments: vec!["dataValueSets".to_string()],
        api_version: None,
        query: Query::parse(query),
        body,
        base_url: "http://127.0.0.1:8080",
    }
}

fn first_id<'m>(
    metadata: &'m MetadataStore,
    plural: &str,
    filter: impl Fn(&Value) -> bool,
) -> &'m str {
    metadata
        .list(plural)
        .into_iter()
        .find(|object| filter(object))
        .and_then(|object| object.get("id").and_then(Value::as_str))
        .unwrap_or("")
}

/// Adds `extra` values to a demo instance's store: the seed's own values copied into earlier
/// years (2023 back to 2000), month by month, so every extra value has its own key. Returns how
/// many were added (fewer when 24 years of copies are not enough).
pub fn add_earlier_years(values: &mut DataValueStore, extra: usize) -> usize {
    let existing: Vec<ValueKey> = values.table.values.keys().copied().collect();
    let table = &mut values.table;
    let user = table.users.intern("admin");
    let mut added = 0;
    'fill: for year in (2000..2024).rev() {
        let mut moved_periods = std::collections::HashMap::new();
        for key in &existing {
            if added >= extra {
                break 'fill;
            }
            let period = *moved_periods.entry(key.period).or_insert_with(|| {
                let month = table
                    .periods
                    .name(key.period)
                    .get(4..)
                    .unwrap_or("01")
                    .to_string();
                table.intern_period(&format!("{year}{month}"))
            });
            let Some(period) = period else { continue };
            let moved = ValueKey { period, ..*key };
            let value = format!("{}", 1 + (added * 7919) % 500);
            table.put(
                moved,
                StoredValue {
                    value: Some(value.into_boxed_str()),
                    comment: None,
                    stored_by: user,
                    created: 1_500_000_000_000,
                    last_updated: 1_500_000_000_000,
                    follow_up: false,
                    deleted: false,
                },
            );
            added += 1;
        }
    }
    added
}

/// Builds the demo plus `extra` values (a million for the scale target) and times the reads
/// and the import.
pub fn run_with(extra: usize) -> BenchReport {
    let version = SimVersion::new(41, 0);
    let started = Instant::now();
    let mut metadata = MetadataStore::new(version, &[]);
    let mut values = DataValueStore::new();
    let mut tracker = TrackerStore::new();
    apply(
        &Seed::Demo(DemoSide::Source),
        &mut metadata,
        &mut values,
        &mut tracker,
    );
    let seed_values = values.len();

    add_earlier_years(&mut values, extra);
    let build_seconds = started.elapsed().as_secs_f64();

    let data_set = first_id(&metadata, "dataSets", |ds| ds["code"] == "DS_RH").to_string();
    let province = first_id(&metadata, "organisationUnits", |ou| ou["level"] == 2).to_string();
    let account = bench_account();
    let read_url = format!("dataSet={data_set}&period=202406&orgUnit={province}&children=true");
    let read_started = Instant::now();
    let response = values.handle(
        &context(version, &account, "GET", &read_url, b""),
        &mut metadata,
    );
    let read_seconds = read_started.elapsed().as_secs_f64();
    let read_values = response
        .and_then(|r| r.body_json().ok())
        .and_then(|body| body["dataValues"].as_array().map(Vec::len))
        .unwrap_or(0);

    // 10,000 new values for 2025, posted as JSON like a client would.
    let facilities: Vec<String> = metadata
        .list("organisationUnits")
        .into_iter()
        .filter(|ou| ou["level"] == 4)
        .filter_map(|ou| ou["id"].as_str().map(str::to_string))
        .collect();
    let elements: Vec<String> = metadata
        .get("dataSets", &data_set)
        .map(super::meta::data_set_elements)
        .unwrap_or_default();
    let payload: Vec<Value> = (0..10_000)
        .filter(|_| !elements.is_empty() && !facilities.is_empty())
        .map(|i| {
            json!({ "dataElement": elements[i % elements.len()], "period": format!("2025{:02}", 1 + (i / 1000) % 12),
                    "orgUnit": facilities[(i / elements.len()) % facilities.len()],
                    "categoryOptionCombo": "HllvX50cXC0", "attributeOptionCombo": "HllvX50cXC0", "value": (i % 97 + 1).to_string() })
        })
        .collect();
    let import_values = payload.len();
    let body = serde_json::to_vec(&json!({ "dataValues": payload })).unwrap_or_default();
    let import_started = Instant::now();
    let response = values.handle(
        &context(version, &account, "POST", "", &body),
        &mut metadata,
    );
    let import_seconds = import_started.elapsed().as_secs_f64();
    let imported = response
        .and_then(|r| r.body_json().ok())
        .and_then(|body| body["response"]["importCount"]["imported"].as_u64())
        .unwrap_or(0) as usize;

    BenchReport {
        seed_values,
        total_values: values.len(),
        build_seconds,
        read_values,
        read_seconds,
        import_values,
        imported,
        import_seconds,
        resident_mib: resident_mib(),
    }
}

/// The scale benchmark: demo seed + 1,000,000 values.
pub fn run() -> BenchReport {
    run_with(1_000_000)
}
