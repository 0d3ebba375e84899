//! Expands a compact schema definition into a [`Schema`] for one DHIS2 version, adding the
//! properties every identifiable, nameable and shareable object carries.

use super::spec::{Property, Schema};
use crate::SimVersion;

/// One schema definition: `traits` is a space-separated list of
/// `name=uniq|req|opt|none` (default `uniq`), `short=uniq|req|opt|none` (default `none`),
/// `share` (metadata sharing), `data` (data sharing too), `open` (keep properties the catalog does
/// not list: analytical objects whose full property list is not modelled), `emb` (embedded object),
/// `noid` (not identifiable), `nometa`, `since=N`, `until=N`.
pub struct Def {
    pub singular: &'static str,
    pub plural: &'static str,
    pub klass: &'static str,
    pub order: i32,
    pub traits: &'static str,
    pub props: &'static [&'static str],
}

pub fn build(def: &Def, version: SimVersion) -> Option<Schema> {
    let traits: Vec<&str> = def.traits.split_whitespace().collect();
    let value = |key: &str| {
        traits.iter().find_map(|word| {
            word.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
        })
    };
    let has = |word: &str| traits.contains(&word);
    if value("since")
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| version.minor < m)
    {
        return None;
    }
    if value("until")
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| version.minor >= m)
    {
        return None;
    }
    let identifiable = !has("noid");
    let shareable = has("share") || has("data");
    let name_rule = value("name").unwrap_or("uniq");
    let short_rule = value("short").unwrap_or("none");
    let mut specs: Vec<String> = Vec::new();
    if identifiable {
        specs.push("id id uniq".into());
        specs.push("code id uniq".into());
        if let Some(flags) = rule_flags(name_rule) {
            specs.push(format!("name text {flags}"));
        }
        specs.extend(
            [
                "created date",
                "lastUpdated date",
                "lastUpdatedBy ref User",
                "createdBy ref User since=36",
                "user ref User",
                "translations coll org.hisp.dhis.translation.ObjectTranslation emb until=34",
                "translations coll org.hisp.dhis.translation.Translation emb since=34",
                "attributeValues coll org.hisp.dhis.attribute.AttributeValue emb",
                "favorites tcoll",
                "href url np",
                "displayName text np",
                "favorite bool np",
                "access complex org.hisp.dhis.security.acl.Access np",
            ]
            .map(String::from),
        );
    }
    if let Some(flags) = rule_flags(short_rule) {
        specs.push(format!("shortName text {flags}"));
        specs.push("description text".into());
        specs.push("displayShortName text np".into());
        specs.push("displayDescription text np".into());
    }
    if shareable {
        specs.extend(
            [
                "publicAccess text",
                "externalAccess bool",
                "userGroupAccesses coll org.hisp.dhis.user.UserGroupAccess emb",
                "userAccesses coll org.hisp.dhis.user.UserAccess emb",
                "sharing complex org.hisp.dhis.user.sharing.Sharing since=36",
            ]
            .map(String::from),
        );
    }
    let mut properties: Vec<Property> = Vec::new();
    for spec in specs
        .iter()
        .map(String::as_str)
        .chain(def.props.iter().copied())
    {
        if let Some(property) = Property::parse(spec, version) {
            // A definition may refine a base property (e.g. make `code` required).
            properties.retain(|existing| existing.name != property.name);
            properties.push(property);
        }
    }
    let schema = Schema {
        klass: def.klass.to_string(),
        singular: def.singular.to_string(),
        plural: def.plural.to_string(),
        order: def.order,
        identifiable,
        nameable: short_rule != "none",
        shareable,
        data_shareable: has("data"),
        embedded: has("emb"),
        metadata: !has("nometa"),
        open: has("open"),
        properties,
    };
    Some(schema)
}

fn rule_flags(rule: &str) -> Option<&'static str> {
    match rule {
        "uniq" => Some("req uniq"),
        "req" => Some("req"),
        "opt" => Some(""),
        _ => None,
    }
}
