//! Which URLs a dataset may cite, and the tier a source gets from its kind and its domain.
//!
//! A link in a report must be safe to click and lead to the original publication. The rules
//! refuse what cannot be: other schemes, raw IP addresses, ports, trailing dots, credentials,
//! tracking parameters, hosts the domain table blocks (mirrors, proxies, look-alikes), hosts one
//! or two letters away from a known publisher's domain (one letter off a name of five letters or
//! more, two off one of nine or more) or the same name on another top-level domain, and
//! subdomains of free hosting services that the table does not name.

use crate::model::{Domain, Tier};

/// Free hosting and CDN suffixes, where anyone gets a subdomain in a minute: a host under one of
/// them is accepted only when the domain table names it.
const FREE_HOSTING: &[&str] = &[
    "azureedge.net",
    "blogspot.com",
    "cloudfront.net",
    "eu.org",
    "firebaseapp.com",
    "github.io",
    "gitbook.io",
    "glitch.me",
    "herokuapp.com",
    "mintlify.app",
    "netlify.app",
    "notion.site",
    "pages.dev",
    "readthedocs-hosted.com",
    "substack.com",
    "us.kg",
    "vercel.app",
    "web.app",
    "workers.dev",
];

/// Query parameters that only track the reader.
const TRACKING: &[&str] = &["utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref_src"];

/// The host of an http(s) URL, lowercased, or why the URL cannot be cited.
pub fn host(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "only http and https URLs can be cited".to_string())?;
    if url.contains(char::is_whitespace) || url.chars().any(char::is_control) {
        return Err("the URL contains white space or control characters".into());
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err("the URL carries credentials (`user@`)".into());
    }
    if authority.starts_with('[') {
        return Err("the host is a raw IP address".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if port.is_some() {
        return Err("the URL names a port".into());
    }
    if host.is_empty() {
        return Err("the URL has no host".into());
    }
    if host.ends_with('.') {
        return Err("the host ends with a dot".into());
    }
    if host.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())) {
        return Err("the host is a raw IP address".into());
    }
    if !host.contains('.') {
        return Err("the host is not a public domain name".into());
    }
    let query = rest[end..].split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(""));
    if let Some(param) = query.into_iter().flat_map(|q| q.split('&')).find(|p| {
        let name = p.split('=').next().unwrap_or("").to_ascii_lowercase();
        TRACKING.iter().any(|t| if t.ends_with('_') { name.starts_with(t) } else { name == *t })
    }) {
        return Err(format!("the URL carries a tracking parameter (`{param}`): cite it without"));
    }
    Ok(host.to_ascii_lowercase())
}

fn under(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
}

/// The domain-table entry for `host`: the longest domain that is the host or a parent of it.
/// `domains` is sorted by domain.
pub fn lookup<'a>(domains: &'a [Domain], host: &str) -> Option<&'a Domain> {
    domains.iter().filter(|d| under(host, &d.domain)).max_by_key(|d| d.domain.len())
}

/// The registrable part of a host: its last two labels, or three under a two-letter country code
/// with a generic second level (`co.uk`, `com.cn`).
fn registrable(host: &str) -> &str {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let generic = ["co", "com", "org", "net", "ac", "gov", "edu", "or", "ne"];
    let keep = if n >= 3 && labels[n - 1].len() == 2 && generic.contains(&labels[n - 2]) { 3 } else { 2 };
    let skip: usize = labels[..n.saturating_sub(keep)].iter().map(|l| l.len() + 1).sum();
    &host[skip..]
}

/// Why `url` may not be cited, or `None` when it may. `domains` is the table from the schema.
pub fn refusal(url: &str, domains: &[Domain]) -> Option<String> {
    let host = match host(url) {
        Ok(h) => h,
        Err(why) => return Some(why),
    };
    if let Some(d) = lookup(domains, &host) {
        return (d.kind == Domain::BLOCKED).then(|| {
            let why = d.note.as_deref().unwrap_or("a mirror, proxy or look-alike");
            format!("`{}` is blocked: {why}", d.domain)
        });
    }
    if let Some(suffix) = FREE_HOSTING.iter().find(|s| under(&host, s) && host != **s) {
        return Some(format!(
            "`{host}` is a subdomain of the free hosting service `{suffix}` that the domain table does not name"
        ));
    }
    let mine = registrable(&host);
    let name = mine.split('.').next().unwrap_or("");
    for d in domains.iter().filter(|d| d.kind != Domain::BLOCKED) {
        let theirs = registrable(&d.domain);
        if theirs == mine {
            continue;
        }
        // One letter off a name of five or more, two off one of nine or more: short names sit
        // one or two letters from each other by chance.
        let distance = strsim::levenshtein(mine, theirs);
        let close = match distance {
            1 => name.len() >= 5,
            2 => name.len() >= 9,
            _ => false,
        };
        if close {
            let letters = if distance == 1 { "one letter" } else { "two letters" };
            return Some(format!("`{mine}` looks like `{theirs}` ({}) with {letters} changed", d.publisher));
        }
        if name.len() >= 4 && theirs.split('.').next() == Some(name) {
            return Some(format!("`{mine}` has the name of `{theirs}` ({}) on another domain", d.publisher));
        }
    }
    None
}

