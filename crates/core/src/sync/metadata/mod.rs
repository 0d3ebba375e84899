//! Metadata sync: selection, dependency resolution, cleanup, version transforms, chunked
//! writes, deletions.
//!
//! ```text
//! let origin = SyncInstance::new("This instance", Dhis2Client::new(transport, url, auth));
//! let targets = [SyncInstance::new("Remote", remote_client)];
//! let selection = MetadataSelection::ids(["qNtxTrp56wV"]);          // types optional
//! let options = MetadataSyncOptions::default();                       // serde: store in rules
//! let report = run_metadata_sync(&origin, &targets, &selection, &options,
//!                                &|event: SyncProgress| draw(event), &cancel).await;
//! save_to_history(&storage, &report, &RunContext { date, user, rule_id }).await?;
//! ```
//!
//! `build_target_payloads` gives the bodies without sending ("download payload");
//! `plan_deletions` + `execute_deletions` replay the origin's deletions after confirmation.

pub mod chunk_queue;
pub mod chunks;
pub mod cleanup;
pub mod defaults;
pub mod deleted;
pub mod dependencies;
mod engine;
pub mod expressions;
mod mapped;
pub mod rules;
pub mod selection;
pub mod version_transform;
pub mod write;

#[cfg(any(test, feature = "bench"))]
pub mod bench;
#[cfg(test)]
mod engine_tests;
#[cfg(any(test, feature = "bench"))]
pub mod memory_server;

pub use cleanup::Payload;
pub use deleted::{execute_deletions, plan_deletions, replan_deletions, DeletionPlan};
pub use dependencies::ResolvedMetadata;
pub use engine::{
    build_target_payloads, read_origin, run_metadata_sync, OriginPackage, SyncInstance,
    TargetPayload,
};
pub use rules::{ChildRule, IncludeExcludeRules, TypeRule};
pub use selection::{ChunkLimits, InclusionMode, MetadataSelection, MetadataSyncOptions};
