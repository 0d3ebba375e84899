//! Events, tracked entities, enrollments and relationships over DHIS2's two tracker APIs. Every
//! difference between versions is absorbed here; the sync engine works on one shape only: the
//! new tracker's (2.36–2.40 names), tracked entities nested (`enrollments[].events[]`,
//! `relationships[]`), every attribute on the tracked entity.
//!
//! | | read | write |
//! |---|---|---|
//! | 2.30–2.35 | `/api/events`, `/api/trackedEntityInstances` | same, `strategy=` |
//! | 2.36–2.40 | `/api/tracker/…` (`instances` envelope, `ouMode`, `skipPaging`) | `POST /api/tracker` |
//! | 2.41 | `/api/tracker/…` (`pager` envelope, `orgUnitMode`, `paging=false`) | same; program attributes in `enrollments[].attributes` |
//! | 2.42+ | new API only (the old endpoints are gone) | same |
//!
//! - [`convert`]: old ⇄ new field names, notes, relationship items, attribute placement;
//! - [`read`]: one page of events or tracked entities, in the engine's shape;
//! - [`write`]: one payload to a destination, with the API it has, read into [`TrackerImport`].

pub mod convert;
pub mod read;
pub mod result;
pub mod write;

use serde::{Deserialize, Serialize};

use super::Version;

pub use read::{read_events_page, read_tracked_entities_page, TrackerPage, TrackerQuery};
pub use result::{TrackerImport, TrackerObjectError};
pub use write::{write_tracker, TrackerPayload, TrackerWriteOptions};

/// Which tracker API an instance is read from and written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackerApi {
    /// `/api/events`, `/api/trackedEntityInstances`, `/api/enrollments` (before 2.36).
    Old,
    /// `/api/tracker` 2.36–2.40: `instances` envelope, `ouMode`, `skipPaging`.
    New,
    /// `/api/tracker` 2.41+: `pager` envelope and the renamed parameters; program attributes
    /// of an enrollment travel in the enrollment.
    Modern,
}

impl TrackerApi {
    /// The API to use with a server of `version`: the old one only where the new one does
    /// not exist (it is deprecated in 2.41 and gone in 2.42).
    pub fn for_version(version: &Version) -> TrackerApi {
        if !version.minor_at_least(36) {
            TrackerApi::Old
        } else if !version.minor_at_least(41) {
            TrackerApi::New
        } else {
            TrackerApi::Modern
        }
    }

    pub fn is_old(self) -> bool {
        self == TrackerApi::Old
    }
}

/// The four kinds of tracker objects, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackerKind {
    TrackedEntities,
    Enrollments,
    Events,
    Relationships,
}

impl TrackerKind {
    pub const ALL: [TrackerKind; 4] = [
        TrackerKind::TrackedEntities,
        TrackerKind::Enrollments,
        TrackerKind::Events,
        TrackerKind::Relationships,
    ];

    /// The new API's plural (payload key and report type name).
    pub fn plural(self) -> &'static str {
        match self {
            TrackerKind::TrackedEntities => "trackedEntities",
            TrackerKind::Enrollments => "enrollments",
            TrackerKind::Events => "events",
            TrackerKind::Relationships => "relationships",
        }
    }

    /// The key of an object's own id.
    pub fn id_key(self) -> &'static str {
        match self {
            TrackerKind::TrackedEntities => "trackedEntity",
            TrackerKind::Enrollments => "enrollment",
            TrackerKind::Events => "event",
            TrackerKind::Relationships => "relationship",
        }
    }

    /// The new importer's `trackerType`.
    pub fn tracker_type(self) -> &'static str {
        match self {
            TrackerKind::TrackedEntities => "TRACKED_ENTITY",
            TrackerKind::Enrollments => "ENROLLMENT",
            TrackerKind::Events => "EVENT",
            TrackerKind::Relationships => "RELATIONSHIP",
        }
    }

    pub fn from_tracker_type(text: &str) -> Option<TrackerKind> {
        TrackerKind::ALL
            .into_iter()
            .find(|kind| kind.tracker_type() == text)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_follows_the_version() {
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 30)),
            TrackerApi::Old
        );
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 35)),
            TrackerApi::Old
        );
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 36)),
            TrackerApi::New
        );
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 40)),
            TrackerApi::New
        );
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 41)),
            TrackerApi::Modern
        );
        assert_eq!(
            TrackerApi::for_version(&Version::new(2, 42)),
            TrackerApi::Modern
        );
    }
}
