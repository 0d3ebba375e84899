//! The rule editor's picks and options, to and from a rule: the editor reuses the metadata
//! Sync page's selection ([`SelectionState`]) and options ([`SyncOptionsForm`]), and a rule
//! stores [`MetadataRuleSelection`] and [`MetadataSyncOptions`].

use serde::{Deserialize, Serialize};

use super::model::{MetadataRuleSelection, PickedObject, RuleJob};
use crate::browse::{SelectionState, SyncOptionsForm};
use crate::dhis2::metadata_list::ListedObject;
use crate::sync::metadata::{IncludeExcludeRules, MetadataSyncOptions};

/// What "Save as rule" on a Sync page (metadata, aggregated, events) hands to the editor: the
/// page's instances and its job, of the page's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSeed {
    pub origin: String,
    pub destinations: Vec<String>,
    pub job: RuleJob,
}

/// The picks as a rule keeps them; the parts the picks cannot show (filters, exclusions,
/// objects of unknown type) come from `kept`, the rule as it was.
pub fn rule_selection(
    picks: &SelectionState,
    kept: &MetadataRuleSelection,
) -> MetadataRuleSelection {
    let mut selection = MetadataRuleSelection {
        objects: kept
            .objects
            .iter()
            .filter(|o| o.plural.is_none())
            .cloned()
            .collect(),
        all_of_types: Vec::new(),
        filters: kept.filters.clone(),
        excluded_ids: kept.excluded_ids.clone(),
        types: kept.types.clone(),
    };
    for line in picks.lines() {
        if line.all {
            selection.all_of_types.push(line.plural.clone());
            continue;
        }
        selection
            .objects
            .extend(line.objects.into_iter().map(|(id, name)| PickedObject {
                id,
                plural: Some(line.plural.clone()),
                name,
            }));
    }
    selection
}

/// The picks of a stored selection that the Sync page's list can show: objects of a known
/// type and whole types.
pub fn picks_of(selection: &MetadataRuleSelection) -> SelectionState {
    let mut picks = SelectionState::default();
    for object in &selection.objects {
        if let Some(plural) = &object.plural {
            picks.toggle(
                plural,
                &ListedObject {
                    id: object.id.clone(),
                    display_name: if object.name.is_empty() {
                        object.id.clone()
                    } else {
                        object.name.clone()
                    },
                    code: None,
                    last_updated: None,
                },
            );
        }
    }
    for plural in &selection.all_of_types {
        picks.set_all(plural, true);
    }
    picks
}

/// The form showing stored options. Per-type rule changes are not read back: when the rules
/// are neither the defaults nor none, [`options_of`] keeps the stored ones while the form is
/// unchanged.
pub fn form_of(options: &MetadataSyncOptions) -> SyncOptionsForm {
    SyncOptionsForm {
        include_dependencies: options.include_dependencies,
        default_rules: options.rules != IncludeExcludeRules::none(),
        sharing: options.sharing,
        users: options.users,
        org_units: options.org_units,
        remove_default_category_objects: options.remove_default_category_objects,
        strategy: options.import.strategy,
        atomic: options.import.atomic,
        merge_mode: options.import.merge_mode,
        identifier: options.import.identifier,
        skip_sharing: options.import.skip_sharing,
        apply_mapping: options.apply_mapping,
        ..SyncOptionsForm::default()
    }
}

/// The options to save: the stored ones when the form was not touched (so nothing the form
/// cannot show is lost), else the form's.
pub fn options_of(
    form: &SyncOptionsForm,
    stored: Option<&MetadataSyncOptions>,
) -> MetadataSyncOptions {
    match stored {
        Some(stored) if form_of(stored) == *form => stored.clone(),
        _ => form.to_options(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_and_whole_types_go_both_ways_and_filters_are_kept() {
        let stored = MetadataRuleSelection {
            objects: vec![
                PickedObject {
                    id: "pBOMPrpg1QX".into(),
                    plural: Some("dataSets".into()),
                    name: "ANC monthly".into(),
                },
                PickedObject {
                    id: "untyped0001".into(),
                    plural: None,
                    name: String::new(),
                },
            ],
            all_of_types: vec!["options".into()],
            filters: vec![super::super::MetadataFilter {
                metadata_type: "dataElements".into(),
                text: None,
                created: Default::default(),
                last_updated: Default::default(),
            }],
            excluded_ids: vec!["x0000000001".into()],
            types: vec![],
        };
        let picks = picks_of(&stored);
        assert!(picks.is_selected("dataSets", "pBOMPrpg1QX"));
        assert!(picks.is_all("options"));
        let back = rule_selection(&picks, &stored);
        assert_eq!(back.all_of_types, vec!["options".to_string()]);
        assert_eq!(back.objects.len(), 2, "the untyped object is kept");
        assert_eq!(back.filters, stored.filters);
        assert_eq!(back.excluded_ids, stored.excluded_ids);
    }

    #[test]
    fn untouched_options_are_kept_and_changed_ones_come_from_the_form() {
        let stored = MetadataSyncOptions {
            strip_timestamps: true,
            ..MetadataSyncOptions::default()
        };
        let form = form_of(&stored);
        assert_eq!(options_of(&form, Some(&stored)), stored);
        let mut changed = form.clone();
        changed.include_dependencies = !changed.include_dependencies;
        let saved = options_of(&changed, Some(&stored));
        assert_eq!(saved.include_dependencies, changed.include_dependencies);
        assert!(!saved.import.dry_run);
    }
}
