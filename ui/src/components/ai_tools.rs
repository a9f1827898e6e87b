//! Settings › AI tools (issue 14): every MCP client Keyport knows, Found or Not found with its
//! user file, the Keyport entries in that file (which connection each runs) with Remove, and the
//! credentials the files hold in plain text with Fix all. Remove shows the diff first and sends
//! it back with the write, so a file changed in between is refused. A connection is added to a
//! client from its row in Connections (Use with…), where the connector's server is chosen. The
//! core decides everything; no secret reaches this page.

use super::icons;
use super::use_with::{diff_line_class, fix_outcome};
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::hooks::use_dialog_keys;
use keyport_model::{
    AiToolView, AiToolsView, McpEntryView, McpFixView, McpPlanView, McpRemovedView,
};
use yew::prelude::*;

const HEADING_ID: &str = "ai-tools-title";
const REMOVE_TITLE_ID: &str = "ai-tool-remove-title";

/// What a client's badge says.
pub fn found_text(tool: &AiToolView) -> &'static str {
    if tool.found {
        "Found"
    } else {
        "Not found"
    }
}

/// What an entry runs: `github runs GitHub personal`, or the id of a connection the vault no
/// longer has.
pub fn entry_text(entry: &McpEntryView) -> String {
    let runs: Vec<String> = entry
        .connections
        .iter()
        .map(|c| match &c.name {
            Some(name) => name.clone(),
            None => format!("a deleted connection ({})", c.id),
        })
        .collect();
    if runs.is_empty() {
        format!("{} runs keyport exec", entry.server)
    } else {
        format!("{} runs {}", entry.server, runs.join(", "))
    }
}

/// `1 plain-text secret`, `3 plain-text secrets`.
pub fn secrets_text(count: usize) -> String {
    match count {
        1 => "1 plain-text secret in this file".to_owned(),
        n => format!("{n} plain-text secrets in this file"),
    }
}

