//! Rules for where the server may send requests (the WAHA URL is admin-editable: SSRF).

use reqwest::Url;
use std::net::IpAddr;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum OutboundError {
    #[error("only http and https addresses are allowed")]
    Scheme,
    #[error("link-local addresses (169.254.0.0/16, fe80::/10) are never allowed")]
    LinkLocal,
    #[error("the address has no host")]
    NoHost,
}

/// Refuses URLs Tagih must never call. Private LAN addresses stay allowed: WAHA usually runs
/// on the same host or network. Link-local is refused because it is where cloud metadata lives.
pub fn check_outbound_url(url: &Url) -> Result<(), OutboundError> {
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(OutboundError::Scheme);
    }
    match url.host() {
        None => Err(OutboundError::NoHost),
        Some(url::Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => Ok(()),
    }
}

/// Checked again on every resolved address, so a name cannot smuggle in a link-local target.
pub fn check_ip(ip: IpAddr) -> Result<(), OutboundError> {
    let link_local = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_link_local())
        }
    };
    if link_local {
        Err(OutboundError::LinkLocal)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), OutboundError> {
        check_outbound_url(&Url::parse(s).unwrap())
    }

    #[test]
    fn link_local_is_refused_private_lan_is_not() {
        assert_eq!(
            check("http://169.254.169.254/latest"),
            Err(OutboundError::LinkLocal)
        );
        assert_eq!(
            check("http://[fe80::1]:3000/"),
            Err(OutboundError::LinkLocal)
        );
        assert_eq!(
            check("http://[::ffff:169.254.1.1]/"),
            Err(OutboundError::LinkLocal)
        );
        assert_eq!(check("file:///etc/passwd"), Err(OutboundError::Scheme));
        assert!(check("http://127.0.0.1:3000").is_ok());
        assert!(check("http://192.168.1.10:3000").is_ok());
        assert!(check("https://waha.example.net").is_ok());
    }
}
