//! The content-discovery phase: ask for what the spec does not list, within
//! a fixed request budget, and keep only answers whose content proves them.
//!
//! Candidates come, in this order, from the target itself (`robots.txt`,
//! sitemaps, links and scripts of its HTML pages, `Link` headers), from the
//! spec (siblings of its path prefixes: `/api/v1/admin`, `/api/v2/...`), and
//! from the built-in list (`paths.txt`). Every learned path is triaged like a
//! spec operation before it is asked for: `robots.txt` naming `/createdb` is
//! not a reason to call it. Each answer is compared with a soft-404
//! calibration of its own directory and extension, then classified by
//! content; status alone never makes a hit.

use super::learn;
use super::list::{self, LOG_FILE_NAMES};
use super::signature::{classify, ContentKind, Signature};
use crate::soft404::Soft404;
use crate::triage;
use futures_util::future::join_all;
use palisade_core::{Endpoint, ExchangeId, Inventory, SkippedOperation};
use palisade_http::{AuthMode, DenyRule, Engine, HttpError, ProbeRequest, Response, Url};
use rand::distr::{Alphanumeric, SampleString};
use std::collections::{HashMap, HashSet, VecDeque};

/// How much content discovery a scan does (`--discovery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiscoveryProfile {
    /// No discovery requests at all.
    Off,
    /// What the target names plus the built-in list's `quick` entries.
    Quick,
    /// What the target names plus the whole built-in list.
    #[default]
    Standard,
}

impl DiscoveryProfile {
    /// Most requests discovery sends, calibrations and fetches of
    /// `robots.txt`, sitemaps and scripts included.
    pub fn request_budget(self) -> usize {
        match self {
            DiscoveryProfile::Off => 0,
            DiscoveryProfile::Quick => 120,
            DiscoveryProfile::Standard => 400,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(DiscoveryProfile::Off),
            "quick" => Some(DiscoveryProfile::Quick),
            "standard" => Some(DiscoveryProfile::Standard),
            _ => None,
        }
    }
}

/// Where a candidate path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitSource {
    Robots,
    Sitemap,
    HtmlLink,
    Script,
    LinkHeader,
    /// A common log file name inside a folder that was found or named.
    LogFolder,
    /// A sibling of a spec path prefix (`/api/v1/admin`, `/api/v2/...`).
    SpecSibling,
    /// The built-in list.
    Builtin,
}

impl HitSource {
    pub fn label(self) -> &'static str {
        match self {
            HitSource::Robots => "named in robots.txt",
            HitSource::Sitemap => "listed in the sitemap",
            HitSource::HtmlLink => "linked from an HTML page",
            HitSource::Script => "named in a served JavaScript file",
            HitSource::LinkHeader => "named in a Link header",
            HitSource::LogFolder => "a common log file name in a discovered folder",
            HitSource::SpecSibling => "a sibling of a documented path",
            HitSource::Builtin => "a commonly exposed path",
        }
    }

    /// Learned from the target (as opposed to guessed): triaged before sending.
    fn is_learned(self) -> bool {
        matches!(self, HitSource::Robots | HitSource::Sitemap | HitSource::HtmlLink | HitSource::Script | HitSource::LinkHeader)
    }
}

/// An answer that discovery judged real, by content.
#[derive(Debug, Clone)]
pub struct DiscoveryHit {
    /// Absolute path on the target's origin, e.g. `/internal-logs/api.log`.
    pub path: String,
    pub source: HitSource,
    pub status: u16,
    pub content_type: Option<String>,
    pub signature: Signature,
    pub exchange_id: ExchangeId,
}

impl DiscoveryHit {
    /// True for hits that look like API operations (not static files), to be
    /// added to the inventory as undocumented.
    pub fn is_operation(&self) -> bool {
        let last = self.path.rsplit('/').next().unwrap_or("");
        let static_file = last.contains('.') && !last.ends_with(".json");
        !static_file && matches!(self.signature.kind, ContentKind::Json | ContentKind::EnvDump | ContentKind::Metrics)
    }
}

