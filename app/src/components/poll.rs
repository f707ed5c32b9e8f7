//! Polling from the browser (gloo-timers). The server is the truth; pages re-read it.

use leptos::prelude::*;

/// A counter that grows every `ms` milliseconds in the browser while the component lives;
/// resources keyed on it refetch. On the server it never changes.
pub fn use_tick(ms: u32) -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(ms).await;
                // The component is gone once its signal is.
                if set_tick.try_update(|t| *t = t.wrapping_add(1)).is_none() {
                    break;
                }
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ms, set_tick);
    tick
}
