//! The one run sequence every sync goes through, whoever starts it (the Sync pages, the CLI,
//! rules and the scheduler): check the acting user's role → open the instances → refuse an
//! origin that is also a destination → write the run's journal (`run-<id>`) → run the engine
//! of the kind (with timeouts, retries and the journal) → keep the journal if the run stopped
//! half-way ([`super::resume_sync`] takes it up), else remove it → write history.
//!
//! Pages and the CLI call [`run_sync`] (and [`build_payloads`] for "download the payload");
//! they never hold a remote instance's credentials for a run.

use serde::{Deserialize, Serialize};

use crate::access::{AccessDenied, Operation};
use crate::browse::SelectionState;
use crate::clock::Clock;
use crate::dhis2::{Dhis2Error, Transport};
use crate::instances::{InstanceError, InstanceManager, InstanceTransport};
use crate::mapping::mapping_for_run;
use crate::model::{Sharing, Uid};
use crate::rules::RuleLastRun;
use crate::storage::{Storage, StorageError};
use crate::sync::aggregated::{
    run_aggregated_sync, AggregatedInputError, AggregatedJob, AggregatedSelection,
    AggregatedSyncOptions, TargetMapping,
};
use crate::sync::events::{run_events_sync, EventsJob, EventsSelection, EventsSyncOptions};
use crate::sync::history::{save_run_with_parameters, RunParameters};
use crate::sync::journal::{JournalJob, RunJournal, StoredJournal, JOURNAL_VERSION};
use crate::sync::metadata::{
    build_target_payloads, execute_deletions, run_metadata_sync, DeletionPlan, MetadataSelection,
    MetadataSyncOptions, SyncInstance, TargetPayload,
};
use crate::sync::{
    save_to_history, CancellationToken, HistorySummary, ProgressSink, RunContext, SyncReport,
    SyncRuntime,
};

/// What the user picked, as the engine takes it or as the Sync page holds it (resolved against
/// the origin once it is open: "all data sets" becomes their ids).
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataPicks {
    Resolved(MetadataSelection),
    Picked(SelectionState),
}

/// What a run does.
#[derive(Debug, Clone)]
pub enum SyncJob {
    Metadata {
        picks: MetadataPicks,
        options: MetadataSyncOptions,
    },
    /// Replays deletions listed from the origin (`/api/deletedObjects`).
    Deletions { plan: DeletionPlan, dry_run: bool },
    /// Aggregated data values. `last_run`: the rule's last runs, for "since the last run".
    Aggregated {
        selection: AggregatedSelection,
        options: AggregatedSyncOptions,
        last_run: RuleLastRun,
    },
    /// Events, tracked entities, enrollments and relationships of programs. `last_run`: the
    /// rule's last runs, for "since the last run".
    Events {
        selection: EventsSelection,
        options: EventsSyncOptions,
        last_run: RuleLastRun,
    },
}

impl SyncJob {
    /// The operation a manual run of this job needs.
    fn manual_operation(&self) -> Operation {
        match self {
            SyncJob::Metadata { .. } => Operation::RunMetadataSync,
            SyncJob::Deletions { .. } => Operation::ReplayDeletions,
            SyncJob::Aggregated { .. } => Operation::RunAggregatedSync,
            SyncJob::Events { .. } => Operation::RunEventsSync,
        }
    }

    /// Whether the run only says what it would write.
    pub fn is_dry_run(&self) -> bool {
        match self {
            SyncJob::Metadata { options, .. } => options.import.dry_run,
            SyncJob::Deletions { dry_run, .. } => *dry_run,
            SyncJob::Aggregated { options, .. } => options.dry_run,
            SyncJob::Events { options, .. } => options.dry_run,
        }
    }
}

/// The saved rule a run is for; a run-only user may run it when its sharing grants them read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleGrant {
    pub id: String,
    pub name: String,
    pub sharing: Sharing,
}

/// A run to make: from `origin` to every destination (instance ids; `LOCAL` is this instance).
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub origin: String,
    pub destinations: Vec<String>,
    pub job: SyncJob,
    /// `Some` when a saved rule is run (by a user, or the scheduler).
    pub rule: Option<RuleGrant>,
    /// When the run started (ISO 8601, the caller's clock), for history.
    pub started: String,
}

