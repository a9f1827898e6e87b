//! The floor's page: one call for the cards, one render of them, then `app_ready` once a frame
//! with them has been painted (as Keyport's page tells its shell once a frame of the Marketplace
//! has been painted: `ui/index.html`).

#![forbid(unsafe_code)]

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = requestAnimationFrame)]
    fn request_animation_frame(callback: &JsValue);
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue);
}

/// Resolves once the next frame has been painted: a timer set from the frame's callback runs
/// after that frame's rendering.
async fn next_paint() {
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        let after_frame = Closure::once_into_js(move || set_timeout(&resolve));
        request_animation_frame(&after_frame);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
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
                next_paint().await;
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
