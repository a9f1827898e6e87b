//! The floor's page: one call for the cards, one render of them, then `app_ready` (as Keyport's
//! page tells its shell after the render that shows the loaded Marketplace).

#![forbid(unsafe_code)]

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str) -> Result<JsValue, JsValue>;
}

#[derive(Clone, PartialEq, Deserialize)]
struct Card {
    id: String,
    name: String,
    category: String,
    description: String,
}

#[function_component(App)]
fn app() -> Html {
    let cards = use_state(|| None::<Vec<Card>>);
    {
        let cards = cards.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = invoke("cards")
                    .await
                    .ok()
                    .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
                cards.set(Some(loaded.unwrap_or_default()));
            });
        });
    }
    let loaded = cards.is_some();
    use_effect_with(loaded, |loaded| {
        if *loaded {
            wasm_bindgen_futures::spawn_local(async {
                let _ = invoke("app_ready").await;
            });
        }
    });
    html! {
        <main class="grid">
            { for cards.iter().flatten().map(|card| html! {
                <article class="card" key={card.id.clone()}>
                    <h2>{ &card.name }</h2>
                    <span class="chip">{ &card.category }</span>
                    <p>{ &card.description }</p>
                    <button type="button">{ "Connect" }</button>
                </article>
            }) }
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