/// What the phase did.
#[derive(Debug, Default)]
pub struct ContentDiscovery {
    pub hits: Vec<DiscoveryHit>,
    /// Every exchange, for the passive checks, held until the scan context
    /// exists: bodies whole up to [`RETAINED_BODY_BYTES`] in all, then only
    /// their first [`RETAINED_BODY_PREFIX`] bytes, so 400 answers of an
    /// endless body cost megabytes, not 400 × `--max-body`.
    pub exchanges: Vec<(ProbeRequest, Response)>,
    /// Body bytes held in `exchanges`.
    retained_bytes: usize,
    /// Learned paths that triage refused, with why.
    pub skipped: Vec<SkippedOperation>,
    /// Requests the phase sent (or tried to).
    pub requests: usize,
}

/// Body bytes of discovery answers kept whole for the passive checks.
pub const RETAINED_BODY_BYTES: usize = 4 * 1024 * 1024;
/// What is kept of each answer's body once [`RETAINED_BODY_BYTES`] is used.
pub const RETAINED_BODY_PREFIX: usize = 16 * 1024;

impl ContentDiscovery {
    /// Keep an exchange for the passive checks, within the retention bound.
    fn keep(&mut self, request: ProbeRequest, response: &Response) {
        let room = RETAINED_BODY_BYTES.saturating_sub(self.retained_bytes).max(RETAINED_BODY_PREFIX);
        let kept = response.retained(room);
        self.retained_bytes += kept.body.len();
        self.exchanges.push((request, kept));
    }
}

/// Most soft-404 calibrations (one per directory and extension).
const MAX_CALIBRATIONS: usize = 48;
/// Most scripts fetched to learn paths from.
const MAX_SCRIPTS: usize = 4;
/// Most folders whose common log file names are tried.
const MAX_LOG_FOLDERS: usize = 6;
/// How deep links of discovered HTML pages are followed.
const MAX_LINK_DEPTH: u8 = 2;
/// Most sitemap entries taken.
const MAX_SITEMAP_PATHS: usize = 30;
/// Most requests in flight per wave.
const WAVE: usize = 8;

#[derive(Clone, Debug)]
struct Candidate {
    path: String,
    source: HitSource,
    depth: u8,
}

struct Calibration {
    soft404: Soft404,
    /// Kind of a success answer to the random path (a catch-all's page).
    catch_all: Option<ContentKind>,
}

struct Run<'a> {
    engine: &'a Engine,
    origin: Url,
    global: &'a Soft404,
    budget: usize,
    out: ContentDiscovery,
    queue: VecDeque<Candidate>,
    seen: HashSet<String>,
    calibrations: HashMap<(String, String), Calibration>,
    scripts: usize,
    log_folders: HashSet<String>,
    documented: HashSet<String>,
}

/// Run content discovery. `inventory` is what the spec (or links) gave;
/// `root` is the answer to the target URL; `global` the target-wide
/// calibration. Paths triage refuses are added to the engine's deny-list.
pub async fn discover(
    engine: &Engine,
    target: &Url,
    inventory: &Inventory,
    root: Option<&Response>,
    global: &Soft404,
    profile: DiscoveryProfile,
) -> ContentDiscovery {
    let budget = profile.request_budget();
    let Ok(origin) = target.join("/") else { return ContentDiscovery::default() };
    if budget == 0 {
        return ContentDiscovery::default();
    }
    let base = target.path().trim_end_matches('/').to_string();
    let documented = inventory.endpoints.iter().map(|e| normalize(&format!("{base}{}", e.path))).collect();
    let mut run = Run {
        engine,
        origin,
        global,
        budget,
        out: ContentDiscovery::default(),
        queue: VecDeque::new(),
        seen: HashSet::new(),
        calibrations: HashMap::new(),
        scripts: 0,
        log_folders: HashSet::new(),
        documented,
    };
    run.learn_from_robots().await;
    if let Some(root) = root {
        run.learn_from_page(root, 0).await;
        let links: Vec<&str> = root.headers_all("link").collect();
        for p in learn::link_header_paths(&links) {
            run.push_url(&p, &root.url, HitSource::LinkHeader, 0);
        }
    }
    for p in spec_siblings(inventory, &base) {
        run.push(p, HitSource::SpecSibling, 0);
    }
    for entry in list::builtin() {
        if profile == DiscoveryProfile::Standard || entry.quick {
            run.push(entry.path.to_string(), HitSource::Builtin, 0);
        }
    }
    run.drain().await;
    run.out
}

