//! The page is served with the Marketplace's first look written into it (`keyport_ui::prerender`),
//! so the window paints the cards as soon as it has read the HTML and the stylesheets, instead of
//! after the wasm has loaded, started and rendered them. The look is rendered on a thread of its
//! own while Tauri builds the window; serving `index.html` waits for it.

use keyport_model::CardsView;
use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{Assets, Context, Runtime};

const PAGE: &str = "index.html";

/// Serves the embedded assets, with the first look written into the page.
struct WithFirstLook<R: Runtime> {
    embedded: Box<dyn Assets<R>>,
    rendering: Mutex<Option<JoinHandle<Option<String>>>>,
    page: OnceLock<Option<Vec<u8>>>,
}

/// Starts rendering the first look of these cards and makes `context` serve it.
pub fn install<R: Runtime>(context: &mut Context<R>, cards: CardsView) {
    let rendering = std::thread::Builder::new()
        .name("first-look".into())
        .spawn(move || keyport_ui::prerender::first_look(cards))
        .map_err(|err| tracing::warn!(error = %err, "the first look is not rendered"))
        .ok();
    let embedded = context.set_assets(Box::new(Nothing));
    context.set_assets(Box::new(WithFirstLook {
        embedded,
        rendering: Mutex::new(rendering),
        page: OnceLock::new(),
    }));
}

impl<R: Runtime> WithFirstLook<R> {
    /// The page with the first look in it, made once; `None` serves the page as embedded.
    fn page(&self) -> Option<&[u8]> {
        self.page
            .get_or_init(|| {
                let rendering = self.rendering.lock().ok()?.take()?;
                let first_look = rendering.join().ok()??;
                let embedded = self.embedded.get(&AssetKey::from(PAGE))?;
                let page = std::str::from_utf8(&embedded).ok()?;
                let written = keyport_ui::prerender::into_page(page, &first_look);
                if written.is_none() {
                    tracing::warn!("index.html has no plain <body>: served without its first look");
                }
                written.map(String::into_bytes)
            })
            .as_deref()
    }
}

impl<R: Runtime> Assets<R> for WithFirstLook<R> {
    fn setup(&self, app: &tauri::App<R>) {
        self.embedded.setup(app);
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        if *key == AssetKey::from(PAGE) {
            if let Some(page) = self.page() {
                return Some(Cow::Borrowed(page));
            }
        }
        self.embedded.get(key)
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.embedded.iter()
    }

    // The first look adds no script that runs: its cards are `application/json`.
    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.embedded.csp_hashes(html_path)
    }
}

/// Stands in for the embedded assets for the moment they are moved into `WithFirstLook`.
struct Nothing;

impl<R: Runtime> Assets<R> for Nothing {
    fn get(&self, _: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}