/// Why a run did not start. Once it starts, every problem lands in the report instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Denied(#[from] AccessDenied),

    #[error("Choose at least one destination.")]
    NoDestination,

    #[error("\"{name}\" is the origin of the sync; it cannot be a destination too.")]
    OriginIsDestination { name: String },

    #[error(transparent)]
    Instance(#[from] InstanceError),

    #[error("The selection could not be read from the origin: {0}")]
    Selection(Dhis2Error),

    #[error("What \"{name}\" holds could not be read to check the run before it starts: {error}")]
    DestinationRead { name: String, error: Dhis2Error },

    #[error(transparent)]
    AggregatedInput(#[from] AggregatedInputError),

    #[error("There is no unfinished run {id}: it finished, or its journal was removed. Start a new sync instead.")]
    NoSuchRun { id: String },

    #[error("The run {id} was started by another version of MetaData Sync and cannot be resumed by this one. Start a new sync instead.")]
    CannotResume { id: String },

    #[error(transparent)]
    Mapping(#[from] crate::mapping::MappingStoreError),

    #[error("The run's journal could not be read: {0}")]
    Journal(StorageError),
}

/// A finished run: the report, and whether history was written (a failure there is told to the
/// user, but does not undo the run).
#[derive(Debug)]
pub struct RunOutcome {
    pub report: SyncReport,
    pub history: Result<HistorySummary, StorageError>,
    /// The run stopped half-way and its journal was kept: resume it with
    /// [`resume_sync`] and `report.run_id`.
    pub resumable: bool,
}

/// The operation the request needs, checked against the user's role (and the rule's sharing).
pub(crate) fn authorize(
    manager: &InstanceManager,
    request: &SyncRequest,
) -> Result<Operation, RunError> {
    authorize_operation(
        manager,
        request.rule.as_ref(),
        request.job.manual_operation(),
    )
}

pub(super) fn authorize_operation(
    manager: &InstanceManager,
    rule: Option<&RuleGrant>,
    manual: Operation,
) -> Result<Operation, RunError> {
    let actor = manager.actor();
    match rule {
        Some(rule) => {
            actor.authorize_on(Operation::RunRule, &rule.name, &rule.sharing, false)?;
            Ok(Operation::RunRule)
        }
        None => {
            actor.authorize(manual)?;
            Ok(manual)
        }
    }
}

pub(crate) type Reached<'t, T> = SyncInstance<InstanceTransport<&'t T>>;
pub(crate) type Opened<'t, T> = (Reached<'t, T>, Vec<Reached<'t, T>>);

/// Opens the origin and the destinations for `operation` (role and instance sharing checked,
/// credentials decrypted here and kept inside the run).
pub(crate) async fn open_instances<'t, T: Transport>(
    manager: &InstanceManager,
    storage: &'t Storage<T>,
    origin_id: &str,
    destination_ids: &[String],
    operation: Operation,
) -> Result<Opened<'t, T>, RunError> {
    if destination_ids.is_empty() {
        return Err(RunError::NoDestination);
    }
    let transport = storage.client().transport();
    // Each run reads the instances' time limits afresh: a limit changed since the last run (a
    // long-running scheduler, the CLI) applies now, the connect limit in the transport too.
    let apply_connect_limit = |target: &crate::instances::ConnectionTarget| {
        if target.route.is_none() {
            transport.set_connect_limit(&target.url, target.timeouts.connect());
        }
    };
    let origin = manager.target_for(storage, origin_id, operation).await?;
    apply_connect_limit(&origin);
    let mut destinations = Vec::with_capacity(destination_ids.len());
    for id in destination_ids {
        if id == origin_id {
            return Err(RunError::OriginIsDestination { name: origin.name });
        }
        let target = manager.target_for(storage, id, operation).await?;
        apply_connect_limit(&target);
        destinations.push(
            SyncInstance::new(target.name.clone(), target.client(transport))
                .with_timeouts(target.timeouts),
        );
    }
    Ok((
        SyncInstance::new(origin.name.clone(), origin.client(transport))
            .with_timeouts(origin.timeouts),
        destinations,
    ))
}

/// With "Apply mapping" on a metadata run, each destination gets the mapping stored toward it
/// (inverted for a pull, from the origin's).
async fn with_mappings<'t, T: Transport>(
    storage: &Storage<T>,
    request: &SyncRequest,
    destinations: Vec<Reached<'t, T>>,
) -> Result<Vec<Reached<'t, T>>, RunError> {
    let applies =
        matches!(&request.job, SyncJob::Metadata { options, .. } if options.apply_mapping);
    if !applies {
        return Ok(destinations);
    }
    let mut mapped = Vec::with_capacity(destinations.len());
    for (id, destination) in request.destinations.iter().zip(destinations) {
        let (mapping, _not_invertible) =
            crate::mapping::mapping_for_run(storage, &request.origin, id).await?;
        mapped.push(destination.with_mapping(mapping));
    }
    Ok(mapped)
}

