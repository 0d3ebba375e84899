//! Mapping: origin ids → destination ids, per remote instance, in MDSync's dictionary format so
//! that existing mappings carry over.
//!
//! * [`model`] — the dictionary (`{ type: { originId: entry } }`), the sentinels [`DISABLED`] and
//!   [`MAPPED_BY_VALUE`], serialised as MDSync (and the DHIS2 dataStore) write it; [`decode`]
//!   reads one, naming every bad entry; [`types`] — what each mapping type holds.
//! * [`mdsync_format`] — import from MDSync (its files and its dataStore namespace), with a
//!   report of what was not understood.
//! * [`apply`] — pure functions, one per payload kind, over a [`Mapper`] (the mapping compiled
//!   with its [`MappingContext`], which [`read_mapping_context`] reads from the instances).
//! * [`auto_map`] — same id, then code, then name; [`checks`] — before a run; [`invert`] — pull
//!   direction; [`store`] — the stored mapping behind the access checks.
//!
//! ```text
//! let (mapping, warnings) = parse_strict(&text)?;            // or store::load_mapping(…)
//! let context = read_mapping_context(&origin, &destination, PayloadKind::Aggregated).await?;
//! let Applied { payload, report } = Mapper::new(&mapping, &context).data_values(set);
//! ```

pub mod apply;
pub mod auto_map;
pub mod checks;
pub mod checks_run;
pub mod checks_sent;
pub mod context;
pub mod decode;
pub mod error;
mod hash;
mod index;
pub mod invert;
pub mod mappable;
pub mod mdsync_format;
pub mod model;
mod model_serde;
pub mod store;
pub mod types;

#[cfg(test)]
mod model_tests;

pub use apply::{
    Applied, ApplyReport, DataValue, DataValueSet, Exclusion, ItemKind, Mapper, SharedStr,
};
pub use auto_map::{
    auto_map, AutoMapOutcome, AutoMapRow, AutoMapScope, MappableObject, MatchRule, OriginRow,
};
pub use checks::{check_mapping, DestinationIndex, Finding, Outgoing};
pub use checks_run::{check_mapping_before_run, DestinationFindings, MappingCheck};
pub use context::{read_mapping_context, MappingContext, PayloadKind};
pub use decode::{decode_lenient, decode_strict, parse_strict, Decoded};
pub use error::{EntryPath, IdField, JsonKind, MappingError, MappingIssue, Problem, Severity};
pub use invert::{invert, mapping_for_direction, Direction, InvertReport, NotInvertible};
pub use mdsync_format::{import_mdsync, import_mdsync_text, ImportReport};
pub use model::{
    MappedId, MappingDictionary, MappingKey, MetadataMapping, Overlap, DISABLED, MAPPED_BY_VALUE,
};
pub use store::{
    import_mapping, load_mapping, mapping_for_run, save_imported, save_mapping, ImportOutcome,
    MappingStoreError,
};
