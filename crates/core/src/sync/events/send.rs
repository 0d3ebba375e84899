//! Sending one page's payload to a destination: whole while the server takes it; in halves
//! when the server or a proxy refuses it as too large (413, 414) or the import times out, each
//! halving counted as a retry; growing back after successes. UIDs were fixed before the first
//! attempt, so a piece sent again updates what an earlier attempt may have written.
//! Relationships always travel after the objects of the page (in the last piece with them, or
//! later), so that their ends arrive first.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::Value;

use crate::clock::Clock;
use crate::dhis2::retry::{RetryNotice, RetryReason};
use crate::dhis2::tracker::{
    write_tracker, TrackerApi, TrackerImport, TrackerPayload, TrackerWriteOptions,
};
use crate::dhis2::{Dhis2Error, Transport, TransportError};
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// How many top-level objects (tracked entities, events, relationships) go in one request;
/// `None`: a page goes whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PieceSize(Option<usize>);

impl PieceSize {
    /// After a piece landed: twice as large, whole again once that reaches a page.
    fn grow(&mut self, page_size: usize) {
        if let Some(limit) = self.0 {
            let larger = limit.saturating_mul(2);
            self.0 = (larger < page_size.max(1)).then_some(larger);
        }
    }
}

/// Which list of the payload an object came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    TrackedEntities,
    Events,
    Relationships,
}

type Unit = (List, Value);

fn units(payload: TrackerPayload) -> Vec<Unit> {
    let TrackerPayload {
        tracked_entities,
        events,
        relationships,
    } = payload;
    let tag = |list: List, items: Vec<Value>| items.into_iter().map(move |item| (list, item));
    tag(List::TrackedEntities, tracked_entities)
        .chain(tag(List::Events, events))
        .chain(tag(List::Relationships, relationships))
        .collect()
}

fn payload_of(units: Vec<Unit>) -> TrackerPayload {
    let mut payload = TrackerPayload::default();
    for (list, item) in units {
        match list {
            List::TrackedEntities => payload.tracked_entities.push(item),
            List::Events => payload.events.push(item),
            List::Relationships => payload.relationships.push(item),
        }
    }
    payload
}

/// Whether an import failed because of its size: refused as too large, or no answer in time.
fn too_large(error: &Dhis2Error) -> bool {
    matches!(error.status(), Some(413 | 414))
        || matches!(
            error,
            Dhis2Error::Interrupted {
                source: TransportError::Timeout { .. },
                ..
            } | Dhis2Error::Unreachable {
                source: TransportError::Timeout { .. },
                ..
            }
        )
}

/// Sends `payload` in pieces of at most `size` objects (in their order: objects, then
/// relationships), halving a piece refused as too large. The imports of every piece, merged
/// (`None` when there was nothing to send);
/// the first error that is not about size (or a piece that cannot be split further, or too many
/// halvings in a row) stops it.
#[allow(clippy::too_many_arguments)]
pub async fn send_in_pieces<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    runtime: &SyncRuntime<'_, C>,
    api: TrackerApi,
    payload: TrackerPayload,
    options: &TrackerWriteOptions,
    size: &mut PieceSize,
    page_size: usize,
) -> Result<Option<TrackerImport>, Dhis2Error> {
    let all = units(payload);
    let mut pieces: VecDeque<Vec<Unit>> = match size.0 {
        None => VecDeque::from([all]),
        Some(limit) => {
            let mut pieces = VecDeque::new();
            let mut rest = all.into_iter().peekable();
            while rest.peek().is_some() {
                pieces.push_back(rest.by_ref().take(limit.max(1)).collect());
            }
            pieces
        }
    };
    let mut total: Option<TrackerImport> = None;
    let mut halvings = 0u32;
    while let Some(mut piece) = pieces.pop_front() {
        let outcome = write_tracker(
            client,
            runtime.clock,
            &runtime.polling,
            api,
            payload_of(piece.clone()),
            options,
        )
        .await;
        match outcome {
            Ok(import) => {
                halvings = 0;
                size.grow(page_size);
                match &mut total {
                    Some(total) => total.merge(import),
                    None => total = Some(import),
                }
            }
            Err(error)
                if too_large(&error)
                    && piece.len() > 1
                    && halvings + 1 < runtime.retry.max_attempts =>
            {
                halvings += 1;
                let second = piece.split_off(piece.len().div_ceil(2));
                *size = PieceSize(Some(piece.len()));
                client.transport().note_retry(&RetryNotice {
                    attempt: halvings + 1,
                    max_attempts: runtime.retry.max_attempts,
                    reason: RetryReason::TooLarge,
                    delay: Duration::ZERO,
                });
                pieces.push_front(second);
                pieces.push_front(piece);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relationships_come_after_the_objects_and_pieces_grow_back() {
        let payload = TrackerPayload {
            tracked_entities: vec![json!({"trackedEntity": "a"}), json!({"trackedEntity": "b"})],
            events: vec![json!({"event": "e"})],
            relationships: vec![json!({"relationship": "r"})],
        };
        let all = units(payload);
        let lists: Vec<List> = all.iter().map(|(list, _)| *list).collect();
        assert!(
            lists
                == [
                    List::TrackedEntities,
                    List::TrackedEntities,
                    List::Events,
                    List::Relationships
                ]
        );
        let back = payload_of(all);
        assert_eq!(back.tracked_entities.len(), 2);
        assert_eq!(back.relationships.len(), 1);
        let mut size = PieceSize(Some(10));
        size.grow(50);
        assert_eq!(size, PieceSize(Some(20)));
        size.grow(50);
        size.grow(50);
        assert_eq!(size, PieceSize(None), "whole pages again");
    }
}
