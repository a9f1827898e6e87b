//! The page search: a visible label with the real connector count, Esc clears the text first.

use super::icons;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SearchProps {
    pub query: AttrValue,
    /// How many connectors the catalog has, for the label (`Search 50 connectors`).
    pub total: Option<usize>,
    pub input_ref: NodeRef,
    pub on_input: Callback<String>,
    pub on_clear: Callback<()>,
}

#[function_component(SearchField)]
pub fn search_field(props: &SearchProps) -> Html {
    let label = match props.total {
        Some(1) => "Search 1 connector".to_owned(),
        Some(total) => format!("Search {total} connectors"),
        None => "Search connectors".to_owned(),
    };
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_input.emit(input.value());
        })
    };
    let onkeydown = {
        let on_clear = props.on_clear.clone();
        let has_text = !props.query.is_empty();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && has_text {
                // Esc clears the search before it closes anything else.
                e.prevent_default();
                e.stop_propagation();
                on_clear.emit(());
            }
        })
    };
    let clear = {
        let on_clear = props.on_clear.clone();
        let input_ref = props.input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            on_clear.emit(());
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        })
    };
    html! {
        <div class="search">
            <label class="search-label" for="search">{ label }</label>
            <div class="search-box">
                { icons::search() }
                <input
                    id="search"
                    ref={props.input_ref.clone()}
                    class="search-input"
                    type="search"
                    data-testid="search"
                    autocomplete="off"
                    spellcheck="false"
                    aria-keyshortcuts="Control+F"
                    value={props.query.clone()}
                    {oninput}
                    {onkeydown}
                />
                if props.query.is_empty() {
                    <kbd class="search-hint" aria-hidden="true">{ "Ctrl F" }</kbd>
                } else {
                    <button type="button" class="icon-button search-clear" aria-label="Clear search"
                        onclick={clear}>
                        { icons::close() }
                    </button>
                }
            </div>
        </div>
    }
}
