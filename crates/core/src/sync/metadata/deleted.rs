//! Deleted objects: what the origin deleted (`/api/deletedObjects`), shown as a plan the user
//! confirms, then replayed on the targets with `importStrategy=DELETE`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::cleanup::Payload;
use super::engine::resumed_report;
use super::engine::SyncInstance;
use super::selection::ChunkLimits;
use super::write::{write_payload, WritePlan};
use crate::clock::Clock;
use crate::dhis2::metadata::{
    list_deleted_objects, AtomicMode, DeletedObject, ImportOptions, ImportStrategy,
};
use crate::dhis2::schemas::fetch_schemas;
use crate::dhis2::{Dhis2Error, SchemaRegistry, Transport};
use crate::sync::report::{SyncKind, SyncReport, TargetReport, TargetStatus};
use crate::sync::runtime::{counts, SyncRuntime};
use crate::sync::{SyncProgress, SyncStep};

/// What would be deleted on the targets, by type.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionPlan {
    pub origin: String,
    /// Plural → deleted objects of that type.
    pub by_type: BTreeMap<String, Vec<DeletedObject>>,
    /// Deletions of classes that are not metadata types the engine can replay.
    pub skipped: Vec<DeletedObject>,
    /// The largest chunks of deletions sent (sizes adapt below it).
    #[serde(skip)]
    pub chunk_limits: ChunkLimits,
    #[serde(skip)]
    schemas: SchemaRegistry,
}

impl DeletionPlan {
    pub fn object_count(&self) -> usize {
        self.by_type.values().map(Vec::len).sum()
    }

    /// One line per object that would be deleted (`dataElements fbfJHSPpUQD (DE_ANC1)`), at most
    /// `limit` of them, then how many more: what a confirmation names.
    pub fn describe(&self, limit: usize) -> Vec<String> {
        let mut lines: Vec<String> = self
            .by_type
            .iter()
            .flat_map(|(plural, objects)| {
                objects.iter().map(move |object| match &object.code {
                    Some(code) => format!("{plural} {} ({code})", object.uid),
                    None => format!("{plural} {}", object.uid),
                })
            })
            .take(limit)
            .collect();
        let more = self.object_count().saturating_sub(lines.len());
        if more > 0 {
            lines.push(format!("… and {more} more"));
        }
        lines
    }
}

/// Lists the origin's deletions (since a date, if given) and groups them by type.
pub async fn plan_deletions<T: Transport>(
    origin: &SyncInstance<T>,
    deleted_since: Option<&str>,
) -> Result<DeletionPlan, Dhis2Error> {
    let schemas = fetch_schemas(&origin.client).await?;
    let deleted = list_deleted_objects(&origin.client, deleted_since).await?;
    let mut by_type: BTreeMap<String, Vec<DeletedObject>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for object in deleted {
        match schemas
            .by_klass(&object.klass)
            .filter(|schema| schema.metadata && !schema.embedded_object)
            .and_then(|schema| schema.plural.clone())
        {
            Some(plural) => by_type.entry(plural).or_default().push(object),
            None => skipped.push(object),
        }
    }
    Ok(DeletionPlan {
        origin: origin.name.clone(),
        by_type,
        skipped,
        chunk_limits: ChunkLimits::default(),
        schemas,
    })
}

/// The plan of an interrupted run again, from the deletions its journal kept (the schemas are
/// read from the origin anew; the origin's list of deletions is not).
pub async fn replan_deletions<T: Transport>(
    origin: &SyncInstance<T>,
    by_type: BTreeMap<String, Vec<DeletedObject>>,
) -> Result<DeletionPlan, Dhis2Error> {
    Ok(DeletionPlan {
        origin: origin.name.clone(),
        by_type,
        skipped: Vec::new(),
        chunk_limits: ChunkLimits::default(),
        schemas: fetch_schemas(&origin.client).await?,
    })
}

