//! Metadata endpoints: batched reads by id, `/api/metadata` export and import, deleted objects.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Dhis2Client, Dhis2Error, ImportResult, Method, Transport, Version};

/// Request URLs are kept below this many bytes (servers and proxies refuse longer ones with 414).
pub const MAX_URL_BYTES: usize = 8000;

/// Fetches objects of one type by id with `filter=<property>:in:[…]`, in as few requests as
/// the URL limit allows. `property` is `id` for a plain fetch, or e.g. `program.id` to fetch
/// the objects that point at the given ids.
pub async fn fetch_by_ids<T: Transport, Id: AsRef<str>>(
    client: &Dhis2Client<T>,
    plural: &str,
    property: &str,
    ids: &[Id],
    fields: &str,
) -> Result<Vec<Value>, Dhis2Error> {
    let prefix = format!("api/{plural}?paging=false&fields={fields}&filter={property}:in:%5B");
    let budget = MAX_URL_BYTES.saturating_sub(client.url(&prefix).len() + 3);
    let mut objects = Vec::new();
    for batch in id_batches(ids, budget) {
        for mut body in get_id_batch(client, &prefix, &batch).await? {
            if let Some(Value::Array(items)) = body.remove(plural) {
                if objects.is_empty() {
                    objects = items;
                } else {
                    objects.extend(items);
                }
            }
        }
    }
    Ok(objects)
}

type JsonObject = Map<String, Value>;

