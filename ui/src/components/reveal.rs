//! The Reveal dialog: asks for the passphrase every time, then shows one connection's secret in
//! monospace for at most 30 s, with a countdown, Hide (Esc) and Copy. The value lives only in this
//! component's state (never in a reducer, the title, the URL or web storage), is overwritten with
//! "" when hidden, and the dialog closes at 0. A copied value is overwritten on the clipboard with
//! "" 30 s later. The passphrase stays in its input element, read once on submit and emptied then.

use super::form_field::{clear_node, node_text};
use super::icons;
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::hooks::{use_countdown, use_dialog_keys, use_select_when};
use crate::state::countdown::{reveal_countdown, REVEAL_SECONDS};
use keyport_model::ErrorCode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RevealProps {
    pub id: AttrValue,
    pub name: AttrValue,
    /// Closed: by Cancel, Hide, Esc or the countdown reaching 0.
    pub on_close: Callback<()>,
}

#[function_component(RevealDialog)]
pub fn reveal_dialog(props: &RevealProps) -> Html {
    let value = use_state(String::new);
    let shown = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let copied = use_state(|| false);
    let input = use_node_ref();
    let hide = use_node_ref();

    // Focus the passphrase field on open.
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }
    // Once the value shows, focus moves to Hide, so Esc and Tab stay in the dialog.
    {
        let hide = hide.clone();
        use_effect_with(*shown, move |shown| {
            if *shown {
                if let Some(button) = hide.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
    // After a refusal: focus stays in the field, its text selected.
    use_select_when(input.clone(), (*error).clone(), Option::is_some);

    // Close: overwrite the value and the passphrase first.
    let close = {
        let (value, input, shown) = (value.clone(), input.clone(), shown.clone());
        let on_close = props.on_close.clone();
        Callback::from(move |_: ()| {
            value.set(String::new());
            clear_node(&input);
            shown.set(false);
            on_close.emit(());
        })
    };

    // The countdown while the value shows; at 0:00 the dialog closes.
    let remaining = use_countdown(REVEAL_SECONDS, shown.then_some(()));
    {
        let close = close.clone();
        use_effect_with(*shown && remaining == 0, move |expired| {
            if *expired {
                close.emit(());
            }
        });
    }

    let onsubmit = {
        let (input, value, shown) = (input.clone(), value.clone(), shown.clone());
        let (busy, error) = (busy.clone(), error.clone());
        let id = props.id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let secret = node_text(&input);
            if secret.is_empty() {
                return;
            }
            busy.set(true);
            error.set(None);
            clear_node(&input);
            let (value, shown, busy, error) =
                (value.clone(), shown.clone(), busy.clone(), error.clone());
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::connection_reveal(&id, &secret).await;
                drop(secret);
                busy.set(false);
                match result {
                    Ok(secret) => {
                        value.set(secret);
                        shown.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let dialog = use_node_ref();
    let onkeydown = use_dialog_keys(dialog.clone(), close.clone());
    let copy = {
        let (value, copied) = (value.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let text = (*value).clone();
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = api::copy_text(&text).await.is_ok();
                drop(text);
                copied.set(ok);
                if ok {
                    api::sleep(REVEAL_SECONDS as i32 * 1000).await;
                    let _ = api::copy_text("").await;
                }
            });
        })
    };
    let cancel = close.reform(|_: MouseEvent| ());
    let wrong = error
        .as_ref()
        .is_some_and(|e| e.kind() == ErrorCode::VaultWrongPassphrase);

    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class="dialog dialog-small" role="dialog" aria-modal="true"
                aria-labelledby="reveal-title" data-testid="reveal-dialog" data-connection-id={props.id.clone()}
                ref={dialog} {onkeydown}>
                if *shown {
                    <div class="dialog-body">
                        <h2 id="reveal-title" class="dialog-title">{ format!("{}'s secret", props.name) }</h2>
                        <p class="reveal-value" data-testid="reveal-value">{ (*value).clone() }</p>
                        <p class="reveal-countdown" data-testid="reveal-countdown" aria-live="off">
                            { reveal_countdown(remaining) }
                        </p>
                        if *copied {
                            <p class="settings-ok" role="status" data-testid="reveal-copied">
                                { icons::check() }{ "Copied — the clipboard is cleared in 30 s" }
                            </p>
                        }
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="button" data-testid="reveal-copy" onclick={copy}>
                            { "Copy" }
                        </button>
                        <button type="button" class="button button-primary" data-testid="reveal-hide"
                            aria-keyshortcuts="Escape" ref={hide} onclick={cancel}>
                            { "Hide" }
                        </button>
                    </footer>
                } else {
                    <form class="dialog-form" {onsubmit} novalidate=true>
                        <div class="dialog-body">
                            <h2 id="reveal-title" class="dialog-title">{ format!("Reveal {}", props.name) }</h2>
                            <p class="dialog-lead">
                                { "Enter your passphrase to see this secret. It shows for 30 seconds \
                                   and the reveal is written to the audit log." }
                            </p>
                            <div class="field">
                                <label for="reveal-passphrase" class="field-label">{ "Passphrase" }</label>
                                <input id="reveal-passphrase" class="input" type="password"
                                    autocomplete="current-password" data-testid="reveal-passphrase"
                                    ref={input}
                                    aria-invalid={wrong.then_some("true")}
                                    aria-describedby={error.is_some().then_some("reveal-error")}
                                    readonly={*busy} />
                            </div>
                            if let Some(error) = &*error {
                                <div id="reveal-error"><FormError error={error.clone()} /></div>
                            }
                        </div>
                        <footer class="dialog-footer">
                            <button type="button" class="button" data-testid="reveal-cancel" onclick={cancel}>
                                { "Cancel" }
                            </button>
                            <button type="submit" class="button button-primary" data-testid="reveal-submit"
                                aria-disabled={busy.then_some("true")}>
                                if *busy {
                                    <span class="spinner" aria-hidden="true"></span>
                                    { "Revealing…" }
                                } else {
                                    { icons::eye() }{ "Reveal" }
                                }
                            </button>
                        </footer>
                    </form>
                }
            </section>
        </div>
    }
}
