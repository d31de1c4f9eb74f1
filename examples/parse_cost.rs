use std::time::Instant;
fn main() {
    let mut html = String::from("<html><head><title>page 1</title></head><body>");
    for k in 0..20 {
        html.push_str(&format!("<a href=\"/p/{k}\">p{k}</a> "));
    }
    html.push_str("</body></html>");
    let u = url::Url::parse("http://bench.test:1/p/1").unwrap();
    let t = Instant::now();
    for _ in 0..10000 {
        let c = cookiescan::crawl::extract(&html, &u);
        assert_eq!(c.links.len(), 20);
    }
    println!("extract: {:?} per page", t.elapsed() / 10000);
    let t = Instant::now();
    for k in 0..200000 {
        let _ = u.join(&format!("/p/{k}")).unwrap();
    }
    println!("join: {:?}", t.elapsed() / 200000);
}
