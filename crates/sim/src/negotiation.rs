//! Which of an endpoint's representations a request gets, the way DHIS2's Spring MVC picks a
//! handler by `produces`: the `Accept` header decides, and a request without one (or with only
//! `*/*`) counts as asking for JSON — DHIS2's content negotiation falls back to a fixed
//! `application/json` in every version 2.30 … 2.42.

/// One media range of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    kind: String,
    subtype: String,
    quality: f32,
}

impl MediaRange {
    fn parse(text: &str) -> Option<MediaRange> {
        let mut parts = text.split(';');
        let (kind, subtype) = parts.next()?.trim().split_once('/')?;
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        Some(MediaRange {
            kind: kind.trim().to_ascii_lowercase(),
            subtype: subtype.trim().to_ascii_lowercase(),
            quality,
        })
    }

    fn is_all(&self) -> bool {
        self.kind == "*" && self.subtype == "*"
    }

    /// How specific the range is: `*/*` < `image/*` < `image/png`.
    fn specificity(&self) -> u8 {
        u8::from(self.kind != "*") + u8::from(self.subtype != "*")
    }

    fn equals(&self, kind: &str, subtype: &str) -> bool {
        self.kind == kind && self.subtype == subtype
    }

    /// True when this range covers `kind/subtype` (wildcards in this range only).
    fn includes(&self, kind: &str, subtype: &str) -> bool {
        self.kind == "*" || (self.kind == kind && (self.subtype == "*" || self.subtype == subtype))
    }
}

/// The media ranges a request accepts, best first (quality, then specificity); JSON when the
/// header is missing, unreadable or only `*/*`.
fn accepted(accept: Option<&str>) -> Vec<MediaRange> {
    let mut ranges: Vec<MediaRange> = accept
        .unwrap_or_default()
        .split(',')
        .filter_map(MediaRange::parse)
        .collect();
    if ranges.is_empty() || ranges.iter().all(MediaRange::is_all) {
        return vec![MediaRange {
            kind: "application".into(),
            subtype: "json".into(),
            quality: 1.0,
        }];
    }
    // Stable: ranges of equal rank keep the client's order.
    ranges.sort_by(|a, b| {
        b.quality
            .total_cmp(&a.quality)
            .then(b.specificity().cmp(&a.specificity()))
    });
    ranges
}

/// The index of the representation (`"application/json"`, `"text/plain"`, or `"*/*"` for a
/// handler that declares no type) the request gets, or `None` when it accepts none of them —
/// DHIS2 then answers 406. Ties go to the earlier entry of `offered`.
pub fn choose(accept: Option<&str>, offered: &[&str]) -> Option<usize> {
    let offered: Vec<(&str, &str)> = offered
        .iter()
        .filter_map(|media| media.split_once('/'))
        .collect();
    accepted(accept).iter().find_map(|range| {
        offered
            .iter()
            .position(|(kind, subtype)| range.equals(kind, subtype))
            .or_else(|| {
                offered
                    .iter()
                    .position(|(kind, subtype)| range.includes(kind, subtype))
            })
    })
}

/// True when a request for a resource with a JSON and an untyped handler gets the JSON one.
pub fn prefers_json(accept: Option<&str>) -> bool {
    choose(accept, &["application/json", "*/*"]) == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_IMAGE: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    const CHROME_PAGE: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,\
        image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    #[test]
    fn json_is_the_default_and_browsers_get_the_untyped_handler() {
        assert!(prefers_json(None));
        assert!(prefers_json(Some("*/*")));
        assert!(prefers_json(Some("application/json")));
        assert!(prefers_json(Some("application/*")));
        assert!(!prefers_json(Some(CHROME_IMAGE)));
        assert!(!prefers_json(Some(CHROME_PAGE)));
    }

    #[test]
    fn text_or_json_or_nothing() {
        let offered = ["text/plain", "application/json"];
        assert_eq!(choose(Some("text/plain"), &offered), Some(0));
        assert_eq!(choose(None, &offered), Some(1));
        assert_eq!(choose(Some("application/json"), &["text/plain"]), None);
        assert_eq!(choose(Some("image/png"), &offered), None);
    }
}
