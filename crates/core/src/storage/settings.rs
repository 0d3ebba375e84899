use serde::{Deserialize, Serialize};

/// App-wide settings (`settings`). Fields a newer version adds are kept on rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Sync reports older than this many days are deleted from history; `0` keeps them all.
    #[serde(default = "Settings::default_retention_days")]
    pub history_retention_days: u32,
    /// Whether new manual syncs start as a dry run.
    #[serde(default)]
    pub default_dry_run: bool,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Settings {
    pub const DEFAULT_RETENTION_DAYS: u32 = 90;

    fn default_retention_days() -> u32 {
        Self::DEFAULT_RETENTION_DAYS
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            history_retention_days: Self::DEFAULT_RETENTION_DAYS,
            default_dry_run: false,
            other: serde_json::Map::new(),
        }
    }
}
