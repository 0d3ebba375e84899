//! The metadata pipeline: prepare → read → transform → write → report.

use serde_json::{Map, Value};

use super::cleanup::{sharing_user_groups, strip_server_owned, ObjectCleaner, Payload};
use super::defaults::{default_id_map, fetch_default_ids, remap_references};
use super::dependencies::object_id;
use super::dependencies::{ResolvedMetadata, Resolver};
use super::selection::{InclusionMode, MetadataSelection, MetadataSyncOptions};
use super::version_transform::adapt_payload;
use super::write::{write_payload, WritePlan};
use crate::clock::Clock;
use crate::dhis2::metadata::{fetch_any_type_by_ids, fetch_by_ids};
use crate::dhis2::schemas::fetch_schemas;
use crate::dhis2::{Dhis2Client, Dhis2Error, SchemaRegistry, Transport, Version};
use crate::sync::report::{
    DryRunPreview, SyncError, SyncKind, SyncReport, TargetReport, TargetStatus,
};
use crate::sync::runtime::{counts, EngineClient, ProgressRetries, SyncRuntime};
use crate::sync::transport::{CountingTransport, ReadOnlyTransport};
use crate::sync::{CancellationToken, ProgressSink, SyncProgress, SyncStep};

/// An instance taking part in a sync: a display name and a client.
pub struct SyncInstance<T> {
    pub name: String,
    pub client: Dhis2Client<T>,
    /// For a destination: the mapping to apply to what it receives, when the run applies one.
    pub mapping: Option<crate::mapping::MappingDictionary>,
    /// The instance's own request time limits; `None`: the run's policy.
    pub timeouts: Option<crate::dhis2::retry::RequestTimeouts>,
}

impl<T: Transport> SyncInstance<T> {
    pub fn new(name: impl Into<String>, client: Dhis2Client<T>) -> Self {
        SyncInstance {
            name: name.into(),
            client,
            mapping: None,
            timeouts: None,
        }
    }

    /// The same instance, with its own request time limits.
    pub fn with_timeouts(mut self, timeouts: crate::dhis2::retry::RequestTimeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// The same destination, receiving payloads translated with `mapping`.
    pub fn with_mapping(mut self, mapping: crate::mapping::MappingDictionary) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// The same instance through a request counter (and, for origins, a write guard).
    pub(crate) fn counted(&self) -> Dhis2Client<CountingTransport<&T>> {
        Dhis2Client::new(
            CountingTransport::new(self.client.transport()),
            self.client.base_url(),
            self.client.auth().clone(),
        )
    }

    fn counted_read_only(&self) -> Dhis2Client<CountingTransport<ReadOnlyTransport<&T>>> {
        Dhis2Client::new(
            CountingTransport::new(ReadOnlyTransport(self.client.transport())),
            self.client.base_url(),
            self.client.auth().clone(),
        )
    }

    /// The instance as a sync writes to it: retried, timed and counted.
    pub(crate) fn engine_client<'r, 'a: 'r, C: Clock>(
        &'r self,
        runtime: &'r SyncRuntime<'a, C>,
        listener: &'r ProgressRetries<'a>,
    ) -> EngineClient<'r, &'r T, C> {
        runtime.timed_client_for(
            self.client.base_url(),
            self.client.auth(),
            self.client.transport(),
            listener,
            self.timeouts,
        )
    }

    /// The origin as a sync reads it: retried, timed, counted, and refusing every write.
    fn engine_reader<'r, 'a: 'r, C: Clock>(
        &'r self,
        runtime: &'r SyncRuntime<'a, C>,
        listener: &'r ProgressRetries<'a>,
    ) -> EngineClient<'r, ReadOnlyTransport<&'r T>, C> {
        runtime.timed_client_for(
            self.client.base_url(),
            self.client.auth(),
            ReadOnlyTransport(self.client.transport()),
            listener,
            self.timeouts,
        )
    }
}

/// What was read from the origin, cleaned and ready for per-target transforms.
pub struct OriginPackage {
    pub version: Version,
    /// The origin's `default` category objects, (plural, id), when the payload refers to them.
    pub default_objects: Vec<(String, String)>,
    pub schemas: SchemaRegistry,
    pub resolved: ResolvedMetadata,
    pub payload: Payload,
}

/// The payload one target would receive ("download payload").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetPayload {
    pub target: String,
    pub version: String,
    pub payload: Value,
    pub notes: Vec<crate::sync::ReportNote>,
}

