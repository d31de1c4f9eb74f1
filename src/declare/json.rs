//! The declaration as data: what the other formats show, with machine-readable fields beside
//! the words (`expiry`, `type`, `party`, `category`).

use super::{Declaration, DeclareError, Renderer};

pub struct JsonRenderer;

impl Renderer for JsonRenderer {
    fn render(&self, d: &Declaration) -> Result<Vec<u8>, DeclareError> {
        let mut out = serde_json::to_vec_pretty(d).map_err(|e| DeclareError::Render {
            format: "json",
            detail: e.to_string(),
        })?;
        out.push(b'\n');
        Ok(out)
    }
}
