//! The reqwest client WAHA is reached with: timeouts, no redirects, and a resolver that refuses
//! link-local addresses.

use super::*;
use crate::server::waha::error::WahaError;
use crate::server::{Secret, net::check_ip};
use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
};
use std::{future::Future, net::SocketAddr, pin::Pin, sync::Arc, time::Duration};

/// Connection and whole-request limits.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(30),
        }
    }
}

/// WAHA answers are small JSON documents or one QR PNG; anything bigger is not WAHA.
pub(super) const MAX_BODY: usize = 2 * 1024 * 1024;

type LookupFuture = Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>;
type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;

/// Resolves names like the system does, then refuses the lot if any address is link-local, so
/// `waha.example` pointing at 169.254.169.254 is refused like the literal address.
struct GuardedResolver {
    lookup: Lookup,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let fut = (self.lookup)(name.as_str().to_owned());
        Box::pin(async move {
            let addrs = fut.await?;
            for a in &addrs {
                check_ip(a.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move { Ok(tokio::net::lookup_host((host.as_str(), 0)).await?.collect()) })
            as LookupFuture
    })
}

/// The shared HTTP client (one connection pool for every WAHA call).
pub fn http_client(timeouts: Timeouts) -> reqwest::Client {
    http_client_with_lookup(timeouts, system_lookup())
}

fn http_client_with_lookup(timeouts: Timeouts, lookup: Lookup) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
        // HTTP(S)_PROXY / ALL_PROXY would route around the address checks (and see the key):
        // WAHA is always called directly.
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { lookup }))
        .user_agent(concat!("Tagih/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client's TLS backend initialises")
}

/// Test helper: a client whose name lookups answer `addrs`.
#[doc(hidden)]
pub fn client_with_fake_dns(
    base: Url,
    api_key: Option<Secret>,
    timeouts: Timeouts,
    addrs: Vec<SocketAddr>,
) -> Result<WahaClient, WahaError> {
    let lookup: Lookup = Arc::new(move |_host| {
        let addrs = addrs.clone();
        Box::pin(async move { Ok(addrs) }) as LookupFuture
    });
    WahaClient::with_http(http_client_with_lookup(timeouts, lookup), base, api_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::net::OutboundError;

    #[tokio::test]
    async fn link_local_is_refused_as_literal_and_after_name_lookup() {
        let literal = WahaClient::new(Url::parse("http://169.254.169.254/").unwrap(), None);
        assert!(matches!(
            literal,
            Err(WahaError::AddressRefused(OutboundError::LinkLocal))
        ));
        // A name that resolves to the metadata address is refused before any connection.
        let named = client_with_fake_dns(
            Url::parse("http://waha.example:3000/").unwrap(),
            Some(Secret::new("k")),
            Timeouts::default(),
            vec!["169.254.169.254:0".parse().unwrap()],
        )
        .unwrap();
        assert_eq!(
            named.version().await,
            Err(WahaError::AddressRefused(OutboundError::LinkLocal))
        );
        let v6 = client_with_fake_dns(
            Url::parse("http://waha.example/").unwrap(),
            None,
            Timeouts::default(),
            vec![
                "127.0.0.1:0".parse().unwrap(),
                "[fe80::1]:0".parse().unwrap(),
            ],
        )
        .unwrap();
        assert!(matches!(
            v6.get_session("default").await,
            Err(WahaError::AddressRefused(_))
        ));
    }
}
