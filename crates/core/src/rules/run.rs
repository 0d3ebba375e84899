//! Running a rule: the same run operation as a manual sync ([`run_sync`]), with the rule as
//! the grant (so run-only users may run the rules shared with them), the selection resolved on
//! the origin at run time, and the rule's own run record updated afterwards.

use super::model::{
    DatePeriod, MetadataFilter, MetadataRuleSelection, Rule, RuleJob, RuleLastRun, RuleSummary,
    TextPosition,
};
use super::operations::{load_rule, visible_summary, InstanceRole, RuleError};
use super::periods::period_bounds;
use super::schedule::{iso_utc, ServerZone};
use super::store::write_last_run;
use crate::access::Operation;
use crate::clock::Clock;
use crate::dhis2::metadata_list::{fetch_all_ids, ListFilters};
use crate::dhis2::{Dhis2Client, Transport};
use crate::instances::InstanceManager;
use crate::model::LOCAL_INSTANCE_ID;
use crate::storage::{Storage, StorageError};
use crate::sync::metadata::{MetadataSelection, TargetPayload};
use crate::sync::report::SyncKind;
use crate::sync::{
    build_payloads, run_sync, save_to_history, CancellationToken, HistorySummary, MetadataPicks,
    ProgressSink, RuleGrant, RunContext, RunError, SyncError, SyncJob, SyncReport, SyncRequest,
    TargetStatus,
};

/// A finished rule run.
#[derive(Debug)]
pub struct RuleRunOutcome {
    pub rule: RuleSummary,
    pub report: SyncReport,
    /// The history entry written (a failure there does not undo the run).
    pub history: Result<HistorySummary, StorageError>,
    /// The rule's run record as it now stands.
    pub last_run: RuleLastRun,
    /// Whether the run record could be written.
    pub record: Result<(), StorageError>,
}

/// Runs a rule the user may run (role, and the rule shared with them), now.
pub async fn run_rule<T: Transport, C: Clock>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
    clock: &C,
) -> Result<RuleRunOutcome, RuleError> {
    manager.actor().authorize(Operation::RunRule)?;
    let summary = visible_summary(manager, storage, id).await?;
    let rule = load_rule(storage, summary).await?;
    run_loaded_rule(manager, storage, &rule, progress, cancel, clock).await
}

/// Runs a rule already read (the scheduler reads them once a minute).
pub async fn run_loaded_rule<T: Transport, C: Clock>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    rule: &Rule,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
    clock: &C,
) -> Result<RuleRunOutcome, RuleError> {
    let now_millis = clock.now_millis();
    let summary = &rule.summary;
    manager
        .actor()
        .authorize_on(Operation::RunRule, &summary.name, &summary.sharing, false)?;
    let started = iso_utc(now_millis);
    let request = match sync_request(manager, storage, rule, now_millis).await {
        Ok(request) => request,
        Err(error) => {
            record_refusal(manager, storage, rule, &started, &error).await;
            return Err(error);
        }
    };
    let outcome = match run_sync(manager, storage, &request, progress, cancel, clock).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let error = RuleError::Run(error);
            if !matches!(error, RuleError::Run(RunError::Denied(_))) {
                record_refusal(manager, storage, rule, &started, &error).await;
            }
            return Err(error);
        }
    };
    let mut last_run = rule.last_run.clone();
    last_run.last_executed = Some(started.clone());
    last_run.last_executed_by = Some(manager.me().username.clone());
    last_run.last_status = Some(outcome.report.overall_status());
    last_run.last_history_id = outcome.history.as_ref().ok().map(|h| h.id.clone());
    let cancelled = outcome.report.overall_status() == TargetStatus::Cancelled;
    if outcome.report.succeeded() && !outcome.report.dry_run && !cancelled {
        last_run.last_successful_sync = Some(started);
    }
    let record = write_last_run(storage, &summary.id, &last_run, &summary.sharing).await;
    Ok(RuleRunOutcome {
        rule: summary.clone(),
        report: outcome.report,
        history: outcome.history,
        last_run,
        record,
    })
}

/// What the rule would send to each destination ("download the payload"), without sending it.
/// Metadata rules only: data rules read their values slice by slice when they run, so this is
/// empty for them (the Rules panel offers the download for metadata rules).
pub async fn rule_payloads<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    now_millis: u64,
) -> Result<Vec<TargetPayload>, RuleError> {
    manager.actor().authorize(Operation::RunRule)?;
    let summary = visible_summary(manager, storage, id).await?;
    let rule = load_rule(storage, summary).await?;
    let request = sync_request(manager, storage, &rule, now_millis).await?;
    Ok(build_payloads(manager, storage, &request).await?)
}

/// A run refused before it started still shows in history and in the rule's record, so a
/// scheduled rule that cannot run does not fail in silence.
async fn record_refusal<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    rule: &Rule,
    started: &str,
    error: &RuleError,
) {
    let mut report = SyncReport::new(sync_kind(&rule.job), rule.summary.origin.label());
    report.dry_run = rule.job.dry_run();
    report.errors.push(SyncError {
        object_id: None,
        object_type: None,
        property: None,
        message: error.to_string(),
        code: None,
        problem: None,
    });
    let context = RunContext {
        date: started.to_string(),
        user: Some(manager.me().username.clone()),
        rule_id: Some(rule.summary.id.clone()),
    };
    let history = save_to_history(storage, &report, &context).await.ok();
    let mut last_run = rule.last_run.clone();
    last_run.last_executed = Some(started.to_string());
    last_run.last_executed_by = Some(manager.me().username.clone());
    last_run.last_status = Some(TargetStatus::Error);
    last_run.last_history_id = history.map(|h| h.id);
    let _ = write_last_run(storage, &rule.summary.id, &last_run, &rule.summary.sharing).await;
}