/// Prepare + read + origin-side transform.
pub async fn read_origin<T: Transport>(
    origin: &Dhis2Client<T>,
    selection: &MetadataSelection,
    options: &MetadataSyncOptions,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<OriginPackage, Dhis2Error> {
    progress.on_progress(step(SyncStep::Prepare, None, "Connecting to the origin"));
    let version = origin.system_info().await?.version;
    let schemas = fetch_schemas(origin).await?;
    progress.on_progress(step(
        SyncStep::Read,
        None,
        "Reading the selection and its dependencies",
    ));
    let rules = options.effective_rules();
    // Objects are cleaned (sharing, users and org unit switches) as they are read.
    let resolver = Resolver::new(&schemas, &rules, options.remove_default_category_objects)
        .cleaning_with(ObjectCleaner::new(&schemas, options));
    let mut resolved = resolver
        .resolve(origin, selection, progress, cancel)
        .await?;
    // The objects move into the payload; `resolved` keeps the rest of what was learnt.
    let mut payload: Payload = std::mem::take(&mut resolved.objects);
    if options.sharing == InclusionMode::ObjectsAndReferences && options.include_dependencies {
        let groups: Vec<String> = sharing_user_groups(&payload)
            .into_iter()
            .filter(|id| {
                !payload
                    .values()
                    .flatten()
                    .any(|o| o.get("id").and_then(Value::as_str) == Some(id))
            })
            .collect();
        if !groups.is_empty() {
            let mut fetched = fetch_by_ids(origin, "userGroups", "id", &groups, ":owner").await?;
            let mut cleaner = ObjectCleaner::new(&schemas, options);
            for group in &mut fetched {
                cleaner.clean("userGroups", group);
            }
            payload
                .entry("userGroups".into())
                .or_default()
                .extend(fetched);
        }
    }
    progress.on_progress(step(SyncStep::Transform, None, "Cleaning up the payload"));
    let default_objects =
        if options.remove_default_category_objects && !resolved.default_ids.is_empty() {
            fetch_default_ids(origin).await?
        } else {
            Vec::new()
        };
    Ok(OriginPackage {
        version,
        default_objects,
        schemas,
        resolved,
        payload,
    })
}

/// Runs a metadata sync from `origin` to every target. Never fails as a whole: every problem
/// lands in the report, per target.
pub async fn run_metadata_sync<O: Transport, T: Transport, C: Clock>(
    origin: &SyncInstance<O>,
    targets: &[SyncInstance<T>],
    selection: &MetadataSelection,
    options: &MetadataSyncOptions,
    runtime: &SyncRuntime<'_, C>,
) -> SyncReport {
    let (progress, cancel) = (runtime.progress, runtime.cancel);
    let mut report = SyncReport::new(SyncKind::Metadata, &origin.name);
    report.dry_run = options.import.dry_run;
    let origin_listener = runtime.retry_listener(None);
    let origin_client = origin.engine_reader(runtime, &origin_listener);
    let package = read_origin(&origin_client, selection, options, progress, cancel).await;
    (report.origin_request_count, report.origin_retries) = counts(&origin_client);
    let package = match package {
        Ok(package) => package,
        Err(error) => {
            report.origin_interrupted = crate::sync::report::interrupts(&error);
            report.errors.push(error_of(&error));
            return report;
        }
    };
    report.origin_version = Some(package.version.to_string());
    if cancel.is_cancelled() {
        // Not an error, and what was not read yet is not missing: each target says it was
        // left untouched.
        for target in targets {
            let mut target_report = TargetReport::new(&target.name, target.client.base_url());
            target_report.raise(TargetStatus::Cancelled);
            target_report
                .notes
                .push(crate::sync::ReportNote::CancelledBeforeWriting);
            report.targets.push(target_report);
        }
        return report;
    }
    report.objects_by_type = package
        .payload
        .iter()
        .map(|(plural, objects)| (plural.clone(), objects.len()))
        .collect();
    report.references_only = package
        .resolved
        .references_only
        .values()
        .map(|ids| ids.len())
        .sum();
    for missing in &package.resolved.missing {
        report.errors.push(
            SyncError::of(crate::sync::SyncProblem::NotAtOrigin {
                origin: origin.name.clone(),
                kind: None,
                ids: vec![missing.clone()],
            })
            .about(missing),
        );
    }
    let mut package = package;
    for (index, target) in targets.iter().enumerate() {
        let mut target_report = resumed_report(runtime, index, target);
        let listener = runtime.retry_listener(Some(&target.name));
        let client = target.engine_client(runtime, &listener);
        progress.on_progress(step(
            SyncStep::Prepare,
            Some(&target.name),
            "Connecting to the target",
        ));
        // The last target takes the payload itself; the others get a copy.
        let last = index + 1 == targets.len();
        match prepare_target(&client, &mut package, last).await {
            Ok((version, schemas, mut payload, notes)) => 'prepared: {
                target_report.version = Some(version.to_string());
                target_report.notes.extend(notes);
                if let Some(mapping) = &target.mapping {
                    let type_schemas = schemas.as_ref().unwrap_or(&package.schemas);
                    let mapped = super::mapped::apply_mapping(
                        &origin_client,
                        &client,
                        mapping,
                        &mut payload,
                        type_schemas,
                        &mut target_report,
                    )
                    .await;
                    if let Err(error) = mapped {
                        // Without the mapping the payload would land under the wrong ids.
                        target_report.fail(&error);
                        break 'prepared;
                    }
                }
                target_report
                    .notes
                    .extend(options.import.notes_for(&version));
                progress.on_progress(step(SyncStep::Write, Some(&target.name), "Writing"));
                if options.import.dry_run {
                    match preview_dry_run(&client, &payload).await {
                        Ok(preview) => target_report.dry_run_preview = preview,
                        Err(error) => {
                            target_report
                                .notes
                                .push(crate::sync::ReportNote::DryRunPreviewFailed {
                                    target: target.name.clone(),
                                    error,
                                })
                        }
                    }
                }
                let type_schemas = schemas.as_ref().unwrap_or(&package.schemas);
                let plan = WritePlan {
                    schemas: type_schemas,
                    order: &|plural: &str| type_schemas.order_of(plural),
                    options: &options.import,
                    limits: options.chunks,
                    strip_timestamps: options.strip_timestamps,
                    target_index: index,
                };
                write_payload(&client, payload, &plan, &mut target_report, runtime).await;
            }
            Err(error) => target_report.fail(&error),
        }
        let (requests, retries) = counts(&client);
        target_report.request_count += requests;
        target_report.retries += retries;
        progress.on_progress(SyncProgress::TargetDone {
            target: target.name.clone(),
            status: target_report.status,
        });
        report.targets.push(target_report);
    }
    progress.on_progress(step(SyncStep::Report, None, "Done"));
    report
}

