//! The card grid: one tab stop (roving tabindex). Arrows follow the columns as rendered (CSS
//! decides how many fit), Home/End go to the row's ends, Ctrl+Home/End to the first and last card.
//! A click or focus on any card reaches the grid's one handler, which reads the card's id.

use super::card::{connector_card, CONNECTOR_ID};
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
    let onclick = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = card_id(&e) {
                on_open.emit(id);
            }
        })
    };
    let onfocusin = {
        let on_activate = props.on_activate.clone();
        Callback::from(move |e: FocusEvent| {
            if let Some(id) = card_id(&e) {
                on_activate.emit(id);
            }
        })
    };
    html! {
        <ul class="grid" role="list" data-testid="connector-grid" aria-label="Connectors" ref={list}
            {onkeydown} {onclick} {onfocusin}>
            { for props.connectors.iter().enumerate().map(|(i, c)| connector_card(c, i == props.active)) }
        </ul>
    }
}

/// The id of the card an event happened on or inside, if any.
fn card_id(e: &Event) -> Option<String> {
    e.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest("[data-testid=\"connector-card\"]")
        .ok()??
        .get_attribute(CONNECTOR_ID)
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
        "[data-testid=\"connector-card\"][{CONNECTOR_ID}=\"{id}\"]"
    )) {
        if let Ok(card) = card.dyn_into::<HtmlElement>() {
            let _ = card.focus();
        }
    }
}
