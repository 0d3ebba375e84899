//! "Apply mapping" for a metadata sync (MDSync's `enableMapping`): before a destination receives
//! the payload, its identifiers are translated with the mapping stored toward it, and the
//! mapping is checked against what is about to be sent — items with no counterpart there,
//! targets it no longer has, several items mapped onto one — so the report lists them per item
//! before anything is written.

use super::cleanup::Payload;
use crate::dhis2::schemas::SchemaRegistry;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::mapping::checks::{ids_to_look_up, outgoing_of_metadata, read_destination_index};
use crate::mapping::{check_mapping, read_mapping_context, Mapper, MappingDictionary, PayloadKind};
use crate::sync::report::{ReportNote, SyncError, SyncProblem, TargetReport, TargetStatus};

/// Translates `payload` for one destination and records what the checks found.
pub(crate) async fn apply_mapping<O: Transport, D: Transport>(
    origin: &Dhis2Client<O>,
    destination: &Dhis2Client<D>,
    mapping: &MappingDictionary,
    payload: &mut Payload,
    schemas: &SchemaRegistry,
    report: &mut TargetReport,
) -> Result<(), Dhis2Error> {
    let outgoing = outgoing_of_metadata(payload);
    let wanted = ids_to_look_up(mapping, &outgoing);
    let index = read_destination_index(destination, &wanted).await?;
    for finding in check_mapping(mapping, &outgoing, &index) {
        if finding.is_error() {
            report.raise(TargetStatus::Warning);
        }
        report.errors.push(SyncError {
            code: Some("MAPPING".into()),
            ..SyncError::of(SyncProblem::Mapping { finding })
        });
    }
    let context = read_mapping_context(origin, destination, PayloadKind::Metadata).await?;
    let applied = Mapper::new(mapping, &context).metadata(payload, schemas);
    report.notes.push(ReportNote::MappingApplied {
        objects: applied.objects,
        references: applied.references,
        expressions: applied.expressions,
    });
    Ok(())
}
