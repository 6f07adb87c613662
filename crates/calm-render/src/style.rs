//! Colours per theme, node type, severity and change kind.

use crate::graph::Shape;
use calm_analysis::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub subtext: &'static str,
    pub edge: &'static str,
    pub label_bg: &'static str,
    pub flow: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub changed: &'static str,
    pub panel: &'static str,
    pub panel_border: &'static str,
}

pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            background: "#ffffff",
            text: "#1f2328",
            subtext: "#57606a",
            edge: "#57606a",
            label_bg: "#ffffff",
            flow: "#7c3aed",
            added: "#16a34a",
            removed: "#dc2626",
            changed: "#d97706",
            panel: "#f6f8fa",
            panel_border: "#d0d7de",
        },
        Theme::Dark => Palette {
            background: "#1e1f22",
            text: "#e6edf3",
            subtext: "#9da7b3",
            edge: "#9da7b3",
            label_bg: "#1e1f22",
            flow: "#c084fc",
            added: "#4ade80",
            removed: "#f87171",
            changed: "#fbbf24",
            panel: "#2b2d31",
            panel_border: "#4b5058",
        },
    }
}

/// (fill, stroke) of a node of this shape.
pub fn node_colors(theme: Theme, shape: Shape) -> (&'static str, &'static str) {
    let light = theme == Theme::Light;
    match shape {
        Shape::Actor => {
            if light {
                ("#dbeafe", "#1d4ed8")
            } else {
                ("#1e3a5f", "#60a5fa")
            }
        }
        Shape::Service => {
            if light {
                ("#dcfce7", "#15803d")
            } else {
                ("#14532d", "#4ade80")
            }
        }
        Shape::Database => {
            if light {
                ("#ffedd5", "#c2410c")
            } else {
                ("#7c2d12", "#fb923c")
            }
        }
        Shape::Webclient => {
            if light {
                ("#cffafe", "#0e7490")
            } else {
                ("#164e63", "#22d3ee")
            }
        }
        Shape::Queue => {
            if light {
                ("#fce7f3", "#be185d")
            } else {
                ("#831843", "#f472b6")
            }
        }
        Shape::System => {
            if light {
                ("#ede9fe", "#6d28d9")
            } else {
                ("#3b0764", "#a78bfa")
            }
        }
        Shape::Network => {
            if light {
                ("#e2e8f0", "#475569")
            } else {
                ("#334155", "#94a3b8")
            }
        }
        Shape::Ldap => {
            if light {
                ("#fef9c3", "#a16207")
            } else {
                ("#713f12", "#facc15")
            }
        }
        Shape::DataAsset => {
            if light {
                ("#f5e6d3", "#7c4a1e")
            } else {
                ("#5c3a1e", "#d6a06b")
            }
        }
        Shape::Ecosystem => {
            if light {
                ("#ecfccb", "#4d7c0f")
            } else {
                ("#365314", "#a3e635")
            }
        }
        Shape::Other => {
            if light {
                ("#f3f4f6", "#4b5563")
            } else {
                ("#374151", "#9ca3af")
            }
        }
    }
}

pub fn severity_color(theme: Theme, s: Severity) -> &'static str {
    let light = theme == Theme::Light;
    match s {
        Severity::Critical => {
            if light {
                "#b91c1c"
            } else {
                "#f87171"
            }
        }
        Severity::High => {
            if light {
                "#ea580c"
            } else {
                "#fb923c"
            }
        }
        Severity::Medium => {
            if light {
                "#ca8a04"
            } else {
                "#facc15"
            }
        }
        Severity::Low => {
            if light {
                "#2563eb"
            } else {
                "#60a5fa"
            }
        }
        Severity::Info => {
            if light {
                "#64748b"
            } else {
                "#94a3b8"
            }
        }
    }
}
