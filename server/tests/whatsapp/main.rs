//! Everything WhatsApp, in one test binary (each test binary of this workspace weighs over a
//! gigabyte in debug builds): the WAHA client against waha-sim, the server functions and the
//! webhook over HTTP, the sending engine through WAHA, and the API-key safety check.

mod chaos;
mod client;
mod engine;
mod harness;
mod http;
mod safety;