/// A target's report: fresh, or — when the run resumes — what the interrupted attempt reported,
/// so the final report covers the whole run. Its status starts over: the new attempt decides.
pub(crate) fn resumed_report<T: Transport, C>(
    runtime: &SyncRuntime<'_, C>,
    index: usize,
    target: &SyncInstance<T>,
) -> TargetReport {
    match runtime
        .journal
        .and_then(|journal| journal.report_before(index))
    {
        Some(mut before) => {
            before.resume();
            before
        }
        None => TargetReport::new(&target.name, target.client.base_url()),
    }
}

/// Which of the payload's objects the target already has, per type, in as few requests as the
/// URL limit allows (ids of every type go through `/api/metadata` together).
async fn preview_dry_run<T: Transport>(
    client: &Dhis2Client<T>,
    payload: &Payload,
) -> Result<Vec<DryRunPreview>, Dhis2Error> {
    let ids: Vec<String> = payload
        .values()
        .flatten()
        .filter_map(object_id)
        .map(str::to_string)
        .collect();
    let existing: std::collections::HashSet<String> = fetch_any_type_by_ids(client, &ids, "id")
        .await?
        .into_iter()
        .flat_map(|(_, objects)| objects)
        .filter_map(|object| object_id(&object).map(str::to_string))
        .collect();
    Ok(payload
        .iter()
        .map(|(plural, objects)| {
            let would_update = objects
                .iter()
                .filter(|object| object_id(object).is_some_and(|id| existing.contains(id)))
                .count();
            DryRunPreview {
                type_name: plural.clone(),
                would_create: objects.len() - would_update,
                would_update,
            }
        })
        .collect())
}

type PreparedTarget = (
    Version,
    Option<SchemaRegistry>,
    Payload,
    Vec<crate::sync::ReportNote>,
);

async fn prepare_target<T: Transport>(
    client: &Dhis2Client<T>,
    package: &mut OriginPackage,
    take_payload: bool,
) -> Result<PreparedTarget, Dhis2Error> {
    let version = client.system_info().await?.version;
    let schemas = if version == package.version {
        None
    } else {
        Some(fetch_schemas(client).await?)
    };
    let mut payload = if take_payload {
        std::mem::take(&mut package.payload)
    } else {
        package.payload.clone()
    };
    if !package.default_objects.is_empty() {
        let target_defaults = fetch_default_ids(client).await?;
        remap_references(
            &mut payload,
            &default_id_map(&package.default_objects, &target_defaults),
        );
    }
    let notes = adapt_payload(&mut payload, &version, schemas.as_ref());
    Ok((version, schemas, payload, notes))
}

/// "Download payload": the exact body each target would receive, without sending anything.
pub async fn build_target_payloads<O: Transport, T: Transport>(
    origin: &SyncInstance<O>,
    targets: &[SyncInstance<T>],
    selection: &MetadataSelection,
    options: &MetadataSyncOptions,
) -> Result<Vec<TargetPayload>, Dhis2Error> {
    let origin_client = origin.counted_read_only();
    let cancel = CancellationToken::new();
    let mut package = read_origin(
        &origin_client,
        selection,
        options,
        &super::super::NoProgress,
        &cancel,
    )
    .await?;
    let mut payloads = Vec::new();
    for target in targets {
        let (version, _, payload, notes) =
            prepare_target(&target.counted(), &mut package, false).await?;
        let body: Map<String, Value> = payload
            .into_iter()
            .map(|(plural, mut objects)| {
                for object in &mut objects {
                    strip_server_owned(object, options.strip_timestamps);
                }
                (plural, Value::Array(objects))
            })
            .collect();
        payloads.push(TargetPayload {
            target: target.name.clone(),
            version: version.to_string(),
            payload: Value::Object(body),
            notes,
        });
    }
    Ok(payloads)
}

fn step(step: SyncStep, target: Option<&str>, message: &str) -> SyncProgress {
    SyncProgress::Step {
        step,
        target: target.map(str::to_string),
        message: message.to_string(),
    }
}

pub(crate) fn error_of(error: &Dhis2Error) -> SyncError {
    SyncError::of(error.clone())
}
