//! One field of a connect form, drawn from its `ConfigField`: the label above (with `(required)`
//! or `(optional)` written out), the control (`connect_form::control`: a text input, a select of
//! its options, a password input with a Show toggle, or a key file's path with an action beside
//! it), a note under it (what a key file says about itself), the error and the help below. A setting's value comes in as a prop and goes out through `on_change`;
//! a secret field is never given a value: what is typed stays in the element, read once on
//! submit with `secret_text`, filled with `set_secret` (a pasted URL's password) and emptied with
//! `clear_secret` / `clear_secrets`.

use super::icons;
use crate::api::{self, ShownError};
use crate::connect_form::fields::{control, Control, SEALED_HELP};
use crate::state::message::sentence;
use js_sys::Reflect;
use keyport_model::ConfigField;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ClipboardEvent, Element, EventTarget, HtmlElement};
use yew::prelude::*;

/// What marks a field's element as holding a secret (for `clear_secrets`).
const SECRET_MARK: &str = "data-secret";

/// The element id of the field with `key`.
pub fn field_id(key: &str) -> String {
    format!("field-{key}")
}

/// Why a field is marked invalid.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Required and left empty.
    Missing,
    /// The core refused what it holds.
    Refused(ShownError),
}

#[derive(Properties, PartialEq)]
pub struct FormFieldProps {
    pub field: ConfigField,
    /// A setting's value; unused for a secret field.
    #[prop_or_default]
    pub value: AttrValue,
    #[prop_or_default]
    pub problem: Option<Problem>,
    #[prop_or_default]
    pub disabled: bool,
    /// A setting changed: its key and new value. Never called for a secret field.
    #[prop_or_default]
    pub on_change: Callback<(String, String)>,
    /// A text setting was committed (changed, then left): its key and value.
    #[prop_or_default]
    pub on_commit: Callback<(String, String)>,
    /// Text pasted into a text setting: its key and the text. `true` takes the paste, which is
    /// then not inserted (a database URL, password included, never reaches the form's state).
    #[prop_or_default]
    pub on_paste: Option<Callback<(String, String), bool>>,
    /// A control beside the input (a key file's Choose file… button).
    #[prop_or_default]
    pub action: Html,
    /// What shows under the control and describes it (a key file's facts).
    #[prop_or_default]
    pub note: Option<Html>,
}

