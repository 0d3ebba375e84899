use serde::Deserialize;

use super::Version;

/// The part of `/api/system/info` the app uses. Present on every version 2.30 … 2.42.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    pub version: Version,
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub system_name: Option<String>,
    #[serde(default)]
    pub context_path: Option<String>,
    #[serde(default)]
    pub server_date: Option<String>,
    #[serde(default)]
    pub server_time_zone_id: Option<String>,
    #[serde(default)]
    pub instance_base_url: Option<String>,
}

impl SystemInfo {
    /// The fields requested, so that 2.41's reduced view for non-superusers still has them.
    pub const FIELDS: &'static str =
        "version,revision,systemName,contextPath,serverDate,serverTimeZoneId,instanceBaseUrl";
}
