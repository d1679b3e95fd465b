//! Which origins the engine may contact.

use url::Url;

/// An origin: scheme, host and port (default port filled in).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn of(url: &Url) -> Option<Self> {
        Some(Self { scheme: url.scheme().to_ascii_lowercase(), host: url.host_str()?.to_ascii_lowercase(), port: url.port_or_known_default()? })
    }
}

/// Scope: the target's scheme+host+port plus extra origins from `--scope`.
/// Anything else is refused before a connection is opened, so a scan (or a
/// hostile redirect) can never reach a system the operator did not name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    origins: Vec<Origin>,
}

impl Scope {
    /// Scope holding only the target's origin.
    pub fn for_target(target: &Url) -> Self {
        let mut scope = Self::default();
        scope.add(target);
        scope
    }

    /// Add the origin of `origin` (path and query are ignored).
    pub fn add(&mut self, origin: &Url) {
        if let Some(o) = Origin::of(origin) {
            if !self.origins.contains(&o) {
                self.origins.push(o);
            }
        }
    }

    /// True when `url` has exactly one of the scope's origins. URLs with
    /// embedded credentials (`user:pass@`) are never in scope.
    pub fn contains(&self, url: &Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        Origin::of(url).is_some_and(|o| self.origins.contains(&o))
    }

    /// The in-scope origins as `scheme://host:port`.
    pub fn origins(&self) -> Vec<String> {
        self.origins.iter().map(|o| format!("{}://{}:{}", o.scheme, o.host, o.port)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn same_origin_is_in_scope() {
        let s = Scope::for_target(&u("http://127.0.0.1:8080/api/"));
        assert!(s.contains(&u("http://127.0.0.1:8080/other?x=1")));
    }

    #[test]
    fn other_port_scheme_or_host_is_out() {
        let s = Scope::for_target(&u("http://127.0.0.1:8080/"));
        assert!(!s.contains(&u("http://127.0.0.1:8081/")));
        assert!(!s.contains(&u("https://127.0.0.1:8080/")));
        assert!(!s.contains(&u("http://[::1]:8080/")));
    }

    #[test]
    fn default_port_matches_explicit_port() {
        let s = Scope::for_target(&u("https://127.0.0.1/"));
        assert!(s.contains(&u("https://127.0.0.1:443/x")));
    }

    #[test]
    fn added_origins_are_in_scope() {
        let mut s = Scope::for_target(&u("http://127.0.0.1:1/"));
        s.add(&u("http://127.0.0.1:2/ignored/path"));
        assert!(s.contains(&u("http://127.0.0.1:2/x")));
        assert_eq!(s.origins().len(), 2);
    }

    #[test]
    fn userinfo_is_never_in_scope() {
        let s = Scope::for_target(&u("http://127.0.0.1:1/"));
        assert!(!s.contains(&u("http://user:pw@127.0.0.1:1/")));
    }

    #[test]
    fn non_http_urls_are_out() {
        let s = Scope::for_target(&u("http://127.0.0.1:1/"));
        assert!(!s.contains(&u("file:///etc/passwd")));
    }
}