/// The entry a Remove is about.
#[derive(Clone, PartialEq)]
struct Target {
    client: AttrValue,
    client_name: AttrValue,
    server: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct AiToolsProps {
    /// A short result for the status region (`Removed github from …`).
    pub on_note: Callback<String>,
    /// Open the Connections page, where Use with… adds or updates a connection's entry.
    pub on_connections: Callback<()>,
    /// The Remove dialog opened (true) or closed: the page behind it goes inert meanwhile.
    pub on_modal: Callback<bool>,
}

#[function_component(AiToolsSection)]
pub fn ai_tools_section(props: &AiToolsProps) -> Html {
    let view = use_state(|| None::<Result<AiToolsView, ShownError>>);
    // Bumped after a Remove or a Fix: the files are read again.
    let reload = use_state(|| 0u32);
    let removing = use_state(|| None::<Target>);
    let removed = use_state(|| None::<McpRemovedView>);
    let fixing = use_state(|| false);
    let fixed = use_state(|| None::<Result<McpFixView, ShownError>>);
    // Focus lands here after a Remove or a Fix, whose button is gone with its entry.
    let heading = use_node_ref();
    {
        let view = view.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                view.set(Some(api::ai_tools::list().await));
            });
        });
    }
    {
        let on_modal = props.on_modal.clone();
        use_effect_with(removing.is_some(), move |open| on_modal.emit(*open));
    }
    let ask_remove = {
        let (removing, removed) = (removing.clone(), removed.clone());
        Callback::from(move |target: Target| {
            removed.set(None);
            removing.set(Some(target));
        })
    };
    let cancel_remove = {
        let removing = removing.clone();
        Callback::from(move |_: ()| {
            // Focus returns to the entry's Remove button, once the page is no longer inert.
            if let Some(t) = &*removing {
                let selector = format!(
                    "[data-testid=\"ai-tool\"][data-client=\"{}\"] \
                     [data-testid=\"ai-tool-entry\"][data-server=\"{}\"] button",
                    t.client, t.server
                );
                wasm_bindgen_futures::spawn_local(async move {
                    api::sleep(0).await;
                    super::connections::focus_selector(&selector);
                });
            }
            removing.set(None);
        })
    };
    let on_removed = {
        let (removing, removed, reload) = (removing.clone(), removed.clone(), reload.clone());
        let (on_note, heading) = (props.on_note.clone(), heading.clone());
        Callback::from(move |result: McpRemovedView| {
            on_note.emit(result.message.clone());
            removed.set(Some(result));
            removing.set(None);
            reload.set(*reload + 1);
            // The entry's button is gone: focus goes to the heading, once the page is no
            // longer inert.
            let heading = heading.clone();
            wasm_bindgen_futures::spawn_local(async move {
                api::sleep(0).await;
                if let Some(heading) = heading.cast::<web_sys::HtmlElement>() {
                    let _ = heading.focus();
                }
            });
        })
    };
    let fix_all = {
        let (fixing, fixed, reload) = (fixing.clone(), fixed.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            if *fixing {
                return;
            }
            fixing.set(true);
            let (fixing, fixed, reload) = (fixing.clone(), fixed.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::mcp_fix(None).await;
                fixing.set(false);
                fixed.set(Some(result));
                reload.set(*reload + 1);
            });
        })
    };

    let body = match &*view {
        None => html! {
            <p class="use-with-loading" data-testid="ai-tools-loading">
                <span class="spinner" aria-hidden="true"></span>{ "Looking for AI tools…" }
            </p>
        },
        Some(Err(error)) => html! { <FormError error={error.clone()} /> },
        Some(Ok(v)) => html! {
            <>
                <ul class="ai-tools" role="list" data-testid="ai-tools-list" aria-label="AI tools">
                    { for v.clients.iter().map(|tool| tool_row(tool, &ask_remove)) }
                </ul>
                <div class="ai-tools-secrets" data-testid="ai-tools-secrets">
                    if v.findings.is_empty() {
                        <p class="section-hint" data-testid="ai-tools-no-secrets">
                            { "No credential in plain text in these files." }
                        </p>
                    } else {
                        <p class="ai-tools-secrets-text" data-testid="ai-tools-secret-count">
                            { icons::warning_small() }
                            { format!("{} in plain text. Fix all stores each in the vault once its \
                                       service accepts it, and its entry then runs through keyport exec.",
                                      if v.findings.len() == 1 { "1 credential".to_owned() }
                                      else { format!("{} credentials", v.findings.len()) }) }
                        </p>
                        <div>
                            <button type="button" class="button" data-testid="ai-tools-fix-all"
                                onclick={fix_all} disabled={*fixing}
                                aria-busy={fixing.then_some("true")}>
                                if *fixing {
                                    <span class="spinner" aria-hidden="true"></span>{ "Fixing…" }
                                } else {
                                    { "Fix all" }
                                }
                            </button>
                        </div>
                    }
                    { for v.problems.iter().map(|p| html! {
                        <p class="inline-error" data-testid="ai-tools-problem">{ p }</p>
                    }) }
                </div>
            </>
        },
    };

    html! {
        <section class="settings-section" aria-labelledby={HEADING_ID} data-testid="settings-ai-tools">
            <h2 id={HEADING_ID} class="settings-title" tabindex="-1" ref={heading}>{ "AI tools" }</h2>
            <p class="settings-lead">
                { "The MCP clients Keyport knows and their config files. Entries run keyport exec, \
                   so no config file holds a secret. To connect a connection to a tool, or update \
                   its entry, choose Use with… on its row in Connections." }
            </p>
            <div class="settings-actions">
                <button type="button" class="button" data-testid="ai-tools-open-connections"
                    onclick={props.on_connections.reform(|_: MouseEvent| ())}>
                    { "Open Connections" }
                </button>
            </div>
            { body }
            { fix_outcome(&fixed, "ai-tools-fixed", html! {
                if let Some(r) = &*removed {
                    <p class="settings-ok" data-testid="ai-tool-removed">{ icons::check() }{ &r.message }</p>
                }
            }) }
            // Outside the page, which is inert while it shows.
            if let (Some(target), Some(body)) = (&*removing, document_body()) {
                { create_portal(html! {
                    <RemoveDialog key={format!("{}\u{0}{}", target.client, target.server)}
                        target={target.clone()} on_cancel={cancel_remove} {on_removed} />
                }, body) }
            }
        </section>
    }
}

fn document_body() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.body().map(Into::into)
}

