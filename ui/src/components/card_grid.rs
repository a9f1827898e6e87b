//! The card grid: one tab stop (roving tabindex). Arrows follow the columns as rendered (CSS
//! decides how many fit), Home/End go to the row's ends, Ctrl+Home/End to the first and last card.

use super::card::ConnectorCard;
use crate::state::moves::{grid_move, Move};
use keyport_model::CardView;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GridProps {
    pub connectors: Vec<Rc<CardView>>,
    /// Index of the card holding the tab stop.
    pub active: usize,
    pub on_activate: Callback<String>,
    pub on_open: Callback<String>,
}

#[function_component(CardGrid)]
pub fn card_grid(props: &GridProps) -> Html {
    let list = use_node_ref();
    let onkeydown = {
        let list = list.clone();
        let connectors = props.connectors.clone();
        let active = props.active;
        let on_activate = props.on_activate.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(step) = Move::from_key(&e.key(), e.ctrl_key() || e.meta_key()) else {
                return;
            };
            e.prevent_default();
            let Some(list) = list.cast::<Element>() else {
                return;
            };
            let next = grid_move(active, connectors.len(), rendered_columns(&list), step);
            if let Some(connector) = connectors.get(next) {
                on_activate.emit(connector.id.clone());
                focus_card(&list, &connector.id);
            }
        })
    };
    html! {
        <ul class="grid" role="list" data-testid="connector-grid" aria-label="Connectors" ref={list}
            {onkeydown}>
            { for props.connectors.iter().enumerate().map(|(i, c)| html! {
                <ConnectorCard
                    key={c.id.clone()}
                    connector={Rc::clone(c)}
                    active={i == props.active}
                    on_open={props.on_open.clone()}
                    on_focus={props.on_activate.clone()}
                />
            }) }
        </ul>
    }
}

/// How many cards sit in the first rendered row.
fn rendered_columns(list: &Element) -> usize {
    let cells = list.children();
    let Some(first) = cells.item(0).and_then(|c| c.dyn_into::<HtmlElement>().ok()) else {
        return 1;
    };
    let top = first.offset_top();
    (0..cells.length())
        .filter_map(|i| cells.item(i)?.dyn_into::<HtmlElement>().ok())
        .take_while(|cell| cell.offset_top() == top)
        .count()
        .max(1)
}

pub fn focus_card(scope: &Element, id: &str) {
    if let Ok(Some(card)) = scope.query_selector(&format!(
        "[data-testid=\"connector-card\"][data-connector-id=\"{id}\"]"
    )) {
        if let Ok(card) = card.dyn_into::<HtmlElement>() {
            let _ = card.focus();
        }
    }
}
