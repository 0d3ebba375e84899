//! Reading a dictionary from JSON, checking every entry. One walk serves both a strict load
//! (a stored mapping, a file given to the CLI: any error refuses the whole) and a lenient import
//! (what cannot be used is left out and reported).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{EntryPath, IdField, JsonKind, MappingError, MappingIssue, Problem};
use super::model::{MappedId, MappingDictionary, MappingKey, MetadataMapping, Overlap};
use super::types::type_info;
use crate::model::Uid;

/// A dictionary and everything said about it while reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub dictionary: MappingDictionary,
    /// Errors (entries left out) and warnings (kept, not used), in reading order.
    pub issues: Vec<MappingIssue>,
}

/// Reads what can be used and lists the rest. Fails only when `value` is no dictionary at all.
pub fn decode_lenient(value: &Value) -> Result<Decoded, MappingError> {
    let Value::Object(types) = value else {
        return Err(MappingError::NotADictionary {
            found: JsonKind::of(value),
        });
    };
    let mut decoder = Decoder { issues: Vec::new() };
    let dictionary = decoder.dictionary(types, &EntryPath::root(), None);
    Ok(Decoded {
        dictionary,
        issues: decoder.issues,
    })
}

/// Reads a dictionary that must be whole: any error refuses it, naming every bad entry.
/// Returns the warnings (unknown types and fields, kept as they are).
pub fn decode_strict(
    value: &Value,
) -> Result<(MappingDictionary, Vec<MappingIssue>), MappingError> {
    let decoded = decode_lenient(value)?;
    let (errors, warnings): (Vec<_>, Vec<_>) =
        decoded.issues.into_iter().partition(MappingIssue::is_error);
    if errors.is_empty() {
        Ok((decoded.dictionary, warnings))
    } else {
        Err(MappingError::Invalid(errors))
    }
}

/// [`decode_strict`] of JSON text.
pub fn parse_strict(text: &str) -> Result<(MappingDictionary, Vec<MappingIssue>), MappingError> {
    let value: Value = serde_json::from_str(text).map_err(|error| MappingError::NotJson {
        reason: error.to_string(),
    })?;
    decode_strict(&value)
}

struct Decoder {
    issues: Vec<MappingIssue>,
}

impl Decoder {
    fn issue(&mut self, entry: EntryPath, problem: Problem) {
        self.issues.push(MappingIssue::new(entry, problem));
    }

    /// `parent` is the type of the entry holding this dictionary (`None` at the top).
    fn dictionary(
        &mut self,
        types: &Map<String, Value>,
        path: &EntryPath,
        parent: Option<&str>,
    ) -> MappingDictionary {
        let mut dictionary = MappingDictionary::default();
        for (name, value) in types {
            let type_path = path.join(name);
            let known = type_info(name);
            let allowed = match parent {
                None => known.is_some(),
                Some(parent) => type_info(parent).is_some_and(|info| info.takes_nested(name)),
            };
            if !allowed {
                match (parent, value) {
                    // MDSync writes empty nested dictionaries freely: nothing to say.
                    (_, Value::Object(entries)) if entries.is_empty() => {}
                    (None, _) => {
                        self.issue(type_path, Problem::UnknownType);
                        dictionary.unknown.insert(name.clone(), value.clone());
                    }
                    (Some(_), _) => self.issue(
                        path.clone(),
                        Problem::NestedNotAllowed {
                            nested_type: name.clone(),
                        },
                    ),
                }
                continue;
            }
            let Value::Object(entries) = value else {
                self.issue(
                    type_path,
                    Problem::NotAnObject {
                        found: JsonKind::of(value),
                    },
                );
                continue;
            };
            let mut decoded = BTreeMap::new();
            for (key, entry) in entries {
                let entry_path = type_path.join(key);
                let Some(mapping_key) = MappingKey::parse(key) else {
                    self.issue(
                        entry_path,
                        Problem::NotAUid {
                            field: IdField::Key,
                            value: key.clone(),
                        },
                    );
                    continue;
                };
                if let Some(entry) = self.entry(name, entry, &entry_path) {
                    decoded.insert(mapping_key, entry);
                }
            }
            if !decoded.is_empty() {
                dictionary.types.insert(name.clone(), decoded);
            }
        }
        dictionary
    }

