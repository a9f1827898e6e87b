//! One Marketplace card: monogram, name, category, description and connection-type badges. The
//! card is a button that opens the detail sheet; the grid decides which card is the tab stop and
//! handles every card's click and focus (start-up: fifty cards are drawn before the first paint,
//! so a card is plain markup, with no component, closure or state of its own).

use crate::state::marketplace::safe_color;
use keyport_model::CardView;
use yew::prelude::*;

/// The attribute a card carries its connector's id in, read back by the grid's handlers.
pub const CONNECTOR_ID: &str = "data-connector-id";

pub fn connector_card(c: &CardView, active: bool) -> Html {
    let name_id = format!("card-{}-name", c.id);
    let category_id = format!("card-{}-category", c.id);
    let types_id = format!("card-{}-types", c.id);
    html! {
        <li class="card-cell" key={c.id.as_str()}>
            <button
                type="button"
                class="card"
                data-testid="connector-card"
                data-connector-id={c.id.clone()}
                tabindex={if active { "0" } else { "-1" }}
                aria-haspopup="dialog"
                aria-labelledby={name_id.clone()}
                aria-describedby={format!("{category_id} {types_id}")}
            >
                <span class="card-head">
                    { monogram(&c.icon.monogram, &c.icon.color, false) }
                    <span class="card-titles">
                        <span class="card-name" id={name_id}>{ c.name.as_str() }</span>
                        <span class="card-category" id={category_id}>{ c.category.label() }</span>
                    </span>
                    if c.custom {
                        <span class="tag">{ "Custom" }</span>
                    }
                </span>
                <span class="card-description">{ c.description.as_str() }</span>
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
pub fn monogram_component(props: &MonogramProps) -> Html {
    monogram(&props.text, &props.color, props.large)
}

fn monogram(text: &str, color: &str, large: bool) -> Html {
    // The catalog allows one to three characters; a longer custom one is cut, not overflowed.
    let text = text
        .char_indices()
        .nth(3)
        .map_or(text, |(end, _)| &text[..end]);
    let chars = match text.chars().count() {
        0 => "0",
        1 => "1",
        2 => "2",
        _ => "3",
    };
    let class = if large {
        "monogram monogram-large"
    } else {
        "monogram"
    };
    html! {
        <span {class} style={format!("background-color: {}", safe_color(color))}
            data-chars={chars} aria-hidden="true">
            { text }
        </span>
    }
}
