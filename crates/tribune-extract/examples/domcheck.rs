use std::io::Read;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let needle = std::env::args().nth(2).unwrap();
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    let doc = dom_query::Document::from(s.as_str());
    let body = doc.select("body");
    println!("body text has needle: {}", body.text().contains(&needle));
    for n in doc.select("*").nodes() {
        if n.immediate_text().contains(&needle) {
            let mut a = n.parent();
            while let Some(x) = a {
                println!(
                    "  < {:?} {:?}",
                    x.node_name(),
                    x.attr("class")
                        .map(|c| c.chars().take(50).collect::<String>())
                );
                a = x.parent();
            }
            break;
        }
    }
}
