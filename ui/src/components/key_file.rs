//! A service account's key file in the connect wizard (Google's JSON key, Snowflake's PEM key):
//! its path, typed or picked with **Choose file…** in the system's file chooser. The core reads
//! the file and answers with what it says about itself (the service account and project, or the
//! public key's fingerprint), shown under the field; a broken file is refused there with its
//! code. The contents never reach the webview: only the path, which is no secret, lives here and
//! goes to `connect_credential` as `keyFile`.

use super::form_field::{FormField, Problem};
use crate::api::{self, ShownError};
use crate::connect_form::fields::{key_fact_hint, KEY_FILE};
use keyport_model::{ConfigField, KeyFileView};
use yew::prelude::*;

/// What the core said about a path.
#[derive(Debug, Clone, PartialEq)]
enum Read {
    Reading(String),
    Facts(KeyFileView),
    Refused(String, ShownError),
}

impl Read {
    fn path(&self) -> &str {
        match self {
            Read::Reading(path) | Read::Refused(path, _) => path,
            Read::Facts(view) => &view.path,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct KeyFileFieldProps {
    pub connector_id: AttrValue,
    /// The form's `KEY_FILE` field.
    pub field: ConfigField,
    /// The path as typed or chosen.
    pub value: AttrValue,
    /// Why the form marks the field (left empty, refused on connect).
    #[prop_or_default]
    pub problem: Option<Problem>,
    #[prop_or_default]
    pub disabled: bool,
    /// The path changed: `(KEY_FILE, path)`.
    pub on_change: Callback<(String, String)>,
    /// The core read a new path (so an older refusal no longer applies).
    pub on_read: Callback<()>,
}

#[function_component(KeyFileField)]
pub fn key_file_field(props: &KeyFileFieldProps) -> Html {
    let read = use_state(|| None::<Read>);
    // The last path asked about: an answer about an older one is dropped.
    let asked = use_mut_ref(String::new);

    let apply = {
        let (read, asked, on_read) = (read.clone(), asked.clone(), props.on_read.clone());
        move |answer: Read| {
            if *asked.borrow() == answer.path() {
                if !matches!(answer, Read::Reading(_)) {
                    on_read.emit(());
                }
                read.set(Some(answer));
            }
        }
    };
    let describe = {
        let (connector_id, asked, apply) =
            (props.connector_id.clone(), asked.clone(), apply.clone());
        Callback::from(move |path: String| {
            let path = path.trim().to_owned();
            *asked.borrow_mut() = path.clone();
            if path.is_empty() {
                return;
            }
            apply(Read::Reading(path.clone()));
            let (connector_id, apply) = (connector_id.clone(), apply.clone());
            wasm_bindgen_futures::spawn_local(async move {
                apply(match api::key_file_describe(&connector_id, &path).await {
                    Ok(view) => Read::Facts(view),
                    Err(e) => Read::Refused(path, e),
                });
            });
        })
    };
    let on_commit = describe.reform(|(_, path): (String, String)| path);
    let choose = {
        let (connector_id, asked, on_change) = (
            props.connector_id.clone(),
            asked.clone(),
            props.on_change.clone(),
        );
        let apply = apply.clone();
        Callback::from(move |_: MouseEvent| {
            let (connector_id, asked, on_change, apply) = (
                connector_id.clone(),
                asked.clone(),
                on_change.clone(),
                apply.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::key_file_choose(&connector_id).await {
                    Ok(Some(view)) => {
                        *asked.borrow_mut() = view.path.clone();
                        on_change.emit((KEY_FILE.to_owned(), view.path.clone()));
                        apply(Read::Facts(view));
                    }
                    // Cancelled: the field keeps what it had.
                    Ok(None) => {}
                    Err(e) => {
                        let path = asked.borrow().clone();
                        apply(Read::Refused(path, e));
                    }
                }
            });
        })
    };

    // Only what the core said about the path now in the field counts.
    let current = read.as_ref().filter(|r| r.path() == props.value.trim());
    let problem = match current {
        Some(Read::Refused(_, e)) => Some(Problem::Refused(e.clone())),
        _ => props.problem.clone(),
    };
    let note = match current {
        Some(Read::Reading(_)) => Some(html! {
            <p class="field-help" data-testid="key-file-reading">{ "Reading the file…" }</p>
        }),
        Some(Read::Facts(view)) => Some(html! {
            <>
                <dl class="facts" data-testid="key-facts">
                    { for view.facts.iter().map(|f| html! {
                        <>
                            <dt>{ &f.label }</dt>
                            <dd class="code" data-label={f.label.clone()}>{ &f.value }</dd>
                        </>
                    }) }
                </dl>
                { for view.facts.iter().filter_map(|f| key_fact_hint(&f.label)).map(|hint| html! {
                    <p class="field-help">{ hint }</p>
                }) }
            </>
        }),
        _ => None,
    };
    let action = html! {
        <button type="button" class="button key-file-choose" data-testid="key-file-choose"
            onclick={choose} disabled={props.disabled}>
            { "Choose file…" }
        </button>
    };
    html! {
        <FormField field={props.field.clone()} value={props.value.clone()} {problem}
            disabled={props.disabled} on_change={props.on_change.clone()} {on_commit} {action}
            {note} />
    }
}
