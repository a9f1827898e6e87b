//! The wizard's Done step, for every connection type: the check mark, `HubSpot connected as
//! acme-corp` (the account from `connect_form::done_account`) as the focused title, what
//! happened, and **Use with AI tools…** (the Connections page, with the new connection's Use
//! with dialog open) · **Connect another** · **Open connection** (the Connections page, with the
//! new connection's row in view and focused).

use super::connect::CONNECT_TITLE_ID;
use super::icons;
use crate::connect_form::wizard::done_title;
use keyport_model::ConnectionView;
use yew::prelude::*;

/// Opens the Use with dialog of a connection (its id). The page root provides it around the
/// wizard, so the Done step reaches it through every path to it (key, OAuth, database, ...).
#[derive(Clone, PartialEq)]
pub struct UseWithLauncher(pub Callback<String>);

#[derive(Properties, PartialEq)]
pub struct DoneStepProps {
    /// The connector's name.
    pub service: AttrValue,
    pub view: ConnectionView,
    /// What happened, under the title.
    pub children: Html,
    /// Open connection: the Connections page, showing this connection (its id).
    pub on_open_connections: Callback<String>,
    pub on_another: Callback<()>,
}

#[function_component(DoneStep)]
pub fn done_step(props: &DoneStepProps) -> Html {
    let launcher = use_context::<UseWithLauncher>();
    let id = props.view.id.clone();
    let open = props
        .on_open_connections
        .reform(move |_: MouseEvent| id.clone());
    let another = props.on_another.reform(|_: MouseEvent| ());
    let use_with = launcher.map(|UseWithLauncher(launch)| {
        let id = props.view.id.clone();
        launch.reform(move |_: MouseEvent| id.clone())
    });
    html! {
        <>
            <div class="dialog-body done" data-testid="connect-done"
                data-connection-id={props.view.id.clone()}>
                <span class="done-mark">{ icons::check() }</span>
                <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                    { done_title(&props.service, &props.view) }
                </h2>
                { props.children.clone() }
            </div>
            <footer class="dialog-footer">
                if let Some(onclick) = use_with {
                    <button type="button" class="button done-use-with" {onclick}
                        data-testid="done-use-with" aria-haspopup="dialog">
                        { "Use with AI tools…" }
                    </button>
                }
                <button type="button" class="button" onclick={another} data-testid="connect-another">
                    { "Connect another" }
                </button>
                <button type="button" class="button button-primary" onclick={open}
                    data-testid="open-connection">{ "Open connection" }</button>
            </footer>
        </>
    }
}
