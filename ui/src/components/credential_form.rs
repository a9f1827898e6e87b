//! The Details and Verify steps of the connect wizard for every type but OAuth: an API key,
//! token or basic-auth password; a database login, by field (default) or as a connection URL;
//! a service account's settings and secret (a client secret, or a key file by its path, which
//! the core reads: `key_file.rs`). Which fields show comes from `connect_form::form_fields`.
//! Submitting reads the secret fields from their elements and hands them straight to
//! `connect_credential` (with the key file's path as `keyFile`), which checks them with
//! the service first: the button reads `Checking with Redis…` meanwhile. A refusal shows at
//! the field the error names (`connect_form::placement`); a refused key or password is emptied for
//! retyping, everything else is kept. An unreachable service offers "Store without checking".
//! A connection URL pasted (or typed and left) as a database's host fills the login fields
//! with what the core reads in it (`api::database_url_fields`), its password going straight
//! into the password element.

use super::choice::{Choice, ChoiceOption};
use super::form_field::{
    clear_secret, clear_secrets, focus_field, secret_text, set_secret, set_value_of, FormField,
    Problem,
};
use super::key_file::KeyFileField;
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::connect_form::db_url::{names_scheme, URL_FILLED};
use crate::connect_form::fields::{
    control, defaults, form_fields, name_field, Control, DbEntry, KEY_FILE, NAME, USERNAME,
};
use crate::connect_form::placement::{clears_field, error_place, ErrorPlace};
use crate::connect_form::request::{
    connect_request, key_file_path, missing_required, typed_secrets,
};
use crate::connect_form::wizard::connect_busy_label;
use keyport_model::{login, ConnectionType, ConnectionView, Connector};
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CredentialFormProps {
    pub connector: Rc<Connector>,
    pub kind: ConnectionType,
    /// The type chooser, shown first when the connector offers more than one type.
    #[prop_or_default]
    pub chooser: Html,
    /// Cancel was pressed.
    pub on_cancel: Callback<()>,
    /// Whether the form waits for the core (the chooser is disabled meanwhile).
    pub on_busy: Callback<bool>,
    pub on_connected: Callback<ConnectionView>,
    /// Reconnect: the connection whose revoked secret this form replaces in place. Only the
    /// secret (and a basic-auth user) is asked for; its settings and name stay as they are.
    #[prop_or_default]
    pub replacing: Option<ConnectionView>,
}