#[function_component(FormField)]
pub fn form_field(props: &FormFieldProps) -> Html {
    let f = &props.field;
    let show = use_state(|| false);
    let id = field_id(&f.key);
    let help_id = format!("{id}-help");
    let err_id = format!("{id}-error");
    let note_id = format!("{id}-note");
    let help = f
        .help
        .as_deref()
        .or(f.secret.then_some(SEALED_HELP))
        .map(str::to_owned);
    let describedby = [
        props.note.as_ref().map(|_| note_id.clone()),
        props.problem.as_ref().map(|_| err_id.clone()),
        help.as_ref().map(|_| help_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let describedby = (!describedby.is_empty()).then_some(describedby);
    let invalid = props.problem.is_some().then_some("true");
    let changed = {
        let (on_change, key) = (props.on_change.clone(), f.key.clone());
        move |e: &Event| on_change.emit((key.clone(), value_of(e.target())))
    };
    let oninput = {
        let changed = changed.clone();
        Callback::from(move |e: InputEvent| changed(&e))
    };
    let onchange = Callback::from(move |e: Event| changed(&e));
    let oncommit = {
        let (on_commit, key) = (props.on_commit.clone(), f.key.clone());
        Callback::from(move |e: Event| on_commit.emit((key.clone(), value_of(e.target()))))
    };
    let onpaste = props.on_paste.clone().map(|on_paste| {
        let key = f.key.clone();
        Callback::from(move |e: Event| {
            let text = e
                .dyn_ref::<ClipboardEvent>()
                .and_then(ClipboardEvent::clipboard_data)
                .and_then(|data| data.get_data("text/plain").ok())
                .unwrap_or_default();
            if !text.is_empty() && on_paste.emit((key.clone(), text)) {
                e.prevent_default();
            }
        })
    });
    let toggle = {
        let show = show.clone();
        Callback::from(move |_: MouseEvent| show.set(!*show))
    };
    let show_button = html! {
        <button type="button" class="button button-quiet button-row secret-toggle"
            aria-pressed={if *show { "true" } else { "false" }}
            aria-controls={id.clone()} onclick={toggle} disabled={props.disabled}>
            { icons::eye() }{ if *show { "Hide" } else { "Show" } }
        </button>
    };
    let text = html! {
        <input id={id.clone()} class="input" type="text" data-testid={id.clone()}
            placeholder={f.example.clone()} spellcheck="false" autocomplete="off"
            value={props.value.clone()} required={f.required} aria-invalid={invalid}
            aria-describedby={describedby.clone()} disabled={props.disabled} {oninput}
            onchange={oncommit} {onpaste} />
    };
    let input = match control(f) {
        Control::Text => text,
        Control::KeyFile => html! {
            <div class="field-row">{ text }{ props.action.clone() }</div>
        },
        Control::Choice => html! {
            <select id={id.clone()} class="select" data-testid={id.clone()} aria-invalid={invalid}
                aria-describedby={describedby.clone()} disabled={props.disabled} {onchange}>
                { for f.options.iter().map(|o| html! {
                    <option value={o.clone()} selected={*o == *props.value}>{ o }</option>
                }) }
            </select>
        },
        Control::Password => html! {
            <div class="secret-box">
                <input id={id.clone()} class="input input-secret" data-testid={id.clone()}
                    type={if *show { "text" } else { "password" }} data-secret="true"
                    autocomplete="off" spellcheck="false" required={f.required}
                    aria-invalid={invalid} aria-describedby={describedby.clone()}
                    disabled={props.disabled} />
                { show_button }
            </div>
        },
    };
    html! {
        <div class="field" data-field={f.key.clone()}>
            <label for={id.clone()} class="field-label">
                { &f.label }
                if f.required {
                    <span class="required">{ " (required)" }</span>
                } else {
                    <span class="optional">{ " (optional)" }</span>
                }
            </label>
            { input }
            if let Some(note) = &props.note {
                <div id={note_id} class="field-note">{ note.clone() }</div>
            }
            {
                match &props.problem {
                    Some(Problem::Missing) => html! {
                        <p id={err_id} class="field-error" data-testid="field-missing">
                            { format!("Enter {}", f.label) }
                        </p>
                    },
                    Some(Problem::Refused(e)) => html! {
                        <div id={err_id} class="field-error key-rejected" data-testid="field-refused"
                            data-field={f.key.clone()} data-code={e.code.clone()}>
                            <p>{ sentence(&e.message) }</p>
                            <p class="code">{ format!("Code: {}", e.code) }</p>
                        </div>
                    },
                    None => html! {},
                }
            }
            if let Some(help) = help {
                <p id={help_id} class="field-help">{ help }</p>
            }
        </div>
    }
}

/// The `value` of an input, select or textarea.
fn value_of(target: Option<EventTarget>) -> String {
    target
        .and_then(|t| Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The `on_change` of a form that keeps its settings in `values`: sets the one that changed.
pub fn set_value_of(
    values: &UseStateHandle<BTreeMap<String, String>>,
) -> Callback<(String, String)> {
    let values = values.clone();
    Callback::from(move |(key, value): (String, String)| {
        let mut next = (*values).clone();
        next.insert(key, value);
        values.set(next);
    })
}

fn element(key: &str) -> Option<Element> {
    web_sys::window()?
        .document()?
        .get_element_by_id(&field_id(key))
}

fn set_value(element: &Element, value: &str) {
    let _ = Reflect::set(
        element,
        &JsValue::from_str("value"),
        &JsValue::from_str(value),
    );
}

/// What the secret field `key` holds right now ("" when it is not shown). Read only to hand it
/// to the shell.
pub fn secret_text(key: &str) -> String {
    value_of(
        element(key)
            .filter(|e| e.has_attribute(SECRET_MARK))
            .map(EventTarget::from),
    )
}

/// What the input or textarea behind `node` holds (a secret read only to hand it over).
pub fn node_text(node: &NodeRef) -> String {
    value_of(node.cast::<Element>().map(EventTarget::from))
}

/// Empties the input or textarea behind `node`.
pub fn clear_node(node: &NodeRef) {
    if let Some(e) = node.cast::<Element>() {
        set_value(&e, "");
    }
}

/// Empties the secret field `key`.
pub fn clear_secret(key: &str) {
    set_secret(key, "");
}

/// Puts `text` in the secret field `key`, its element only (a password read from a pasted URL).
pub fn set_secret(key: &str, text: &str) {
    if let Some(e) = element(key).filter(|e| e.has_attribute(SECRET_MARK)) {
        set_value(&e, text);
    }
}

/// Empties every secret field under `root`: on close, on success, and before the fields are
/// replaced (another type, another way in).
pub fn clear_secrets(root: &Element) {
    let Ok(nodes) = root.query_selector_all(&format!("[{SECRET_MARK}]")) else {
        return;
    };
    for i in 0..nodes.length() {
        if let Some(e) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            set_value(&e, "");
        }
    }
}

/// Focuses the field `key` once the form is enabled again (a disabled control takes no focus).
pub fn focus_field(key: &str) {
    let key = key.to_owned();
    wasm_bindgen_futures::spawn_local(async move {
        api::sleep(0).await;
        if let Some(e) = element(&key).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = e.focus();
        }
    });
}
