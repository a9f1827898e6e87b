//! The two screens that stand before the vault: first run (create it) and unlock. Each is a page
//! in `main`. The passphrase lives only in its input element, read once on submit and emptied once
//! it opened the vault; while typing, the page keeps only what the meter and the mismatch note
//! need (`NewPassphrase`).

use super::form_field::{clear_node, node_text};
use super::icons;
use crate::api::{self, ShownError};
use crate::hooks::{use_autofocus, use_select_when};
use crate::state::message::sentence;
use crate::state::passphrase::{new_passphrase_problem, strength, Strength};
use keyport_model::{ErrorCode, SessionView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VaultScreenProps {
    pub session: Option<SessionView>,
    /// The vault is ready; carries the session the shell answered with.
    pub on_ready: Callback<SessionView>,
    pub on_cancel: Callback<()>,
}

/// What a new passphrase and its repeat show while typing, without the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPassphrase {
    pub strength: Strength,
    /// The repeat is typed and differs.
    pub mismatch: bool,
}

impl NewPassphrase {
    pub fn of(passphrase: &str, repeat: &str) -> Self {
        Self {
            strength: strength(passphrase),
            mismatch: !repeat.is_empty() && passphrase != repeat,
        }
    }

    /// The `oninput` of both fields: reads them and keeps only the shape in `shape`.
    pub fn tracker(
        shape: &UseStateHandle<Self>,
        passphrase: &NodeRef,
        repeat: &NodeRef,
    ) -> Callback<InputEvent> {
        let (shape, passphrase, repeat) = (shape.clone(), passphrase.clone(), repeat.clone());
        Callback::from(move |_: InputEvent| {
            shape.set(Self::of(&node_text(&passphrase), &node_text(&repeat)));
        })
    }
}

fn caps_lock(e: &KeyboardEvent) -> bool {
    e.get_modifier_state("CapsLock")
}

