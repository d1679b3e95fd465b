#[test]
fn kwcount() {
    let mut kws: Vec<String> = Vec::new();
    for (_, text) in palisade_detect::Detector::builtin_sources() {
        let v: serde_json::Value = serde_saphyr::from_str(text).unwrap();
        for r in v["rules"].as_array().unwrap() {
            for k in r["keywords"].as_array().unwrap() {
                let k = k.as_str().unwrap().to_ascii_lowercase();
                if !kws.contains(&k) { kws.push(k); }
            }
        }
    }
    let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(&kws).unwrap();
    let corpus = palisade_detect::synthetic_corpus(8 << 20, 1);
    let mut counts = vec![0usize; kws.len()];
    for m in ac.find_overlapping_iter(&corpus) { counts[m.pattern().as_usize()] += 1; }
    let mut v: Vec<_> = kws.iter().zip(counts).collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for (k, c) in v.iter().take(20) { println!("{c:8} {k}"); }
}
