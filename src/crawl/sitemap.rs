//! `sitemap.xml` and sitemap indexes (quick-xml, streaming: a huge sitemap costs no more
//! memory than its URLs).

use quick_xml::events::Event;
use quick_xml::Reader;

/// The `<loc>`s of a sitemap: pages, and further sitemaps when it is an index.
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    pub pages: Vec<String>,
    pub sitemaps: Vec<String>,
}

/// Reads a sitemap or sitemap index; broken XML ends the read with what was found so far
/// and an error message.
pub fn parse(xml: &[u8], max_urls: usize) -> (Sitemap, Option<String>) {
    let mut reader = Reader::from_reader(xml);
    let mut out = Sitemap::default();
    let mut loc: Option<String> = None;
    let mut in_index_entry = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "loc" => loc = Some(String::new()),
                "sitemap" => in_index_entry = true,
                _ => {}
            },
            Ok(Event::Text(t)) => {
                if let Some(l) = loc.as_mut() {
                    l.push_str(t.as_ref());
                }
            }
            // Entities arrive as their own events: `a=1&amp;b=2` is Text, GeneralRef, Text.
            Ok(Event::GeneralRef(r)) => {
                if let Some(l) = loc.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => l.push(c),
                        _ => l.push_str(match r.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "loc" => {
                    if let Some(text) = loc.take() {
                        let text = text.trim().to_string();
                        if in_index_entry {
                            out.sitemaps.push(text);
                        } else {
                            out.pages.push(text);
                        }
                        if out.pages.len() + out.sitemaps.len() >= max_urls {
                            return (out, None);
                        }
                    }
                }
                "sitemap" => in_index_entry = false,
                _ => {}
            },
            Ok(Event::Eof) => return (out, None),
            Err(e) => {
                let at = reader.buffer_position();
                return (out, Some(format!("invalid XML at byte {at}: {e}")));
            }
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_urlset_and_index() {
        let urlset = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>http://a.test/x?a=1&amp;b=2</loc></url><url><loc> http://a.test/y </loc></url></urlset>"#;
        let (s, err) = parse(urlset, 100);
        assert_eq!(s.pages, vec!["http://a.test/x?a=1&b=2", "http://a.test/y"]);
        assert!(err.is_none());
        let index =
            br#"<sitemapindex><sitemap><loc>http://a.test/s1.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(parse(index, 100).0.sitemaps, vec!["http://a.test/s1.xml"]);
    }

    #[test]
    fn broken_xml_keeps_what_was_read() {
        let (s, err) = parse(
            b"<urlset><url><loc>http://a.test/</loc></url><url><loc>x</oops>",
            100,
        );
        assert_eq!(s.pages.first().map(String::as_str), Some("http://a.test/"));
        assert!(err.is_some());
    }
}