pub(crate) async fn resolve<T: Transport>(
    picks: &MetadataPicks,
    origin: &Reached<'_, T>,
) -> Result<MetadataSelection, RunError> {
    match picks {
        MetadataPicks::Resolved(selection) => Ok(selection.clone()),
        MetadataPicks::Picked(state) => state
            .resolve(&origin.client)
            .await
            .map_err(RunError::Selection),
    }
}

/// Runs a sync as the manager's user and writes it to history. A run that writes keeps a
/// journal (`run-<id>`) as it goes; when it stops half-way for a reason that passes, the
/// journal stays and [`resume_sync`] takes it up again.
pub async fn run_sync<T: Transport, C: Clock>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    request: &SyncRequest,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
    clock: &C,
) -> Result<RunOutcome, RunError> {
    let operation = authorize(manager, request)?;
    if let SyncJob::Aggregated {
        selection, options, ..
    } = &request.job
    {
        selection.check(options)?;
    }
    let (origin, destinations) = open_instances(
        manager,
        storage,
        &request.origin,
        &request.destinations,
        operation,
    )
    .await?;
    let destinations = with_mappings(storage, request, destinations).await?;
    let (job, deletions, dry_run) = match &request.job {
        SyncJob::Metadata { picks, options } => {
            let selection = resolve(picks, &origin).await?;
            let job = JournalJob::Metadata {
                selection,
                options: options.clone(),
            };
            (job, None, options.import.dry_run)
        }
        SyncJob::Deletions { plan, dry_run } => {
            let job = JournalJob::Deletions {
                by_type: plan.by_type.clone(),
                dry_run: *dry_run,
            };
            (job, Some(plan.clone()), *dry_run)
        }
        SyncJob::Aggregated {
            selection,
            options,
            last_run,
        } => {
            let job = JournalJob::Aggregated {
                job: Box::new(AggregatedJob {
                    selection: selection.clone(),
                    options: options.clone(),
                    last_run: last_run.clone(),
                    started_millis: clock.now_millis(),
                }),
            };
            (job, None, options.dry_run)
        }
        SyncJob::Events {
            selection,
            options,
            last_run,
        } => {
            let job = JournalJob::Events {
                job: Box::new(EventsJob {
                    selection: selection.clone(),
                    options: options.clone(),
                    last_run: last_run.clone(),
                    started_millis: clock.now_millis(),
                    uid_seed: Uid::generate().to_string(),
                }),
            };
            (job, None, options.dry_run)
        }
    };
    let journal = RunJournal {
        version: JOURNAL_VERSION,
        id: Uid::generate().to_string(),
        started: request.started.clone(),
        user: Some(manager.me().username.clone()),
        updated_millis: clock.now_millis(),
        origin: request.origin.clone(),
        origin_name: origin.name.clone(),
        destinations: request.destinations.clone(),
        rule: request.rule.clone(),
        job,
        attempts: 1,
        targets: Vec::new(),
    };
    // A dry run writes nothing, so there is nothing to resume.
    let stored = if dry_run {
        None
    } else {
        Some(StoredJournal::create(storage, journal.clone(), || clock.now_millis()).await)
    };
    let run = Run {
        storage,
        origin: &origin,
        destinations: &destinations,
        journal: &journal,
        deletions,
    };
    Ok(run.execute(stored, progress, cancel, clock).await)
}

/// A run with its instances open, ready to go (first time or resumed).
pub(super) struct Run<'r, 't, T> {
    pub(super) storage: &'t Storage<T>,
    pub(super) origin: &'r Reached<'t, T>,
    pub(super) destinations: &'r [Reached<'t, T>],
    pub(super) journal: &'r RunJournal,
    pub(super) deletions: Option<DeletionPlan>,
}

