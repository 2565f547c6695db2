//! The client behind a trusted proxy: uvicorn's `--proxy-headers` with
//! `--forwarded-allow-ips` (its `ProxyHeadersMiddleware`), on by default as
//! in uvicorn, trusting `127.0.0.1` and `::1`.
//!
//! When the connection's peer is a trusted proxy, the request's client
//! ([`Request::client`](crate::Request::client)) becomes the first untrusted
//! address of `X-Forwarded-For`, read from the right (each proxy appends
//! the address it saw), and its scheme the `X-Forwarded-Proto` (`http`,
//! `https`, `ws` or `wss`). A peer that is not trusted cannot change either:
//! otherwise any client could claim any address. The rules (host and port
//! parsing, networks, `*`) are uvicorn's, checked against answers recorded
//! from it (`tests/fastapi_request_response/forwarded.json`).

use std::net::IpAddr;

use http::HeaderMap;

use crate::request_param::Address;

/// The proxies whose forwarding headers are believed: uvicorn's
/// `forwarded_allow_ips` (`"127.0.0.1,::1"` by default; `"*"` trusts every
/// peer). Entries are IP addresses, networks (`10.0.0.0/8`) or other
/// literals compared as text.
///
/// ```
/// use fastrs::proxy_headers::TrustedHosts;
/// let t = TrustedHosts::parse("10.0.0.0/8, 192.168.1.1");
/// assert!(t.contains("10.1.2.3") && t.contains("192.168.1.1") && !t.contains("192.168.1.2"));
/// assert_eq!(t.client_address("198.51.100.7, 10.0.0.5"), ("198.51.100.7".to_owned(), 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedHosts {
    always: bool,
    hosts: Vec<IpAddr>,
    networks: Vec<(IpAddr, u8)>,
    literals: Vec<String>,
}

impl Default for TrustedHosts {
    fn default() -> Self {
        TrustedHosts::parse("127.0.0.1,::1")
    }
}

fn parse_network(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = s.split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    let bits = match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    if prefix > bits || masked(addr, prefix) != bits_of(addr) {
        return None; // host bits set: Python's ip_network refuses it
    }
    Some((addr, prefix))
}

fn bits_of(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn masked(ip: IpAddr, prefix: u8) -> u128 {
    let width: u32 = if ip.is_ipv4() { 32 } else { 128 };
    let host_bits = width - u32::from(prefix).min(width);
    let mask = if host_bits >= 128 {
        0
    } else {
        !((1u128 << host_bits) - 1)
    };
    bits_of(ip) & mask
}

/// Python's `_parse_host_port`: a bare host, `host:port`, or `[v6]:port`.
fn host_port(value: &str) -> (String, u16) {
    if let Some(rest) = value.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return (value.to_owned(), 0);
        };
        let host = &rest[..end];
        let remainder = &rest[end + 1..];
        if remainder.is_empty() {
            return (host.to_owned(), 0);
        }
        let Some(port) = remainder.strip_prefix(':') else {
            return (value.to_owned(), 0);
        };
        return (host.to_owned(), python_int(port).unwrap_or(0));
    }
    if value.matches(':').count() == 1 {
        let (host, port) = value.rsplit_once(':').expect("one colon");
        return match python_int(port) {
            Some(p) => (host.to_owned(), p),
            None => (value.to_owned(), 0),
        };
    }
    (value.to_owned(), 0)
}

/// Python's `int(s)` for a port (surrounding spaces allowed).
fn python_int(s: &str) -> Option<u16> {
    let t = s.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // uvicorn keeps any integer; a port beyond u16 is none usable here.
    digits.parse().ok()
}

impl TrustedHosts {
    /// Parses uvicorn's comma-separated list (`"*"`: every peer).
    pub fn parse(list: &str) -> TrustedHosts {
        let mut t = TrustedHosts {
            always: list == "*",
            hosts: Vec::new(),
            networks: Vec::new(),
            literals: Vec::new(),
        };
        if t.always {
            return t;
        }
        for host in list.split(',').map(str::trim) {
            if host.contains('/') {
                match parse_network(host) {
                    Some(n) => t.networks.push(n),
                    None => t.literals.push(host.to_owned()),
                }
            } else {
                match host.parse::<IpAddr>() {
                    Ok(ip) => t.hosts.push(ip),
                    Err(_) => t.literals.push(host.to_owned()),
                }
            }
        }
        t
    }

    /// Whether `host` is trusted.
    pub fn contains(&self, host: &str) -> bool {
        if self.always {
            return true;
        }
        if host.is_empty() {
            return false;
        }
        match host.parse::<IpAddr>() {
            Ok(ip) => {
                self.hosts.contains(&ip)
                    || self.networks.iter().any(|(net, prefix)| {
                        net.is_ipv4() == ip.is_ipv4() && masked(ip, *prefix) == bits_of(*net)
                    })
            }
            Err(_) => self.literals.iter().any(|l| l == host),
        }
    }

    /// The client in an `X-Forwarded-For` value: the first untrusted
    /// address from the right, else the leftmost (uvicorn's
    /// `get_trusted_client_address`).
    pub fn client_address(&self, forwarded_for: &str) -> (String, u16) {
        let hosts: Vec<&str> = forwarded_for.split(',').map(str::trim).collect();
        if self.always {
            return host_port(hosts[0]);
        }
        for h in hosts.iter().rev() {
            let (host, port) = host_port(h);
            if !self.contains(&host) {
                return (host, port);
            }
        }
        host_port(hosts[0])
    }

    /// The client and scheme of a request from `peer` with `headers`, as
    /// uvicorn's middleware leaves them: `None` for the scheme when the
    /// request does not change it.
    pub fn resolve(&self, peer: Address, headers: &HeaderMap) -> (Address, Option<&'static str>) {
        if !self.contains(&peer.host) {
            return (peer, None);
        }
        let scheme = headers
            .get_all("x-forwarded-proto")
            .iter()
            .next_back()
            .and_then(|v| match latin1(v.as_bytes()).trim() {
                "http" => Some("http"),
                "https" => Some("https"),
                "ws" => Some("ws"),
                "wss" => Some("wss"),
                _ => None,
            });
        let values: Vec<String> = headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| latin1(v.as_bytes()))
            .collect();
        if values.is_empty() {
            return (peer, scheme);
        }
        let (host, port) = self.client_address(&values.join(", "));
        if host.is_empty() {
            return (peer, scheme);
        }
        (Address { host, port }, scheme)
    }
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}
