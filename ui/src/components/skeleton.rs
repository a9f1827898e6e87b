//! Eight placeholder cards, shown only when the catalog takes longer than 150 ms.

use yew::prelude::*;

#[function_component(SkeletonGrid)]
pub fn skeleton_grid() -> Html {
    html! {
        <div class="grid" data-testid="skeleton-grid" aria-hidden="true">
            { for (0..8).map(|_| html! {
                <div class="card skeleton">
                    <span class="card-head">
                        <span class="monogram shimmer"></span>
                        <span class="card-titles">
                            <span class="bar shimmer bar-name"></span>
                            <span class="bar shimmer bar-category"></span>
                        </span>
                    </span>
                    <span class="bar shimmer bar-line"></span>
                    <span class="bar shimmer bar-badges"></span>
                </div>
            }) }
        </div>
    }
}
