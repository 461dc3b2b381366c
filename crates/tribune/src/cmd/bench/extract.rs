//! `tribune bench extract`: Tribune's extraction measured on the labelled
//! sets in `../shared/bench/extract`, beside a reference tool run on the same
//! pages in the same run, scored by the same code.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tribune_extract::score::{self, PrecisionRecall};
use tribune_model::{ContentKind, Document};

use crate::input;

/// The options of `tribune bench extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// Which sets to run.
    #[arg(long, value_delimiter = ',', default_value = "scrapinghub,wcxb")]
    sets: Vec<String>,
    /// Also run trafilatura through this Python (with trafilatura installed;
    /// `scripts/setup-reference.sh` makes one) and print it alongside.
    #[arg(long, value_name = "PYTHON")]
    reference: Option<PathBuf>,
    /// The runner script handed to the reference Python.
    #[arg(long, default_value = "scripts/trafilatura_ref.py")]
    reference_script: PathBuf,
    /// Write one JSON line per page with both tools' scores here.
    #[arg(long, value_name = "FILE")]
    pages: Option<PathBuf>,
}

/// One labelled page.
struct Page {
    set: &'static str,
    id: String,
    path: PathBuf,
    html: Vec<u8>,
    url: Option<String>,
    truth: Truth,
}

