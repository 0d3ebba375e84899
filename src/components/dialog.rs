use leptos::prelude::*;

use crate::l10n::use_language;
use crate::tr;

/// A modal asking to confirm a destructive action.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(into)] confirm_label: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="modal-backdrop">
            <div class="modal" role="dialog" aria-modal="true" data-test="confirm-dialog">
                <h2 class="modal-title">{title}</h2>
                <p class="modal-message">{message}</p>
                <div class="modal-actions">
                    <button
                        class="button"
                        data-test="confirm-cancel"
                        on:click=move |_| on_cancel.run(())
                    >
                        {move || tr!(lang, common.cancel)}
                    </button>
                    <button
                        class="button button-destructive"
                        data-test="confirm-ok"
                        on:click=move |_| on_confirm.run(())
                    >
                        {confirm_label}
                    </button>
                </div>
            </div>
        </div>
    }
}