/// Deletes the planned objects on every target. Objects already absent count as ignored.
pub async fn execute_deletions<T: Transport, C: Clock>(
    plan: &DeletionPlan,
    targets: &[SyncInstance<T>],
    dry_run: bool,
    runtime: &SyncRuntime<'_, C>,
) -> SyncReport {
    let mut report = SyncReport::new(SyncKind::Deleted, &plan.origin);
    report.dry_run = dry_run;
    report.objects_by_type = plan
        .by_type
        .iter()
        .map(|(plural, objects)| (plural.clone(), objects.len()))
        .collect();
    let payload: Payload = plan
        .by_type
        .iter()
        .map(|(plural, objects)| {
            let ids: Vec<Value> = objects.iter().map(|o| json!({"id": o.uid})).collect();
            (plural.clone(), ids)
        })
        .collect();
    // Objects already gone from a target must not stop the others from being deleted.
    let options = ImportOptions {
        strategy: ImportStrategy::Delete,
        atomic: AtomicMode::None,
        dry_run,
        ..Default::default()
    };
    // Dependents go first: the reverse of the import order.
    let reverse_order = |plural: &str| -plan.schemas.order_of(plural);
    for (index, target) in targets.iter().enumerate() {
        let mut target_report = resumed_report(runtime, index, target);
        runtime.progress.on_progress(SyncProgress::Step {
            step: SyncStep::Write,
            target: Some(target.name.clone()),
            message: format!("Deleting {} object(s)", plan.object_count()),
        });
        let listener = runtime.retry_listener(Some(&target.name));
        let client = target.engine_client(runtime, &listener);
        match client.system_info().await {
            Ok(info) => {
                target_report.version = Some(info.version.to_string());
                let write = WritePlan {
                    schemas: &plan.schemas,
                    order: &reverse_order,
                    options: &options,
                    limits: plan.chunk_limits,
                    strip_timestamps: false,
                    target_index: index,
                };
                write_payload(
                    &client,
                    payload.clone(),
                    &write,
                    &mut target_report,
                    runtime,
                )
                .await;
            }
            Err(error) => target_report.fail(&error),
        }
        forgive_already_deleted(&mut target_report);
        let (requests, retries) = counts(&client);
        target_report.request_count += requests;
        target_report.retries += retries;
        runtime.progress.on_progress(SyncProgress::TargetDone {
            target: target.name.clone(),
            status: target_report.status,
        });
        report.targets.push(target_report);
    }
    report
}

/// "No matching object" (E5001) on a deletion means the target never had the object, or
/// deleted it already: the wanted state. It becomes a note, not an error.
fn forgive_already_deleted(report: &mut TargetReport) {
    let before = report.errors.len();
    report
        .errors
        .retain(|error| error.code.as_deref() != Some("E5001"));
    let absent = before - report.errors.len();
    if absent == 0 {
        return;
    }
    report
        .notes
        .push(crate::sync::ReportNote::AlreadyAbsent { objects: absent });
    if report.errors.is_empty() && report.status == TargetStatus::Error {
        report.status = TargetStatus::Warning;
    }
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    fn deleted(uid: &str, code: Option<&str>) -> DeletedObject {
        DeletedObject {
            uid: uid.into(),
            klass: "DataElement".into(),
            code: code.map(str::to_string),
            deleted_at: None,
            deleted_by: None,
        }
    }

    #[test]
    fn names_each_object_up_to_the_limit_then_counts_the_rest() {
        let plan = DeletionPlan {
            origin: "source".into(),
            by_type: BTreeMap::from([
                (
                    "dataElements".to_string(),
                    vec![deleted("a1", Some("DE_A")), deleted("a2", None)],
                ),
                ("dataSets".to_string(), vec![deleted("s1", None)]),
            ]),
            skipped: Vec::new(),
            chunk_limits: ChunkLimits::default(),
            schemas: SchemaRegistry::default(),
        };
        assert_eq!(
            plan.describe(10),
            vec!["dataElements a1 (DE_A)", "dataElements a2", "dataSets s1"]
        );
        assert_eq!(
            plan.describe(1),
            vec!["dataElements a1 (DE_A)", "… and 2 more"]
        );
    }
}
