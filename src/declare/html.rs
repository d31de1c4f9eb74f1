//! The declaration as HTML: a fragment to embed in a cookie policy page, and a full page.
//! Semantic and accessible (one `<table>` per category with its `<caption>`, `<th scope>`),
//! no script, no external resource; the `cookiescan-*` classes are documented in the README
//! for styling. Everything a website chose is escaped.

use std::fmt::Write;

use super::{Declaration, DeclareError, Item, Renderer};

pub struct HtmlFragmentRenderer;
pub struct HtmlPageRenderer;

impl Renderer for HtmlFragmentRenderer {
    fn render(&self, d: &Declaration) -> Result<Vec<u8>, DeclareError> {
        Ok(fragment(d).into_bytes())
    }
}

/// Plain, print-friendly styles for the full page; the fragment carries none, so it takes
/// the host page's.
const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;line-height:1.45;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}\
table{border-collapse:collapse;width:100%;margin:0 0 2rem}\
caption{text-align:left;font-weight:700;font-size:1.15rem;padding:.5rem 0}\
th,td{border:1px solid #c8c8c8;padding:.35rem .5rem;text-align:left;vertical-align:top}\
thead th{background:#f0f0f0}\
.cookiescan-fallback{color:#595959;font-style:italic}\
@media print{table{page-break-inside:auto}tr{page-break-inside:avoid}}";

impl Renderer for HtmlPageRenderer {
    fn render(&self, d: &Declaration) -> Result<Vec<u8>, DeclareError> {
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} – {}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
            d.lang.code(),
            esc(&d.words.title),
            esc(&d.site),
            fragment(d)
        );
        Ok(s.into_bytes())
    }
}

fn fragment(d: &Declaration) -> String {
    let w = &d.words;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<section class=\"cookiescan-declaration\" lang=\"{}\">",
        d.lang.code()
    );
    let _ = writeln!(s, "<h2 class=\"cookiescan-title\">{}</h2>", esc(&w.title));
    let _ = writeln!(s, "<p class=\"cookiescan-intro\">{}</p>", esc(&w.intro));
    match &d.consent_manager {
        Some(m) => {
            let _ = writeln!(
                s,
                "<p class=\"cookiescan-consent-manager\">{}{}<strong>{}</strong></p>",
                esc(&w.consent_manager),
                esc(&w.colon),
                esc(m)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "<p class=\"cookiescan-consent-manager\">{}</p>",
                esc(&w.no_consent_manager)
            );
        }
    }
    for sec in &d.sections {
        let _ = writeln!(
            s,
            "<table class=\"cookiescan-table cookiescan-category-{}\">\n<caption>{}</caption>",
            sec.category.as_str(),
            esc(&sec.title)
        );
        s.push_str("<thead>\n<tr>");
        for h in w.columns.in_order() {
            let _ = write!(s, "<th scope=\"col\">{}</th>", esc(h));
        }
        s.push_str("</tr>\n</thead>\n<tbody>\n");
        for item in &sec.items {
            row(&mut s, d, item);
        }
        s.push_str("</tbody>\n</table>\n");
    }
    let generated = w
        .generated
        .replace("{site}", &d.site)
        .replace("{date}", &d.scanned);
    let _ = writeln!(
        s,
        "<p class=\"cookiescan-generated\">{}</p>",
        esc(&generated)
    );
    s.push_str("</section>\n");
    s
}

fn row(s: &mut String, d: &Declaration, i: &Item) {
    let w = &d.words;
    let _ = write!(
        s,
        "<tr class=\"cookiescan-{}\"><th scope=\"row\" class=\"cookiescan-name\"><code>{}</code></th>",
        if i.party == crate::observe::Party::First {
            "first-party"
        } else {
            "third-party"
        },
        esc(&i.name)
    );
    let provider = i.provider.as_deref().unwrap_or(&w.unknown);
    let _ = write!(
        s,
        "<td class=\"cookiescan-provider\">{}</td>",
        esc(provider)
    );
    match (&i.purpose, &i.purpose_lang) {
        (Some(p), Some(lang)) if i.purpose_fallback => {
            let _ = write!(
                s,
                "<td class=\"cookiescan-purpose\"><span lang=\"{}\">{}</span> <span class=\"cookiescan-fallback\">{}</span></td>",
                esc(lang),
                esc(p),
                esc(&w.fallback)
            );
        }
        (Some(p), _) => {
            let _ = write!(s, "<td class=\"cookiescan-purpose\">{}</td>", esc(p));
        }
        (None, _) => {
            let _ = write!(
                s,
                "<td class=\"cookiescan-purpose\">{}</td>",
                esc(&w.unknown)
            );
        }
    }
    let _ = writeln!(
        s,
        "<td class=\"cookiescan-lifetime\">{}</td><td class=\"cookiescan-type\">{}</td>\
         <td class=\"cookiescan-domain\">{}</td><td class=\"cookiescan-party\">{}</td></tr>",
        esc(&i.lifetime),
        esc(&i.type_label),
        esc(&i.domain),
        esc(&i.party_label)
    );
}

/// Text and attribute values made inert.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn site_text_cannot_open_a_tag_or_leave_an_attribute() {
        assert_eq!(
            esc("<script>\"x\"&'y'"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;"
        );
    }
}
