//! Forward-only upgrades of the stored layout. Each migration is a list of steps; each step is
//! idempotent and recorded in the `schema` key when done, so an upgrade interrupted by a
//! network failure resumes at the step that failed.

use super::schema::{MigrationProgress, SchemaRecord};
use super::{keys, Settings, Storage, StorageError};
use crate::dhis2::Transport;
use crate::instances::normalise_url;
use crate::model::Instance;

/// One idempotent unit of an upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationStep {
    CreateInstanceList,
    CreateRuleList,
    CreateHistoryList,
    CreateSettings,
    NormaliseInstanceUrls,
    WriteRetentionDefault,
    ProtectKeys,
}

impl MigrationStep {
    /// The name recorded in the `schema` key.
    pub fn name(self) -> &'static str {
        match self {
            MigrationStep::CreateInstanceList => "create-instance-list",
            MigrationStep::CreateRuleList => "create-rule-list",
            MigrationStep::CreateHistoryList => "create-history-list",
            MigrationStep::CreateSettings => "create-settings",
            MigrationStep::NormaliseInstanceUrls => "normalise-instance-urls",
            MigrationStep::WriteRetentionDefault => "write-retention-default",
            MigrationStep::ProtectKeys => "protect-keys",
        }
    }
}

/// An upgrade to `version`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u64,
    pub description: &'static str,
    pub steps: &'static [MigrationStep],
}

/// Every migration, in order. A fresh namespace runs them all (each step is a no-op where
/// there is nothing to do).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "create the instance, rule and history lists and the settings",
        steps: &[
            MigrationStep::CreateInstanceList,
            MigrationStep::CreateRuleList,
            MigrationStep::CreateHistoryList,
            MigrationStep::CreateSettings,
        ],
    },
    Migration {
        version: 2,
        description: "store instance URLs in normal form and the history retention explicitly",
        steps: &[
            MigrationStep::NormaliseInstanceUrls,
            MigrationStep::WriteRetentionDefault,
        ],
    },
    Migration {
        version: 3,
        description: "give every key explicit sharing: configuration written by configurators \
                      only, secrets read by their instance's users only",
        steps: &[MigrationStep::ProtectKeys],
    },
];

/// The layout version this build reads and writes.
pub const LATEST_SCHEMA_VERSION: u64 = 3;

/// What [`Storage::migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationReport {
    pub from: u64,
    pub to: u64,
    /// Steps run now, as `version:name`.
    pub steps_run: Vec<String>,
    /// Steps an earlier, interrupted run had already done.
    pub steps_resumed: Vec<String>,
    /// Keys whose sharing this user could not set (owned by someone else): an administrator
    /// sets it with `mdsync migrate` or by opening the app.
    pub not_protected: Vec<(String, String)>,
}

impl<T: Transport> Storage<T> {
    /// Brings the stored layout to [`LATEST_SCHEMA_VERSION`]. Safe to run at any time and more
    /// than once; resumes an interrupted upgrade.
    pub async fn migrate(&self) -> Result<MigrationReport, StorageError> {
        let mut record = self.schema_record().await?;
        let mut report = MigrationReport {
            from: record.version,
            to: record.version,
            ..MigrationReport::default()
        };
        let start = record.version;
        for migration in MIGRATIONS.iter().filter(|m| m.version > start) {
            let mut progress = match record.migration.take() {
                Some(progress) if progress.target == migration.version => progress,
                _ => MigrationProgress {
                    target: migration.version,
                    completed_steps: Vec::new(),
                },
            };
            for step in migration.steps {
                let label = format!("{}:{}", migration.version, step.name());
                if progress
                    .completed_steps
                    .iter()
                    .any(|done| done == step.name())
                {
                    report.steps_resumed.push(label);
                    continue;
                }
                self.run_step(*step, &mut report).await.map_err(|source| {
                    StorageError::MigrationStep {
                        version: migration.version,
                        step: step.name().to_string(),
                        source: Box::new(source),
                    }
                })?;
                progress.completed_steps.push(step.name().to_string());
                report.steps_run.push(label);
                self.write_schema(&SchemaRecord {
                    version: record.version,
                    migration: Some(progress.clone()),
                })
                .await?;
            }
            record = SchemaRecord {
                version: migration.version,
                migration: None,
            };
            self.write_schema(&record).await?;
            report.to = migration.version;
        }
        Ok(report)
    }

    async fn run_step(
        &self,
        step: MigrationStep,
        report: &mut MigrationReport,
    ) -> Result<(), StorageError> {
        let empty: Vec<serde_json::Value> = Vec::new();
        match step {
            MigrationStep::CreateInstanceList => {
                self.create_if_missing(keys::INSTANCES, &empty).await?;
            }
            MigrationStep::CreateRuleList => {
                self.create_if_missing(keys::RULES, &empty).await?;
            }
            MigrationStep::CreateHistoryList => {
                self.create_if_missing(keys::HISTORY, &empty).await?;
            }
            MigrationStep::CreateSettings => {
                self.create_if_missing(keys::SETTINGS, &Settings::default())
                    .await?;
            }
            MigrationStep::NormaliseInstanceUrls => {
                let mut instances: Vec<Instance> = self.instances().list().await?;
                let mut changed = false;
                for instance in &mut instances {
                    // An URL that does not parse is left for the user to fix in the form.
                    if let Ok(normal) = normalise_url(&instance.url) {
                        if normal.url != instance.url {
                            instance.url = normal.url;
                            changed = true;
                        }
                    }
                }
                if changed {
                    self.instances().replace_all(&instances).await?;
                }
            }
            MigrationStep::WriteRetentionDefault => {
                let stored: Option<serde_json::Value> = self.read(keys::SETTINGS).await?;
                let mut settings = match stored {
                    Some(serde_json::Value::Object(map)) => map,
                    Some(_) => {
                        return Err(StorageError::corrupt(keys::SETTINGS, "it is not an object"))
                    }
                    None => serde_json::Map::new(),
                };
                if !settings.contains_key("historyRetentionDays") {
                    settings.insert(
                        "historyRetentionDays".into(),
                        Settings::LEGACY_RETENTION_DAYS.into(),
                    );
                    self.write(keys::SETTINGS, &settings).await?;
                }
            }
            MigrationStep::ProtectKeys => {
                report.not_protected = self.protect_all().await?.refused;
            }
        }
        Ok(())
    }
}
