use serde::{Deserialize, Serialize};

/// App-wide settings (`settings`). Fields a newer version adds are kept on rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Sync reports older than this many days are deleted from history; `0` keeps them all
    /// (stored `null`, as MDSync leaves it empty, reads as `0`).
    #[serde(
        default = "Settings::default_retention_days",
        deserialize_with = "retention_days"
    )]
    pub history_retention_days: u32,
    /// Whether new manual syncs start as a dry run.
    #[serde(default)]
    pub default_dry_run: bool,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `null` (MDSync's "empty") keeps everything.
fn retention_days<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    Ok(Option::<u32>::deserialize(deserializer)?.unwrap_or(0))
}

impl Settings {
    /// For new installs, as MDSync.
    pub const DEFAULT_RETENTION_DAYS: u32 = 30;
    /// What installs made before the default became 30 ran with: the upgrade that writes the
    /// retention explicitly keeps it, so no entry they kept is deleted by an upgrade.
    pub const LEGACY_RETENTION_DAYS: u32 = 90;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_installs_keep_30_days_and_an_empty_retention_keeps_everything() {
        assert_eq!(Settings::default().history_retention_days, 30);
        let never_saved: Settings = serde_json::from_str("{}").expect("settings");
        assert_eq!(never_saved.history_retention_days, 30);
        let empty: Settings =
            serde_json::from_str(r#"{"historyRetentionDays": null}"#).expect("settings");
        assert_eq!(empty.history_retention_days, 0);
        let kept: Settings =
            serde_json::from_str(r#"{"historyRetentionDays": 90, "extra": 1}"#).expect("settings");
        assert_eq!(kept.history_retention_days, 90);
        assert!(kept.other.contains_key("extra"));
    }
}
