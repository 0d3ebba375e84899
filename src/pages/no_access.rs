use leptos::prelude::*;
use mdsync_core::access::AppRole;

use crate::components::notice::{Notice, NoticeKind};

/// For users with neither app role: which role to ask for.
#[component]
pub fn NoAccess() -> impl IntoView {
    view! {
        <div class="page" data-test="no-access">
            <Notice kind=NoticeKind::Warning title="No access to MetaData Sync">
                <p data-test="no-access-message">{AppRole::access_help()}</p>
            </Notice>
        </div>
    }
}
