//! Aggregated data values: `/api/dataValueSets` (GET, POST),
//! `/api/analytics/dataValueSet(.json)` and `POST /api/resourceTables/analytics`.

mod analytics;
pub mod bench;
pub mod checks;
mod conflicts;
pub mod dates;
mod elements;
mod export;
pub mod files;
mod header;
pub mod import;
pub mod locks;
pub mod meta;
pub mod settings;
pub mod store;
pub mod summary;
pub mod system_settings;
pub mod validate;

use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};
use import::{import_values, InstanceRules};
use locks::LockExceptions;
use meta::IdSchemes;
use serde_json::{json, Value};
use settings::{strategy_and_label, ImportSettings, Strictness};
use store::ValueTable;
use summary::{import_response, web_message, ImportOutcome, ImportStatus};
use system_settings::DataImportSystemSettings;

pub use settings::ImportSettings as DataValueImportSettings;
pub use summary::ImportOutcome as DataValueImportOutcome;

/// Every data value of one simulated instance, with the system settings and lock exceptions
/// its imports obey.
#[derive(Debug, Default)]
pub struct DataValueStore {
    pub(crate) table: ValueTable,
    /// The file resources FILE_RESOURCE / IMAGE values point at.
    pub files: files::FileResources,
    pub system_settings: DataImportSystemSettings,
    pub lock_exceptions: LockExceptions,
}

fn strip_json(segment: &str) -> &str {
    segment.strip_suffix(".json").unwrap_or(segment)
}

impl DataValueStore {
    pub fn new() -> Self {
        DataValueStore::default()
    }

