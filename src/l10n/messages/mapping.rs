//! A stored mapping that cannot be used ([`MappingStoreError`], [`MappingError`]): what a sync
//! toward an instance with a broken mapping says, in the user's language. Entry paths and
//! field names are the mapping file's own (`aggregatedDataElements › hrv4hSVUzSH`).

use mdsync_core::mapping::store::MappingStoreError;
use mdsync_core::mapping::{IdField, JsonKind, MappingError, MappingIssue, Problem};

use super::access::access_denied;
use super::storage::storage_error;
use crate::l10n::Language;
use crate::{counted, tr};

pub fn mapping_store_error(lang: Language, error: &MappingStoreError) -> String {
    match error {
        MappingStoreError::Access(denied) => access_denied(lang, denied),
        MappingStoreError::Damaged { key, reason } => {
            tr!(lang, mapping.damaged, key = key, reason = reason)
        }
        MappingStoreError::Storage(error) => storage_error(lang, error),
        MappingStoreError::Mapping(error) => mapping_error(lang, error),
    }
}

pub fn mapping_error(lang: Language, error: &MappingError) -> String {
    match error {
        MappingError::NotJson { reason } => tr!(lang, mapping.not_json, reason = reason),
        MappingError::NotADictionary { found } => {
            tr!(
                lang,
                mapping.not_a_dictionary,
                found = json_kind(lang, *found)
            )
        }
        MappingError::Invalid(issues) => {
            let lines: Vec<String> = issues.iter().map(|issue| issue_text(lang, issue)).collect();
            format!(
                "{}\n{}",
                counted!(lang, mapping.problems, issues.len()),
                lines.join("\n")
            )
        }
    }
}

pub fn issue_text(lang: Language, issue: &MappingIssue) -> String {
    let problem = match &issue.problem {
        Problem::NotAnObject { found } => {
            tr!(
                lang,
                mapping.issues.not_an_object,
                found = json_kind(lang, *found)
            )
        }
        Problem::NotAUid { field, value } => tr!(
            lang,
            mapping.issues.not_a_uid,
            field = id_field(lang, *field),
            value = value
        ),
        Problem::MisplacedSentinel { value } => {
            tr!(lang, mapping.issues.misplaced_sentinel, value = value)
        }
        Problem::NestedNotAllowed { nested_type } => {
            tr!(
                lang,
                mapping.issues.nested_not_allowed,
                nested = nested_type
            )
        }
        Problem::BadField { field, found } => tr!(
            lang,
            mapping.issues.bad_field,
            field = field,
            found = json_kind(lang, *found)
        ),
        Problem::UnknownType => tr!(lang, mapping.issues.unknown_type),
        Problem::UnknownField { field } => {
            tr!(lang, mapping.issues.unknown_field, field = field)
        }
    };
    format!("  {}: {problem}", issue.entry)
}

fn json_kind(lang: Language, kind: JsonKind) -> String {
    match kind {
        JsonKind::Null => "null".to_string(),
        JsonKind::Boolean => tr!(lang, mapping.kinds.boolean),
        JsonKind::Number => tr!(lang, mapping.kinds.number),
        JsonKind::Text => tr!(lang, mapping.kinds.text),
        JsonKind::List => tr!(lang, mapping.kinds.list),
        JsonKind::Object => tr!(lang, mapping.kinds.object),
    }
}

fn id_field(lang: Language, field: IdField) -> String {
    match field {
        IdField::Key => tr!(lang, mapping.fields.key),
        IdField::MappedId => tr!(lang, mapping.fields.mapped_id),
        IdField::OverlapTarget => tr!(lang, mapping.fields.overlap_target),
    }
}
