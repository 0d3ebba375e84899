//! Prepare, per destination: its version, the mapping with its context, and the mapping checks
//! against what the run is about to send — a data set the destination lacks stops that
//! destination before anything is written to it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::plan::OriginPlan;
use super::report::{AggregatedNote, AggregatedTargetDetails};
use super::selection::AggregatedSelection;
use crate::dhis2::data_values::DataIdScheme;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport, Version};
use crate::mapping::checks::{ids_to_look_up, read_destination_index};
use crate::mapping::context::OptionComboRef;
use crate::mapping::{check_mapping, Finding, MappingContext, MappingDictionary, Outgoing};
use crate::sync::metadata::defaults::fetch_default_ids;
use crate::sync::report::{ReportNote, TargetReport};

/// The mapping a destination gets: for a pull, inverted (with what could not be).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetMapping {
    pub mapping: MappingDictionary,
    /// Entries the inversion left out, said to the user.
    pub notes: Vec<String>,
    /// The stored mapping could not be read: nothing is written to this destination.
    pub problem: Option<String>,
}

/// A destination as the run writes to it.
pub struct TargetState {
    pub report: TargetReport,
    pub details: AggregatedTargetDetails,
    pub version: Option<Version>,
    pub context: MappingContext,
    /// Its default category option combo (for comparing with values whose combo was removed).
    pub default_combo: String,
    /// Still written to: not failed, not stopped.
    pub alive: bool,
}

const COMBO_FIELDS: &str = "id,name,categoryCombo%5Bid%5D,categoryOptions%5Bid%5D";

/// The category option combos of an instance, for the mapping context.
pub async fn option_combos<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<Vec<OptionComboRef>, Dhis2Error> {
    let mut body: serde_json::Map<String, Value> = client
        .get_json(&format!(
            "api/categoryOptionCombos?paging=false&fields={COMBO_FIELDS}"
        ))
        .await?;
    Ok(
        serde_json::from_value(body.remove("categoryOptionCombos").unwrap_or_default())
            .unwrap_or_default(),
    )
}

/// The origin's half of every mapping context (read once for all destinations).
pub async fn origin_context<T: Transport>(
    origin: &Dhis2Client<T>,
) -> Result<MappingContext, Dhis2Error> {
    Ok(MappingContext {
        origin_category_option_combos: option_combos(origin).await?,
        default_ids: fetch_default_ids(origin)
            .await?
            .into_iter()
            .filter_map(|(_, id)| id.parse().ok())
            .collect(),
        ..MappingContext::default()
    })
}

/// What the run sends, as the mapping checks look at it.
pub fn outgoing(selection: &AggregatedSelection, plan: &OriginPlan) -> Vec<Outgoing> {
    let mut out = Vec::new();
    out.extend(
        selection
            .data_sets
            .iter()
            .map(|id| Outgoing::new("dataSets", id)),
    );
    out.extend(
        plan.data_elements
            .keys()
            .map(|id| Outgoing::new("dataElements", id)),
    );
    out.extend(
        selection
            .indicators
            .iter()
            .map(|id| Outgoing::new("indicators", id)),
    );
    out.extend(
        selection
            .program_indicators
            .iter()
            .map(|id| Outgoing::new("programIndicators", id)),
    );
    out.extend(
        selection
            .org_unit_ids()
            .iter()
            .map(|id| Outgoing::new("organisationUnits", id)),
    );
    out
}

/// Connects to a destination and checks the mapping. `Err` stops the destination before
/// anything is written, with the reason.
pub async fn prepare_target<T: Transport>(
    client: &Dhis2Client<T>,
    mapping: &TargetMapping,
    origin_context: &MappingContext,
    outgoing: &[Outgoing],
    id_scheme: DataIdScheme,
    state: &mut TargetState,
) -> Result<(), PrepareTargetError> {
    if let Some(problem) = &mapping.problem {
        return Err(PrepareTargetError::Mapping(problem.clone()));
    }
    state.version = Some(client.system_info().await?.version);
    for note in &mapping.notes {
        state
            .details
            .notes
            .push(AggregatedNote::MappingNotInverted {
                detail: note.clone(),
            });
    }
    if let Some((_, id)) = fetch_default_ids(client)
        .await?
        .into_iter()
        .find(|(plural, _)| plural == "categoryOptionCombos")
    {
        state.default_combo = id;
    }
    if id_scheme != DataIdScheme::Uid {
        state.details.notes.push(AggregatedNote::MappingNeedsUids);
        return Ok(());
    }
    state.context = MappingContext {
        destination_category_option_combos: option_combos(client).await?,
        ..origin_context.clone()
    };
    let wanted = ids_to_look_up(&mapping.mapping, outgoing);
    let index = read_destination_index(client, &wanted).await?;
    let findings = check_mapping(&mapping.mapping, outgoing, &index);
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings {
        match finding {
            Finding::Unmapped { plural, id } if plural == "dataSets" => {
                return Err(PrepareTargetError::DataSetMissing { id });
            }
            Finding::Unmapped { plural, id } => missing.entry(plural).or_default().push(id),
            other @ (Finding::TargetMissing { .. } | Finding::Overlap { .. }) => state
                .report
                .notes
                .push(ReportNote::MappingFinding { finding: other }),
        }
    }
    for (plural, ids) in missing {
        state
            .details
            .notes
            .push(AggregatedNote::MissingAtDestination { plural, ids });
    }
    Ok(())
}

/// Why nothing was written to a destination.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareTargetError {
    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),
    #[error(
        "The destination has no data set {id}, and the mapping does not name one: nothing was \
         written to it. Sync the data set's metadata there first."
    )]
    DataSetMissing { id: String },
    #[error(
        "The mapping toward this destination could not be read: {0}. Nothing was written to it."
    )]
    Mapping(String),
}
