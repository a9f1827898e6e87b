//! A connection's "Use with" dialog (issue 14): the MCP clients found on this machine with what
//! each runs of this connection; choosing one (and the connector's server, when it has several)
//! shows the diff Keyport would write, and Add writes it (the core keeps a backup). Below, the
//! credentials the clients' files hold in plain text, each with Fix (or Fix all), which moves it
//! into the vault after the service accepts it. The core decides everything; no secret reaches
//! this page (a finding names its file, server, key and kind; a diff hides every value).

use super::icons;
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::hooks::use_dialog_keys;
use keyport_model::{
    ErrorCode, McpAddedView, McpClientView, McpFindingView, McpFixTarget, McpFixView, McpPlanView,
    UseWithView,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const TITLE_ID: &str = "use-with-title";

#[derive(Properties, PartialEq)]
pub struct UseWithProps {
    pub id: AttrValue,
    pub name: AttrValue,
    /// Closed: by Close or Esc.
    pub on_close: Callback<()>,
}

/// How a diff line is drawn: file names, hunk headers, added, removed, unchanged.
pub fn diff_line_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") {
        "diff-file"
    } else if line.starts_with("@@") {
        "diff-hunk"
    } else if line.starts_with('+') {
        "diff-add"
    } else if line.starts_with('-') {
        "diff-del"
    } else {
        "diff-same"
    }
}

/// What a client's card says under its name.
pub fn client_status(client: &McpClientView) -> String {
    if client.problem.is_some() {
        "Its file cannot be read".to_owned()
    } else if !client.entries.is_empty() {
        format!("Runs this connection as {}", client.entries.join(", "))
    } else if client.has_file {
        "Not set up for this connection".to_owned()
    } else {
        "No config file yet: Add creates it".to_owned()
    }
}

/// What a finding is and where, in one line (never its value).
pub fn finding_text(f: &McpFindingView) -> String {
    format!("{} in {} ({})", f.kind, f.server, f.key)
}

fn finding_key(f: &McpFindingView) -> String {
    format!("{}\u{0}{}\u{0}{}", f.file, f.server, f.key)
}

/// Which Fix is running: all, or one entry.
#[derive(Clone, PartialEq)]
enum Fixing {
    All,
    Entry(McpFixTarget),
}

