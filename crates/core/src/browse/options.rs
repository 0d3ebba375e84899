//! The options of the metadata sync page, as the user sets them, and how they become the
//! engine's [`MetadataSyncOptions`].

use crate::dhis2::metadata::{AtomicMode, IdScheme, ImportOptions, ImportStrategy, MergeMode};
use crate::dhis2::Version;
use crate::sync::metadata::{IncludeExcludeRules, InclusionMode, MetadataSyncOptions};
use serde::{Deserialize, Serialize};

use super::rules_editor::{apply_overrides, RuleOverrides};

/// Every switch of the page. Defaults follow the engine's defaults; missing fields of a stored
/// form read as defaults, so forms saved before a field existed stay readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncOptionsForm {
    pub include_dependencies: bool,
    /// MDSync's default include/exclude rules; off = no per-type rules (only the selected
    /// objects, plus what the sharing, users and org unit switches bring).
    pub default_rules: bool,
    pub sharing: InclusionMode,
    pub users: InclusionMode,
    pub org_units: InclusionMode,
    pub remove_default_category_objects: bool,
    pub strategy: ImportStrategy,
    pub atomic: AtomicMode,
    pub merge_mode: MergeMode,
    pub identifier: IdScheme,
    pub skip_sharing: bool,
    /// Per-type changes to the rules (see [`super::rules_editor`]), on top of [`Self::base_rules`].
    pub rule_overrides: RuleOverrides,
    /// Translate ids with the mapping stored toward each destination (MDSync's `enableMapping`).
    pub apply_mapping: bool,
}

impl Default for SyncOptionsForm {
    fn default() -> Self {
        let defaults = MetadataSyncOptions::default();
        SyncOptionsForm {
            include_dependencies: defaults.include_dependencies,
            default_rules: true,
            sharing: defaults.sharing,
            users: defaults.users,
            org_units: defaults.org_units,
            remove_default_category_objects: defaults.remove_default_category_objects,
            strategy: defaults.import.strategy,
            atomic: defaults.import.atomic,
            merge_mode: defaults.import.merge_mode,
            identifier: defaults.import.identifier,
            skip_sharing: defaults.import.skip_sharing,
            rule_overrides: RuleOverrides::new(),
            apply_mapping: defaults.apply_mapping,
        }
    }
}

impl SyncOptionsForm {
    /// The rules the per-type overrides apply to, as the default-rules switch says.
    pub fn base_rules(&self) -> IncludeExcludeRules {
        if self.default_rules {
            IncludeExcludeRules::mdsync_defaults()
        } else {
            IncludeExcludeRules::none()
        }
    }

    /// The engine's options; `dry_run` comes from the button pressed.
    pub fn to_options(&self, dry_run: bool) -> MetadataSyncOptions {
        MetadataSyncOptions {
            include_dependencies: self.include_dependencies,
            rules: apply_overrides(self.base_rules(), &self.rule_overrides),
            sharing: self.sharing,
            users: self.users,
            org_units: self.org_units,
            remove_default_category_objects: self.remove_default_category_objects,
            apply_mapping: self.apply_mapping,
            import: ImportOptions {
                strategy: self.strategy,
                atomic: self.atomic,
                merge_mode: self.merge_mode,
                identifier: self.identifier,
                skip_sharing: self.skip_sharing,
                dry_run,
                ..ImportOptions::default()
            },
            ..MetadataSyncOptions::default()
        }
    }

    /// The destinations that would ignore the merge mode (DHIS2 2.41+ always replaces), to
    /// name next to it; empty when none would.
    pub fn merge_mode_ignored_by<'a>(
        &self,
        destinations: impl IntoIterator<Item = (&'a str, Option<&'a Version>)>,
    ) -> Vec<&'a str> {
        destinations
            .into_iter()
            .filter(|(_, version)| version.is_some_and(|v| v.minor_at_least(41)))
            .map(|(name, _)| name)
            .collect()
    }

    /// Said next to the merge mode when one destination would ignore it (English; the app
    /// words it from [`SyncOptionsForm::merge_mode_ignored_by`]).
    pub fn merge_mode_note<'a>(
        &self,
        destinations: impl IntoIterator<Item = (&'a str, Option<&'a Version>)>,
    ) -> Option<String> {
        let newer = self.merge_mode_ignored_by(destinations);
        (!newer.is_empty()).then(|| {
            format!(
                "DHIS2 2.41+ ignores merge mode: objects are always replaced on {}.",
                newer.join(", ")
            )
        })
    }
}

/// A choice of a select box: a stable value and its label.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn value(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_value(value: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|choice| choice.value() == value)
    }
}

impl Choice for InclusionMode {
    const ALL: &'static [Self] = &[
        InclusionMode::ObjectsAndReferences,
        InclusionMode::ReferencesOnly,
        InclusionMode::Remove,
    ];
    fn value(self) -> &'static str {
        match self {
            InclusionMode::ObjectsAndReferences => "objects",
            InclusionMode::ReferencesOnly => "references",
            InclusionMode::Remove => "remove",
        }
    }
    fn label(self) -> &'static str {
        match self {
            InclusionMode::ObjectsAndReferences => "Objects and references",
            InclusionMode::ReferencesOnly => "References only",
            InclusionMode::Remove => "Remove",
        }
    }
}

impl Choice for ImportStrategy {
    const ALL: &'static [Self] = &[
        ImportStrategy::CreateAndUpdate,
        ImportStrategy::Create,
        ImportStrategy::Update,
    ];
    fn value(self) -> &'static str {
        match self {
            ImportStrategy::CreateAndUpdate => "CREATE_AND_UPDATE",
            ImportStrategy::Create => "CREATE",
            ImportStrategy::Update => "UPDATE",
            ImportStrategy::Delete => "DELETE",
        }
    }
    fn label(self) -> &'static str {
        match self {
            ImportStrategy::CreateAndUpdate => "Create and update",
            ImportStrategy::Create => "Create only",
            ImportStrategy::Update => "Update only",
            ImportStrategy::Delete => "Delete",
        }
    }
}

impl Choice for AtomicMode {
    const ALL: &'static [Self] = &[AtomicMode::All, AtomicMode::None];
    fn value(self) -> &'static str {
        match self {
            AtomicMode::All => "ALL",
            AtomicMode::None => "NONE",
        }
    }
    fn label(self) -> &'static str {
        match self {
            AtomicMode::All => "All or nothing",
            AtomicMode::None => "Import what is valid",
        }
    }
}

impl Choice for MergeMode {
    const ALL: &'static [Self] = &[MergeMode::Replace, MergeMode::Merge];
    fn value(self) -> &'static str {
        match self {
            MergeMode::Replace => "REPLACE",
            MergeMode::Merge => "MERGE",
        }
    }
    fn label(self) -> &'static str {
        match self {
            MergeMode::Replace => "Replace",
            MergeMode::Merge => "Merge",
        }
    }
}

impl Choice for IdScheme {
    const ALL: &'static [Self] = &[IdScheme::Uid, IdScheme::Code];
    fn value(self) -> &'static str {
        match self {
            IdScheme::Uid => "UID",
            IdScheme::Code => "CODE",
        }
    }
    fn label(self) -> &'static str {
        match self {
            IdScheme::Uid => "UID",
            IdScheme::Code => "Code",
        }
    }
}