    fn entry(
        &mut self,
        type_name: &str,
        value: &Value,
        path: &EntryPath,
    ) -> Option<MetadataMapping> {
        let Value::Object(fields) = value else {
            self.issue(
                path.clone(),
                Problem::NotAnObject {
                    found: JsonKind::of(value),
                },
            );
            return None;
        };
        let info = type_info(type_name)?;
        let before = self.issues.len();
        let mut entry = MetadataMapping::default();
        for (field, value) in fields {
            if value.is_null() {
                continue;
            }
            let bad = |found| Problem::BadField {
                field: field.clone(),
                found,
            };
            match field.as_str() {
                "mappedId" => match value.as_str() {
                    Some("") => {}
                    Some(text) => match MappedId::parse(text, info.maps_to_paths()) {
                        Some(MappedId::ByValue) if !info.maps_by_value() => self.issue(
                            path.clone(),
                            Problem::MisplacedSentinel {
                                value: text.to_string(),
                            },
                        ),
                        Some(mapped) => entry.mapped_id = Some(mapped),
                        None => self.issue(
                            path.clone(),
                            Problem::NotAUid {
                                field: IdField::MappedId,
                                value: text.to_string(),
                            },
                        ),
                    },
                    None => self.issue(path.clone(), bad(JsonKind::of(value))),
                },
                "mappedName" | "mappedCode" | "mappedValue" | "code" => {
                    let Some(text) = text_of(value) else {
                        self.issue(path.clone(), bad(JsonKind::of(value)));
                        continue;
                    };
                    let slot = match field.as_str() {
                        "mappedName" => &mut entry.mapped_name,
                        "mappedCode" => &mut entry.mapped_code,
                        "mappedValue" => &mut entry.mapped_value,
                        _ => &mut entry.code,
                    };
                    *slot = Some(text);
                }
                "mappedLevel" => match value.as_u64() {
                    Some(level) => entry.mapped_level = Some(level),
                    None => self.issue(path.clone(), bad(JsonKind::of(value))),
                },
                "conflicts" | "global" => match value.as_bool() {
                    Some(flag) if field == "conflicts" => entry.conflicts = Some(flag),
                    Some(flag) => entry.global = Some(flag),
                    None => self.issue(path.clone(), bad(JsonKind::of(value))),
                },
                "mapping" => match value {
                    Value::Object(nested) => {
                        entry.mapping = Some(self.dictionary(nested, path, Some(type_name)));
                    }
                    _ => self.issue(path.clone(), bad(JsonKind::of(value))),
                },
                "overlaps" => match value {
                    Value::Object(overlaps) => entry.overlaps = Some(self.overlaps(overlaps, path)),
                    _ => self.issue(path.clone(), bad(JsonKind::of(value))),
                },
                _ => {
                    self.issue(
                        path.clone(),
                        Problem::UnknownField {
                            field: field.clone(),
                        },
                    );
                    entry.extra.insert(field.clone(), value.clone());
                }
            }
        }
        // Only a problem of the entry's own fields leaves it out; a bad nested entry (or a nested
        // type it does not take) leaves out that nested part alone.
        let failed = self.issues[before..].iter().any(|issue| {
            issue.is_error()
                && issue.entry == *path
                && !matches!(issue.problem, Problem::NestedNotAllowed { .. })
        });
        (!failed).then_some(entry)
    }

    fn overlaps(
        &mut self,
        overlaps: &Map<String, Value>,
        path: &EntryPath,
    ) -> BTreeMap<Uid, Overlap> {
        let mut decoded = BTreeMap::new();
        for (target, value) in overlaps {
            let Ok(uid) = target.parse::<Uid>() else {
                self.issue(
                    path.clone(),
                    Problem::NotAUid {
                        field: IdField::OverlapTarget,
                        value: target.clone(),
                    },
                );
                continue;
            };
            let Value::Object(fields) = value else {
                self.issue(
                    path.join("overlaps").join(target),
                    Problem::NotAnObject {
                        found: JsonKind::of(value),
                    },
                );
                continue;
            };
            let mut overlap = Overlap::default();
            for (field, value) in fields {
                match (field.as_str(), value.as_str()) {
                    ("type", Some(kind)) => overlap.kind = kind.to_string(),
                    ("replacer", Some(replacer)) => overlap.replacer = replacer.to_string(),
                    _ => {
                        overlap.extra.insert(field.clone(), value.clone());
                    }
                }
            }
            decoded.insert(uid, overlap);
        }
        decoded
    }
}

/// Text fields: MDSync only writes strings; a number (a numeric code typed in a form) is read
/// as its text.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