#[derive(Default)]
struct Truth {
    body: String,
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

/// What a tool predicted for one page.
#[derive(Debug, Default, Clone, Deserialize)]
struct Prediction {
    #[serde(default)]
    text: String,
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

fn load(data: &Path, sets: &[String]) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    for set in sets {
        match set.as_str() {
            "scrapinghub" => {
                let dir = data.join("scrapinghub");
                let truth_path = dir.join("ground-truth.json");
                let truth: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_slice(&std::fs::read(&truth_path).with_context(|| {
                        format!("cannot read {}; pass --data", truth_path.display())
                    })?)?;
                let mut ids: Vec<&String> = truth.keys().collect();
                ids.sort();
                for id in ids {
                    let path = dir.join("html").join(format!("{id}.html.gz"));
                    let html = input::read_file(&path)?.bytes;
                    let entry = &truth[id];
                    pages.push(Page {
                        set: "scrapinghub",
                        id: id.clone(),
                        path,
                        html,
                        url: entry["url"].as_str().map(str::to_string),
                        truth: Truth {
                            body: entry["articleBody"].as_str().unwrap_or("").to_string(),
                            ..Truth::default()
                        },
                    });
                }
            }
            "wcxb" => {
                let dir = data.join("wcxb");
                let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("ground-truth"))
                    .with_context(|| format!("cannot list {}; pass --data", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .collect();
                files.sort();
                for file in files {
                    let value: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(&file)?)
                            .with_context(|| format!("{} is not JSON", file.display()))?;
                    let id = file
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let path = dir.join("html").join(format!("{id}.html.gz"));
                    let html = input::read_file(&path)?.bytes;
                    let g = &value["ground_truth"];
                    let text = |v: &serde_json::Value| {
                        v.as_str()
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                    };
                    pages.push(Page {
                        set: "wcxb",
                        id,
                        path,
                        html,
                        url: value["url"].as_str().map(str::to_string),
                        truth: Truth {
                            body: g["main_content"].as_str().unwrap_or("").to_string(),
                            title: text(&g["title"]),
                            author: text(&g["author"]),
                            date: text(&g["publish_date"]).map(|d| d.chars().take(10).collect()),
                        },
                    });
                }
            }
            other => bail!("unknown set `{other}`; the sets are scrapinghub and wcxb"),
        }
    }
    Ok(pages)
}

fn tribune_predict(page: &Page) -> Prediction {
    let mut doc = Document::new(page.html.clone()).with_kind(ContentKind::Html);
    doc.url = page.url.clone();
    match tribune_extract::extract(&doc) {
        Ok(article) => Prediction {
            text: article.text,
            title: article.title,
            author: (!article.authors.is_empty()).then(|| article.authors.join(", ")),
            date: article.published.map(|d| d.to_string()),
        },
        Err(_) => Prediction::default(),
    }
}

/// Scores of one tool on one set.
#[derive(Default, Serialize, Clone, Copy)]
struct SetScore {
    pages: usize,
    precision: f64,
    recall: f64,
    f1_of_means: f64,
    mean_f1: f64,
    title: usize,
    author: usize,
    date: usize,
    date_without_truth: usize,
}

fn body_score(page: &Page, predicted: &str) -> PrecisionRecall {
    match page.set {
        "scrapinghub" => score::shingle_score(predicted, &page.truth.body),
        _ => score::word_score(predicted, &page.truth.body),
    }
}

fn score_set(pages: &[&Page], predictions: &[&Prediction]) -> SetScore {
    let mut s = SetScore {
        pages: pages.len(),
        ..SetScore::default()
    };
    let mut f1_sum = 0.0;
    for (page, prediction) in pages.iter().zip(predictions) {
        let pr = body_score(page, &prediction.text);
        s.precision += pr.precision;
        s.recall += pr.recall;
        f1_sum += pr.f1();
        let field =
            |p: &Option<String>, t: &Option<String>, same: fn(&str, &str) -> bool| match (p, t) {
                (None, None) => true,
                (Some(p), Some(t)) => same(p, t),
                _ => false,
            };
        s.title += usize::from(field(
            &prediction.title,
            &page.truth.title,
            score::same_field,
        ));
        s.author += usize::from(field(
            &prediction.author,
            &page.truth.author,
            score::same_authors,
        ));
        let date = prediction
            .date
            .as_ref()
            .map(|d| d.chars().take(10).collect::<String>());
        s.date += usize::from(field(&date, &page.truth.date, score::same_field));
        s.date_without_truth += usize::from(date.is_some() && page.truth.date.is_none());
    }
    let n = pages.len().max(1) as f64;
    s.precision /= n;
    s.recall /= n;
    s.f1_of_means = score::f1(s.precision, s.recall);
    s.mean_f1 = f1_sum / n;
    s
}

pub fn run(args: ExtractArgs) -> Result<()> {
    let pages = load(&args.data, &args.sets)?;
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    eprintln!(
        "loaded {} pages ({:.1} MB)",
        pages.len(),
        bytes as f64 / 1e6
    );

    // Speed: one core, then every core.
    let start = Instant::now();
    let ours: Vec<Prediction> = pages.iter().map(tribune_predict).collect();
    let one_core = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let parallel: Vec<Prediction> = pages.par_iter().map(tribune_predict).collect();
    let all_cores = start.elapsed().as_secs_f64();
    drop(parallel);

    let reference = match &args.reference {
        Some(python) => Some(run_reference(python, &args.reference_script, &pages)?),
        None => None,
    };

    println!(
        "tribune bench extract — {} pages, {:.1} MB, {} cores",
        pages.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    println!();
    println!(
        "{:<12} {:<11} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7} {:>7} {:>9}",
        "set",
        "tool",
        "pages",
        "prec",
        "recall",
        "F1",
        "meanF1",
        "title",
        "author",
        "date",
        "date∅"
    );
    let mut per_page = Vec::new();
    for set in ["scrapinghub", "wcxb"] {
        let idx: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].set == set).collect();
        if idx.is_empty() {
            continue;
        }
        let set_pages: Vec<&Page> = idx.iter().map(|&i| &pages[i]).collect();
        let mut rows = vec![(
            "tribune",
            score_set(
                &set_pages,
                &idx.iter().map(|&i| &ours[i]).collect::<Vec<_>>(),
            ),
        )];
        if let Some((preds, _, _)) = &reference {
            rows.push((
                "trafilatura",
                score_set(
                    &set_pages,
                    &idx.iter().map(|&i| &preds[i]).collect::<Vec<_>>(),
                ),
            ));
        }
        for (tool, s) in rows {
            let meta = |n: usize| {
                if set == "wcxb" {
                    format!("{:.3}", n as f64 / s.pages as f64)
                } else {
                    "-".into()
                }
            };
            println!(
                "{:<12} {:<11} {:>6} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>7} {:>7} {:>7} {:>9}",
                set,
                tool,
                s.pages,
                s.precision,
                s.recall,
                s.f1_of_means,
                s.mean_f1,
                meta(s.title),
                meta(s.author),
                meta(s.date),
                if set == "wcxb" {
                    s.date_without_truth.to_string()
                } else {
                    "-".into()
                }
            );
        }
        for &i in &idx {
            let page = &pages[i];
            let ours_pr = body_score(page, &ours[i].text);
            let theirs = reference
                .as_ref()
                .map(|(preds, _, _)| body_score(page, &preds[i].text));
            per_page.push(serde_json::json!({
                "set": set, "id": page.id,
                "tribune": {"precision": ours_pr.precision, "recall": ours_pr.recall, "f1": ours_pr.f1(),
                            "title": ours[i].title, "author": ours[i].author, "date": ours[i].date},
                "reference": theirs.map(|t| serde_json::json!({"precision": t.precision, "recall": t.recall, "f1": t.f1(),
                    "title": reference.as_ref().and_then(|r| r.0[i].title.clone()),
                    "author": reference.as_ref().and_then(|r| r.0[i].author.clone()),
                    "date": reference.as_ref().and_then(|r| r.0[i].date.clone())})),
                "truth": {"title": page.truth.title, "author": page.truth.author, "date": page.truth.date},
            }));
        }
    }
    println!();
    println!(
        "F1 = F1 of mean precision and mean recall (scrapinghub's definition); meanF1 = mean of per-page F1 (WCXB's)."
    );
    println!(
        "title/author/date: share of pages where the field matches the truth (both empty counts); date∅: dates given where the truth has none."
    );
    println!();
    let n = pages.len() as f64;
    println!(
        "speed     tribune 1 core: {:>8.1} pages/s ({:.2} s)",
        n / one_core,
        one_core
    );
    println!(
        "          tribune {} cores: {:>7.1} pages/s ({:.2} s)",
        rayon::current_num_threads(),
        n / all_cores,
        all_cores
    );
    if let Some((_, wall, inner)) = &reference {
        println!(
            "          trafilatura 1 process: {:.1} pages/s wall ({:.2} s), {:.1} pages/s inside extraction",
            n / wall,
            wall,
            n / inner
        );
        println!(
            "          ratio (tribune all cores / trafilatura wall): {:.1}×; per core: {:.1}×",
            wall / all_cores,
            wall / one_core
        );
    }
    if let Some(path) = &args.pages {
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        for row in per_page {
            serde_json::to_writer(&mut file, &row)?;
            writeln!(file)?;
        }
    }
    Ok(())
}

