//! One file (or folder) per page.

pub mod coming_soon;
pub mod home;
pub mod instances;
pub mod lazy_panel;
pub mod no_access;
pub mod not_allowed;
pub mod router;
pub mod session_error;

use mdsync_core::access::{AppRole, Panel};

/// What a panel is for, as the home page and the "coming" pages say it.
pub fn panel_description(panel: Panel, role: AppRole) -> &'static str {
    match (panel, role) {
        (Panel::Instances, _) => {
            "The DHIS2 instances this one syncs with: address, version and credentials \
             (stored encrypted)."
        }
        (Panel::Mapping, _) => {
            "Translate identifiers between this instance and another one: data elements, \
             category options, organisation units and more."
        }
        (Panel::Sync, _) => {
            "Copy metadata, or replay deletions, to one or more instances now, with a \
             dry run first."
        }
        (Panel::Rules, AppRole::RunOnly) => "Run the sync rules shared with you.",
        (Panel::Rules, _) => {
            "Saved syncs you can run again, share with run-only users and put on a schedule."
        }
        (Panel::History, _) => {
            "What each sync did, per target instance: created, updated, ignored and errors."
        }
    }
}

/// What a panel that is not built yet will offer, said plainly.
pub fn panel_coming(panel: Panel) -> &'static str {
    match panel {
        Panel::Instances => "Managing instances is coming.",
        Panel::Mapping => {
            "The mapping editor is coming: automatic matching by id, code and name, manual \
             corrections, and a check for unmapped items."
        }
        Panel::Sync => {
            "Manual syncs are coming: choose what to copy, pick the target instances, run a dry \
             run, then import and read the report."
        }
        Panel::Rules => {
            "Sync rules are coming: save a sync, share it with run-only users, and schedule it."
        }
        Panel::History => "The sync history is coming: every run with its per-instance results.",
    }
}

pub mod sync;
