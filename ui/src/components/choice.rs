//! A single choice among a few options, as native radio buttons in a `<fieldset>` with its
//! `<legend>` (so ← → move the choice and Tab passes the group as one stop): the connect
//! dialog's type chooser as cards with a hint under each name, and the database wizard's
//! Fields / Connection URL switch as a compact segmented control.

use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    pub id: &'static str,
    pub label: String,
    /// A line under the label (cards only).
    pub hint: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct ChoiceProps {
    pub legend: AttrValue,
    /// The radio group's `name`: the fieldset's `data-testid` is `<name>-choice`, each radio's
    /// `<name>-<option id>`.
    pub name: AttrValue,
    pub options: Vec<ChoiceOption>,
    pub chosen: &'static str,
    #[prop_or_default]
    pub disabled: bool,
    /// Drawn as a segmented control instead of cards.
    #[prop_or_default]
    pub compact: bool,
    pub on_choose: Callback<&'static str>,
}

#[function_component(Choice)]
pub fn choice(props: &ChoiceProps) -> Html {
    let class = if props.compact {
        "choice choice-compact"
    } else {
        "choice"
    };
    html! {
        <fieldset class={class} data-testid={format!("{}-choice", props.name)}>
            <legend class="field-label">{ props.legend.clone() }</legend>
            <div class="type-options">
                { for props.options.iter().map(|o| {
                    let checked = o.id == props.chosen;
                    let onchange = {
                        let (on_choose, id) = (props.on_choose.clone(), o.id);
                        Callback::from(move |_: Event| on_choose.emit(id))
                    };
                    html! {
                        <label class={classes!("type-option", checked.then_some("checked"))} key={o.id}>
                            <input type="radio" name={props.name.clone()} value={o.id} {checked}
                                {onchange} data-testid={format!("{}-{}", props.name, o.id)}
                                disabled={props.disabled} />
                            <span class="type-name">{ &o.label }</span>
                            if let Some(hint) = &o.hint {
                                <span class="type-hint">{ hint }</span>
                            }
                        </label>
                    }
                }) }
            </div>
        </fieldset>
    }
}
