//! One Marketplace card: monogram, name, category, description and connection-type badges. The
//! card is a button that opens the detail sheet; the grid decides which card is the tab stop.

use crate::state::marketplace::safe_color;
use keyport_model::CardView;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub connector: Rc<CardView>,
    /// Whether this card holds the grid's single tab stop.
    pub active: bool,
    pub on_open: Callback<String>,
    pub on_focus: Callback<String>,
}

#[function_component(ConnectorCard)]
pub fn connector_card(props: &CardProps) -> Html {
    let c = &props.connector;
    let onclick = {
        let on_open = props.on_open.clone();
        let id = c.id.clone();
        Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))
    };
    let onfocus = {
        let on_focus = props.on_focus.clone();
        let id = c.id.clone();
        Callback::from(move |_: FocusEvent| on_focus.emit(id.clone()))
    };
    let name_id = format!("card-{}-name", c.id);
    let category_id = format!("card-{}-category", c.id);
    let types_id = format!("card-{}-types", c.id);
    html! {
        <li class="card-cell">
            <button
                type="button"
                class="card"
                data-testid="connector-card"
                data-connector-id={c.id.clone()}
                tabindex={if props.active { "0" } else { "-1" }}
                aria-haspopup="dialog"
                aria-labelledby={name_id.clone()}
                aria-describedby={format!("{category_id} {types_id}")}
                {onclick}
                {onfocus}
            >
                <span class="card-head">
                    <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} />
                    <span class="card-titles">
                        <span class="card-name" id={name_id}>{ &c.name }</span>
                        <span class="card-category" id={category_id}>{ c.category.label() }</span>
                    </span>
                    if c.custom {
                        <span class="tag">{ "Custom" }</span>
                    }
                </span>
                <span class="card-description">{ &c.description }</span>
                <span class="badges" id={types_id}>
                    { for c.connection_types.iter().map(|t| html! {
                        <span class="badge" data-connection-type={t.id()}>{ t.badge() }</span>
                    }) }
                </span>
            </button>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct MonogramProps {
    pub text: AttrValue,
    pub color: AttrValue,
    #[prop_or_default]
    pub large: bool,
}

/// The connector's mark: up to three characters, white on its brand colour.
#[function_component(Monogram)]
pub fn monogram(props: &MonogramProps) -> Html {
    let text: String = props.text.chars().take(3).collect();
    let chars = text.chars().count().to_string();
    let class = classes!("monogram", props.large.then_some("monogram-large"));
    html! {
        <span {class} style={format!("background-color: {}", safe_color(&props.color))}
            data-chars={chars} aria-hidden="true">
            { text }
        </span>
    }
}
