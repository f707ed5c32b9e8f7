//! Everything the server functions call. Compiled only with `ssr`: none of it reaches the wasm.

pub mod audit;
pub mod auth;
pub mod billing;
pub mod config;
pub mod ctx;
pub mod db;
pub mod engine;
pub mod entity;
pub mod export;
pub mod messages;
pub mod net;
pub mod reach;
pub mod retention;
pub mod schedule;
pub mod sending;
pub mod settings;
pub mod state;
pub mod system;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod waha;

pub use config::{BackupConfig, Config, Secret};
pub use state::AppState;
