//! Storing objects in canonical form and rendering them back as DHIS2 returns them.

use super::schema::Schema;
use super::sharing_model;
use super::MetadataStore;
use crate::{clock, Account};
use serde_json::{json, Map, Value};

/// Who asks and where the server lives, for `href` and `access`.
#[derive(Clone, Copy)]
pub struct Viewer<'a> {
    pub user: &'a Account,
    pub base_url: &'a str,
}

impl MetadataStore {
    /// Stores `object` under `plural`; `user` (the importing user) becomes owner and
    /// `lastUpdatedBy` when given.
    pub(crate) fn insert_object(
        &mut self,
        plural: &str,
        object: Value,
        user: Option<&Account>,
    ) -> Result<(), String> {
        let schema = self.catalog.by_plural(plural).ok_or_else(|| {
            format!(
                "`{plural}` is not a metadata type of DHIS2 {}",
                self.version
            )
        })?;
        let Value::Object(map) = object else {
            return Err(format!("a {} must be a JSON object", schema.singular));
        };
        let id = map
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("a {} needs an `id`", schema.singular))?
            .to_string();
        let previous = self.get(plural, &id).cloned();
        let mut canonical = self.canonical(schema, map);
        self.complete_embedded(schema, &id, &mut canonical);
        let shareable = schema.shareable;
        let now = clock::now_iso();
        let created = previous
            .as_ref()
            .and_then(|p| p.get("created").cloned())
            .or_else(|| canonical.get("created").cloned())
            .unwrap_or_else(|| json!(now));
        canonical.insert("created".into(), created);
        canonical.insert("lastUpdated".into(), json!(now));
        if let Some(user) = user {
            canonical.insert("lastUpdatedBy".into(), json!({ "id": user.id }));
            if previous.is_none() && self.version.at_least(36, 0) {
                canonical.insert("createdBy".into(), json!({ "id": user.id }));
            }
        }
        if shareable {
            let owner = previous
                .as_ref()
                .and_then(|p| p.pointer("/sharing/owner"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| user.map(|u| u.id.clone()));
            sharing_model::normalize(&mut canonical, owner.as_deref());
            canonical.remove("user");
        }
        let id_for_paths = id.clone();
        self.objects
            .entry(plural.to_string())
            .or_default()
            .insert(id, Value::Object(canonical));
        if plural == "organisationUnits" {
            self.update_org_unit_path(&id_for_paths);
        }
        Ok(())
    }

    /// Keeps the properties the schema knows (all for open schemas), drops computed ones,
    /// reduces references to `{id}` and canonicalizes embedded objects.
    pub(crate) fn canonical(
        &self,
        schema: &Schema,
        mut map: Map<String, Value>,
    ) -> Map<String, Value> {
        self.fold_user_credentials(schema, &mut map);
        let mut out = Map::new();
        for (key, value) in map {
            let Some(property) = schema.property(&key) else {
                if schema.open {
                    out.insert(key, value);
                }
                continue;
            };
            // Inverse sides are not imported: the owning side carries the association.
            if !property.owner || property.property_type == super::schema::PropertyType::Password {
                continue;
            }
            let value = if property.identifiable_reference {
                reduce_references(value)
            } else if property.embedded_object {
                let item_schema = property
                    .reference_klass()
                    .and_then(|klass| self.catalog.by_klass(klass));
                match (item_schema, value) {
                    (Some(item_schema), Value::Array(items)) => Value::Array(
                        items
                            .into_iter()
                            .map(|item| self.canonical_embedded(item_schema, item))
                            .collect(),
                    ),
                    (Some(item_schema), item @ Value::Object(_)) => {
                        self.canonical_embedded(item_schema, item)
                    }
                    (_, other) => other,
                }
            } else {
                value
            };
            out.insert(key, value);
        }
        out
    }

    /// Embedded items point back at their owner and, when identifiable, get a UID, as DHIS2
    /// stores them (`dataSetElements[].dataSet`, `programStageDataElements[].programStage`…).
    fn complete_embedded(&self, schema: &Schema, owner_id: &str, object: &mut Map<String, Value>) {
        for property in schema
            .properties
            .iter()
            .filter(|p| p.owner && p.embedded_object)
        {
            let Some(item_schema) = property
                .reference_klass()
                .and_then(|klass| self.catalog.by_klass(klass))
            else {
                continue;
            };
            let back_reference = item_schema.properties.iter().find(|p| {
                p.identifiable_reference
                    && !p.is_collection()
                    && p.reference_klass() == Some(schema.klass.as_str())
            });
            let Some(Value::Array(items)) = object.get_mut(&property.name) else {
                continue;
            };
            for item in items.iter_mut() {
                let Value::Object(item) = item else { continue };
                if let Some(back) = back_reference {
                    item.entry(back.name.clone())
                        .or_insert_with(|| json!({ "id": owner_id }));
                }
                if item_schema.identifiable && !item.contains_key("id") {
                    item.insert("id".into(), json!(crate::uid::generate_uid()));
                }
            }
        }
    }

    /// From 2.38 users carry their credentials themselves; a legacy `userCredentials` object in
    /// a payload is folded into the user, as DHIS2 still accepts it.
    pub(crate) fn fold_user_credentials(&self, schema: &Schema, map: &mut Map<String, Value>) {
        if schema.singular != "user" || !self.version.at_least(38, 0) {
            return;
        }
        if let Some(Value::Object(credentials)) = map.remove("userCredentials") {
            for (key, value) in credentials {
                if key != "id" && key != "user" && key != "userInfo" {
                    map.entry(key).or_insert(value);
                }
            }
        }
    }

