//! What the grid area says when it has no card to show, with the one way out.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmptyProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub hint: Html,
    /// The button label and what it does (`Clear search`, `Show all categories`).
    #[prop_or_default]
    pub action: Option<(AttrValue, Callback<()>)>,
}

#[function_component(EmptyState)]
pub fn empty_state(props: &EmptyProps) -> Html {
    html! {
        <div class="empty" data-testid="empty-state">
            <p class="empty-title">{ props.title.clone() }</p>
            <p class="empty-hint">{ props.hint.clone() }</p>
            if let Some((label, action)) = &props.action {
                <button type="button" class="button" onclick={action.reform(|_: MouseEvent| ())}>
                    { label.clone() }
                </button>
            }
        </div>
    }
}