impl Run<'_> {
    fn left(&self) -> usize {
        self.budget.saturating_sub(self.out.requests)
    }

    /// Send one discovery request (anonymous, no redirects: a login redirect
    /// is not content), counting it against the budget.
    async fn get(&mut self, path: &str) -> Option<Response> {
        if self.left() == 0 {
            return None;
        }
        let url = self.origin.join(path.trim_start_matches('/')).ok()?;
        self.out.requests += 1;
        let req = ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects();
        match self.engine.send(req.clone()).await {
            Ok(resp) => {
                self.out.keep(req, &resp);
                Some(resp)
            }
            Err(_) => None,
        }
    }

    fn push_url(&mut self, raw: &str, page: &Url, source: HitSource, depth: u8) {
        let Ok(url) = page.join(raw.trim()) else { return };
        if url.origin() != self.origin.origin() {
            return;
        }
        self.push(url.path().to_string(), source, depth);
    }

    fn push(&mut self, path: String, source: HitSource, depth: u8) {
        if !path.starts_with('/') || path.len() > 512 || path.contains(['{', '}']) {
            return;
        }
        let key = normalize(&path);
        if key == "/" || self.documented.contains(&key) || !self.seen.insert(key) {
            return;
        }
        // The built-in list and log file names are curated as safe reads (a test
        // keeps action words out of them); what the target names is not.
        let verdict = if source.is_learned() { triage::judge(&Endpoint::discovered("GET", &path)) } else { None };
        if let Some(verdict) = verdict {
            // A state-changing path named by the target: never asked for, by anything.
            let reason = format!("{} ({}); {}", verdict.reason, source.label(), "not requested");
            self.engine.deny(DenyRule::new(format!("GET {path}"), &path, reason.clone()));
            self.out.skipped.push(SkippedOperation { method: "GET".into(), path, reason });
            return;
        }
        let candidate = Candidate { path, source, depth };
        if source.is_learned() {
            // The target's own names are the best leads: ask for them first.
            self.queue.push_front(candidate);
        } else {
            self.queue.push_back(candidate);
        }
    }

    async fn learn_from_robots(&mut self) {
        let Some(resp) = self.get("/robots.txt").await else { return };
        if resp.status != 200 || self.global.is_not_found(&resp, "robots.txt") {
            return;
        }
        let text = resp.text();
        let paths = learn::robots_paths(&text);
        for p in paths {
            if p.ends_with('/') {
                self.push_log_files(&p, HitSource::Robots);
            }
            self.push(p, HitSource::Robots, 0);
        }
        for sitemap in learn::robots_sitemaps(&text).into_iter().take(2) {
            self.learn_from_sitemap(&sitemap).await;
        }
    }

    async fn learn_from_sitemap(&mut self, loc: &str) {
        let Ok(url) = self.origin.join(loc) else { return };
        if url.origin() != self.origin.origin() {
            return;
        }
        let Some(resp) = self.get(url.path()).await else { return };
        if resp.status != 200 {
            return;
        }
        for p in learn::sitemap_paths(&resp.text()).into_iter().take(MAX_SITEMAP_PATHS) {
            self.push_url(&p, &url, HitSource::Sitemap, 1);
        }
    }

    /// Links and scripts of an HTML page.
    async fn learn_from_page(&mut self, page: &Response, depth: u8) {
        if depth >= MAX_LINK_DEPTH || !looks_like_html(page) {
            return;
        }
        let html = page.text();
        for link in learn::html_links(&html) {
            self.push_url(&link, &page.url, HitSource::HtmlLink, depth + 1);
        }
        for src in learn::script_srcs(&html) {
            if self.scripts >= MAX_SCRIPTS {
                break;
            }
            let Ok(url) = page.url.join(src.trim()) else { continue };
            if url.origin() != self.origin.origin() {
                continue;
            }
            self.scripts += 1;
            let Some(js) = self.get(url.path()).await else { continue };
            if js.status != 200 {
                continue;
            }
            for p in learn::js_paths(&js.text()) {
                self.push_url(&p, &url, HitSource::Script, depth + 1);
            }
        }
    }

    /// Common log file names inside `folder` (bounded).
    fn push_log_files(&mut self, folder: &str, source: HitSource) {
        let folder = if folder.ends_with('/') { folder.to_string() } else { format!("{folder}/") };
        if self.log_folders.len() >= MAX_LOG_FOLDERS || !self.log_folders.insert(normalize(&folder)) {
            return;
        }
        let names = if is_log_folder(&folder) { LOG_FILE_NAMES.len() } else { 6 };
        let source = if source == HitSource::Robots { HitSource::LogFolder } else { source };
        for name in LOG_FILE_NAMES.iter().take(names) {
            self.push(format!("{folder}{name}"), source, 1);
        }
    }

    async fn drain(&mut self) {
        while self.left() > 0 {
            let mut wave = Vec::new();
            while wave.len() < WAVE {
                let Some(c) = self.queue.pop_front() else { break };
                wave.push(c);
            }
            if wave.is_empty() {
                break;
            }
            self.calibrate(&wave).await;
            let n = wave.len().min(self.left());
            wave.truncate(n);
            self.out.requests += n;
            let sends = wave.iter().map(|c| {
                let url = self.origin.join(c.path.trim_start_matches('/'));
                let engine = self.engine;
                async move {
                    let url = url.ok()?;
                    let req = ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects();
                    let resp: Result<Response, HttpError> = engine.send(req.clone()).await;
                    resp.ok().map(|r| (req, r))
                }
            });
            let answers = join_all(sends).await;
            for (c, answer) in wave.into_iter().zip(answers) {
                let Some((req, resp)) = answer else { continue };
                self.out.keep(req, &resp);
                self.judge(c, resp).await;
            }
        }
    }

    /// Calibrate the directories and extensions of `wave` not yet calibrated.
    async fn calibrate(&mut self, wave: &[Candidate]) {
        let mut needed: Vec<(String, String)> = Vec::new();
        for c in wave {
            let key = dir_and_ext(&c.path);
            if !self.calibrations.contains_key(&key) && !needed.contains(&key) {
                needed.push(key);
            }
        }
        for key in needed {
            if self.calibrations.len() >= MAX_CALIBRATIONS || self.left() <= 1 {
                return;
            }
            let token = format!("palisade-{}", Alphanumeric.sample_string(&mut rand::rng(), 12).to_lowercase());
            let name = if key.1.is_empty() { token.clone() } else { format!("{token}.{}", key.1) };
            let path = format!("{}{name}", key.0);
            let Some(resp) = self.get(&path).await else {
                self.calibrations.insert(key, Calibration { soft404: Soft404::default(), catch_all: None });
                continue;
            };
            let catch_all = (200..300).contains(&resp.status).then(|| classify(&path, resp.header("content-type"), &resp.body).kind);
            self.calibrations.insert(key, Calibration { soft404: Soft404::from_answer(&resp, &name), catch_all });
        }
    }

    async fn judge(&mut self, c: Candidate, resp: Response) {
        let name = c.path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
        if c.path.ends_with('/') && is_log_folder(&c.path) && resp.status != 404 {
            // A log folder may refuse a listing and still serve its files.
            self.push_log_files(&c.path.clone(), c.source);
        }
        if !(200..300).contains(&resp.status) || resp.body.is_empty() {
            return;
        }
        let key = dir_and_ext(&c.path);
        let calibration = self.calibrations.get(&key);
        if self.global.is_not_found(&resp, &name) || calibration.is_some_and(|cal| cal.soft404.is_not_found(&resp, &name)) {
            return;
        }
        let signature = classify(&c.path, resp.header("content-type"), &resp.body);
        // A catch-all answers random paths with the same kind of page: no proof.
        if calibration.and_then(|cal| cal.catch_all) == Some(signature.kind) {
            return;
        }
        if matches!(signature.kind, ContentKind::Html | ContentKind::Other) && self.global.is_catch_all() {
            return;
        }
        if matches!(signature.kind, ContentKind::Html | ContentKind::DirectoryListing | ContentKind::AdminPage) {
            self.learn_from_page(&resp, c.depth).await;
        }
        if signature.kind == ContentKind::DirectoryListing && c.path.ends_with('/') {
            self.push_log_files(&c.path, c.source);
        }
        self.out.hits.push(DiscoveryHit {
            path: c.path,
            source: c.source,
            status: resp.status,
            content_type: resp.header("content-type").map(str::to_string),
            signature,
            exchange_id: resp.exchange_id,
        });
    }
}