impl<T: Transport> Run<'_, '_, T> {
    pub(super) async fn execute<C: Clock>(
        self,
        stored: Option<Result<StoredJournal<'_, T>, StorageError>>,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
        clock: &C,
    ) -> RunOutcome {
        let (stored, journal_problem) = match stored {
            Some(Ok(stored)) => (Some(stored), None),
            Some(Err(error)) => (None, Some(error)),
            None => (None, None),
        };
        let mut runtime = SyncRuntime::new(clock, progress, cancel);
        if let Some(stored) = &stored {
            runtime = runtime.with_journal(stored);
        }
        let mut report = match (&self.journal.job, &self.deletions) {
            (JournalJob::Metadata { selection, options }, _) => {
                run_metadata_sync(self.origin, self.destinations, selection, options, &runtime)
                    .await
            }
            (JournalJob::Deletions { dry_run, .. }, Some(plan)) => {
                execute_deletions(plan, self.destinations, *dry_run, &runtime).await
            }
            (JournalJob::Deletions { .. }, None) => {
                SyncReport::new(crate::sync::report::SyncKind::Deleted, &self.origin.name)
            }
            (JournalJob::Aggregated { job }, _) => {
                let mappings = if job.options.apply_mapping {
                    target_mappings(
                        self.storage,
                        &self.journal.origin,
                        &self.journal.destinations,
                    )
                    .await
                } else {
                    vec![TargetMapping::default(); self.journal.destinations.len()]
                };
                run_aggregated_sync(self.origin, self.destinations, &mappings, job, &runtime).await
            }
            (JournalJob::Events { job }, _) => {
                let mappings = target_mappings(
                    self.storage,
                    &self.journal.origin,
                    &self.journal.destinations,
                )
                .await;
                run_events_sync(self.origin, self.destinations, &mappings, job, &runtime).await
            }
        };
        report.resumed = self.journal.attempts.saturating_sub(1);
        let problem = journal_problem.or_else(|| stored.as_ref().and_then(StoredJournal::failure));
        if let Some(error) = problem {
            for target in &mut report.targets {
                target.notes.push(super::ReportNote::ProgressNotSaved {
                    detail: error.to_string(),
                });
            }
        }
        let mut resumable = false;
        if let Some(stored) = &stored {
            report.run_id = Some(self.journal.id.clone());
            resumable = report.resumable() && stored.failure().is_none();
            // A finished run leaves no journal; an interrupted one keeps its latest state.
            let _ = if resumable {
                stored.save().await
            } else {
                stored.remove().await.map(|_| ())
            };
        }
        let context = RunContext {
            date: self.journal.started.clone(),
            user: self.journal.user.clone(),
            rule_id: self.journal.rule.as_ref().map(|rule| rule.id.clone()),
        };
        let history = match &report.run_id {
            Some(run_id) => {
                let parameters = RunParameters {
                    rule_name: self.journal.rule.as_ref().map(|rule| rule.name.clone()),
                    job: self.journal.job.clone(),
                };
                save_run_with_parameters(self.storage, run_id, &report, &context, Some(parameters))
                    .await
            }
            None => save_to_history(self.storage, &report, &context).await,
        };
        RunOutcome {
            report,
            history,
            resumable,
        }
    }
}

/// What a metadata run would send to each destination, without sending it ("download the
/// payload"). Needs the same role as the run.
pub async fn build_payloads<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    request: &SyncRequest,
) -> Result<Vec<TargetPayload>, RunError> {
    let operation = authorize(manager, request)?;
    let (origin, destinations) = open_instances(
        manager,
        storage,
        &request.origin,
        &request.destinations,
        operation,
    )
    .await?;
    match &request.job {
        SyncJob::Metadata { picks, options } => {
            let selection = resolve(picks, &origin).await?;
            build_target_payloads(&origin, &destinations, &selection, options)
                .await
                .map_err(RunError::Selection)
        }
        SyncJob::Deletions { .. } | SyncJob::Aggregated { .. } | SyncJob::Events { .. } => {
            Ok(Vec::new())
        }
    }
}

/// The mapping each destination of an aggregated run gets (a pull's inverted); a stored mapping
/// that cannot be read stops that destination, not the run.
async fn target_mappings<T: Transport>(
    storage: &Storage<T>,
    origin_id: &str,
    destination_ids: &[String],
) -> Vec<TargetMapping> {
    let mut mappings = Vec::with_capacity(destination_ids.len());
    for destination_id in destination_ids {
        mappings.push(
            match mapping_for_run(storage, origin_id, destination_id).await {
                Ok((mapping, inverted)) => TargetMapping {
                    mapping,
                    notes: inverted
                        .map(|report| {
                            report
                                .not_invertible
                                .iter()
                                .map(ToString::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    problem: None,
                },
                Err(error) => TargetMapping {
                    problem: Some(error.to_string()),
                    ..TargetMapping::default()
                },
            },
        );
    }
    mappings
}
