//! "Apply mapping" checked before a run starts: what the run is about to send is read from the
//! origin (read-only), and each destination's mapping is checked against it and against what
//! the destination holds — before anything is written. The page shows the findings per
//! destination and lets the user go on or fix the mapping first; this module decides what
//! there is to show.

use serde::Serialize;

use super::checks::{
    check_mapping, ids_to_look_up, outgoing_of_metadata, read_destination_index, Finding, Outgoing,
};
use super::checks_sent::{
    outgoing_of_programs, read_aggregated_sent, read_events_sent, AggregatedSent, SentError,
};
use super::model::MappingDictionary;
use super::store::mapping_for_run;
use crate::dhis2::data_values::DataIdScheme;
use crate::dhis2::{Dhis2Client, Transport};
use crate::instances::InstanceManager;
use crate::model::LOCAL_INSTANCE_ID;
use crate::storage::Storage;
use crate::sync::metadata::read_origin;
use crate::sync::run::{
    authorize, open_instances, resolve, Reached, RunError, SyncJob, SyncRequest,
};
use crate::sync::transport::ReadOnlyTransport;
use crate::sync::{CancellationToken, NoProgress};

/// What the check found for one destination.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationFindings {
    pub destination_id: String,
    pub destination_name: String,
    /// The remote instance whose stored mapping applies (the destination for a push, the
    /// origin for a pull): where "Fix the mapping" leads.
    pub mapping_instance: String,
    pub findings: Vec<Finding>,
    /// Entries of a pull's mapping that cannot be inverted (many origin items onto one).
    pub not_invertible: Vec<String>,
}

impl DestinationFindings {
    /// Findings that would make the run fail or write to the wrong place.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

/// The result of the checks before a run; empty when the run applies no mapping.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingCheck {
    /// Destinations with something to tell, in the request's order.
    pub destinations: Vec<DestinationFindings>,
}

impl MappingCheck {
    /// Whether the user has to decide before the run (go on, or fix the mapping first).
    pub fn needs_decision(&self) -> bool {
        self.destinations
            .iter()
            .any(|d| !d.findings.is_empty() || !d.not_invertible.is_empty())
    }

    /// Findings in all, all destinations together.
    pub fn total(&self) -> usize {
        self.destinations.iter().map(|d| d.findings.len()).sum()
    }
}

/// What the run sends, read once from the origin; each destination's mapping says what of it
/// to check.
enum Sent {
    Metadata(Vec<Outgoing>),
    Aggregated(AggregatedSent),
    Events {
        programs: Vec<serde_json::Value>,
        org_units: Vec<String>,
    },
}

impl Sent {
    fn outgoing(&self, mapping: &MappingDictionary) -> Vec<Outgoing> {
        match self {
            Sent::Metadata(outgoing) => outgoing.clone(),
            Sent::Aggregated(sent) => sent.outgoing(mapping),
            Sent::Events {
                programs,
                org_units,
            } => outgoing_of_programs(programs, org_units, mapping),
        }
    }
}

/// What the checks before a run look at.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Checked {
    /// Nothing: the run applies no mapping, or what it sends is not checked by id.
    Nothing,
    /// The mapping only: a destination without one is left out (a metadata sync creates what
    /// the destination lacks).
    Mapping,
    /// Data: what is sent must exist at the destination, mapped or by its own id (values of a
    /// data element the destination lacks are refused). `mapped`: whether the mapping applies.
    Data { mapped: bool },
}

/// What the checks look at for this run.
fn checked(job: &SyncJob) -> Result<Checked, RunError> {
    Ok(match job {
        SyncJob::Metadata { options, .. } if options.apply_mapping => Checked::Mapping,
        SyncJob::Metadata { .. } => Checked::Nothing,
        SyncJob::Aggregated {
            selection, options, ..
        } => {
            selection.check(options)?;
            // Codes are not mapped: the run says so in its report.
            if options.id_scheme == DataIdScheme::Uid {
                Checked::Data {
                    mapped: options.apply_mapping,
                }
            } else {
                Checked::Nothing
            }
        }
        // Program data sent as aggregated values is checked by the run (the mapped data
        // elements are what it needs).
        SyncJob::Events { options, .. } if options.as_aggregated.is_none() => {
            Checked::Data { mapped: true }
        }
        SyncJob::Events { .. } | SyncJob::Deletions { .. } => Checked::Nothing,
    })
}