    /// Answers `/api/dataValueSets` and `/api/analytics/dataValueSet`; `None` for other paths.
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        metadata: &mut MetadataStore,
    ) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        match (ctx.method, segments.as_slice()) {
            ("GET", [first]) if strip_json(first) == "dataValueSets" => {
                Some(export::export(&self.table, ctx, metadata))
            }
            ("POST", [first]) if strip_json(first) == "dataValueSets" => {
                Some(self.post(ctx, metadata))
            }
            (_, ["lockExceptions"]) => Some(self.lock_exceptions.handle(ctx, metadata)),
            ("GET", ["analytics", second]) if strip_json(second) == "dataValueSet" => Some(
                analytics::analytics_data_value_set(&self.table, ctx, metadata),
            ),
            ("POST" | "PUT", ["resourceTables", "analytics"]) => {
                Some(run_analytics_tables(ctx, metadata))
            }
            _ => None,
        }
    }

    fn post(&mut self, ctx: &RequestContext, metadata: &mut MetadataStore) -> SimResponse {
        // `@PreAuthorize("hasRole('ALL') or hasRole('F_DATAVALUE_ADD')")` on every version;
        // 2.42's `@RequiresAuthority` names the authority.
        if !ctx.user.has_authority("F_DATAVALUE_ADD") {
            let message = if ctx.version.at_least(42, 0) {
                "Access is denied, requires one Authority from [F_DATAVALUE_ADD]"
            } else {
                "Access is denied"
            };
            return web_message(ctx.version, 403, message, None);
        }
        let mut settings = ImportSettings::for_user(ctx.user);
        let url_schemes = IdSchemes::read(|key| ctx.query.get(key).map(str::to_string));
        settings.strict = Strictness::read(|key| ctx.query.flag(key));
        settings.force = ctx.query.flag("force");
        settings.asynchronous = ctx.query.flag("async");
        settings.skip_audit = ctx.query.flag("skipAudit");
        settings.skip_existing_check = ctx.query.flag("skipExistingCheck");
        let outcome = match serde_json::from_slice::<Value>(ctx.body) {
            Ok(payload) => {
                let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_string);
                settings.schemes = IdSchemes::read(text).or(&url_schemes);
                (settings.strategy, settings.strategy_label) = strategy_and_label(
                    &text("strategy")
                        .or_else(|| ctx.query.get("importStrategy").map(str::to_string))
                        .unwrap_or_default(),
                );
                settings.dry_run = payload
                    .get("dryRun")
                    .and_then(Value::as_bool)
                    .unwrap_or_else(|| ctx.query.flag("dryRun"));
                // A job set to fail (`POST /__sim/jobs` `failWith`) keeps nothing it read.
                let failing = settings.asynchronous && metadata.job_behaviour().fail_with.is_some();
                let echoed_dry_run = settings.dry_run;
                settings.dry_run |= failing;
                let rules = InstanceRules {
                    system: self.system_settings,
                    locks: &self.lock_exceptions,
                };
                let outcome = import_values(
                    &mut self.table,
                    metadata,
                    ctx.version,
                    &payload,
                    &settings,
                    rules,
                );
                settings.dry_run = echoed_dry_run;
                outcome
            }
            Err(error) => {
                settings.schemes = url_schemes;
                (settings.strategy, settings.strategy_label) =
                    strategy_and_label(ctx.query.get("importStrategy").unwrap_or(""));
                failed_import(&error.to_string())
            }
        };
        let summary = outcome.to_json(ctx.version, &settings.echo());
        if settings.asynchronous {
            let job = metadata.add_task("DATAVALUE_IMPORT", summary);
            let status = job
                .get("httpStatusCode")
                .and_then(Value::as_u64)
                .and_then(|code| u16::try_from(code).ok())
                .unwrap_or(200);
            return SimResponse::json(status, &job);
        }
        import_response(ctx, outcome.status, summary)
    }

    /// Imports a data value set payload directly (seeds, benchmarks, tests).
    pub fn import_json(
        &mut self,
        metadata: &MetadataStore,
        version: crate::SimVersion,
        payload: &Value,
        settings: &ImportSettings,
    ) -> ImportOutcome {
        let rules = InstanceRules {
            system: self.system_settings,
            locks: &self.lock_exceptions,
        };
        import_values(&mut self.table, metadata, version, payload, settings, rules)
    }

    /// Removes every value and completion: an instance with its metadata and no data yet
    /// (tests: a destination seeded like the origin).
    pub fn clear(&mut self) {
        self.table = ValueTable::default();
    }

    /// Number of stored values that are not deleted.
    pub fn len(&self) -> usize {
        self.table.live_len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every live value as `(dataElement, period, orgUnit, categoryOptionCombo, value)`.
    pub fn iter_values(&self) -> impl Iterator<Item = (&str, &str, &str, &str, &str)> {
        let table = &self.table;
        table
            .values
            .iter()
            .filter(|(_, v)| !v.deleted)
            .map(move |(key, stored)| {
                (
                    table.uids.name(key.data_element),
                    table.periods.name(key.period),
                    table.uids.name(key.org_unit),
                    table.uids.name(key.category_option_combo),
                    stored.value.as_deref().unwrap_or(""),
                )
            })
    }

    pub(crate) fn table_mut(&mut self) -> &mut ValueTable {
        &mut self.table
    }
}

/// `POST|PUT /api/resourceTables/analytics`: `F_PERFORM_MAINTENANCE` (or `ALL`) on every
/// version (`ResourceTableController`, `@PreAuthorize`; 2.42 `@RequiresAuthority` names it).
/// Analytics are computed from the live values, so the ANALYTICS_TABLE job only has to be
/// polled to its end (`POST /__sim/jobs` sets how many polls it runs, or that it fails).
fn run_analytics_tables(ctx: &RequestContext, metadata: &mut MetadataStore) -> SimResponse {
    if !ctx.user.has_authority("F_PERFORM_MAINTENANCE") {
        let message = if ctx.version.at_least(42, 0) {
            "Access is denied, requires one Authority from [F_PERFORM_MAINTENANCE]"
        } else {
            "Access is denied"
        };
        return web_message(ctx.version, 403, message, None);
    }
    let job = metadata.add_task("ANALYTICS_TABLE", json!({ "status": "OK" }));
    SimResponse::json(200, &job)
}

fn failed_import(reason: &str) -> ImportOutcome {
    ImportOutcome {
        status: ImportStatus::Error,
        description: format!("The import process failed: {reason}"),
        imported: 0,
        updated: 0,
        ignored: 0,
        deleted: 0,
        conflicts: summary::Conflicts::default(),
        rejected_indexes: Vec::new(),
        data_set_complete: json!(false).to_string(),
    }
}