#[function_component(UseWithDialog)]
pub fn use_with_dialog(props: &UseWithProps) -> Html {
    let view = use_state(|| None::<Result<UseWithView, ShownError>>);
    // Bumped after an Add or a Fix: the panel is read again.
    let reload = use_state(|| 0u32);
    let client = use_state(|| None::<String>);
    let server = use_state(|| None::<String>);
    let force = use_state(|| false);
    let plan = use_state(|| None::<Result<McpPlanView, ShownError>>);
    let adding = use_state(|| false);
    let added = use_state(|| None::<Result<McpAddedView, ShownError>>);
    let fixing = use_state(|| None::<Fixing>);
    let fixed = use_state(|| None::<Result<McpFixView, ShownError>>);
    let dialog = use_node_ref();
    let title = use_node_ref();
    // Focus lands here after a Fix, whose button is gone with its finding: Esc and Tab then
    // still act on the dialog.
    let secrets_heading = use_node_ref();

    // Focus starts on the title, as in the sheet.
    {
        let title = title.clone();
        use_effect_with((), move |_| {
            if let Some(title) = title.cast::<web_sys::HtmlElement>() {
                let _ = title.focus();
            }
        });
    }
    {
        let view = view.clone();
        let id = props.id.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                view.set(Some(api::mcp_use_with(&id).await));
            });
        });
    }
    // A client (and server) chosen: the change Add would make.
    {
        let plan = plan.clone();
        let id = props.id.clone();
        use_effect_with(
            ((*client).clone(), (*server).clone(), *force, *reload),
            move |(client, server, force, _)| {
                plan.set(None);
                if let Some(client) = client.clone() {
                    let (server, force) = (server.clone(), *force);
                    wasm_bindgen_futures::spawn_local(async move {
                        plan.set(Some(
                            api::mcp_plan(&id, &client, server.as_deref(), force).await,
                        ));
                    });
                }
            },
        );
    }

    let close = props.on_close.reform(|_: MouseEvent| ());
    let onkeydown = use_dialog_keys(dialog.clone(), props.on_close.clone());
    let choose = {
        let (client, force, added) = (client.clone(), force.clone(), added.clone());
        Callback::from(move |id: String| {
            force.set(false);
            added.set(None);
            client.set(Some(id));
        })
    };
    let choose_server = {
        let (server, force, added) = (server.clone(), force.clone(), added.clone());
        Callback::from(move |e: Event| {
            force.set(false);
            added.set(None);
            server.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()));
        })
    };
    let replace = {
        let force = force.clone();
        Callback::from(move |_: MouseEvent| force.set(true))
    };
    let add = {
        let (plan, adding, added, reload) =
            (plan.clone(), adding.clone(), added.clone(), reload.clone());
        let (client, server, force) = (client.clone(), server.clone(), force.clone());
        let id = props.id.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(Ok(shown)), Some(client)) = (&*plan, (*client).clone()) else {
                return;
            };
            if *adding || shown.diff.is_empty() {
                return;
            }
            adding.set(true);
            let diff = shown.diff.clone();
            let (server, force) = ((*server).clone(), *force);
            let (adding, added, reload, id) =
                (adding.clone(), added.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::mcp_add(&id, &client, server.as_deref(), force, &diff).await;
                adding.set(false);
                added.set(Some(result));
                reload.set(*reload + 1);
            });
        })
    };
    let fix = {
        let (fixing, fixed, reload) = (fixing.clone(), fixed.clone(), reload.clone());
        let heading = secrets_heading.clone();
        Callback::from(move |what: Fixing| {
            if fixing.is_some() {
                return;
            }
            fixing.set(Some(what.clone()));
            let (fixing, fixed, reload, heading) = (
                fixing.clone(),
                fixed.clone(),
                reload.clone(),
                heading.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let target = match &what {
                    Fixing::All => None,
                    Fixing::Entry(t) => Some(t),
                };
                let result = api::mcp_fix(target).await;
                fixing.set(None);
                fixed.set(Some(result));
                reload.set(*reload + 1);
                if let Some(heading) = heading.cast::<web_sys::HtmlElement>() {
                    let _ = heading.focus();
                }
            });
        })
    };

    // Add sits in the footer, always in view, once a client is chosen for a connector that
    // has a server to add.
    let add_to = match (&*view, client.as_deref()) {
        (Some(Ok(v)), Some(id)) if !v.servers.is_empty() => v
            .clients
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone()),
        _ => None,
    };
    let can_add = matches!(&*plan, Some(Ok(p)) if !p.diff.is_empty());
    let body = match &*view {
        None => html! {
            <p class="use-with-loading" data-testid="use-with-loading">
                <span class="spinner" aria-hidden="true"></span>{ "Looking for MCP clients…" }
            </p>
        },
        Some(Err(error)) => html! { <FormError error={error.clone()} /> },
        Some(Ok(v)) => html! {
            <>
                { clients_section(v, client.as_deref(), &choose) }
                if client.is_some() {
                    { add_section(v, server.as_deref(), &choose_server, &plan, &replace, &added) }
                }
                { findings_section(v, fixing.as_ref(), &fix, &fixed, &secrets_heading) }
            </>
        },
    };

    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class="dialog use-with" role="dialog" aria-modal="true"
                aria-labelledby={TITLE_ID} data-testid="use-with-dialog"
                data-connection-id={props.id.clone()} ref={dialog} {onkeydown}>
                <header class="dialog-header">
                    <div class="dialog-titles">
                        <h2 id={TITLE_ID} class="dialog-title" tabindex="-1" ref={title}>
                            { format!("Use {} with an AI tool", props.name) }
                        </h2>
                        <p class="dialog-subtitle">
                            { "The MCP clients on this computer. Entries run the server through \
                               keyport exec, so no config file holds the secret." }
                        </p>
                    </div>
                    <button type="button" class="icon-button" aria-label="Close" onclick={close.clone()}>
                        { icons::close() }
                    </button>
                </header>
                <div class="dialog-body">{ body }</div>
                <footer class="dialog-footer">
                    <button type="button" class="button" data-testid="use-with-close"
                        aria-keyshortcuts="Escape" onclick={close}>{ "Close" }</button>
                    if let Some(name) = add_to {
                        <button type="button" class="button button-primary" data-testid="use-with-add-button"
                            onclick={add} aria-disabled={(!can_add).then_some("true")}
                            aria-busy={adding.then_some("true")}>
                            if *adding {
                                <span class="spinner" aria-hidden="true"></span>{ "Adding…" }
                            } else {
                                { format!("Add to {name}") }
                            }
                        </button>
                    }
                </footer>
            </section>
        </div>
    }
}

