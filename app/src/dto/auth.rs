//! Login, logout and first-run setup.

use crate::domain::account::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user as the browser may see it (no hash, no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// Where to go after login: a path on this site, never another one. Control characters
/// (browsers drop TAB/CR/LF, so `/\t/evil.example` would become `//evil.example`) and
/// backslashes are refused outright; what is left is resolved against the origin and must stay
/// on it.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_owned();
    };
    if n.len() > 2048
        || !n.starts_with('/')
        || n.starts_with("//")
        || n.chars()
            .any(|c| c.is_control() || c == '\\' || c.is_whitespace())
    {
        return "/".to_owned();
    }
    #[cfg(feature = "ssr")]
    {
        let base = url::Url::parse("http://tagih.invalid/").expect("static URL");
        match base.join(n) {
            Ok(u) if u.origin() == base.origin() => {
                let mut out = u.path().to_owned();
                if let Some(q) = u.query() {
                    out.push('?');
                    out.push_str(q);
                }
                if out.starts_with("//") {
                    return "/".to_owned();
                }
                out
            }
            _ => "/".to_owned(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    n.to_owned()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_always_a_local_path() {
        assert_eq!(
            safe_next(Some("/tagihan?status=unpaid")),
            "/tagihan?status=unpaid"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/\nLocation: x")), "/");
        assert_eq!(safe_next(Some(" //evil.example")), "/");
        assert_eq!(safe_next(Some("/a/../../b")), "/b");
    }
}
