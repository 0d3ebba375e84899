//! The "Sharing" action of an instance: who may use it in the rules they run (read) and who may
//! change it (read-write). `core` sets the same sharing on the instance's credential, so DHIS2
//! itself refuses it to everyone else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::model::InstanceView;

use super::InstancesContext;
use crate::components::notice::NoticeKind;
use crate::components::sharing::SharingDialog;
use crate::l10n::messages::instance_error;
use crate::l10n::use_language;
use crate::tr;

/// The sharing dialog of `instance`; `on_done` gets the notice to show (none when cancelled).
#[component]
pub fn InstanceSharing(
    ctx: InstancesContext,
    instance: InstanceView,
    on_done: Callback<Option<(NoticeKind, String)>>,
) -> impl IntoView {
    let lang = use_language();
    let ctx = StoredValue::new(ctx);
    let id = instance.id.clone();
    let name = instance.name.clone();
    let on_save = Callback::new(move |sharing| {
        let ctx = ctx.get_value();
        let (id, name) = (id.clone(), name.clone());
        spawn_local(async move {
            let storage = ctx.storage();
            let notice = match ctx.manager.share(&storage, &id, &sharing).await {
                Ok(_) => (
                    NoticeKind::Success,
                    tr!(lang, instances.sharing.saved, name = name),
                ),
                Err(error) => (NoticeKind::Error, instance_error(lang, &error)),
            };
            on_done.run(Some(notice));
        });
    });
    view! {
        <SharingDialog
            title=tr!(lang, instances.sharing.title, name = instance.name.clone())
            sharing=instance.sharing.clone()
            on_save
            on_cancel=Callback::new(move |_| on_done.run(None))
        />
    }
}
