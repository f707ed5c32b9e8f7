//! Everything the server functions call. Compiled only with `ssr`: none of it reaches the wasm.

pub mod auth;
pub mod billing;
pub mod config;
pub mod ctx;
pub mod db;
pub mod engine;
pub mod entity;
pub mod messages;
pub mod net;
pub mod sending;
pub mod settings;
pub mod state;
pub mod testing;
pub mod waha;

pub use config::{Config, Secret};
pub use state::AppState;
