//! Deleting metadata: what blocks a deletion (E4030), what a deletion cleans up (memberships
//! in other objects' collections) and the `deletedObjects` record it leaves.

use super::inverse::mentions;
use super::schema::Schema;
use super::MetadataStore;
use crate::{clock, Account};
use serde_json::{json, Value};

impl MetadataStore {
    /// The type of an object that holds a required reference to `id` (and is not itself in
    /// `leaving`), which makes DHIS2 refuse the deletion.
    pub(crate) fn deletion_blocker(
        &self,
        schema: &Schema,
        id: &str,
        leaving: &[&str],
    ) -> Option<String> {
        for other in self.catalog.all() {
            let required: Vec<&str> = other
                .properties
                .iter()
                .filter(|p| p.owner && p.required && p.identifiable_reference && !p.is_collection())
                .filter(|p| p.reference_klass() == Some(schema.klass.as_str()))
                .map(|p| p.name.as_str())
                .collect();
            if required.is_empty() {
                continue;
            }
            let blocked = self.list(&other.plural).into_iter().any(|object| {
                let other_id = object.get("id").and_then(Value::as_str).unwrap_or_default();
                !leaving.contains(&other_id)
                    && required.iter().any(|name| mentions(object.get(*name), id))
            });
            if blocked {
                return Some(other.short_klass().to_string());
            }
        }
        None
    }

    /// Removes an object, drops it from other objects' collections and records it in
    /// `deletedObjects`.
    pub(crate) fn delete_object(&mut self, schema: &Schema, id: &str, user: &Account) {
        let Some(removed) = self
            .objects
            .get_mut(&schema.plural)
            .and_then(|all| all.remove(id))
        else {
            return;
        };
        let holders: Vec<(String, Vec<String>)> = self
            .catalog
            .all()
            .iter()
            .map(|other| {
                let names = other
                    .properties
                    .iter()
                    .filter(|p| p.owner && p.identifiable_reference && p.is_collection())
                    .filter(|p| p.reference_klass() == Some(schema.klass.as_str()))
                    .map(|p| p.name.clone())
                    .collect();
                (other.plural.clone(), names)
            })
            .filter(|(_, names): &(String, Vec<String>)| !names.is_empty())
            .collect();
        for (plural, names) in holders {
            for object in self
                .objects
                .get_mut(&plural)
                .into_iter()
                .flat_map(|all| all.values_mut())
            {
                for name in &names {
                    if let Some(Value::Array(items)) = object.get_mut(name) {
                        items.retain(|item| item.get("id").and_then(Value::as_str) != Some(id));
                    }
                }
            }
        }
        let mut record = json!({
            "klass": schema.short_klass(), "uid": id,
            "deletedAt": clock::now_iso(), "deletedBy": user.username,
        });
        if let Some(code) = removed.get("code") {
            record["code"] = code.clone();
        }
        self.deleted.push(record);
    }
}
