//! The wizard's Done step, for every connection type: the check mark, `Redis connected` (or
//! `HubSpot connected as acme-corp`) as the focused title, what happened, and **Connect
//! another** · **Open connection**.

use super::connect::CONNECT_TITLE_ID;
use super::icons;
use crate::connect_form::done_title;
use keyport_model::ConnectionView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DoneStepProps {
    /// The connector's name.
    pub service: AttrValue,
    pub view: ConnectionView,
    /// What happened, under the title.
    pub children: Html,
    pub on_open_connections: Callback<()>,
    pub on_another: Callback<()>,
}

#[function_component(DoneStep)]
pub fn done_step(props: &DoneStepProps) -> Html {
    let open = props.on_open_connections.reform(|_: MouseEvent| ());
    let another = props.on_another.reform(|_: MouseEvent| ());
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
                <button type="button" class="button" onclick={another} data-testid="connect-another">
                    { "Connect another" }
                </button>
                <button type="button" class="button button-primary" onclick={open}
                    data-testid="open-connection">{ "Open connection" }</button>
            </footer>
        </>
    }
}
