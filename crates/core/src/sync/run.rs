//! The one run sequence every sync goes through, whoever starts it (the Sync pages, the CLI,
//! rules and the scheduler): check the acting user's role → open the instances → refuse an
//! origin that is also a destination → run the engine of the kind → write history.
//!
//! Pages and the CLI call [`run_sync`] (and [`build_payloads`] for "download the payload");
//! they never hold a remote instance's credentials for a run.

use crate::access::{AccessDenied, Operation};
use crate::browse::SelectionState;
use crate::dhis2::{Dhis2Error, Transport};
use crate::instances::{InstanceError, InstanceManager, InstanceTransport};
use crate::model::Sharing;
use crate::storage::{Storage, StorageError};
use crate::sync::metadata::{
    build_target_payloads, execute_deletions, run_metadata_sync, DeletionPlan, MetadataSelection,
    MetadataSyncOptions, SyncInstance, TargetPayload,
};
use crate::sync::{
    save_to_history, CancellationToken, HistorySummary, ProgressSink, RunContext, SyncReport,
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
}

impl SyncJob {
    /// The operation a manual run of this job needs.
    fn manual_operation(&self) -> Operation {
        match self {
            SyncJob::Metadata { .. } => Operation::RunMetadataSync,
            SyncJob::Deletions { .. } => Operation::ReplayDeletions,
        }
    }
}

/// The saved rule a run is for; a run-only user may run it when its sharing grants them read.
#[derive(Debug, Clone, PartialEq)]
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
}

/// A finished run: the report, and whether history was written (a failure there is told to the
/// user, but does not undo the run).
#[derive(Debug)]
pub struct RunOutcome {
    pub report: SyncReport,
    pub history: Result<HistorySummary, StorageError>,
}

/// The operation the request needs, checked against the user's role (and the rule's sharing).
fn authorize(manager: &InstanceManager, request: &SyncRequest) -> Result<Operation, RunError> {
    let actor = manager.actor();
    match &request.rule {
        Some(rule) => {
            actor.authorize_on(Operation::RunRule, &rule.name, &rule.sharing, false)?;
            Ok(Operation::RunRule)
        }
        None => {
            let operation = request.job.manual_operation();
            actor.authorize(operation)?;
            Ok(operation)
        }
    }
}

type Reached<'t, T> = SyncInstance<InstanceTransport<&'t T>>;
type Opened<'t, T> = (Reached<'t, T>, Vec<Reached<'t, T>>);

/// Opens the origin and the destinations for `operation` (role and instance sharing checked,
/// credentials decrypted here and kept inside the run).
async fn open_instances<'t, T: Transport>(
    manager: &InstanceManager,
    storage: &'t Storage<T>,
    request: &SyncRequest,
    operation: Operation,
) -> Result<Opened<'t, T>, RunError> {
    if request.destinations.is_empty() {
        return Err(RunError::NoDestination);
    }
    let transport = storage.client().transport();
    let origin = manager
        .target_for(storage, &request.origin, operation)
        .await?;
    let mut destinations = Vec::with_capacity(request.destinations.len());
    for id in &request.destinations {
        if *id == request.origin {
            return Err(RunError::OriginIsDestination { name: origin.name });
        }
        let target = manager.target_for(storage, id, operation).await?;
        destinations.push(SyncInstance::new(
            target.name.clone(),
            target.client(transport),
        ));
    }
    Ok((
        SyncInstance::new(origin.name.clone(), origin.client(transport)),
        destinations,
    ))
}

async fn resolve<T: Transport>(
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

/// Runs a sync as the manager's user and writes it to history.
pub async fn run_sync<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    request: &SyncRequest,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<RunOutcome, RunError> {
    let operation = authorize(manager, request)?;
    let (origin, destinations) = open_instances(manager, storage, request, operation).await?;
    let report = match &request.job {
        SyncJob::Metadata { picks, options } => {
            let selection = resolve(picks, &origin).await?;
            run_metadata_sync(
                &origin,
                &destinations,
                &selection,
                options,
                progress,
                cancel,
            )
            .await
        }
        SyncJob::Deletions { plan, dry_run } => {
            execute_deletions(plan, &destinations, *dry_run, progress, cancel).await
        }
    };
    let context = RunContext {
        date: request.started.clone(),
        user: Some(manager.me().username.clone()),
        rule_id: request.rule.as_ref().map(|rule| rule.id.clone()),
    };
    let history = save_to_history(storage, &report, &context).await;
    Ok(RunOutcome { report, history })
}

/// What a metadata run would send to each destination, without sending it ("download the
/// payload"). Needs the same role as the run.
pub async fn build_payloads<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    request: &SyncRequest,
) -> Result<Vec<TargetPayload>, RunError> {
    let operation = authorize(manager, request)?;
    let (origin, destinations) = open_instances(manager, storage, request, operation).await?;
    match &request.job {
        SyncJob::Metadata { picks, options } => {
            let selection = resolve(picks, &origin).await?;
            build_target_payloads(&origin, &destinations, &selection, options)
                .await
                .map_err(RunError::Selection)
        }
        SyncJob::Deletions { .. } => Ok(Vec::new()),
    }
}