fn looks_like_html(resp: &Response) -> bool {
    resp.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || resp.body.iter().take(512).map(u8::to_ascii_lowercase).collect::<Vec<_>>().windows(5).any(|w| w == b"<html" || w == b"<!doc")
}

fn is_log_folder(path: &str) -> bool {
    path.trim_end_matches('/').rsplit('/').next().is_some_and(|seg| seg.to_ascii_lowercase().contains("log"))
}

/// The directory (with trailing `/`) and the extension of a path's last segment.
pub(crate) fn dir_and_ext(path: &str) -> (String, String) {
    let trimmed = path.trim_end_matches('/');
    let (dir, name) = match trimmed.rfind('/') {
        Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
        None => ("/", trimmed),
    };
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 8 => ext.to_ascii_lowercase(),
        _ => String::new(),
    };
    (dir.to_string(), ext)
}

fn normalize(path: &str) -> String {
    let p = path.split('?').next().unwrap_or("").trim_end_matches('/').to_ascii_lowercase();
    if p.is_empty() {
        "/".into()
    } else {
        p
    }
}

/// Most spec prefixes whose siblings are tried.
const MAX_SIBLING_PREFIXES: usize = 3;

/// `/api/v1/admin`, `/api/v1/internal`, … and other versions of a
/// documented path, for each version-like prefix of the spec's paths.
fn spec_siblings(inventory: &Inventory, base: &str) -> Vec<String> {
    let mut prefixes: Vec<(String, Option<String>)> = Vec::new();
    for ep in inventory.endpoints.iter().filter(|e| e.method == "GET") {
        let full = format!("{base}{}", ep.path);
        let segs: Vec<&str> = full.split('/').filter(|s| !s.is_empty()).collect();
        let Some(vi) = segs.iter().position(|s| is_version(s)) else { continue };
        let prefix = format!("/{}", segs[..=vi].join("/"));
        let sample = (!ep.path.contains('{') && segs.len() > vi + 1).then(|| segs[vi + 1..].join("/"));
        if let Some(entry) = prefixes.iter_mut().find(|(p, _)| *p == prefix) {
            if entry.1.is_none() {
                entry.1 = sample;
            }
        } else if prefixes.len() < MAX_SIBLING_PREFIXES {
            prefixes.push((prefix, sample));
        }
    }
    let mut out = Vec::new();
    for (prefix, sample) in prefixes {
        for sibling in ["admin", "internal", "debug", "private"] {
            out.push(format!("{prefix}/{sibling}"));
        }
        let (parent, version) = prefix.rsplit_once('/').unwrap_or(("", &prefix));
        let n: Option<u32> = version.trim_start_matches(['v', 'V']).split('.').next().and_then(|d| d.parse().ok());
        let mut others = vec!["v0".to_string(), "beta".to_string()];
        if let Some(n) = n {
            others.push(format!("v{}", n + 1));
        }
        for other in others.into_iter().filter(|o| o != version) {
            match &sample {
                Some(rest) => out.push(format!("{parent}/{other}/{rest}")),
                None => out.push(format!("{parent}/{other}/")),
            }
        }
    }
    out
}