fn sync_kind(job: &RuleJob) -> SyncKind {
    match job {
        RuleJob::Metadata { .. } => SyncKind::Metadata,
        RuleJob::Aggregated { .. } => SyncKind::Aggregated,
        RuleJob::Events { .. } => SyncKind::Events,
    }
}

/// The run request of a rule: its instances checked to still exist, its selection resolved.
async fn sync_request<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    rule: &Rule,
    now_millis: u64,
) -> Result<SyncRequest, RuleError> {
    let summary = &rule.summary;
    let stored = storage.instances().list().await?;
    let roles = std::iter::once((InstanceRole::Origin, &summary.origin)).chain(
        summary
            .destinations
            .iter()
            .map(|d| (InstanceRole::Destination, d)),
    );
    for (role, instance) in roles {
        if instance.id != LOCAL_INSTANCE_ID && !stored.iter().any(|i| i.id.as_str() == instance.id)
        {
            return Err(RuleError::InstanceDeleted {
                rule: summary.name.clone(),
                role,
                name: instance.label().to_string(),
                id: instance.id.clone(),
            });
        }
    }
    let job = match &rule.job {
        RuleJob::Metadata { selection, options } => SyncJob::Metadata {
            picks: MetadataPicks::Resolved(
                resolve_selection(manager, storage, rule, selection, now_millis).await?,
            ),
            options: options.clone(),
        },
        // Data rules count "since the last (successful) run" from the rule's own record.
        RuleJob::Aggregated { selection, options } => SyncJob::Aggregated {
            selection: selection.clone(),
            options: options.clone(),
            last_run: rule.last_run.clone(),
        },
        RuleJob::Events { selection, options } => SyncJob::Events {
            selection: selection.clone(),
            options: options.clone(),
            last_run: rule.last_run.clone(),
        },
    };
    Ok(SyncRequest {
        origin: summary.origin.id.clone(),
        destinations: summary.destinations.iter().map(|d| d.id.clone()).collect(),
        job,
        rule: Some(RuleGrant {
            id: summary.id.clone(),
            name: summary.name.clone(),
            sharing: summary.sharing.clone(),
        }),
        started: iso_utc(now_millis),
    })
}

/// The ids to sync: objects picked, every object of the whole types, what the filters find on
/// the origin now; less the excluded ones.
async fn resolve_selection<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    rule: &Rule,
    selection: &MetadataRuleSelection,
    now_millis: u64,
) -> Result<MetadataSelection, RuleError> {
    let mut ids: Vec<String> = selection.objects.iter().map(|o| o.id.clone()).collect();
    let mut types: Vec<String> = selection.types.clone();
    types.extend(selection.objects.iter().filter_map(|o| o.plural.clone()));
    if !selection.all_of_types.is_empty() || !selection.filters.is_empty() {
        let origin = manager
            .target_for(storage, &rule.summary.origin.id, Operation::RunRule)
            .await?;
        let client = origin.client(storage.client().transport());
        let selection_error = |error| RuleError::Run(RunError::Selection(error));
        let nothing = ListFilters {
            filters: Vec::new(),
            any: false,
        };
        for plural in &selection.all_of_types {
            types.push(plural.clone());
            ids.extend(
                fetch_all_ids(&client, plural, &nothing)
                    .await
                    .map_err(selection_error)?,
            );
        }
        if !selection.filters.is_empty() {
            let zone = server_zone(&client).await;
            for filter in &selection.filters {
                types.push(filter.metadata_type.clone());
                for query in filter_queries(filter, now_millis, &zone, &rule.last_run) {
                    ids.extend(
                        fetch_all_ids(&client, &filter.metadata_type, &query)
                            .await
                            .map_err(selection_error)?,
                    );
                }
            }
        }
    }
    ids.retain(|id| !selection.excluded_ids.contains(id));
    ids.sort();
    ids.dedup();
    types.sort();
    types.dedup();
    Ok(MetadataSelection { ids, types })
}

async fn server_zone<T: Transport>(client: &Dhis2Client<T>) -> ServerZone {
    let id = client
        .system_info()
        .await
        .ok()
        .and_then(|info| info.server_time_zone_id);
    ServerZone::of_server(id.as_deref()).0
}

/// The list queries of a filter: one per text field matched (name, code, description), each
/// with the date bounds.
pub(crate) fn filter_queries(
    filter: &MetadataFilter,
    now_millis: u64,
    zone: &ServerZone,
    last_run: &RuleLastRun,
) -> Vec<ListFilters> {
    let mut dates = Vec::new();
    for (field, period) in [
        ("created", &filter.created),
        ("lastUpdated", &filter.last_updated),
    ] {
        if *period == DatePeriod::All {
            continue;
        }
        let bounds = period_bounds(period, now_millis, zone, last_run);
        dates.extend(bounds.from.map(|from| format!("{field}:ge:{from}")));
        dates.extend(bounds.until.map(|until| format!("{field}:lt:{until}")));
    }
    let text = filter
        .text
        .as_ref()
        .filter(|text| !text.value.trim().is_empty());
    match text {
        None => vec![ListFilters {
            filters: dates,
            any: false,
        }],
        Some(text) => {
            let operator = match text.position {
                TextPosition::StartsWith => "$ilike",
                TextPosition::Contains => "ilike",
                TextPosition::EndsWith => "ilike$",
            };
            ["name", "code", "description"]
                .into_iter()
                .map(|field| {
                    let mut filters = dates.clone();
                    filters.push(format!("{field}:{operator}:{}", text.value.trim()));
                    ListFilters {
                        filters,
                        any: false,
                    }
                })
                .collect()
        }
    }
}
