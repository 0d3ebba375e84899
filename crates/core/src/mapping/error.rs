//! What can be wrong with a mapping, always naming the entry. Typed values: the app renders
//! them through its translations; `Display` gives the English text the CLI prints.

use std::fmt;

/// Where an entry sits: `[type, key, nested type, nested key, …]`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct EntryPath(Vec<String>);

impl EntryPath {
    pub fn root() -> EntryPath {
        EntryPath(Vec::new())
    }

    pub fn of(parts: &[&str]) -> EntryPath {
        EntryPath(parts.iter().map(|part| part.to_string()).collect())
    }

    /// This path with one more step.
    pub fn join(&self, part: &str) -> EntryPath {
        let mut parts = self.0.clone();
        parts.push(part.to_string());
        EntryPath(parts)
    }

    pub fn parts(&self) -> &[String] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for EntryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("the mapping");
        }
        f.write_str(&self.0.join(" › "))
    }
}

/// The JSON kind found where another was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum JsonKind {
    Null,
    Boolean,
    Number,
    Text,
    List,
    Object,
}

impl JsonKind {
    pub fn of(value: &serde_json::Value) -> JsonKind {
        use serde_json::Value;
        match value {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Boolean,
            Value::Number(_) => JsonKind::Number,
            Value::String(_) => JsonKind::Text,
            Value::Array(_) => JsonKind::List,
            Value::Object(_) => JsonKind::Object,
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Null => "null",
            JsonKind::Boolean => "true/false",
            JsonKind::Number => "a number",
            JsonKind::Text => "text",
            JsonKind::List => "a list",
            JsonKind::Object => "an object",
        })
    }
}

/// Which field of an entry holds a bad identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum IdField {
    /// The origin id the entry is keyed by.
    Key,
    MappedId,
    /// A destination data element named in `overlaps`.
    OverlapTarget,
}

impl fmt::Display for IdField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdField::Key => "its key",
            IdField::MappedId => "its mappedId",
            IdField::OverlapTarget => "a key of its overlaps",
        })
    }
}

/// One thing wrong (or only worth saying) about an entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum Problem {
    /// A type or an entry that is not a JSON object.
    NotAnObject { found: JsonKind },
    /// An id that is not a DHIS2 UID (nor a sentinel or path where those are allowed).
    NotAUid { field: IdField, value: String },
    /// `MAPPED_BY_VALUE` (or a path) on a type that does not take it.
    MisplacedSentinel { value: String },
    /// A nested mapping of a type this entry's type does not carry.
    NestedNotAllowed { nested_type: String },
    /// A field of the wrong JSON kind.
    BadField { field: String, found: JsonKind },
    /// A mapping type MetaData Sync does not know: kept as it is, not used.
    UnknownType,
    /// A field MetaData Sync does not use: kept as it is.
    UnknownField { field: String },
}

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    /// The entry cannot be used: a strict load refuses the mapping, an import leaves it out.
    Error,
    /// Kept as it is and not used; worth saying.
    Warning,
}

impl Problem {
    pub fn severity(&self) -> Severity {
        match self {
            Problem::UnknownType | Problem::UnknownField { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// A problem and the entry it is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MappingIssue {
    pub entry: EntryPath,
    #[serde(flatten)]
    pub problem: Problem,
}

impl MappingIssue {
    pub fn new(entry: EntryPath, problem: Problem) -> MappingIssue {
        MappingIssue { entry, problem }
    }

    pub fn is_error(&self) -> bool {
        self.problem.severity() == Severity::Error
    }
}

impl fmt::Display for MappingIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = &self.entry;
        match &self.problem {
            Problem::NotAnObject { found } => {
                write!(f, "{entry}: expected an object, found {found}")
            }
            Problem::NotAUid { field, value } => write!(
                f,
                "{entry}: {field} \"{value}\" is not a DHIS2 id (11 letters or digits, starting \
                 with a letter)"
            ),
            Problem::MisplacedSentinel { value } => {
                write!(
                    f,
                    "{entry}: \"{value}\" is not allowed for this mapping type"
                )
            }
            Problem::NestedNotAllowed { nested_type } => write!(
                f,
                "{entry}: has a nested \"{nested_type}\" mapping, which this type does not take"
            ),
            Problem::BadField { field, found } => {
                write!(f, "{entry}: field \"{field}\" cannot be {found}")
            }
            Problem::UnknownType => write!(
                f,
                "{entry}: not a mapping type MetaData Sync knows; kept as it is, not used"
            ),
            Problem::UnknownField { field } => {
                write!(f, "{entry}: field \"{field}\" is not used; kept as it is")
            }
        }
    }
}

/// A mapping that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MappingError {
    #[error("The mapping is not valid JSON: {reason}")]
    NotJson { reason: String },

    #[error(
        "The mapping is not a dictionary of mapping types ({{\"aggregatedDataElements\": \
         {{…}}, …}}): found {found}"
    )]
    NotADictionary { found: JsonKind },

    #[error("{}", invalid_message(.0))]
    Invalid(Vec<MappingIssue>),
}

fn invalid_message(issues: &[MappingIssue]) -> String {
    let lines: Vec<String> = issues.iter().map(|issue| format!("  {issue}")).collect();
    format!(
        "The mapping has {} problem{}; fix or remove these entries:\n{}",
        issues.len(),
        if issues.len() == 1 { "" } else { "s" },
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_entry() {
        let issue = MappingIssue::new(
            EntryPath::of(&["aggregatedDataElements", "hrv4hSVUzSH", "options", "x"]),
            Problem::NotAUid {
                field: IdField::Key,
                value: "x".into(),
            },
        );
        assert_eq!(
            issue.to_string(),
            "aggregatedDataElements › hrv4hSVUzSH › options › x: its key \"x\" is not a DHIS2 id \
             (11 letters or digits, starting with a letter)"
        );
        let error = MappingError::Invalid(vec![issue]);
        assert!(error.to_string().starts_with("The mapping has 1 problem;"));
        assert!(!MappingIssue::new(EntryPath::root(), Problem::UnknownType).is_error());
    }
}
