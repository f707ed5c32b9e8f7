//! The web assets (`/pkg/tagih.wasm`, `.js`, `.css`, their brotli and gzip copies, and whatever
//! `public/` held), built into the `tagih` binary so that the binary alone serves the whole app.
//! `LEPTOS_SITE_ROOT` serves a folder instead (development, `cargo leptos watch`).
//!
//! The file names carry no content hash, so browsers must revalidate: every answer has
//! `Cache-Control: no-cache` and a strong `ETag`, and a matching `If-None-Match` gets 304.

use app::{server::AppState, shell};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;
use std::borrow::Cow;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The built site, embedded at compile time from `$TAGIH_EMBED_SITE` (the Makefile points it at
/// `target/site`). Debug builds read the same folder from disk instead, so tests and clippy need
/// no built site; without the variable the binary carries no assets (`allow_missing`).
#[derive(rust_embed::RustEmbed)]
#[folder = "$TAGIH_EMBED_SITE"]
#[allow_missing = true]
struct Site;

/// The revalidation policy for assets whose names do not change between builds.
const CACHE_CONTROL: &str = "no-cache";

/// True when this binary (or, in a debug build, the folder it reads) has the browser bundle.
pub fn embedded_bundle_present() -> bool {
    Site::get("pkg/tagih.wasm").is_some()
}

/// The content codings an asset exists in, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
            Coding::Identity => "",
        }
    }

    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }
}

/// The codings the client accepts (a `q=0` refuses one), in our order of preference.
fn accepted(headers: &HeaderMap) -> Vec<Coding> {
    let mut br = false;
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            match name.as_str() {
                "br" => br = !refused,
                "gzip" | "x-gzip" => gzip = !refused,
                "*" if !refused => {
                    br = true;
                    gzip = true;
                }
                _ => {}
            }
        }
    }
    let mut v = Vec::with_capacity(3);
    if br {
        v.push(Coding::Brotli);
    }
    if gzip {
        v.push(Coding::Gzip);
    }
    v.push(Coding::Identity);
    v
}

/// The embedded file for a request path, in the best coding the client takes.
fn embedded(path: &str, headers: &HeaderMap) -> Option<Response> {
    let name = path.trim_start_matches('/');
    if name.is_empty() || name.ends_with('/') {
        return None;
    }
    // The plain file decides the type and whether the asset exists at all.
    let plain = Site::get(name)?;
    let mime = plain.metadata.mimetype().to_owned();
    let (coding, file) = accepted(headers)
        .into_iter()
        .find_map(|c| match c {
            Coding::Identity => Some((c, None)),
            _ => Site::get(&format!("{name}{}", c.suffix())).map(|f| (c, Some(f))),
        })
        .map(|(c, f)| (c, f.unwrap_or(plain)))?;
    let hash = file.metadata.sha256_hash();
    // Strong validator per representation: the brotli and gzip bodies differ.
    let etag = format!("\"{}{}\"", hex::encode(&hash[..16]), coding.suffix());

    let mut response = if if_none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body: Cow<'static, [u8]> = file.data;
        let mut r = Response::new(Body::from(body));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&mime)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
        if let Some(enc) = coding.header() {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
        r
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    Some(response)
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t == etag || t.strip_prefix("W/") == Some(etag)
        })
}

/// A file from the `LEPTOS_SITE_ROOT` folder (development), with its pre-compressed copies.
async fn from_dir(root: &str, uri: axum::http::Uri, headers: &HeaderMap) -> Option<Response> {
    let mut probe = Request::builder().uri(uri);
    for name in [header::ACCEPT_ENCODING, header::IF_NONE_MATCH] {
        if let Some(v) = headers.get(&name) {
            probe = probe.header(name, v.clone());
        }
    }
    let probe = probe.body(Body::empty()).ok()?;
    let served = ServeDir::new(root)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(probe)
        .await
        .ok()?;
    if !(served.status().is_success() || served.status() == StatusCode::NOT_MODIFIED) {
        return None;
    }
    let mut r = served.into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    Some(r)
}

/// The router's fallback: an asset when one has this path, otherwise the app renders the path
/// (its "not found" page sets 404).
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        let found = match &state.config.site_root {
            Some(root) => from_dir(root, req.uri().clone(), &req.headers().clone()).await,
            None => embedded(req.uri().path(), req.headers()),
        };
        if let Some(r) = found {
            return r;
        }
    }
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(state.clone()),
        move || shell(options.clone()),
    );
    render(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn accept_encoding_picks_brotli_then_gzip_and_honours_q_zero() {
        use Coding::*;
        assert_eq!(
            accepted(&headers("gzip, deflate, br, zstd")),
            [Brotli, Gzip, Identity]
        );
        assert_eq!(accepted(&headers("gzip")), [Gzip, Identity]);
        assert_eq!(accepted(&headers("br;q=0, gzip;q=0.5")), [Gzip, Identity]);
        assert_eq!(accepted(&headers("*")), [Brotli, Gzip, Identity]);
        assert_eq!(accepted(&HeaderMap::new()), [Identity]);
    }

    #[test]
    fn if_none_match_compares_strong_and_weak_tags() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b.br\""),
        );
        assert!(if_none_match(&h, "\"a\""));
        assert!(if_none_match(&h, "\"b.br\""));
        assert!(!if_none_match(&h, "\"c\""));
    }
}
