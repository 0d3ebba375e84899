//! The mapping context: the facts about the two instances the engine reads besides the mapping
//! (option combos with their options, default category objects, program stages, programs).
//! Plain data, camelCase in JSON (the CLI's `--context` file), read from the instances by
//! [`read_mapping_context`].

use serde::{Deserialize, Serialize};

use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::model::Uid;

/// `{"id": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdRef {
    pub id: Uid,
}

/// A category option combo: its combo and its category options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionComboRef {
    pub id: Uid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_combo: Option<IdRef>,
    #[serde(default)]
    pub category_options: Vec<IdRef>,
}

/// A destination program stage and its program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramStageRef {
    pub id: Uid,
    pub program: IdRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProgramType {
    /// Tracker program.
    WithRegistration,
    /// Event program.
    WithoutRegistration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageDataElementRef {
    pub data_element: IdRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramStageShape {
    pub id: Uid,
    #[serde(default)]
    pub program_stage_data_elements: Vec<StageDataElementRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramAttributeRef {
    pub tracked_entity_attribute: IdRef,
}

/// A destination program, as far as tracked entity mapping needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramRef {
    pub id: Uid,
    pub program_type: ProgramType,
    #[serde(default)]
    pub program_stages: Vec<ProgramStageShape>,
    #[serde(default)]
    pub program_tracked_entity_attributes: Vec<ProgramAttributeRef>,
}

/// Everything the mapping functions read besides the mapping itself. Every part may be
/// empty; what a part is needed for is said on it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappingContext {
    /// Resolves an origin option combo through its mapped category options.
    pub origin_category_option_combos: Vec<OptionComboRef>,
    /// Where option combos resolved through category options are looked for.
    pub destination_category_option_combos: Vec<OptionComboRef>,
    /// The origin's `default` category objects (category, combo, option, option combo): a
    /// data value's option combo that is still one of them is left out, so the destination
    /// uses its own default.
    pub default_ids: Vec<Uid>,
    /// The destination's default category option combo: the attribute option combo of events
    /// that have none (or the origin's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_category_option_combo: Option<Uid>,
    /// Destination program stages with their program: a tracker program stage mapped alone
    /// gives the event its destination program.
    pub destination_program_stages: Vec<ProgramStageRef>,
    /// Destination programs. Tracked entities: enrollments into event programs are removed and
    /// attributes kept only if a destination tracker program has them (when absent, nothing
    /// is removed). Tracker → event conversion: the event program and stage to write to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_programs: Option<Vec<ProgramRef>>,
}

/// The payload kinds a mapping applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadKind {
    Metadata,
    Aggregated,
    Events,
    TrackedEntities,
    TrackedEntitiesToEvents,
}

impl PayloadKind {
    /// The top-level key of the payload (`dataValues`, `events`, `trackedEntities`).
    pub fn payload_key(self) -> Option<&'static str> {
        match self {
            PayloadKind::Metadata => None,
            PayloadKind::Aggregated => Some("dataValues"),
            PayloadKind::Events => Some("events"),
            PayloadKind::TrackedEntities | PayloadKind::TrackedEntitiesToEvents => {
                Some("trackedEntities")
            }
        }
    }
}

const OPTION_COMBO_FIELDS: &str = "id,name,categoryCombo%5Bid%5D,categoryOptions%5Bid%5D";
const PROGRAM_FIELDS: &str = "id,programType,programStages%5Bid,programStageDataElements%5BdataElement%5Bid%5D%5D%5D,programTrackedEntityAttributes%5BtrackedEntityAttribute%5Bid%5D%5D";

#[derive(Deserialize)]
struct Listing<T> {
    #[serde(
        alias = "categoryOptionCombos",
        alias = "programStages",
        alias = "programs"
    )]
    items: Vec<T>,
}

async fn list<T: Transport, D: serde::de::DeserializeOwned>(
    client: &Dhis2Client<T>,
    plural: &str,
    fields: &str,
) -> Result<Vec<D>, Dhis2Error> {
    let listing: Listing<D> = client
        .get_json(&format!("api/{plural}?paging=false&fields={fields}"))
        .await?;
    Ok(listing.items)
}

/// Reads the context a payload `kind` needs, from the origin and the destination. Metadata
/// and aggregated data need the option combos of both sides and the origin's defaults; events
/// also the destination's default combo and program stages; tracked entities the destination's
/// programs.
pub async fn read_mapping_context<O: Transport, D: Transport>(
    origin: &Dhis2Client<O>,
    destination: &Dhis2Client<D>,
    kind: PayloadKind,
) -> Result<MappingContext, Dhis2Error> {
    use crate::sync::metadata::defaults::fetch_default_ids;

    let mut context = MappingContext::default();
    if matches!(
        kind,
        PayloadKind::Metadata | PayloadKind::Aggregated | PayloadKind::Events
    ) {
        context.origin_category_option_combos =
            list(origin, "categoryOptionCombos", OPTION_COMBO_FIELDS).await?;
        context.destination_category_option_combos =
            list(destination, "categoryOptionCombos", OPTION_COMBO_FIELDS).await?;
        context.default_ids = fetch_default_ids(origin)
            .await?
            .into_iter()
            .filter_map(|(_, id)| id.parse().ok())
            .collect();
    }
    if kind == PayloadKind::Events {
        context.default_category_option_combo = fetch_default_ids(destination)
            .await?
            .into_iter()
            .find(|(plural, _)| plural == "categoryOptionCombos")
            .and_then(|(_, id)| id.parse().ok());
        context.destination_program_stages =
            list(destination, "programStages", "id,program%5Bid%5D").await?;
    }
    if matches!(
        kind,
        PayloadKind::TrackedEntities | PayloadKind::TrackedEntitiesToEvents
    ) {
        context.destination_programs = Some(list(destination, "programs", PROGRAM_FIELDS).await?);
    }
    Ok(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_context_file_reads_in_camel_case() {
        let context: MappingContext = serde_json::from_value(serde_json::json!({
            "originCategoryOptionCombos": [{"id": "HllvX50cXC0", "name": "default",
                "categoryCombo": {"id": "bjDvmb4bfuf"}, "categoryOptions": [{"id": "xYerKDKCefk"}]}],
            "defaultIds": ["HllvX50cXC0"],
            "defaultCategoryOptionCombo": "Xr12mI7VPn3",
            "destinationProgramStages": [{"id": "Stg0000Bbbb", "program": {"id": "Prg0000Bbbb"}}],
            "destinationPrograms": [{"id": "Prg0000Bbbb", "programType": "WITHOUT_REGISTRATION",
                "programStages": [{"id": "Stg0000Bbbb",
                    "programStageDataElements": [{"dataElement": {"id": "Dat0000Bbbb"}}]}]}]
        }))
        .expect("context");
        assert_eq!(context.origin_category_option_combos.len(), 1);
        assert_eq!(
            context.destination_programs.as_ref().unwrap()[0].program_type,
            ProgramType::WithoutRegistration
        );
        let bad =
            serde_json::from_value::<MappingContext>(serde_json::json!({"defaultIds": ["nope"]}));
        assert!(bad.unwrap_err().to_string().contains("nope"));
    }
}
