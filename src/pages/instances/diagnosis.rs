use leptos::prelude::*;
use mdsync_core::instances::ConnectionDiagnosis;

use crate::components::notice::{Notice, NoticeKind};

/// The outcome of "Test connection", in core's words.
#[component]
pub fn ConnectionResult(
    diagnosis: ConnectionDiagnosis,
    #[prop(into, optional)] instance_name: Option<String>,
) -> impl IntoView {
    let success = diagnosis.is_success();
    let (kind, title) = if success {
        (NoticeKind::Success, "Connection works")
    } else {
        (NoticeKind::Error, "Connection failed")
    };
    let title = match instance_name {
        Some(name) => format!("{title}: {name}"),
        None => title.to_string(),
    };
    view! {
        <div data-test="connection-result" data-success=success.to_string()>
            <Notice kind title>
                <p data-test="connection-message">{diagnosis.message()}</p>
            </Notice>
        </div>
    }
}