#[function_component(CredentialForm)]
pub fn credential_form(props: &CredentialFormProps) -> Html {
    let c = &props.connector;
    let kind = props.kind;
    let entry = use_state(DbEntry::default);
    let values = {
        let c = Rc::clone(c);
        let user = props
            .replacing
            .as_ref()
            .and_then(|v| v.metadata.get(USERNAME).cloned());
        use_state(move || {
            let mut values = defaults(&form_fields(&c, kind, DbEntry::default()));
            values.extend(user.map(|u| (USERNAME.to_owned(), u)));
            values
        })
    };
    let name = use_state(|| c.name.clone());
    // Whether the pending submit asked the core to check (the busy label says so).
    let checking = use_state(|| true);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let missing = use_state(Vec::<String>::new);
    // Whether the login fields were just filled in from a URL given as the host.
    let url_filled = use_state(|| false);
    let form = use_node_ref();
    let replacing = props.replacing.clone();
    let mut fields = form_fields(c, kind, *entry);
    if replacing.is_some() {
        fields.retain(|f| f.secret || f.key == USERNAME);
    }

    {
        let on_busy = props.on_busy.clone();
        use_effect_with(*busy, move |busy| on_busy.emit(*busy));
    }

    // Sends the form; `verify` is false only for "Store without checking".
    let send = {
        let c = Rc::clone(c);
        let fields = fields.clone();
        let (values, name, form) = (values.clone(), name.clone(), form.clone());
        let (busy, checking, error, missing) = (
            busy.clone(),
            checking.clone(),
            error.clone(),
            missing.clone(),
        );
        let on_connected = props.on_connected.clone();
        let replacing = replacing.clone();
        Callback::from(move |verify: bool| {
            if *busy {
                return;
            }
            let secrets = typed_secrets(&fields, secret_text);
            let absent = missing_required(&fields, &values, &secrets);
            if let Some(first) = absent.first() {
                focus_field(first);
                missing.set(absent);
                return;
            }
            missing.set(Vec::new());
            error.set(None);
            busy.set(true);
            checking.set(verify);
            let request = connect_request(&c, kind, &fields, &name, &values, verify);
            let key_file = key_file_path(&fields, &values);
            let (busy, error, form, fields) =
                (busy.clone(), error.clone(), form.clone(), fields.clone());
            let on_connected = on_connected.clone();
            let replacing = replacing.as_ref().map(|v| v.id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match replacing {
                    Some(id) => api::replace_secret(&id, &request, &secrets).await,
                    None => api::connect_credential(&request, &secrets, key_file.as_deref()).await,
                };
                drop(secrets);
                busy.set(false);
                match result {
                    Ok(view) => {
                        if let Some(form) = form.cast::<Element>() {
                            clear_secrets(&form);
                        }
                        on_connected.emit(view);
                    }
                    Err(e) => {
                        match error_place(&e, &fields) {
                            ErrorPlace::Field(key) => {
                                if clears_field(e.kind(), &key) {
                                    clear_secret(&key);
                                }
                                focus_field(&key);
                            }
                            // Under the fields, which may fill more than the dialog: bring it up.
                            ErrorPlace::Form | ErrorPlace::Unreachable => show_form_error(&form),
                        }
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(true);
        })
    };
    let store_unchecked = send.reform(|_: MouseEvent| false);
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());

    let on_change = {
        let (set, url_filled) = (set_value_of(&values), url_filled.clone());
        Callback::from(move |(key, value): (String, String)| {
            if key == login::HOST && *url_filled {
                url_filled.set(false);
            }
            set.emit((key, value));
        })
    };
    // A connection URL pasted, or typed and left, as the host fills the login fields instead:
    // the core reads the URL and names the settings, which go into the form's values; the
    // password goes into its element only. A URL the core refuses shows its error, at the field
    // it names.
    let fill_from_url = {
        let c = Rc::clone(c);
        let (values, url_filled, missing, error) = (
            values.clone(),
            url_filled.clone(),
            missing.clone(),
            error.clone(),
        );
        let by_field = kind == ConnectionType::Database && *entry == DbEntry::Fields;
        Callback::from(move |(key, text): (String, String)| -> bool {
            let is_url = c
                .database
                .as_ref()
                .filter(|_| by_field && key == login::HOST)
                .is_some_and(|spec| names_scheme(spec, &text));
            if !is_url {
                return false;
            }
            let (values, url_filled, missing, error) = (
                values.clone(),
                url_filled.clone(),
                missing.clone(),
                error.clone(),
            );
            let id = c.id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::database_url_fields(&id, &text).await {
                    Ok(fields) => {
                        let mut next = (*values).clone();
                        next.extend(fields.values);
                        values.set(next);
                        if let Some(password) = fields.has_password.then(|| url_password(&text)) {
                            set_secret(login::PASSWORD, &password.unwrap_or_default());
                        }
                        url_filled.set(true);
                        missing.set(Vec::new());
                        error.set(None);
                    }
                    Err(refused) => error.set(Some(refused)),
                }
                drop(text);
            });
            true
        })
    };
    let on_commit = {
        let fill_from_url = fill_from_url.clone();
        Callback::from(move |change: (String, String)| {
            fill_from_url.emit(change);
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |(_, value): (String, String)| name.set(value))
    };
    let on_entry = {
        let (entry, missing, error, form, url_filled) = (
            entry.clone(),
            missing.clone(),
            error.clone(),
            form.clone(),
            url_filled.clone(),
        );
        Callback::from(move |id: &'static str| {
            let Some(next) = DbEntry::ALL.into_iter().find(|e| e.id() == id) else {
                return;
            };
            // The password or URL field is about to go: empty it first.
            if let Some(form) = form.cast::<Element>() {
                clear_secrets(&form);
            }
            entry.set(next);
            url_filled.set(false);
            missing.set(Vec::new());
            error.set(None);
        })
    };

    let place = error.as_ref().map(|e| error_place(e, &fields));
    let problem = |key: &str| {
        if missing.iter().any(|m| m == key) {
            Some(Problem::Missing)
        } else {
            match (&place, &*error) {
                (Some(ErrorPlace::Field(at)), Some(e)) if at == key => {
                    Some(Problem::Refused(e.clone()))
                }
                _ => None,
            }
        }
    };
    // A key file read anew: a refusal of the file it held no longer applies.
    let on_key_file_read = {
        let (error, fields) = (error.clone(), fields.clone());
        Callback::from(move |_: ()| {
            let at_file = error
                .as_ref()
                .is_some_and(|e| error_place(e, &fields) == ErrorPlace::Field(KEY_FILE.to_owned()));
            if at_file {
                error.set(None);
            }
        })
    };
    let entry_choice = (kind == ConnectionType::Database).then(|| {
        let options = DbEntry::ALL
            .into_iter()
            .map(|e| ChoiceOption {
                id: e.id(),
                label: e.label().to_owned(),
                hint: None,
            })
            .collect::<Vec<_>>();
        html! {
            <Choice legend="Enter the login as" name="db-entry" compact=true {options}
                chosen={entry.id()} disabled={*busy} on_choose={on_entry} />
        }
    });

    html! {
        <form class="dialog-form" {onsubmit} novalidate=true ref={form}
            aria-busy={busy.then_some("true")}>
            <div class="dialog-body">
                { props.chooser.clone() }
                { for entry_choice }
                { for fields.iter().map(|f| {
                    let value = AttrValue::from(values.get(&f.key).cloned().unwrap_or_default());
                    if control(f) == Control::KeyFile {
                        html! {
                            <KeyFileField key={f.key.clone()} connector_id={c.id.clone()}
                                field={f.clone()} {value} problem={problem(&f.key)}
                                disabled={*busy} on_change={on_change.clone()}
                                on_read={on_key_file_read.clone()} />
                        }
                    } else {
                        let note = (f.key == login::HOST && *url_filled).then(|| html! {
                            <span role="status" data-testid="url-filled">{ URL_FILLED }</span>
                        });
                        html! {
                            <FormField key={f.key.clone()} field={f.clone()} {value}
                                problem={problem(&f.key)} disabled={*busy}
                                on_change={on_change.clone()} on_commit={on_commit.clone()}
                                on_paste={fill_from_url.clone()} {note} />
                        }
                    }
                }) }
                if replacing.is_none() {
                    <FormField field={name_field()} value={(*name).clone()} problem={problem(NAME)}
                        disabled={*busy} on_change={on_name} />
                }
                if let (Some(error), Some(ErrorPlace::Form | ErrorPlace::Unreachable)) = (&*error, &place) {
                    <FormError error={error.clone()} />
                }
            </div>
            <footer class="dialog-footer">
                <button type="button" class="button" onclick={cancel} disabled={*busy}>
                    { "Cancel" }
                </button>
                if place == Some(ErrorPlace::Unreachable) && replacing.is_none() {
                    <button type="button" class="button" data-testid="store-unchecked"
                        onclick={store_unchecked} aria-disabled={busy.then_some("true")}>
                        { "Store without checking" }
                    </button>
                }
                <button type="submit" class="button button-primary" data-testid="connect-submit"
                    aria-disabled={busy.then_some("true")}>
                    if *busy {
                        <span class="spinner" aria-hidden="true"></span>
                        { connect_busy_label(&c.name, *checking) }
                    } else if replacing.is_some() {
                        { "Reconnect" }
                    } else {
                        { "Connect" }
                    }
                </button>
            </footer>
        </form>
    }
}

/// Scrolls the error under the form into view once it is drawn.
fn show_form_error(form: &NodeRef) {
    let form = form.clone();
    wasm_bindgen_futures::spawn_local(async move {
        api::sleep(0).await;
        if let Some(Ok(Some(shown))) = form
            .cast::<Element>()
            .map(|f| f.query_selector("[data-testid=\"form-error\"]"))
        {
            shown.scroll_into_view_with_bool(false);
        }
    });
}

/// The password of a connection URL the core said has one, as the password field takes it:
/// read by the webview's own URL parser (the WHATWG standard the core's `url` crate follows, so
/// both split the URL alike) and percent-decoded; `None` when either refuses it, and the person
/// types the password instead.
fn url_password(text: &str) -> Option<String> {
    let url = web_sys::Url::new(text.trim()).ok()?;
    js_sys::decode_uri_component(&url.password())
        .ok()
        .map(String::from)
}
