//! What the Sync pages (metadata, aggregated, events) share: the origin and destinations
//! picker, the run's state, its start and controls, the instances, the origin's org unit tree,
//! the reading and paging of a listing. Each page keeps its own signals and hands them to these
//! pieces.

pub mod controls;
pub mod instances;
pub mod listing;
pub mod listing_body;
pub mod options;
pub mod origin_tree;
pub mod page;
pub mod pager;
pub mod results;
pub mod run;

use leptos::prelude::*;
use mdsync_core::model::InstanceView;
use mdsync_core::sync::{CancellationToken, SyncReport};

use crate::l10n::messages::instance_name;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;

/// Something loaded from the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

/// Where a run of the page is.
#[derive(Debug, Clone)]
pub enum RunState {
    Idle,
    Running {
        dry_run: bool,
        cancel: CancellationToken,
    },
    Finished {
        report: Box<SyncReport>,
        history: Result<String, String>,
    },
    Failed(String),
}

impl RunState {
    pub fn is_running(&self) -> bool {
        matches!(self, RunState::Running { .. })
    }
}

/// The page's context once opened.
pub fn opened(ctx: RwSignal<Option<Result<SyncContext, String>>>) -> Option<SyncContext> {
    match ctx.get_untracked() {
        Some(Ok(ctx)) => Some(ctx),
        _ => None,
    }
}

/// An instance's name as the user reads it (its id while the list is not there).
pub fn name_of(
    lang: Language,
    instances: RwSignal<Loadable<Vec<InstanceView>>>,
    id: &str,
) -> String {
    match instances.get_untracked() {
        Loadable::Ready(all) => all
            .iter()
            .find(|view| view.id == id)
            .map(|view| instance_name(lang, view))
            .unwrap_or_else(|| id.to_string()),
        _ => id.to_string(),
    }
}
