//! WAHA (WhatsApp HTTP API): the client every message goes through, the connection settings
//! and the session status Tagih keeps.

pub mod channel;
pub mod client;
pub mod error;
pub mod service;
pub mod settings;
pub mod types;

pub use channel::WahaChannel;
pub use client::{Timeouts, WahaApi, WahaClient, http_client, sent_message_id};
pub use error::{ErrorClass, WahaError, status_label};
pub use service::WahaRuntime;
pub use types::{
    ChatMessage, Me, NumberCheck, QrImage, SentMessage, ServerVersion, SessionInfo, WebhookTarget,
};