/// Runs the reference tool over every page in one process; returns its
/// predictions, its wall time, and the time it reports inside extraction.
fn run_reference(
    python: &Path,
    script: &Path,
    pages: &[Page],
) -> Result<(Vec<Prediction>, f64, f64)> {
    #[derive(Deserialize)]
    struct Line {
        #[serde(flatten)]
        prediction: Prediction,
        #[serde(default)]
        seconds: f64,
    }
    let start = Instant::now();
    let mut child = Command::new(python)
        .arg(script)
        .args(pages.iter().map(|p| &p.path))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| {
            format!(
                "cannot run {} {}; run scripts/setup-reference.sh first",
                python.display(),
                script.display()
            )
        })?;
    let stdout = child
        .stdout
        .take()
        .context("no stdout from the reference")?;
    let mut predictions = Vec::with_capacity(pages.len());
    let mut inner = 0.0;
    for line in BufReader::new(stdout).lines() {
        let line: Line = serde_json::from_str(&line?)
            .context("the reference printed a line that is not JSON")?;
        inner += line.seconds;
        predictions.push(line.prediction);
    }
    let status = child.wait()?;
    let wall = start.elapsed().as_secs_f64();
    if !status.success() || predictions.len() != pages.len() {
        bail!(
            "the reference exited with {status} after {} of {} pages",
            predictions.len(),
            pages.len()
        );
    }
    Ok((predictions, wall, inner))
}
