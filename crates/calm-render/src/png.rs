//! PNG from our SVG with resvg, using only the embedded DejaVu Sans (no system fonts), so the
//! pixels are the same on every machine.

use crate::RenderError;
use crate::text::{FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_REGULAR.to_vec());
        db.load_font_data(FONT_BOLD.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Largest PNG side we produce (pixels); larger drawings are scaled down to fit.
pub const MAX_SIDE: f32 = 16_000.0;

pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let opt = usvg::Options {
        fontdb: fontdb(),
        font_family: FONT_FAMILY.to_string(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| RenderError::Png(e.to_string()))?;
    let size = tree.size();
    let scale = scale
        .min(MAX_SIDE / size.width())
        .min(MAX_SIDE / size.height())
        .max(0.01);
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| RenderError::Png(format!("cannot allocate a {w}x{h} image")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