/// `GET {prefix}{ids}]`, in as many requests as the server's URL limit needs: a batch refused
/// as too long (414, from a server or proxy with a limit below [`MAX_URL_BYTES`]) is asked
/// for again in two halves. The answers come in the order of the ids.
async fn get_id_batch<T: Transport>(
    client: &Dhis2Client<T>,
    prefix: &str,
    batch: &[&str],
) -> Result<Vec<Map<String, Value>>, Dhis2Error> {
    let mut pending: std::collections::VecDeque<&[&str]> =
        std::collections::VecDeque::from([batch]);
    let mut bodies = Vec::new();
    while let Some(part) = pending.pop_front() {
        let path = format!("{prefix}{}%5D", part.join(","));
        match client.get_json::<Map<String, Value>>(&path).await {
            Ok(body) => bodies.push(body),
            Err(error) if error.status() == Some(414) && part.len() > 1 => {
                let (first, second) = part.split_at(part.len() / 2);
                pending.push_front(second);
                pending.push_front(first);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(bodies)
}

/// How many reads a sync keeps in flight at once: what a browser sends in parallel to one host
/// over HTTP/1.1, so more would only queue, and a load a DHIS2 server takes without trouble.
pub const CONCURRENT_READS: usize = 6;

/// One read of [`fetch_many_by_ids`]: the objects of `plural` whose `property` is in `ids`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByIds<'a> {
    pub plural: &'a str,
    pub property: String,
    pub ids: Vec<&'a str>,
}

/// Runs many [`fetch_by_ids`] reads together, [`CONCURRENT_READS`] requests at a time, and
/// returns their objects in the order of `reads`. Requests go out in that order too, so the
/// result does not depend on which answer comes first. On a slow link a level of dependencies
/// costs one round trip per [`CONCURRENT_READS`] requests instead of one per request.
pub async fn fetch_many_by_ids<T: Transport>(
    client: &Dhis2Client<T>,
    reads: &[ByIds<'_>],
    fields: &str,
) -> Result<Vec<Vec<Value>>, Dhis2Error> {
    use futures::stream::{self, StreamExt, TryStreamExt};

    let mut requests: Vec<(usize, &str, String, Vec<&str>)> = Vec::new();
    for (index, read) in reads.iter().enumerate() {
        let prefix = format!(
            "api/{}?paging=false&fields={fields}&filter={}:in:%5B",
            read.plural, read.property
        );
        let budget = MAX_URL_BYTES.saturating_sub(client.url(&prefix).len() + 3);
        for batch in id_batches(&read.ids, budget) {
            requests.push((index, read.plural, prefix.clone(), batch));
        }
    }
    let answers: Vec<(usize, &str, Vec<JsonObject>)> = stream::iter(requests)
        .map(|(index, plural, prefix, batch)| async move {
            let bodies = get_id_batch(client, &prefix, &batch).await?;
            Ok::<_, Dhis2Error>((index, plural, bodies))
        })
        .buffered(CONCURRENT_READS)
        .try_collect()
        .await?;
    let mut objects: Vec<Vec<Value>> = vec![Vec::new(); reads.len()];
    for (index, plural, bodies) in answers {
        for mut body in bodies {
            if let Some(Value::Array(items)) = body.remove(plural) {
                objects[index].extend(items);
            }
        }
    }
    Ok(objects)
}

/// Fetches objects of any type by id through `/api/metadata?filter=id:in:[…]`: one request per
/// URL-sized batch, whatever the number of types. Returns the per-type arrays (no `system`).
pub async fn fetch_any_type_by_ids<T: Transport>(
    client: &Dhis2Client<T>,
    ids: &[String],
    fields: &str,
) -> Result<Vec<(String, Vec<Value>)>, Dhis2Error> {
    let prefix = format!("api/metadata?defaults=INCLUDE&fields={fields}&filter=id:in:%5B");
    let budget = MAX_URL_BYTES.saturating_sub(client.url(&prefix).len() + 3);
    let mut by_type: Vec<(String, Vec<Value>)> = Vec::new();
    for batch in id_batches(ids, budget) {
        for body in get_id_batch(client, &prefix, &batch).await? {
            add_by_type(&mut by_type, body);
        }
    }
    Ok(by_type)
}

/// Adds the per-type arrays of an `/api/metadata` answer to `by_type`.
fn add_by_type(by_type: &mut Vec<(String, Vec<Value>)>, body: Map<String, Value>) {
    for (plural, value) in body {
        let Value::Array(items) = value else { continue };
        match by_type.iter_mut().find(|(p, _)| *p == plural) {
            Some((_, existing)) => existing.extend(items),
            None => by_type.push((plural, items)),
        }
    }
}

/// Splits ids into comma-joined batches no longer than `budget` bytes each.
pub fn id_batches<Id: AsRef<str>>(ids: &[Id], budget: usize) -> Vec<Vec<&str>> {
    let mut batches: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut length = 0;
    for id in ids.iter().map(AsRef::as_ref) {
        let added = id.len() + usize::from(!current.is_empty());
        if !current.is_empty() && length + added > budget.max(id.len()) {
            batches.push(std::mem::take(&mut current));
            length = 0;
        }
        length += id.len() + usize::from(!current.is_empty());
        current.push(id);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// `GET /api/metadata` with the given query parameters (already URL-safe).
pub async fn export_metadata<T: Transport>(
    client: &Dhis2Client<T>,
    params: &[(&str, &str)],
) -> Result<Map<String, Value>, Dhis2Error> {
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    client
        .get_json(&format!("api/metadata?{}", query.join("&")))
        .await
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStrategy {
    #[default]
    CreateAndUpdate,
    Create,
    Update,
    Delete,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AtomicMode {
    #[default]
    All,
    None,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MergeMode {
    #[default]
    Replace,
    Merge,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdScheme {
    #[default]
    Uid,
    Code,
}

/// When an import goes as an asynchronous job (`async=true`, followed through the task
/// endpoints) rather than in one request that a proxy may cut.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AsyncImport {
    /// Bodies of [`AsyncImport::LARGE_BYTES`] or more.
    #[default]
    Large,
    Always,
    Never,
}

impl AsyncImport {
    /// From this size, an import is slow enough on a busy server to meet a proxy's limit.
    pub const LARGE_BYTES: usize = 256 * 1024;

    pub fn applies_to(self, body_bytes: usize) -> bool {
        match self {
            AsyncImport::Large => body_bytes >= Self::LARGE_BYTES,
            AsyncImport::Always => true,
            AsyncImport::Never => false,
        }
    }
}

/// Options of `POST /api/metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportOptions {
    pub strategy: ImportStrategy,
    pub atomic: AtomicMode,
    pub merge_mode: MergeMode,
    pub identifier: IdScheme,
    pub skip_sharing: bool,
    /// `importMode=VALIDATE`: the server checks everything and writes nothing.
    pub dry_run: bool,
    /// Whether the import goes as a job followed until done.
    pub asynchronous: AsyncImport,
}

impl ImportOptions {
    pub(crate) fn query(&self) -> String {
        let strategy = match self.strategy {
            ImportStrategy::CreateAndUpdate => "CREATE_AND_UPDATE",
            ImportStrategy::Create => "CREATE",
            ImportStrategy::Update => "UPDATE",
            ImportStrategy::Delete => "DELETE",
        };
        let atomic = match self.atomic {
            AtomicMode::All => "ALL",
            AtomicMode::None => "NONE",
        };
        let merge = match self.merge_mode {
            MergeMode::Replace => "REPLACE",
            MergeMode::Merge => "MERGE",
        };
        let identifier = match self.identifier {
            IdScheme::Uid => "UID",
            IdScheme::Code => "CODE",
        };
        let mode = if self.dry_run { "VALIDATE" } else { "COMMIT" };
        format!(
            "importMode={mode}&importStrategy={strategy}&atomicMode={atomic}&mergeMode={merge}\
             &identifier={identifier}&skipSharing={}&importReportMode=FULL",
            self.skip_sharing
        )
    }

    /// What the user should know about these options on a server of this version.
    pub fn notes_for(&self, version: &Version) -> Vec<crate::sync::ReportNote> {
        let mut notes = Vec::new();
        if self.merge_mode == MergeMode::Merge && version.minor_at_least(41) {
            notes.push(crate::sync::ReportNote::MergeModeIgnored {
                version: version.to_string(),
            });
        }
        notes
    }
}

/// `POST /api/metadata` with the options; the answer of every version is normalized.
pub async fn import_metadata<T: Transport>(
    client: &Dhis2Client<T>,
    payload: &Value,
    options: &ImportOptions,
) -> Result<ImportResult, Dhis2Error> {
    let body = serde_json::to_vec(payload).unwrap_or_default();
    import_metadata_bytes(client, body, options).await
}

/// [`import_metadata`] with a body already serialized (the engine serializes each object once).
pub async fn import_metadata_bytes<T: Transport>(
    client: &Dhis2Client<T>,
    body: Vec<u8>,
    options: &ImportOptions,
) -> Result<ImportResult, Dhis2Error> {
    let request = client
        .request(Method::Post, &format!("api/metadata?{}", options.query()))
        .with_body("application/json", body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    if matches!(response.status, 401 | 403) || (300..400).contains(&response.status) {
        super::client::check_response(client.base_url(), &url, &response)?;
    }
    ImportResult::from_response(&url, &response)
}

/// One entry of `/api/deletedObjects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedObject {
    pub uid: String,
    /// Short class name (`DataElement`).
    pub klass: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub deleted_at: Option<String>,
    #[serde(default)]
    pub deleted_by: Option<String>,
}

#[derive(Deserialize)]
struct DeletedObjectsPage {
    #[serde(default)]
    pager: Option<Pager>,
    #[serde(default, rename = "deletedObjects")]
    deleted_objects: Vec<DeletedObject>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pager {
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    page_count: Option<u64>,
}

/// Lists `/api/deletedObjects`, page by page; `deleted_since` is a DHIS2 date
/// (`2024-01-01` or `2024-01-01T00:00:00.000`).
pub async fn list_deleted_objects<T: Transport>(
    client: &Dhis2Client<T>,
    deleted_since: Option<&str>,
) -> Result<Vec<DeletedObject>, Dhis2Error> {
    let since = deleted_since
        .map(|date| format!("&deletedAt={date}"))
        .unwrap_or_default();
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let path = format!("api/deletedObjects?pageSize=1000&page={page}{since}");
        let body: DeletedObjectsPage = client.get_json(&path).await?;
        let received = body.deleted_objects.len();
        all.extend(body.deleted_objects);
        let page_count = body.pager.as_ref().and_then(|p| p.page_count).unwrap_or(1);
        let current = body.pager.as_ref().and_then(|p| p.page).unwrap_or(page);
        if received == 0 || current >= page_count {
            break;
        }
        page = current + 1;
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_the_budget_and_keep_every_id() {
        let ids: Vec<String> = (0..2000).map(|i| format!("a{i:010}")).collect();
        let batches = id_batches(&ids, 1000);
        assert!(batches.len() > 1);
        for batch in &batches {
            assert!(batch.join(",").len() <= 1000);
        }
        let joined: Vec<&str> = batches.concat();
        assert_eq!(joined.len(), ids.len());
        assert!(id_batches::<String>(&[], 100).is_empty());
    }

    #[test]
    fn notes_merge_mode_on_new_servers() {
        let options = ImportOptions {
            merge_mode: MergeMode::Merge,
            ..Default::default()
        };
        assert_eq!(options.notes_for(&Version::new(2, 41)).len(), 1);
        assert!(options.notes_for(&Version::new(2, 40)).is_empty());
        assert!(options.query().contains("importMode=COMMIT"));
    }
}
