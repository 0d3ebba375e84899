//! The checks DHIS2 runs on a data value beyond "does it exist and fit its value type"
//! (`DataValueSetImportValidator`, 2.37+; inline in `DefaultDataValueSetService` before):
//! data write sharing, the user's hierarchy, the strict and require modes, the attribute option
//! combo's dates and org units, and locked periods. Each returns the findings that refuse the
//! value; the import loop calls them in DHIS2's order.

pub mod access;
mod conflicts;
pub mod model;
mod periods;
mod strict;

pub use conflicts::Finding;

use super::dates::{now_millis, Period};
use super::locks::LockExceptions;
use super::settings::Strictness;
use crate::metadata::MetadataStore;
use crate::{Account, SimVersion};
use model::Model;
use serde_json::Value;
use std::collections::HashMap;

/// One data value as the checks see it: the identifiers as the payload gave them (`*_key`,
/// for the messages) and as resolved.
pub struct ValueRefs<'a> {
    pub element_key: &'a str,
    pub element: &'a str,
    pub period_key: &'a str,
    pub period: Period,
    pub unit_key: &'a str,
    pub unit: &'a str,
    /// The option combo as given (`None`: the payload left it out, the default applies).
    pub combo_key: Option<&'a str>,
    pub combo: &'a str,
    pub attribute_key: Option<&'a str>,
    pub attribute: &'a str,
    pub value: Option<&'a str>,
}

/// The checks of one import, with their caches.
pub struct Gate<'m> {
    pub version: SimVersion,
    pub user: Option<&'m Account>,
    /// The request's switches or'ed with the system settings.
    pub strict: Strictness,
    pub strict_locking: bool,
    /// `force=true` by a superuser: no locking checks.
    pub forced: bool,
    pub data_set: Option<&'m Value>,
    pub locks: &'m LockExceptions,
    pub model: Model<'m>,
    pub now: i64,
    writable_options: HashMap<String, bool>,
    in_hierarchy: HashMap<String, bool>,
}

impl<'m> Gate<'m> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        version: SimVersion,
        metadata: &'m MetadataStore,
        user: Option<&'m Account>,
        strict: Strictness,
        strict_locking: bool,
        force: bool,
        data_set: Option<&'m Value>,
        locks: &'m LockExceptions,
    ) -> Self {
        Gate {
            version,
            user,
            strict,
            strict_locking,
            forced: force && user.is_some_and(Account::is_superuser),
            data_set,
            locks,
            model: Model::new(metadata),
            now: now_millis(),
            writable_options: HashMap::new(),
            in_hierarchy: HashMap::new(),
        }
    }

    /// The header checks after the header's references resolved: data write on the data set
    /// (E7601) and, with strict data elements, a data set at all (E7602, 2.34 until the
    /// 2.37.10 / 2.38.4 / 2.39.2 / 2.40.1 fix).
    pub fn header(&self, data_set_key: Option<&str>) -> Vec<Finding> {
        let mut found = Vec::new();
        if let Some(data_set) = self.data_set {
            if !access::can_data_write(self.user, Some(data_set)) {
                found.push(Finding::DataSetNotWritable {
                    key: data_set_key.unwrap_or_default().to_string(),
                    uid: model::uid(data_set),
                });
            }
        }
        if self.data_set.is_none()
            && self.strict.data_elements
            && self.version.at_least(34, 0)
            && !strict::data_set_fallback(self.version)
        {
            found.push(Finding::DataSetRequired);
        }
        found
    }

    /// E7614 / E7616: every option of the combo needs data write sharing.
    pub fn combo_access(
        &mut self,
        combo: &str,
        combo_key: Option<&str>,
        attribute: bool,
    ) -> Vec<Finding> {
        let Some(user) = self.user.filter(|user| !user.is_superuser()) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for (option, stored) in self.model.options_of(combo) {
            let writable = *self
                .writable_options
                .entry(option.clone())
                .or_insert_with(|| access::can_data_write(Some(user), stored));
            if !writable {
                found.push(Finding::OptionNotWritable {
                    attribute,
                    combo_key: combo_key.map(str::to_string),
                    option,
                });
            }
        }
        found
    }

    /// E7617: the org unit must be in the user's data capture hierarchy.
    pub fn hierarchy(&mut self, unit: &str, unit_key: &str) -> Option<Finding> {
        let user = self.user?;
        let inside = match self.in_hierarchy.get(unit) {
            Some(known) => *known,
            None => {
                let chain = self.model.ancestors(unit);
                let inside = access::in_hierarchy(user, &chain);
                self.in_hierarchy.insert(unit.to_string(), inside);
                inside
            }
        };
        (!inside).then(|| Finding::OutsideHierarchy {
            unit_key: unit_key.to_string(),
            unit: unit.to_string(),
            user_id: user.id.clone(),
            username: user.username.clone(),
        })
    }

    /// The require and strict modes, in DHIS2's order; the first that fails.
    pub fn constraints(&mut self, refs: &ValueRefs) -> Option<Finding> {
        strict::constraints(self, refs)
    }

    /// The attribute option combo's dates and org units, then the locks; the findings of the
    /// first check that fails.
    pub fn periods(&mut self, refs: &ValueRefs) -> Vec<Finding> {
        periods::check(self, refs)
    }
}
