use leptos::prelude::*;
use mdsync_core::instances::ConnectionDiagnosis;

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::connection_diagnosis;
use crate::l10n::use_language;
use crate::tr;

/// The outcome of "Test connection", said in the user's language.
#[component]
pub fn ConnectionResult(
    diagnosis: ConnectionDiagnosis,
    #[prop(into, optional)] instance_name: Option<String>,
) -> impl IntoView {
    let lang = use_language();
    let success = diagnosis.is_success();
    let (kind, title) = match (success, instance_name) {
        (true, Some(name)) => (
            NoticeKind::Success,
            tr!(lang, instances.test.works_for, name = name),
        ),
        (true, None) => (NoticeKind::Success, tr!(lang, instances.test.works)),
        (false, Some(name)) => (
            NoticeKind::Error,
            tr!(lang, instances.test.failed_for, name = name),
        ),
        (false, None) => (NoticeKind::Error, tr!(lang, instances.test.failed)),
    };
    view! {
        <div data-test="connection-result" data-success=success.to_string()>
            <Notice kind title>
                <p data-test="connection-message">{connection_diagnosis(lang, &diagnosis)}</p>
            </Notice>
        </div>
    }
}
