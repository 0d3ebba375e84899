//! Events and tracker: old `/api/events`, `/api/trackedEntityInstances` and new `/api/tracker`.

use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};

/// Events, tracked entities, enrollments and relationships of one simulated instance.
#[derive(Debug, Default)]
pub struct TrackerStore {}

impl TrackerStore {
    pub fn new() -> Self {
        TrackerStore::default()
    }

    pub fn handle(
        &mut self,
        _ctx: &RequestContext,
        _metadata: &mut MetadataStore,
    ) -> Option<SimResponse> {
        None
    }
}