/// Reads what the run sends from the origin (read-only). `None`: the selection does not hold,
/// which the run reports itself.
async fn read_sent<T: Transport>(
    origin: &Reached<'_, T>,
    job: &SyncJob,
) -> Result<Option<Sent>, RunError> {
    let reader = Dhis2Client::new(
        ReadOnlyTransport(origin.client.transport()),
        origin.client.base_url(),
        origin.client.auth().clone(),
    );
    let read = match job {
        SyncJob::Metadata { picks, options } => {
            let selection = resolve(picks, origin).await?;
            let cancel = CancellationToken::new();
            let package = read_origin(&reader, &selection, options, &NoProgress, &cancel)
                .await
                .map_err(RunError::Selection)?;
            return Ok(Some(Sent::Metadata(outgoing_of_metadata(&package.payload))));
        }
        SyncJob::Aggregated { selection, .. } => {
            read_aggregated_sent(&reader, &origin.name, selection)
                .await
                .map(Sent::Aggregated)
        }
        SyncJob::Events { selection, .. } => {
            read_events_sent(&reader, selection)
                .await
                .map(|programs| Sent::Events {
                    programs,
                    org_units: selection.org_units.clone(),
                })
        }
        SyncJob::Deletions { .. } => return Ok(None),
    };
    match read {
        Ok(sent) => Ok(Some(sent)),
        Err(SentError::Selection) => Ok(None),
        Err(SentError::Dhis2(error)) => Err(RunError::Selection(error)),
    }
}

/// Runs the mapping checks of a run that applies a mapping — metadata with "Apply mapping" on,
/// aggregated with it on (by UID), events — without writing anything: origin and destinations
/// are only read (through a transport that refuses writes). What the run sends is read from
/// the origin: metadata objects; data sets, data elements, category option combos, indicators
/// and org units of aggregated values; programs, stages, data elements, org units, tracked
/// entity types and attributes of events. Needs the same role and instance access as the run.
/// For metadata, a destination whose mapping is empty is left out (nothing to apply there; the
/// sync creates what is missing). For data (aggregated values, events) every destination is
/// checked, mapping or not: a data set, data element or program it lacks would have its values
/// refused, and the user hears of it before anything is written.
pub async fn check_mapping_before_run<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    request: &SyncRequest,
) -> Result<MappingCheck, RunError> {
    let checked = checked(&request.job)?;
    if checked == Checked::Nothing {
        return Ok(MappingCheck::default());
    }
    let operation = authorize(manager, request)?;
    let (origin, destinations) = open_instances(
        manager,
        storage,
        &request.origin,
        &request.destinations,
        operation,
    )
    .await?;
    let mut mappings = Vec::with_capacity(destinations.len());
    for id in &request.destinations {
        let (mapping, inverted) = match checked {
            Checked::Data { mapped: false } => (MappingDictionary::default(), None),
            _ => mapping_for_run(storage, &request.origin, id).await?,
        };
        mappings.push((mapping, inverted));
    }
    let mapping_only = checked == Checked::Mapping;
    if mapping_only && mappings.iter().all(|(mapping, _)| mapping.is_empty()) {
        return Ok(MappingCheck::default());
    }
    let Some(sent) = read_sent(&origin, &request.job).await? else {
        return Ok(MappingCheck::default());
    };
    let mut check = MappingCheck::default();
    for ((id, destination), (mapping, inverted)) in
        request.destinations.iter().zip(&destinations).zip(mappings)
    {
        if mapping_only && mapping.is_empty() {
            continue;
        }
        let reader = Dhis2Client::new(
            ReadOnlyTransport(destination.client.transport()),
            destination.client.base_url(),
            destination.client.auth().clone(),
        );
        let outgoing = sent.outgoing(&mapping);
        let wanted = ids_to_look_up(&mapping, &outgoing);
        let index = read_destination_index(&reader, &wanted)
            .await
            .map_err(|error| RunError::DestinationRead {
                name: destination.name.clone(),
                error,
            })?;
        let findings = check_mapping(&mapping, &outgoing, &index);
        let not_invertible: Vec<String> = inverted
            .map(|report| {
                report
                    .not_invertible
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if findings.is_empty() && not_invertible.is_empty() {
            continue;
        }
        let mapping_instance = if request.origin == LOCAL_INSTANCE_ID {
            id.clone()
        } else {
            request.origin.clone()
        };
        check.destinations.push(DestinationFindings {
            destination_id: id.clone(),
            destination_name: destination.name.clone(),
            mapping_instance,
            findings,
            not_invertible,
        });
    }
    Ok(check)
}
