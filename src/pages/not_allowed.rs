use leptos::prelude::*;
use mdsync_core::access::{AppRole, Panel};

use crate::components::notice::{Notice, NoticeKind};

/// Reached by typing the hash of a panel the role may not open.
#[component]
pub fn NotAllowed(panel: Panel, role: AppRole) -> impl IntoView {
    let allowed = role
        .panels()
        .iter()
        .map(|p| p.title())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <div class="page" data-test="not-allowed">
            <Notice kind=NoticeKind::Warning title="Not allowed">
                <p data-test="not-allowed-message">
                    {format!(
                        "You are not allowed to open {}. With your role you can use: {allowed}.",
                        panel.title(),
                    )}
                </p>
                <p>"To configure instances, mappings and rules, ask your DHIS2 administrator for the user role METADATA_SYNC_CONFIGURATOR."</p>
                <p><a href="#/">"Go to the home page"</a></p>
            </Notice>
        </div>
    }
}