fn tool_row(tool: &AiToolView, ask_remove: &Callback<Target>) -> Html {
    html! {
        <li key={tool.id.clone()} class="ai-tool" data-testid="ai-tool" data-client={tool.id.clone()}
            data-found={tool.found.to_string()}>
            <div class="ai-tool-head">
                <span class="ai-tool-name">{ &tool.name }</span>
                <span class={classes!("badge", "ai-tool-state", tool.found.then_some("ai-tool-found"))}
                    data-testid="ai-tool-state">
                    { found_text(tool) }
                </span>
            </div>
            <span class="use-with-path code" data-testid="ai-tool-path">{ &tool.path }</span>
            if let Some(problem) = &tool.problem {
                <p class="inline-error" data-testid="ai-tool-problem">{ problem }</p>
            }
            if tool.plain_text_secrets > 0 {
                <p class="ai-tool-secrets" data-testid="ai-tool-secrets">
                    { icons::warning_small() }{ secrets_text(tool.plain_text_secrets) }
                </p>
            }
            if !tool.entries.is_empty() {
                <ul class="ai-tool-entries" role="list" aria-label={format!("Keyport entries in {}", tool.name)}>
                    { for tool.entries.iter().map(|e| {
                        let target = Target {
                            client: AttrValue::from(tool.id.clone()),
                            client_name: AttrValue::from(tool.name.clone()),
                            server: AttrValue::from(e.server.clone()),
                        };
                        let label = format!("Remove {} from {}", e.server, tool.name);
                        let onclick = ask_remove.reform(move |_: MouseEvent| target.clone());
                        html! {
                            <li key={e.server.clone()} class="ai-tool-entry" data-testid="ai-tool-entry"
                                data-server={e.server.clone()}>
                                <span class="ai-tool-entry-text">{ entry_text(e) }</span>
                                <button type="button" class="button button-row" data-testid="ai-tool-remove"
                                    aria-label={label} aria-haspopup="dialog" {onclick}>
                                    { "Remove" }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct RemoveProps {
    target: Target,
    on_cancel: Callback<()>,
    on_removed: Callback<McpRemovedView>,
}

/// The change a Remove makes, then Remove: the diff shown is the one sent back.
#[function_component(RemoveDialog)]
fn remove_dialog(props: &RemoveProps) -> Html {
    let plan = use_state(|| None::<Result<McpPlanView, ShownError>>);
    // Bumped after a refused write: the change is read again.
    let again = use_state(|| 0u32);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let dialog = use_node_ref();
    let title = use_node_ref();
    let onkeydown = use_dialog_keys(dialog.clone(), props.on_cancel.clone());
    {
        let title = title.clone();
        use_effect_with((), move |_| {
            if let Some(title) = title.cast::<web_sys::HtmlElement>() {
                let _ = title.focus();
            }
        });
    }
    {
        let plan = plan.clone();
        let t = props.target.clone();
        use_effect_with(*again, move |_| {
            plan.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                plan.set(Some(api::ai_tools::remove_plan(&t.client, &t.server).await));
            });
        });
    }
    let remove = {
        let (plan, busy, error, again) = (plan.clone(), busy.clone(), error.clone(), again.clone());
        let (t, on_removed) = (props.target.clone(), props.on_removed.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(Ok(shown)) = &*plan else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let diff = shown.diff.clone();
            let (busy, error, again, t, on_removed) = (
                busy.clone(),
                error.clone(),
                again.clone(),
                t.clone(),
                on_removed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::ai_tools::remove(&t.client, &t.server, &diff).await {
                    Ok(result) => on_removed.emit(result),
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(e));
                        // The file may have changed: show what a Remove would do now.
                        again.set(*again + 1);
                    }
                }
            });
        })
    };
    let can_remove = matches!(&*plan, Some(Ok(_))) && !*busy;
    let t = &props.target;
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class="dialog ai-tool-remove" role="dialog" aria-modal="true"
                aria-labelledby={REMOVE_TITLE_ID} data-testid="ai-tool-remove-dialog"
                data-client={t.client.clone()} data-server={t.server.clone()}
                ref={dialog} {onkeydown}>
                <header class="dialog-header">
                    <div class="dialog-titles">
                        <h2 id={REMOVE_TITLE_ID} class="dialog-title" tabindex="-1" ref={title}>
                            { format!("Remove {} from {}?", t.server, t.client_name) }
                        </h2>
                        <p class="dialog-subtitle">
                            { format!("{} stops starting this server after its next restart. \
                                       A backup of the old file is kept beside it.", t.client_name) }
                        </p>
                    </div>
                </header>
                <div class="dialog-body">
                    { match &*plan {
                        None => html! {
                            <p class="use-with-loading"><span class="spinner" aria-hidden="true"></span>
                                { "Reading the file…" }</p>
                        },
                        Some(Err(e)) => html! { <FormError error={e.clone()} /> },
                        Some(Ok(p)) => html! {
                            <pre class="use-with-diff" data-testid="ai-tool-remove-diff" tabindex="0"
                                aria-label={format!("The change to {}", p.path)}>
                                { for p.diff.lines().map(|line| html! {
                                    <span class={diff_line_class(line)}>{ line }{ "\n" }</span>
                                }) }
                            </pre>
                        },
                    } }
                    if let Some(e) = &*error {
                        <FormError error={e.clone()} />
                    }
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="button" data-testid="ai-tool-remove-cancel"
                        aria-keyshortcuts="Escape" onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                        { "Cancel" }
                    </button>
                    <button type="button" class="button button-danger" data-testid="ai-tool-remove-confirm"
                        onclick={remove} aria-disabled={(!can_remove).then_some("true")}
                        aria-busy={busy.then_some("true")}>
                        if *busy {
                            <span class="spinner" aria-hidden="true"></span>{ "Removing…" }
                        } else {
                            { "Remove entry" }
                        }
                    </button>
                </footer>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyport_model::McpEntryConnection;

    #[test]
    fn an_entry_names_the_connections_it_runs() {
        let entry = McpEntryView {
            server: "github".into(),
            connections: vec![
                McpEntryConnection {
                    id: "c1".into(),
                    name: Some("GitHub personal".into()),
                },
                McpEntryConnection {
                    id: "c2".into(),
                    name: None,
                },
            ],
        };
        assert_eq!(
            entry_text(&entry),
            "github runs GitHub personal, a deleted connection (c2)"
        );
        assert_eq!(secrets_text(1), "1 plain-text secret in this file");
        assert_eq!(secrets_text(2), "2 plain-text secrets in this file");
    }
}
