//! Organisation units for a tree to pick from: the user's roots, the children of a unit (read
//! when it is opened, never the whole hierarchy) and a search by name within the user's
//! hierarchy. The same requests on every version (2.30 … 2.42).

use serde::Deserialize;

use super::metadata::fetch_by_ids;
use super::metadata_list::encode_query_value;
use super::{Dhis2Client, Dhis2Error, Transport};

/// The fields a tree node needs. `children[id]` (not `children::size`, which not every server
/// transforms) says whether a node can be opened.
const NODE_FIELDS: &str = "id,displayName,name,path,level,children%5Bid%5D";

/// Search results shown at most.
pub const SEARCH_LIMIT: u32 = 25;

/// One organisation unit as a tree shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnitNode {
    pub id: String,
    pub name: String,
    /// `/root/…/id`.
    pub path: String,
    pub level: Option<u32>,
    /// `None`: the server did not say (the node can still be opened, and may be empty).
    pub has_children: Option<bool>,
}

impl OrgUnitNode {
    /// The ids above the unit, root first.
    pub fn ancestors(&self) -> Vec<&str> {
        self.path
            .split('/')
            .filter(|id| !id.is_empty() && *id != self.id)
            .collect()
    }

    /// Whether the unit is `root` or below it.
    pub fn is_within(&self, root: &str) -> bool {
        self.id == root || self.path.split('/').any(|id| id == root)
    }
}

#[derive(Deserialize)]
struct RawId {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    id: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    level: Option<u32>,
    #[serde(default)]
    children: Option<Vec<RawId>>,
}

impl From<RawNode> for OrgUnitNode {
    fn from(raw: RawNode) -> Self {
        OrgUnitNode {
            name: raw
                .display_name
                .or(raw.name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| raw.id.clone()),
            path: raw.path.unwrap_or_else(|| format!("/{}", raw.id)),
            level: raw.level,
            has_children: raw.children.map(|c| !c.is_empty()),
            id: raw.id,
        }
    }
}

#[derive(Deserialize)]
struct NodeList {
    #[serde(default, rename = "organisationUnits")]
    units: Vec<RawNode>,
}

#[derive(Deserialize)]
struct MeRoots {
    #[serde(default, rename = "organisationUnits")]
    capture: Vec<RawId>,
    #[serde(default, rename = "dataViewOrganisationUnits")]
    view: Vec<RawId>,
}

fn sorted(units: Vec<RawNode>) -> Vec<OrgUnitNode> {
    let mut nodes: Vec<OrgUnitNode> = units.into_iter().map(OrgUnitNode::from).collect();
    nodes.sort_by_key(|node| node.name.to_lowercase());
    nodes
}

/// The user's roots: the data view units (whose data the user may read), the capture units when
/// there are none, by name.
pub async fn fetch_roots<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<Vec<OrgUnitNode>, Dhis2Error> {
    let me: MeRoots = client
        .get_json("api/me?fields=organisationUnits%5Bid%5D,dataViewOrganisationUnits%5Bid%5D")
        .await?;
    let ids: Vec<String> = if me.view.is_empty() {
        me.capture
    } else {
        me.view
    }
    .into_iter()
    .map(|unit| unit.id)
    .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = fetch_by_ids(client, "organisationUnits", "id", &ids, NODE_FIELDS).await?;
    Ok(sorted(
        found
            .into_iter()
            .filter_map(|unit| serde_json::from_value(unit).ok())
            .collect(),
    ))
}

/// The children of a unit, by name.
pub async fn fetch_children<T: Transport>(
    client: &Dhis2Client<T>,
    parent: &str,
) -> Result<Vec<OrgUnitNode>, Dhis2Error> {
    let path = format!(
        "api/organisationUnits?paging=false&fields={NODE_FIELDS}&filter=parent.id:eq:{}",
        encode_query_value(parent)
    );
    let list: NodeList = client.get_json(&path).await?;
    Ok(sorted(list.units))
}

/// Units whose name contains `text`, within `roots` (the user's hierarchy), at most
/// [`SEARCH_LIMIT`]; upper levels first.
pub async fn search<T: Transport>(
    client: &Dhis2Client<T>,
    text: &str,
    roots: &[String],
) -> Result<Vec<OrgUnitNode>, Dhis2Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let path = format!(
        "api/organisationUnits?page=1&pageSize={}&fields={NODE_FIELDS}&filter={}",
        SEARCH_LIMIT * 2,
        encode_query_value(&format!("name:ilike:{text}"))
    );
    let list: NodeList = client.get_json(&path).await?;
    let mut nodes: Vec<OrgUnitNode> = sorted(list.units)
        .into_iter()
        .filter(|node| roots.is_empty() || roots.iter().any(|root| node.is_within(root)))
        .collect();
    nodes.sort_by_key(|node| node.level.unwrap_or(u32::MAX));
    nodes.truncate(SEARCH_LIMIT as usize);
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_read_what_servers_send() {
        let list: NodeList = serde_json::from_str(
            r#"{"organisationUnits":[
              {"id":"O6uvpzGd5pu","displayName":"Bo","path":"/ImspTQPwCqd/O6uvpzGd5pu","level":2,
               "children":[{"id":"YuQRtpLP10I"}]},
              {"id":"fdc6uOvgoji","name":"bombali","path":"/ImspTQPwCqd/fdc6uOvgoji","level":2,"children":[]},
              {"id":"jUb8gELQApl"}]}"#,
        )
        .unwrap();
        let nodes = sorted(list.units);
        assert_eq!(
            nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["Bo", "bombali", "jUb8gELQApl"]
        );
        assert_eq!(nodes[0].has_children, Some(true));
        assert_eq!(nodes[1].has_children, Some(false));
        assert_eq!(nodes[2].has_children, None);
        assert_eq!(nodes[2].path, "/jUb8gELQApl");
        assert_eq!(nodes[0].ancestors(), ["ImspTQPwCqd"]);
        assert!(nodes[0].is_within("ImspTQPwCqd") && nodes[0].is_within("O6uvpzGd5pu"));
        assert!(!nodes[0].is_within("fdc6uOvgoji"));
    }
}
