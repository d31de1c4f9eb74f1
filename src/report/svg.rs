//! The HTML report's chart: horizontal bars drawn as inline SVG, so it needs no script, prints,
//! and survives being mailed as an attachment.

use std::fmt::Write;

/// One bar: its label, count and fill colour.
pub struct Bar {
    pub label: String,
    pub count: usize,
    pub colour: &'static str,
}

/// Groups of bars ("By category", "By party") stacked vertically in one picture.
pub fn bar_chart(groups: &[(&str, Vec<Bar>)]) -> String {
    const WIDTH: usize = 560;
    const LABEL_W: usize = 120;
    const BAR_MAX: usize = 360;
    const ROW_H: usize = 22;
    const HEAD_H: usize = 26;
    let max = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.count))
        .max()
        .unwrap_or(0)
        .max(1);
    let height: usize = groups
        .iter()
        .map(|(_, bars)| HEAD_H + bars.len() * ROW_H + 8)
        .sum();
    let mut title = String::from("Cookies");
    for (name, bars) in groups {
        let parts: Vec<String> = bars
            .iter()
            .map(|b| format!("{} {}", b.count, b.label))
            .collect();
        let _ = write!(title, "; {}: {}", name.to_lowercase(), parts.join(", "));
    }
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(&title)
    );
    let mut y = 0;
    for (name, bars) in groups {
        y += HEAD_H;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" class="chart-head">{}</text>"#,
            y - 8,
            escape(name)
        );
        for b in bars {
            let w = if b.count == 0 {
                0
            } else {
                (b.count * BAR_MAX / max).max(2)
            };
            let _ = write!(
                svg,
                r#"<text x="0" y="{ty}" class="chart-label">{label}</text><rect x="{LABEL_W}" y="{y}" width="{w}" height="{h}" rx="2" fill="{c}"/><text x="{nx}" y="{ty}" class="chart-count">{n}</text>"#,
                ty = y + 15,
                label = escape(&b.label),
                h = ROW_H - 6,
                c = b.colour,
                nx = LABEL_W + w + 6,
                n = b.count,
            );
            y += ROW_H;
        }
        y += 8;
    }
    svg.push_str("</svg>");
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        let svg = bar_chart(&[(
            "By party",
            vec![
                Bar {
                    label: "first-party".into(),
                    count: 8,
                    colour: "#000",
                },
                Bar {
                    label: "third-party".into(),
                    count: 2,
                    colour: "#000",
                },
            ],
        )]);
        assert!(svg.contains(r#"width="360""#) && svg.contains(r#"width="90""#));
        assert!(svg.contains("8 first-party, 2 third-party"));
    }
}
