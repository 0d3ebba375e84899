//! The tracker test instance: reference setup metadata and a tracker store.

use super::*;
use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::tracker::TrackerStore;
use dhis2_sim::{SimResponse, SimVersion};
use serde_json::Value;

pub struct Instance {
    pub at: SimVersion,
    pub metadata: MetadataStore,
    pub tracker: TrackerStore,
}

impl Instance {
    pub fn new(at: &str) -> Self {
        let at = version(at);
        let mut metadata = MetadataStore::new(at, &[admin()]);
        insert_metadata(
            &mut metadata,
            &read_reference("payloads/setup/metadata.json"),
        );
        insert_metadata(
            &mut metadata,
            &read_reference("payloads/setup/tracker_metadata.json"),
        );
        Instance {
            at,
            metadata,
            tracker: TrackerStore::new(),
        }
    }

    pub fn try_send(&mut self, method: &str, url: &str, body: &Value) -> Option<SimResponse> {
        self.try_send_as(&admin(), method, url, body)
    }

    /// [`Instance::try_send`] as `user`.
    pub fn try_send_as(
        &mut self,
        user: &dhis2_sim::Account,
        method: &str,
        url: &str,
        body: &Value,
    ) -> Option<SimResponse> {
        let bytes = serde_json::to_vec(body).unwrap();
        let (tracker, metadata) = (&mut self.tracker, &mut self.metadata);
        let mut answer = None;
        call_as(self.at, user, method, url, &bytes, |ctx| {
            answer = tracker.handle(ctx, metadata);
            Some(SimResponse::empty(200))
        });
        answer
    }

    /// [`Instance::send`] as `user`.
    pub fn send_as(
        &mut self,
        user: &dhis2_sim::Account,
        method: &str,
        url: &str,
        body: &Value,
    ) -> (u16, Value) {
        let response = self
            .try_send_as(user, method, url, body)
            .unwrap_or_else(|| panic!("{method} {url} not handled"));
        (response.status, json_of(&response))
    }

    pub fn send(&mut self, method: &str, url: &str, body: &Value) -> (u16, Value) {
        let response = self
            .try_send(method, url, body)
            .unwrap_or_else(|| panic!("{method} {url} not handled"));
        (response.status, json_of(&response))
    }
}

pub fn old_events() -> Value {
    read_reference("payloads/tracker/events/events.json")
}

pub fn new_events() -> Value {
    read_reference("payloads/tracker/importer/events/events.json")
}
