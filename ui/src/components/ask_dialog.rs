//! The question a program's hand-off raises for a connection marked "ask before use" (issue
//! 14): which program asks for which connection, and Deny, Allow once or Always for this
//! program. Deny has the focus: Enter on a question that came unbidden must not hand anything
//! out. No answer before the program stops waiting is a deny, counted down here. Allowing takes
//! an unlocked vault; a locked app offers Unlock first and asks again once it is unlocked.

use super::icons;
use super::vault_screens::FormError;
use crate::api::{asks, ShownError};
use crate::hooks::connections::use_clock;
use crate::hooks::dialog_keys::use_dialog_keys;
use crate::state::connections::unix_seconds;
use keyport_model::{AskAnswer, AskRequestView};
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AskProps {
    /// The Marketplace has painted: only then is the shell asked (its first look opens the
    /// vault, work the first paint must not wait behind).
    pub painted: bool,
    pub unlocked: bool,
    /// Shows the unlock screen (the question comes back once the vault is unlocked).
    pub on_unlock: Callback<()>,
    /// Whether a question is showing, so the page behind it is made inert.
    pub on_showing: Callback<bool>,
}

#[function_component(AskDialog)]
pub fn ask_dialog(props: &AskProps) -> Html {
    let waiting = use_state(Vec::<AskRequestView>::new);
    // Put aside while the person unlocks; asked again once unlocked.
    let set_aside = use_state(|| false);
    {
        let waiting = waiting.clone();
        use_effect_with(props.painted, move |painted| {
            // Listening first: a request that arrives during the first look is not missed.
            let listener = painted
                .then(|| {
                    asks::listen_changed({
                        let waiting = waiting.clone();
                        move |list| waiting.set(list)
                    })
                    .ok()
                })
                .flatten();
            if *painted {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(list) = asks::waiting().await {
                        waiting.set(list);
                    }
                });
            }
            move || drop(listener)
        });
    }
    {
        let set_aside = set_aside.clone();
        use_effect_with(props.unlocked, move |unlocked| {
            if *unlocked {
                set_aside.set(false);
            }
        });
    }
    let request = waiting
        .first()
        .filter(|_| !*set_aside || props.unlocked)
        .cloned();
    {
        let on_showing = props.on_showing.clone();
        use_effect_with(request.is_some(), move |showing| on_showing.emit(*showing));
    }
    let Some(request) = request else {
        return html! {};
    };
    let on_answered = {
        let waiting = waiting.clone();
        Callback::from(move |id: String| {
            waiting.set(waiting.iter().filter(|r| r.id != id).cloned().collect());
        })
    };
    let on_unlock = {
        let (set_aside, on_unlock) = (set_aside.clone(), props.on_unlock.clone());
        Callback::from(move |()| {
            set_aside.set(true);
            on_unlock.emit(());
        })
    };
    let key = request.id.clone();
    html! {
        <Question {key} {request} unlocked={props.unlocked}
            more={waiting.len().saturating_sub(1)} {on_answered} {on_unlock} />
    }
}

#[derive(Properties, PartialEq)]
struct QuestionProps {
    request: AskRequestView,
    unlocked: bool,
    /// Questions waiting behind this one.
    more: usize,
    on_answered: Callback<String>,
    on_unlock: Callback<()>,
}

#[function_component(Question)]
fn question(props: &QuestionProps) -> Html {
    let dialog = use_node_ref();
    let deny_ref = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let now = use_clock(1000);
    let left = unix_seconds(&props.request.expires_at).map(|at| (at - now).max(0));

    let answer = {
        let (busy, error) = (busy.clone(), error.clone());
        let (id, on_answered) = (props.request.id.clone(), props.on_answered.clone());
        Callback::from(move |answer: AskAnswer| {
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, error, id, on_answered) =
                (busy.clone(), error.clone(), id.clone(), on_answered.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match asks::answer(&id, answer).await {
                    Ok(()) => on_answered.emit(id),
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    // Esc is a deny, as closing any question is.
    let onkeydown = use_dialog_keys(dialog.clone(), answer.reform(|()| AskAnswer::Deny));
    {
        let deny_ref = deny_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = deny_ref.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    // Gone by itself once the program stops waiting.
    {
        let (on_answered, id) = (props.on_answered.clone(), props.request.id.clone());
        use_effect_with(left == Some(0), move |ended| {
            if *ended {
                on_answered.emit(id);
            }
        });
    }
    let r = &props.request;
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class="dialog dialog-small ask-dialog" role="alertdialog" aria-modal="true"
                aria-labelledby="ask-title" aria-describedby="ask-text" data-testid="ask-dialog"
                data-request-id={r.id.clone()} data-connection-id={r.connection_id.clone()}
                ref={dialog} {onkeydown}>
                <div class="dialog-body">
                    <h2 id="ask-title" class="dialog-title">
                        { format!("Allow a program to use {}?", r.connection_name) }
                    </h2>
                    <p id="ask-text">
                        { "This connection asks before use. A program wants its credential; it \
                           gets it only if you allow it here." }
                    </p>
                    <dl class="ask-facts">
                        <dt>{ "Program" }</dt>
                        <dd class="ask-path" data-testid="ask-program">{ &r.program }</dd>
                        <dt>{ "Asked by" }</dt>
                        <dd class="ask-path" data-testid="ask-asker">{ &r.asker }</dd>
                    </dl>
                    <p class="ask-timeout" data-testid="ask-timeout">
                        { icons::info() }
                        { match left {
                            Some(s) => format!("No answer in {s} s is a deny."),
                            None => "No answer is a deny.".to_owned(),
                        } }
                        if props.more > 0 {
                            { format!(" {} more waiting.", props.more) }
                        }
                    </p>
                    if !props.unlocked {
                        <p class="ask-locked" data-testid="ask-locked">
                            { "Keyport is locked. Unlock it to allow this; Deny works as it is." }
                        </p>
                    }
                    if let Some(e) = &*error {
                        <FormError error={e.clone()} />
                    }
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="button" ref={deny_ref} data-testid="ask-deny"
                        disabled={*busy} onclick={answer.reform(|_: MouseEvent| AskAnswer::Deny)}>
                        { "Deny" }
                    </button>
                    if props.unlocked {
                        if r.always_offered {
                            <button type="button" class="button" data-testid="ask-always"
                                disabled={*busy}
                                onclick={answer.reform(|_: MouseEvent| AskAnswer::Always)}>
                                { "Always for this program" }
                            </button>
                        }
                        <button type="button" class="button button-primary" data-testid="ask-once"
                            disabled={*busy}
                            onclick={answer.reform(|_: MouseEvent| AskAnswer::Once)}>
                            { "Allow once" }
                        </button>
                    } else {
                        <button type="button" class="button button-primary" data-testid="ask-unlock"
                            onclick={props.on_unlock.reform(|_: MouseEvent| ())}>
                            { icons::lock() }{ "Unlock to allow" }
                        </button>
                    }
                </footer>
            </section>
        </div>
    }
}