    fn canonical_embedded(&self, schema: &Schema, item: Value) -> Value {
        match item {
            Value::Object(map) => {
                let mut inner = self.canonical(schema, map);
                if schema.shareable && !inner.contains_key("sharing") {
                    for key in ["sharing", "user"] {
                        inner.remove(key);
                    }
                }
                Value::Object(inner)
            }
            other => other,
        }
    }

    /// Sets `path` and `level` of a new or changed org unit from its parent; when other units
    /// already hang below it, recomputes them all.
    fn update_org_unit_path(&mut self, id: &str) {
        let Some(units) = self.objects.get("organisationUnits") else {
            return;
        };
        let has_children = units
            .values()
            .any(|unit| unit.pointer("/parent/id").and_then(Value::as_str) == Some(id));
        let parent_path = units
            .get(id)
            .and_then(|unit| unit.pointer("/parent/id"))
            .and_then(Value::as_str)
            .map(|parent| {
                units
                    .get(parent)
                    .and_then(|p| p.get("path"))
                    .and_then(Value::as_str)
            });
        let path = match parent_path {
            None => Some(format!("/{id}")),
            Some(Some(parent_path)) => Some(format!("{parent_path}/{id}")),
            Some(None) => None,
        };
        match path {
            Some(path) if !has_children => {
                let level = path.matches('/').count();
                if let Some(Value::Object(unit)) = self
                    .objects
                    .get_mut("organisationUnits")
                    .and_then(|u| u.get_mut(id))
                {
                    unit.insert("path".into(), json!(path));
                    unit.insert("level".into(), json!(level));
                }
            }
            _ => self.recompute_org_unit_paths(),
        }
    }

    /// Sets `path` and `level` of every org unit from its parent chain.
    pub(crate) fn recompute_org_unit_paths(&mut self) {
        let Some(units) = self.objects.get("organisationUnits") else {
            return;
        };
        let parents: std::collections::HashMap<String, Option<String>> = units
            .iter()
            .map(|(id, unit)| {
                let parent = unit
                    .pointer("/parent/id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                (id.clone(), parent)
            })
            .collect();
        let mut paths = Vec::new();
        for id in parents.keys() {
            let mut chain = vec![id.clone()];
            let mut current = id.clone();
            while let Some(Some(parent)) = parents.get(&current) {
                if chain.contains(parent) || chain.len() > 64 {
                    break;
                }
                chain.push(parent.clone());
                current = parent.clone();
            }
            chain.reverse();
            paths.push((id.clone(), format!("/{}", chain.join("/")), chain.len()));
        }
        if let Some(units) = self.objects.get_mut("organisationUnits") {
            for (id, path, level) in paths {
                if let Some(Value::Object(unit)) = units.get_mut(&id) {
                    unit.insert("path".into(), json!(path));
                    unit.insert("level".into(), json!(level));
                }
            }
        }
    }

    /// The object as DHIS2 returns it with `fields=*`: stored properties plus `href`,
    /// `displayName`, `access` and sharing in the forms of this version.
    pub(crate) fn render(&self, schema: &Schema, object: &Value, viewer: Viewer) -> Value {
        let Value::Object(stored) = object else {
            return object.clone();
        };
        let mut out = stored.clone();
        let id = stored.get("id").and_then(Value::as_str).unwrap_or_default();
        if schema.shareable {
            sharing_model::render(&mut out, self.version);
        }
        if schema.singular == "user" {
            let name = format!(
                "{} {}",
                stored
                    .get("firstName")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                stored
                    .get("surname")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            );
            out.insert("name".into(), json!(name.trim()));
        }
        if schema.singular == "user"
            && self.version.at_least(38, 0)
            && !self.version.at_least(41, 0)
        {
            // 2.38–2.40 still write the credentials a second time, in the old nested form.
            let mut credentials = Map::new();
            for key in [
                "username",
                "userRoles",
                "disabled",
                "externalAuth",
                "openId",
                "ldapId",
                "twoFA",
                "passwordLastUpdated",
                "lastLogin",
                "accountExpiry",
                "catDimensionConstraints",
                "cogsDimensionConstraints",
            ] {
                if let Some(value) = stored.get(key) {
                    credentials.insert(key.into(), value.clone());
                }
            }
            out.insert("userCredentials".into(), Value::Object(credentials));
        }
        if schema.singular == "categoryCombo" {
            let is_default = stored.get("name").and_then(Value::as_str) == Some("default");
            out.insert("isDefault".into(), json!(is_default));
        }
        for (source, display) in [
            ("name", "displayName"),
            ("shortName", "displayShortName"),
            ("description", "displayDescription"),
        ] {
            if let Some(value) = out.get(source).cloned() {
                out.insert(display.into(), value);
            }
        }
        super::computed::add_computed(schema, &mut out);
        if schema.identifiable && !schema.embedded {
            out.insert(
                "href".into(),
                json!(format!("{}/api/{}/{id}", viewer.base_url, schema.plural)),
            );
            let access = sharing_model::effective_access(stored.get("sharing"), viewer.user);
            out.insert(
                "access".into(),
                sharing_model::access_json(&access, schema.data_shareable),
            );
            out.insert("favorite".into(), json!(false));
        }
        Value::Object(out)
    }

    /// True when `user` may read the object (metadata read in its sharing).
    pub(crate) fn can_read(&self, schema: &Schema, object: &Value, user: &Account) -> bool {
        !schema.shareable
            || sharing_model::effective_access(object.get("sharing"), user).starts_with('r')
    }
}

/// `{"id":"x","name":"…"}` → `{"id":"x"}` (also inside arrays); code-only references stay.
pub(crate) fn reduce_references(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(reduce_references).collect()),
        Value::Object(map) => match map.get("id") {
            Some(id) => json!({ "id": id }),
            None => Value::Object(map),
        },
        other => other,
    }
}