fn clients_section(v: &UseWithView, chosen: Option<&str>, choose: &Callback<String>) -> Html {
    let found: Vec<&McpClientView> = v.clients.iter().filter(|c| c.found).collect();
    let missing: Vec<&str> = v
        .clients
        .iter()
        .filter(|c| !c.found)
        .map(|c| c.name.as_str())
        .collect();
    html! {
        <section class="use-with-section" aria-labelledby="use-with-clients">
            <h3 id="use-with-clients" class="use-with-heading">{ "MCP clients" }</h3>
            if found.is_empty() {
                <div class="empty use-with-empty" data-testid="use-with-no-clients">
                    <p class="empty-title">{ "No MCP client found on this computer" }</p>
                    <p class="empty-hint">
                        { "Keyport looks for Claude Desktop, Claude Code, Cursor, VS Code, Windsurf \
                           and Codex. Install one, then open this again." }
                    </p>
                </div>
            } else {
                // Native radios, one group by name (arrows move the choice); a labelled group
                // rather than a fieldset, whose legend WebKit lays out with room to spare.
                <div class="use-with-clients" role="radiogroup" aria-labelledby="use-with-clients"
                    data-testid="use-with-clients">
                    { for found.iter().map(|c| {
                        let checked = chosen == Some(c.id.as_str());
                        let onchange = {
                            let (choose, id) = (choose.clone(), c.id.clone());
                            Callback::from(move |_: Event| choose.emit(id.clone()))
                        };
                        html! {
                            <label key={c.id.clone()}
                                class={classes!("type-option", "use-with-client", checked.then_some("checked"))}
                                data-testid="use-with-client" data-client={c.id.clone()}
                                data-configured={(!c.entries.is_empty()).then_some("true")}>
                                <input type="radio" name="use-with-client" value={c.id.clone()}
                                    {checked} {onchange} />
                                <span class="type-name">{ &c.name }</span>
                                <span class="type-hint" data-testid="use-with-client-status">
                                    if !c.entries.is_empty() {
                                        { icons::check() }
                                    }
                                    { client_status(c) }
                                </span>
                                <span class="use-with-path code">{ &c.path }</span>
                            </label>
                        }
                    }) }
                </div>
            }
            if !missing.is_empty() {
                <p class="section-hint" data-testid="use-with-not-found">
                    { format!("Not found here: {}", missing.join(", ")) }
                </p>
            }
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn add_section(
    v: &UseWithView,
    server: Option<&str>,
    choose_server: &Callback<Event>,
    plan: &Option<Result<McpPlanView, ShownError>>,
    replace: &Callback<MouseEvent>,
    added: &Option<Result<McpAddedView, ShownError>>,
) -> Html {
    let local = v.servers.iter().filter(|s| !s.remote).count();
    let chosen = server.or_else(|| v.servers.first().map(|s| s.name.as_str()));
    let can_add = matches!(plan, Some(Ok(p)) if !p.diff.is_empty());
    html! {
        <section class="use-with-section" aria-labelledby="use-with-add" data-testid="use-with-add">
            <h3 id="use-with-add" class="use-with-heading">{ "Add this connection" }</h3>
            if v.servers.is_empty() {
                <p class="section-hint" data-testid="use-with-no-servers">
                    { "Keyport's catalog records no MCP server for this service. Run the server \
                       you use with keyport exec <id> -- <command>." }
                </p>
            } else {
                if local > 1 || v.servers.len() > local {
                    <div class="field use-with-server">
                        <label for="use-with-server" class="field-label">{ "MCP server" }</label>
                        <select id="use-with-server" class="select" data-testid="use-with-server"
                            onchange={choose_server.clone()}>
                            { for v.servers.iter().map(|s| html! {
                                <option value={s.name.clone()} selected={chosen == Some(s.name.as_str())}>
                                    { if s.remote { format!("{} (remote)", s.name) } else { s.name.clone() } }
                                </option>
                            }) }
                        </select>
                    </div>
                }
                { match plan {
                    None => html! {
                        <p class="use-with-loading"><span class="spinner" aria-hidden="true"></span>
                            { "Reading the file…" }</p>
                    },
                    Some(Err(error)) => html! {
                        <>
                            <FormError error={error.clone()} />
                            if error.kind() == ErrorCode::McpEntryExists {
                                <div>
                                    <button type="button" class="button" data-testid="use-with-replace"
                                        onclick={replace.clone()}>{ "Replace that entry" }</button>
                                </div>
                            }
                        </>
                    },
                    // Just added: the result line below says so.
                    Some(Ok(p)) if p.diff.is_empty() && matches!(added, Some(Ok(_))) => html! {},
                    Some(Ok(p)) if p.diff.is_empty() => html! {
                        <p class="use-with-ok" data-testid="use-with-up-to-date">
                            { icons::check() }
                            { format!("Already set up: {} runs through Keyport in {}.", p.entry, p.path) }
                        </p>
                    },
                    Some(Ok(p)) => html! {
                        <div class="use-with-change">
                            <p class="section-hint">
                                { format!("{} {} in {}:", if p.replaces { "Replaces" } else { "Adds" }, p.entry, p.path) }
                            </p>
                            <pre class="use-with-diff" data-testid="use-with-diff" tabindex="0"
                                aria-label={format!("The change to {}", p.path)}>
                                { for p.diff.lines().map(|line| html! {
                                    <span class={diff_line_class(line)}>{ line }{ "\n" }</span>
                                }) }
                            </pre>
                        </div>
                    },
                } }
                if can_add {
                    <p class="section-hint">{ "A backup of the old file is kept beside it." }</p>
                }
            }
            <div role="status">
                if let Some(Ok(a)) = added {
                    <p class="use-with-ok" data-testid="use-with-added">{ icons::check() }{ &a.message }</p>
                }
            </div>
            if let Some(Err(error)) = added {
                <FormError error={error.clone()} />
            }
        </section>
    }
}

fn findings_section(
    v: &UseWithView,
    fixing: Option<&Fixing>,
    fix: &Callback<Fixing>,
    fixed: &Option<Result<McpFixView, ShownError>>,
    heading: &NodeRef,
) -> Html {
    let busy = fixing.is_some();
    html! {
        <section class="use-with-section" aria-labelledby="use-with-secrets" data-testid="use-with-secrets">
            <div class="use-with-heading-row">
                <h3 id="use-with-secrets" class="use-with-heading" tabindex="-1" ref={heading.clone()}>{ "Plain-text secrets" }</h3>
                if v.findings.len() > 1 {
                    <button type="button" class="button button-row" data-testid="use-with-fix-all"
                        disabled={busy} aria-busy={(fixing == Some(&Fixing::All)).then_some("true")}
                        onclick={fix.reform(|_: MouseEvent| Fixing::All)}>
                        if fixing == Some(&Fixing::All) {
                            <span class="spinner" aria-hidden="true"></span>{ "Fixing…" }
                        } else {
                            { "Fix all" }
                        }
                    </button>
                }
            </div>
            if v.findings.is_empty() {
                <p class="section-hint" data-testid="use-with-no-findings">
                    { "No credential in plain text in these clients' files." }
                </p>
            } else {
                <p class="section-hint">
                    { "Fix stores the secret in the vault once its service accepts it, and the \
                       entry then runs through keyport exec." }
                </p>
                <ul class="use-with-findings" role="list">
                    { for v.findings.iter().map(|f| {
                        let target = McpFixTarget { file: f.file.clone(), server: f.server.clone() };
                        let running = fixing == Some(&Fixing::Entry(target.clone()));
                        let onclick = fix.reform(move |_: MouseEvent| Fixing::Entry(target.clone()));
                        html! {
                            <li key={finding_key(f)} class="use-with-finding" data-testid="use-with-finding"
                                data-server={f.server.clone()}>
                                <span class="use-with-finding-main">
                                    <span class="use-with-finding-what">{ finding_text(f) }</span>
                                    <span class="use-with-path code">{ &f.file }</span>
                                    <span class="use-with-finding-clients">{ f.clients.join(", ") }</span>
                                </span>
                                <button type="button" class="button button-row" data-testid="use-with-fix"
                                    aria-label={format!("Fix the {} in {}", f.kind, f.server)}
                                    disabled={busy || f.connector.is_none()}
                                    title={f.connector.is_none().then_some("Keyport cannot tell which service this belongs to; store it with Connect")}
                                    aria-busy={running.then_some("true")} {onclick}>
                                    if running {
                                        <span class="spinner" aria-hidden="true"></span>{ "Fixing…" }
                                    } else {
                                        { "Fix" }
                                    }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
            { for v.problems.iter().map(|p| html! {
                <p class="inline-error use-with-problem" data-testid="use-with-problem">{ p }</p>
            }) }
            { fix_outcome(fixed, "use-with-fixed", html! {}) }
        </section>
    }
}

/// What a Fix did, each credential moved (or left, and why), in a live region; `extra` is
/// announced with it (another outcome told in the same place). A failed Fix is its error.
pub(super) fn fix_outcome(
    fixed: &Option<Result<McpFixView, ShownError>>,
    testid: &'static str,
    extra: Html,
) -> Html {
    html! {
        <>
            <div role="status">
                { extra }
                if let Some(Ok(result)) = fixed {
                    <ul class="use-with-fixed" role="list" data-testid={testid}>
                        { for result.fixed.iter().map(|f| html! {
                            <li class={if f.connection.is_some() { "use-with-ok" } else { "use-with-left" }}>
                                if f.connection.is_some() {
                                    { icons::check() }
                                }
                                { &f.message }
                            </li>
                        }) }
                    </ul>
                }
            </div>
            if let Some(Err(error)) = fixed {
                <FormError error={error.clone()} />
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lines_are_drawn_by_their_mark() {
        assert_eq!(diff_line_class("--- a/mcp.json"), "diff-file");
        assert_eq!(diff_line_class("+++ b/mcp.json"), "diff-file");
        assert_eq!(diff_line_class("@@ -1,3 +1,9 @@"), "diff-hunk");
        assert_eq!(diff_line_class("+    \"github\": {"), "diff-add");
        assert_eq!(diff_line_class("-    \"TOKEN\": \"‹hidden›\""), "diff-del");
        assert_eq!(diff_line_class("   }"), "diff-same");
    }

    fn client(entries: &[&str], has_file: bool, problem: Option<&str>) -> McpClientView {
        McpClientView {
            id: "cursor".into(),
            name: "Cursor".into(),
            path: "/home/me/.cursor/mcp.json".into(),
            found: true,
            has_file,
            entries: entries.iter().map(|e| (*e).to_owned()).collect(),
            plain_text_secrets: 0,
            problem: problem.map(str::to_owned),
        }
    }

    #[test]
    fn a_client_says_what_it_runs_of_the_connection() {
        assert_eq!(
            client_status(&client(&["github"], true, None)),
            "Runs this connection as github"
        );
        assert_eq!(
            client_status(&client(&[], true, None)),
            "Not set up for this connection"
        );
        assert_eq!(
            client_status(&client(&[], false, None)),
            "No config file yet: Add creates it"
        );
        assert_eq!(
            client_status(&client(&[], true, Some("not valid JSON"))),
            "Its file cannot be read"
        );
    }

    #[test]
    fn a_finding_names_its_kind_server_and_key() {
        let f = McpFindingView {
            file: "/home/me/.cursor/mcp.json".into(),
            server: "mail".into(),
            key: "env MAIL_KEY".into(),
            kind: "Mail API key".into(),
            connector: Some("mail".into()),
            clients: vec!["Cursor".into()],
        };
        assert_eq!(finding_text(&f), "Mail API key in mail (env MAIL_KEY)");
    }
}