#[function_component(FirstRun)]
pub fn first_run(props: &VaultScreenProps) -> Html {
    let passphrase = use_node_ref();
    let repeat = use_node_ref();
    let shape = use_state(|| NewPassphrase::of("", ""));
    let keyring = props.session.as_ref().and_then(|s| s.vault.keyring.clone());
    let use_keyring = use_state(|| keyring.is_some());
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let problem = use_state(|| None::<&'static str>);
    let caps = use_state(|| false);
    use_autofocus(passphrase.clone());

    let onsubmit = {
        let (passphrase, repeat, use_keyring) =
            (passphrase.clone(), repeat.clone(), use_keyring.clone());
        let (busy, error, problem) = (busy.clone(), error.clone(), problem.clone());
        let on_ready = props.on_ready.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let secret = node_text(&passphrase);
            if let Some(p) = new_passphrase_problem(&secret, &node_text(&repeat)) {
                problem.set(Some(p));
                return;
            }
            problem.set(None);
            error.set(None);
            busy.set(true);
            let keyring = *use_keyring;
            let (passphrase, repeat, busy, error) = (
                passphrase.clone(),
                repeat.clone(),
                busy.clone(),
                error.clone(),
            );
            let on_ready = on_ready.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::vault_init(&secret, keyring).await;
                drop(secret);
                busy.set(false);
                match result {
                    Ok(session) => {
                        clear_node(&passphrase);
                        clear_node(&repeat);
                        on_ready.emit(session);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_typed = NewPassphrase::tracker(&shape, &passphrase, &repeat);
    let on_keys = {
        let caps = caps.clone();
        Callback::from(move |e: KeyboardEvent| caps.set(caps_lock(&e)))
    };
    let on_keyring = {
        let use_keyring = use_keyring.clone();
        Callback::from(move |e: Event| {
            use_keyring.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let NewPassphrase { strength, mismatch } = *shape;
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());

    html! {
        <main class="page vault-page" data-testid="first-run" aria-labelledby="first-run-title">
            <div class="vault-card">
                <span class="vault-mark">{ icons::shield() }</span>
                <h1 id="first-run-title" class="page-title">{ "Create your vault" }</h1>
                <p class="vault-lead">
                    { "Keyport keeps your keys and tokens in an encrypted vault on this device. \
                       Choose a passphrase to protect it." }
                </p>
                <form class="form" {onsubmit} novalidate=true>
                    <div class="field">
                        <label for="passphrase" class="field-label">{ "Passphrase" }</label>
                        <input id="passphrase" class="input" type="password"
                            autocomplete="new-password" data-testid="passphrase"
                            aria-describedby="passphrase-strength"
                            oninput={on_typed.clone()}
                            onkeydown={on_keys.clone()} onkeyup={on_keys.clone()}
                            ref={passphrase} disabled={*busy} />
                        <div class="strength" data-strength={strength.id()} aria-hidden="true">
                            { for (1..=3).map(|i| html! {
                                <span class={classes!("strength-bar", (i <= strength.level()).then_some("on"))}></span>
                            }) }
                        </div>
                        <p id="passphrase-strength" class="field-help" data-testid="strength">
                            { strength.hint() }
                        </p>
                    </div>
                    <div class="field">
                        <label for="passphrase-repeat" class="field-label">{ "Repeat passphrase" }</label>
                        <input id="passphrase-repeat" class="input" type="password"
                            autocomplete="new-password" data-testid="passphrase-repeat"
                            aria-invalid={mismatch.then_some("true")}
                            aria-describedby={mismatch.then_some("repeat-error")}
                            oninput={on_typed} ref={repeat}
                            onkeydown={on_keys.clone()} onkeyup={on_keys} disabled={*busy} />
                        if mismatch {
                            <p id="repeat-error" class="field-error">{ "The two passphrases do not match" }</p>
                        }
                    </div>
                    if *caps {
                        <p class="caps-hint" data-testid="caps-lock">{ icons::info() }{ "Caps Lock is on" }</p>
                    }
                    <p class="vault-warning">
                        { icons::warning_small() }
                        { "A forgotten passphrase cannot be recovered" }
                    </p>
                    if let Some(name) = &keyring {
                        <label class="check">
                            <input type="checkbox" checked={*use_keyring} onchange={on_keyring}
                                data-testid="use-keyring" disabled={*busy} />
                            <span>{ format!("Also unlock with {name}") }</span>
                        </label>
                    } else {
                        <p class="vault-info" data-testid="no-keyring">
                            { icons::info() }
                            { "No OS keyring found — the passphrase will be the only way in" }
                        </p>
                    }
                    if let Some(p) = *problem {
                        if !mismatch {
                            <p class="field-error" role="alert">{ p }</p>
                        }
                    }
                    if let Some(error) = &*error {
                        <FormError error={error.clone()} />
                    }
                    <div class="form-actions">
                        <button type="button" class="button button-quiet" onclick={cancel}
                            disabled={*busy}>{ "Not now" }</button>
                        <button type="submit" class="button button-primary" data-testid="create-vault"
                            aria-disabled={busy.then_some("true")}>
                            if *busy {
                                <span class="spinner" aria-hidden="true"></span>
                                { "Creating vault…" }
                            } else {
                                { "Create vault" }
                            }
                        </button>
                    </div>
                </form>
            </div>
        </main>
    }
}

#[function_component(Unlock)]
pub fn unlock(props: &VaultScreenProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let caps = use_state(|| false);
    let input = use_node_ref();
    use_autofocus(input.clone());

    // After a refusal: keep focus in the field and select what was typed.
    use_select_when(input.clone(), (*error).clone(), Option::is_some);

    let onsubmit = {
        let (input, busy, error) = (input.clone(), busy.clone(), error.clone());
        let on_ready = props.on_ready.clone();
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
            let (input, busy, error) = (input.clone(), busy.clone(), error.clone());
            let on_ready = on_ready.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::vault_unlock(&secret).await;
                drop(secret);
                busy.set(false);
                match result {
                    Ok(session) => {
                        clear_node(&input);
                        on_ready.emit(session);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_keys = {
        let caps = caps.clone();
        Callback::from(move |e: KeyboardEvent| caps.set(caps_lock(&e)))
    };
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let wrong = error
        .as_ref()
        .is_some_and(|e| e.kind() == ErrorCode::VaultWrongPassphrase);

    html! {
        <main class="page vault-page" data-testid="unlock" aria-labelledby="unlock-title">
            <div class="vault-card">
                <span class="vault-mark">{ icons::lock() }</span>
                <h1 id="unlock-title" class="page-title">{ "Unlock Keyport" }</h1>
                <p class="vault-lead">{ "Enter your passphrase to use your stored connections." }</p>
                <form class="form" {onsubmit} novalidate=true>
                    <div class="field">
                        <label for="unlock-passphrase" class="field-label">{ "Passphrase" }</label>
                        <input id="unlock-passphrase" class="input" type="password"
                            autocomplete="current-password" data-testid="unlock-passphrase"
                            aria-invalid={wrong.then_some("true")}
                            aria-describedby={error.is_some().then_some("unlock-error")}
                            onkeydown={on_keys.clone()} onkeyup={on_keys}
                            readonly={*busy} ref={input} />
                        if *caps {
                            <p class="caps-hint" data-testid="caps-lock">{ icons::info() }{ "Caps Lock is on" }</p>
                        }
                    </div>
                    if let Some(error) = &*error {
                        <div id="unlock-error">
                            <FormError error={error.clone()} />
                        </div>
                    }
                    <div class="form-actions">
                        <button type="button" class="button button-quiet" onclick={cancel}
                            disabled={*busy}>{ "Not now" }</button>
                        <button type="submit" class="button button-primary" data-testid="unlock-submit"
                            aria-disabled={busy.then_some("true")}>
                            if *busy {
                                <span class="spinner" aria-hidden="true"></span>
                                { "Unlocking…" }
                            } else {
                                { "Unlock" }
                            }
                        </button>
                    </div>
                </form>
            </div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormErrorProps {
    pub error: ShownError,
}

/// An error under a form: the message with a capital, then `Code: …`.
#[function_component(FormError)]
pub fn form_error(props: &FormErrorProps) -> Html {
    html! {
        <div class="inline-error form-error" data-testid="form-error" data-code={props.error.code.clone()}>
            <p>{ sentence(&props.error.message) }</p>
            <p class="code">{ format!("Code: {}", props.error.code) }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passphrase_keeps_only_its_shape() {
        let typed = NewPassphrase::of("long enough", "long enougH");
        assert_eq!(typed.strength, Strength::Fair);
        assert!(typed.mismatch);
        // A repeat not yet typed is no mismatch.
        assert!(!NewPassphrase::of("short", "").mismatch);
        assert!(!NewPassphrase::of("long enough", "long enough").mismatch);
        assert_eq!(NewPassphrase::of("", "").strength, Strength::TooShort(8));
    }
}
