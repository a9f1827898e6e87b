//! The category chips: a single-select radio group with one tab stop; ← → (and ↑ ↓, Home, End)
//! move the selection and the focus together.

use crate::state::marketplace::Chip;
use crate::state::moves::{chip_move, Move};
use keyport_model::Category;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChipsProps {
    pub chips: Vec<Chip>,
    pub on_select: Callback<Option<Category>>,
}

#[function_component(CategoryChips)]
pub fn category_chips(props: &ChipsProps) -> Html {
    let group = use_node_ref();
    let onkeydown = {
        let chips = props.chips.clone();
        let on_select = props.on_select.clone();
        let group = group.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(step) = Move::from_key(&e.key(), false) else {
                return;
            };
            e.prevent_default();
            let current = chips.iter().position(|c| c.checked).unwrap_or(0);
            let next = chip_move(current, chips.len(), step);
            let Some(chip) = chips.get(next) else {
                return;
            };
            on_select.emit(chip.category);
            focus_chip(&group, chip.id());
        })
    };
    html! {
        <div class="chips" role="radiogroup" aria-label="Category" data-testid="category-chips"
            ref={group} {onkeydown}>
            { for props.chips.iter().map(|chip| {
                let onclick = {
                    let on_select = props.on_select.clone();
                    let category = chip.category;
                    Callback::from(move |_: MouseEvent| on_select.emit(category))
                };
                html! {
                    <button
                        key={chip.id()}
                        type="button"
                        class="chip"
                        role="radio"
                        data-category={chip.id()}
                        aria-checked={if chip.checked { "true" } else { "false" }}
                        tabindex={if chip.checked { "0" } else { "-1" }}
                        {onclick}
                    >
                        <span class="chip-label">{ chip.label() }</span>
                        <span class="chip-count">{ chip.count }</span>
                    </button>
                }
            }) }
        </div>
    }
}

fn focus_chip(group: &NodeRef, id: &str) {
    let Some(group) = group.cast::<web_sys::Element>() else {
        return;
    };
    if let Ok(Some(chip)) = group.query_selector(&format!("[data-category=\"{id}\"]")) {
        if let Ok(chip) = chip.dyn_into::<HtmlElement>() {
            let _ = chip.focus();
        }
    }
}
