//! What to sync and how: the selection, the inclusion switches and the write options.

use serde::{Deserialize, Serialize};

use super::rules::IncludeExcludeRules;
use crate::dhis2::metadata::ImportOptions;

/// The objects a user picked: ids, and optionally the types they belong to (plurals). Without
/// types, the origin is asked for the ids across all types in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetadataSelection {
    pub ids: Vec<String>,
    pub types: Vec<String>,
}

impl MetadataSelection {
    pub fn ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        MetadataSelection {
            ids: ids.into_iter().map(Into::into).collect(),
            types: Vec::new(),
        }
    }

    pub fn with_types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }
}

/// The three-way switch MDSync offers for sharing, users and organisation units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InclusionMode {
    /// Sync the referenced objects too.
    ObjectsAndReferences,
    /// Keep the references; the objects must exist on the target.
    #[default]
    ReferencesOnly,
    /// Strip the references from the payload.
    Remove,
}

/// Chunk limits of the write step: a chunk closes at whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChunkLimits {
    pub max_objects: usize,
    pub max_bytes: usize,
}

impl Default for ChunkLimits {
    fn default() -> Self {
        ChunkLimits {
            max_objects: 2000,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Everything that shapes a metadata sync besides the selection and the instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetadataSyncOptions {
    /// Follow references according to `rules`; off = only the selected objects.
    pub include_dependencies: bool,
    pub rules: IncludeExcludeRules,
    pub sharing: InclusionMode,
    pub users: InclusionMode,
    pub org_units: InclusionMode,
    /// Leave the `default` category, option, combo and option combo out of the payload (every
    /// server has its own); references to them stay.
    pub remove_default_category_objects: bool,
    /// Drop `created`/`lastUpdated` so the target stamps its own.
    pub strip_timestamps: bool,
    pub import: ImportOptions,
    pub chunks: ChunkLimits,
    /// Translate identifiers with the mapping stored toward each destination (MDSync's
    /// `enableMapping`); checked before anything is written.
    pub apply_mapping: bool,
}

impl Default for MetadataSyncOptions {
    fn default() -> Self {
        MetadataSyncOptions {
            include_dependencies: true,
            rules: IncludeExcludeRules::mdsync_defaults(),
            sharing: InclusionMode::ReferencesOnly,
            users: InclusionMode::Remove,
            org_units: InclusionMode::Remove,
            remove_default_category_objects: true,
            strip_timestamps: false,
            import: ImportOptions::default(),
            chunks: ChunkLimits::default(),
            apply_mapping: false,
        }
    }
}

impl MetadataSyncOptions {
    /// The rules as they apply with the users and org unit switches.
    pub fn effective_rules(&self) -> IncludeExcludeRules {
        if !self.include_dependencies {
            return IncludeExcludeRules::none();
        }
        let mut rules = self.rules.clone();
        let families = [
            (self.users, super::rules::USER_TYPES),
            (self.org_units, super::rules::ORG_UNIT_TYPES),
        ];
        for (mode, types) in families {
            for plural in types {
                if mode == InclusionMode::ObjectsAndReferences {
                    rules.exclude.remove(*plural);
                    rules.always_include.insert(plural.to_string());
                } else {
                    rules.exclude.insert(plural.to_string());
                    rules.always_include.remove(*plural);
                }
            }
        }
        rules
    }
}
