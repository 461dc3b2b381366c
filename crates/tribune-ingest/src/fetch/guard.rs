//! Which addresses Tribune may fetch from. A feed URL is user input: left
//! unchecked, "http://169.254.169.254/" reads a cloud's instance secrets and
//! "http://localhost:5432/" probes the host's own services. So by default
//! every address a name resolves to, and every redirect target, must be a
//! public unicast address.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether `ip` is an ordinary public address: not loopback, private,
/// link-local (where cloud metadata services live), shared (CGNAT),
/// multicast, reserved, or an IPv6 wrapper around one of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0                                  // "this network"
        || (a == 100 && (64..128).contains(&b))    // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0)          // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19))      // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Addresses that embed an IPv4 address are as public as that address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    if segments[0] == 0x64 && segments[1] == 0xff9b && segments[2..6] == [0; 4] {
        // NAT64
        let [.., hi, lo] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    if segments[0] == 0x2002 {
        // 6to4
        return is_public_v4(Ipv4Addr::from(
            (u32::from(segments[1]) << 16) | u32::from(segments[2]),
        ));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00      // unique local (fc00::/7)
        || (segments[0] & 0xffc0) == 0xfe80      // link-local
        || (segments[0] & 0xffc0) == 0xfec0      // site-local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || segments[..6] == [0; 6]) // IPv4-compatible (deprecated)
}

/// Why an address was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to fetch from {what} ({address}): it is not a public address; \
     set allow_private_addresses (--allow-private-addresses) to allow it"
)]
pub struct Refused {
    /// The name or URL that led there.
    pub what: String,
    /// The address refused.
    pub address: IpAddr,
}

/// What may be fetched: public addresses always; private ones when allowed
/// outright, or for the `host:port` pairs named as exceptions.
///
/// Checked twice: [`check_url`](Self::check_url) on every URL before it is
/// requested and on every redirect (address literals never reach a
/// resolver), and, as the client's DNS resolver, on every address a name
/// resolves to, so a public-looking name that points inside is caught too.
#[derive(Debug)]
pub(crate) struct AddressPolicy {
    allow_private: bool,
    /// Lower-cased `(host, port)` exceptions.
    allowed: Vec<(String, u16)>,
}

impl AddressPolicy {
    pub fn new(allow_private: bool, allowed_hosts: &[String]) -> Self {
        let allowed = allowed_hosts
            .iter()
            .filter_map(|entry| {
                let (host, port) = entry.trim().rsplit_once(':')?;
                let host = host.trim_start_matches('[').trim_end_matches(']');
                Some((host.to_ascii_lowercase(), port.parse().ok()?))
            })
            .collect();
        AddressPolicy {
            allow_private,
            allowed,
        }
    }

    fn is_exception(&self, host: &str, port: u16) -> bool {
        self.allowed.iter().any(|(h, p)| h == host && *p == port)
    }

    /// Checks a URL about to be requested or redirected to.
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), Refused> {
        if self.allow_private {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(0);
        let host = url
            .host_str()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if self.is_exception(&host, port) {
            return Ok(());
        }
        let address = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            // A name excepted on another port would pass the resolver.
            _ if self.allowed.iter().any(|(h, _)| *h == host) => {
                return Err(Refused {
                    what: url.to_string(),
                    address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                });
            }
            _ => return Ok(()),
        };
        if is_public(address) {
            Ok(())
        } else {
            Err(Refused {
                what: url.to_string(),
                address,
            })
        }
    }
}

impl Resolve for AddressPolicy {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let excepted = self.allow_private || self.allowed.iter().any(|(h, _)| *h == host);
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if excepted {
                return Ok(Box::new(resolved.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|addr| is_public(addr.ip()))
                .collect();
            match (public.is_empty(), resolved.first()) {
                (false, _) => Ok(Box::new(public.into_iter()) as Addrs),
                (true, Some(first)) => Err(Box::new(Refused {
                    what: host,
                    address: first.ip(),
                })
                    as Box<dyn std::error::Error + Send + Sync>),
                (true, None) => Err(format!("{host} has no address").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn inside_addresses_are_refused() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254", // cloud metadata
            "100.100.100.200", // Alibaba metadata, shared space
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254", // AWS metadata over IPv6
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",  // NAT64 of 10.0.0.1
            "2002:c0a8:101::", // 6to4 of 192.168.1.1
        ] {
            assert!(!public(inside), "{inside} must be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for outside in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "172.32.0.1",
        ] {
            assert!(public(outside), "{outside} must be allowed");
        }
    }

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn literal_hosts_are_checked() {
        let policy = AddressPolicy::new(false, &[]);
        assert!(policy.check_url(&url("http://[::1]:8080/feed")).is_err());
        let err = policy
            .check_url(&url("http://169.254.169.254/latest/"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("allow-private-addresses"), "{err}");
        assert!(policy.check_url(&url("http://93.184.216.34/")).is_ok());
        assert!(
            policy.check_url(&url("http://localhost/")).is_ok(),
            "names are the resolver's job"
        );
        assert!(
            AddressPolicy::new(true, &[])
                .check_url(&url("http://10.0.0.1/"))
                .is_ok()
        );
    }

    #[test]
    fn exceptions_are_exact_host_and_port() {
        let policy = AddressPolicy::new(false, &["127.0.0.1:8080".into(), "bridge:3000".into()]);
        assert!(policy.check_url(&url("http://127.0.0.1:8080/feed")).is_ok());
        assert!(
            policy
                .check_url(&url("http://127.0.0.1:8081/feed"))
                .is_err()
        );
        assert!(policy.check_url(&url("http://bridge:3000/rss")).is_ok());
        assert!(policy.check_url(&url("http://bridge:22/")).is_err());
    }

    #[tokio::test]
    async fn names_resolving_inside_are_refused() {
        let policy = AddressPolicy::new(false, &[]);
        let name: Name = "localhost".parse().unwrap();
        let err = match policy.resolve(name).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(err) => err.to_string(),
        };
        assert!(err.contains("not a public address"), "{err}");
    }
}