fn is_version(seg: &str) -> bool {
    let s = seg.to_ascii_lowercase();
    let digits = s.strip_prefix('v').unwrap_or("");
    !digits.is_empty() && digits.split('.').all(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_extensions() {
        assert_eq!(dir_and_ext("/logs/app.log"), ("/logs/".into(), "log".into()));
        assert_eq!(dir_and_ext("/debug"), ("/".into(), "".into()));
        assert_eq!(dir_and_ext("/logs/"), ("/".into(), "".into()));
        assert_eq!(dir_and_ext("/.env"), ("/".into(), "".into()));
        assert_eq!(dir_and_ext("/a/b/backup.tar.gz"), ("/a/b/".into(), "gz".into()));
    }

    #[test]
    fn siblings_of_versioned_prefixes() {
        let mut inv = Inventory::default();
        inv.endpoints.push(Endpoint::discovered("GET", "/api/v1/books"));
        inv.endpoints.push(Endpoint::discovered("GET", "/api/v1/books/{id}"));
        let s = spec_siblings(&inv, "");
        for want in ["/api/v1/admin", "/api/v1/internal", "/api/v0/books", "/api/v2/books", "/api/beta/books"] {
            assert!(s.contains(&want.to_string()), "{want} in {s:?}");
        }
        assert!(spec_siblings(&Inventory::default(), "").is_empty());
    }

    #[test]
    fn budgets() {
        assert_eq!(DiscoveryProfile::Off.request_budget(), 0);
        assert!(DiscoveryProfile::Standard.request_budget() <= 400);
        assert_eq!(DiscoveryProfile::parse("Quick"), Some(DiscoveryProfile::Quick));
        assert_eq!(DiscoveryProfile::parse("lots"), None);
    }
}
