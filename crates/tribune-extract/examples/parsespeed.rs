use std::io::Read;
fn main() {
    let mut docs = vec![];
    for e in std::fs::read_dir(std::env::args().nth(1).unwrap()).unwrap() {
        let p = e.unwrap().path();
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        docs.push(s);
    }
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let t = std::time::Instant::now();
    let mut n = 0;
    for d in &docs {
        let doc = dom_query::Document::from(d.as_str());
        n += doc.select("p").length();
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "{} docs {} MB in {:.3}s = {:.0} pages/s {:.1} MB/s ({n})",
        docs.len(),
        bytes / 1000000,
        el,
        docs.len() as f64 / el,
        bytes as f64 / el / 1e6
    );
}
