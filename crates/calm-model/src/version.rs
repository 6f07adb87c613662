//! Which CALM release a document says it follows.

/// A CALM release, read from a `$schema` URL such as `https://calm.finos.org/release/1.2/meta/calm.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CalmVersion {
    V1_0Rc1,
    V1_0Rc2,
    V1_0,
    V1_1,
    V1_2,
    Draft2025_03,
    Draft2026_03,
}

impl CalmVersion {
    /// The newest release, used when a document has no `$schema` (as the reference CLI does).
    pub const LATEST: CalmVersion = CalmVersion::V1_2;

    pub fn from_schema_url(url: &str) -> Option<CalmVersion> {
        let rest = url.split("calm.finos.org/").nth(1)?;
        let mut parts = rest.split('/');
        let channel = parts.next()?;
        let v = parts.next()?;
        Some(match (channel, v) {
            ("release", "1.0-rc1") => CalmVersion::V1_0Rc1,
            ("release", "1.0-rc2") => CalmVersion::V1_0Rc2,
            ("release", "1.0") => CalmVersion::V1_0,
            ("release", "1.1") => CalmVersion::V1_1,
            ("release", "1.2") => CalmVersion::V1_2,
            ("draft", "2025-03") => CalmVersion::Draft2025_03,
            ("draft", "2026-03") => CalmVersion::Draft2026_03,
            _ => return None,
        })
    }

    /// Path segment as used in `$id` URLs, e.g. `release/1.2`.
    pub fn path(self) -> &'static str {
        match self {
            CalmVersion::V1_0Rc1 => "release/1.0-rc1",
            CalmVersion::V1_0Rc2 => "release/1.0-rc2",
            CalmVersion::V1_0 => "release/1.0",
            CalmVersion::V1_1 => "release/1.1",
            CalmVersion::V1_2 => "release/1.2",
            CalmVersion::Draft2025_03 => "draft/2025-03",
            CalmVersion::Draft2026_03 => "draft/2026-03",
        }
    }

    pub fn label(self) -> &'static str {
        self.path().split('/').nth(1).unwrap_or("")
    }

    /// `https://calm.finos.org/<path>/meta/<file>`
    pub fn meta_url(self, file: &str) -> String {
        format!("https://calm.finos.org/{}/meta/{}", self.path(), file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn reads_schema_urls() {
        assert_eq!(
            CalmVersion::from_schema_url("https://calm.finos.org/release/1.2/meta/calm.json"),
            Some(CalmVersion::V1_2)
        );
        assert_eq!(
            CalmVersion::from_schema_url("https://example.com/x.json"),
            None
        );
        assert_eq!(
            CalmVersion::V1_1.meta_url("core.json"),
            "https://calm.finos.org/release/1.1/meta/core.json"
        );
    }
}
