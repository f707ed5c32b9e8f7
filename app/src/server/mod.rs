//! Everything the server functions call. Compiled only with `ssr`: none of it reaches the wasm.

pub mod auth;
pub mod billing;
pub mod config;
pub mod ctx;
pub mod db;
pub mod entity;
pub mod net;
pub mod state;
pub mod testing;

pub use config::{Config, Secret};
pub use state::AppState;
