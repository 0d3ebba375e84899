//! `/api/sharing?type=<type>&id=<uid>` (reference §5.4): read and set who may see an object.
//! For dataStore entries the type is `dataStore` and the id is the entry's `metaData` id.

use super::{Dhis2Client, Dhis2Error, Method, Transport};
use crate::model::{AccessEntry, Sharing};

fn sharing_path(object_type: &str, id: &str) -> String {
    let encode = |text: &str| {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!("api/sharing?type={}&id={}", encode(object_type), encode(id))
}

impl<T: Transport> Dhis2Client<T> {
    /// The sharing of an object.
    pub async fn sharing(&self, object_type: &str, id: &str) -> Result<Sharing, Dhis2Error> {
        let value: serde_json::Value = self.get_json(&sharing_path(object_type, id)).await?;
        let object = value.get("object").cloned().unwrap_or_default();
        let entries = |field: &str| -> Vec<AccessEntry> {
            object
                .get(field)
                .and_then(|list| serde_json::from_value(list.clone()).ok())
                .unwrap_or_default()
        };
        Ok(Sharing {
            owner: object
                .pointer("/user/id")
                .and_then(|id| id.as_str())
                .map(str::to_string),
            public_access: object
                .get("publicAccess")
                .and_then(|access| access.as_str())
                .unwrap_or(Sharing::PRIVATE)
                .to_string(),
            user_accesses: entries("userAccesses"),
            user_group_accesses: entries("userGroupAccesses"),
        })
    }

    /// Replaces the sharing of an object.
    pub async fn set_sharing(
        &self,
        object_type: &str,
        id: &str,
        sharing: &Sharing,
    ) -> Result<(), Dhis2Error> {
        let body = serde_json::json!({ "object": sharing.to_dhis2_object() });
        let request = self
            .request(Method::Post, &sharing_path(object_type, id))
            .with_json(&body);
        let url = request.url.clone();
        let response = self.execute(request).await?;
        super::client::check_response(self.base_url(), &url, &response)
    }
}