/// The tier of a source of kind tier `kind` at `url`: the kind's tier, capped by what the URL's
/// domain can host (weak for a domain the table does not know).
pub fn tier(kind: Tier, url: &str, domains: &[Domain]) -> Tier {
    let ceiling = host(url).ok().and_then(|h| lookup(domains, &h)).and_then(Domain::ceiling);
    kind.min(ceiling.unwrap_or(Tier::Weak))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Domain> {
        let d = |domain: &str, publisher: &str, kind: &str| Domain {
            domain: domain.into(),
            publisher: publisher.into(),
            kind: kind.into(),
            note: None,
        };
        vec![
            d("coinmarketcap.com", "CoinMarketCap", "aggregator"),
            d("elizaos.github.io", "elizaOS", "official-docs"),
            d("git.luolix.top", "", "blocked"),
            d("nvidia.com", "NVIDIA", "press-release"),
            d("reuters.com", "Reuters", "news"),
            d("trendforce.com", "TrendForce", "research-firm"),
        ]
    }

    #[test]
    fn safe_urls_pass() {
        for url in [
            "https://www.trendforce.com/presscenter/news/20240520-12144.html",
            "https://nvidianews.nvidia.com/news/x?id=3",
            "http://reuters.com/a#b",
            "https://elizaos.github.io/eliza/docs",
            "https://arxiv.org/abs/1706.03762",
            "https://apxml.com/courses/x",
        ] {
            assert_eq!(refusal(url, &table()), None, "{url}");
        }
    }

    #[test]
    fn hostile_urls_are_refused() {
        for (url, why) in [
            ("ftp://reuters.com/x", "only http"),
            ("javascript:alert(1)", "only http"),
            ("https://31.220.91.137/page", "raw IP"),
            ("https://[::1]/page", "raw IP"),
            ("https://reuters.com:8443/x", "port"),
            ("https://fudzilla.com./news", "ends with a dot"),
            ("https://user:pw@reuters.com/x", "credentials"),
            ("https://reuters.com/x?utm_source=feed", "tracking"),
            ("https://reuters.com/x?a=1&fbclid=abc", "tracking"),
            ("https://www.coinmarketcapa.com/currencies/x", "looks like `coinmarketcap.com`"),
            ("https://trendf0rce.com/x", "looks like `trendforce.com`"),
            ("https://coinmarketcapp.com/x", "looks like `coinmarketcap.com`"),
            ("https://www.trendforce.net/x", "another domain"),
            ("https://git.luolix.top/org/repo", "blocked"),
            ("https://hayrownvbommwpv.pages.dev/x", "free hosting"),
            ("https://cf-workers-proxy-cyt.pages.dev/x", "free hosting"),
            ("https://bbapi.viigoo.eu.org/x", "free hosting"),
            ("https://d33gy59ovltp76.cloudfront.net/x", "free hosting"),
            ("https://localhost/x", "not a public domain"),
            ("https://exa mple.com/x", "white space"),
        ] {
            let got = refusal(url, &table()).unwrap_or_default();
            assert!(got.contains(why), "{url}: {got:?} should mention {why:?}");
        }
    }

    #[test]
    fn tiers_are_capped_by_the_domain() {
        let t = table();
        assert_eq!(tier(Tier::Primary, "https://www.trendforce.com/x", &t), Tier::Primary);
        assert_eq!(tier(Tier::Primary, "https://www.reuters.com/x", &t), Tier::Secondary);
        assert_eq!(tier(Tier::Secondary, "https://nvidia.com/x", &t), Tier::Secondary);
        assert_eq!(tier(Tier::Primary, "https://unknown-blog.example/x", &t), Tier::Weak);
        assert_eq!(tier(Tier::Primary, "https://coinmarketcap.com/x", &t), Tier::Weak);
    }

    #[test]
    fn registrable_parts() {
        assert_eq!(registrable("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable("news.example.com"), "example.com");
        assert_eq!(registrable("example.com"), "example.com");
    }
}
