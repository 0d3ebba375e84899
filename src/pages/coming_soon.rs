use leptos::prelude::*;
use mdsync_core::access::Panel;

use super::panel_coming;
use crate::components::notice::{Notice, NoticeKind};

/// A panel that is not built yet says so, and what it will do.
#[component]
pub fn ComingSoon(panel: Panel) -> impl IntoView {
    view! {
        <div class="page" data-test=format!("panel-{}", panel.route())>
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{panel.title()}</p>
            <h1 class="page-title">{panel.title()}</h1>
            <Notice kind=NoticeKind::Info title="Not available yet" data_test="coming-soon">
                <p>{panel_coming(panel)}</p>
            </Notice>
        </div>
    }
}
