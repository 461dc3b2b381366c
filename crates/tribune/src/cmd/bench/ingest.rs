//! `tribune bench ingest`: the real `tribune ingest` binary run over the
//! extraction pages, as files and as a WARC, once at 1x and once at Nx the
//! input (each copy made a distinct article under its own URL), with wall
//! time and peak memory of the process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use regex::bytes::Regex;

/// The options of `tribune bench ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// The larger scale: how many copies of every page.
    #[arg(long, default_value_t = 20)]
    copies: usize,
    /// Where to build the inputs and data directories (removed afterwards).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Which input forms to measure.
    #[arg(long, value_delimiter = ',', default_value = "files,warc")]
    forms: Vec<String>,
    /// Run `tribune ingest --no-enrich`: without the NLP stage.
    #[arg(long)]
    no_enrich: bool,
}

/// One page of the corpus, decompressed.
struct Page {
    name: String,
    html: Vec<u8>,
}

fn load(data: &Path) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    for path in super::page_paths(data)? {
        let html = crate::input::read_file(&path)?.bytes;
        // `<set>/html/<id>.html.gz` is named `<set>-<id>`.
        let set = path
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = path
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".html.gz").to_string())
            .unwrap_or_default();
        pages.push(Page {
            name: format!("{set}-{stem}"),
            html,
        });
    }
    if pages.is_empty() {
        bail!("no pages under {}", data.display());
    }
    Ok(pages)
}

/// Copy `copy` of a page: the same page, made a different article. Its
/// canonical URL is dropped (or every copy would be the first one) and its
/// paragraphs and sentences marked with the copy number (or every copy
/// would have the first one's content hash). Copy 0 is the page as it is.
fn variant(html: &[u8], copy: usize) -> Vec<u8> {
    if copy == 0 {
        return html.to_vec();
    }
    // Every way a page names its canonical URL, renamed out of sight.
    static CANONICAL: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"(?i)canonical|og:url|"url"|"@id""#).expect("valid regex")
    });
    static PARAGRAPH: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?i)<p(\s[^>]*)?>|[.!?。] ").expect("valid regex")
    });
    let html = CANONICAL.replace_all(html, |found: &regex::bytes::Captures<'_>| {
        let mut renamed = b"x-".to_vec();
        renamed.extend_from_slice(found[0].strip_prefix(b"\"").unwrap_or(&found[0]));
        if found[0].starts_with(b"\"") {
            renamed.insert(0, b'"');
        }
        renamed
    });
    let mark = format!("${{0}}[{copy}] ");
    PARAGRAPH.replace_all(&html, mark.as_bytes()).into_owned()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// A WARC response record as one gzip member, as in CC-NEWS.
fn warc_record(uri: &str, html: &[u8], n: usize) -> Result<Vec<u8>> {
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        html.len()
    )
    .into_bytes();
    http.extend_from_slice(html);
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2025-03-16T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    record.extend_from_slice(&http);
    record.extend_from_slice(b"\r\n\r\n");
    gzip(&record)
}

/// Writes the inputs for `copies` copies: a folder of `.html.gz` files and
/// a `.warc.gz`. Returns their paths.
fn build(pages: &[Page], copies: usize, dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let files = dir.join(format!("files-{copies}x"));
    let warc = dir.join(format!("corpus-{copies}x.warc.gz"));
    std::fs::create_dir_all(&files)?;
    let mut archive = std::io::BufWriter::new(std::fs::File::create(&warc)?);
    let mut n = 0;
    for copy in 0..copies {
        let folder = files.join(format!("copy{copy:02}"));
        std::fs::create_dir_all(&folder)?;
        for page in pages {
            let html = variant(&page.html, copy);
            let compressed = gzip(&html)?;
            std::fs::write(folder.join(format!("{}.html.gz", page.name)), &compressed)?;
            let uri = format!("https://copy{copy}.bench.invalid/{}", page.name);
            archive.write_all(&warc_record(&uri, &html, n)?)?;
            n += 1;
        }
    }
    archive.flush()?;
    Ok((files, warc))
}

/// What one run of `tribune ingest` did.
struct Run {
    inputs: usize,
    seconds: f64,
    peak_rss_mib: f64,
    /// Peak of the process's own (anonymous) memory: the heap, without
    /// the index and database files the kernel maps in and can drop.
    peak_anon_mib: f64,
    summary: String,
}

/// Runs the binary on `input` into a fresh data directory and measures it.
fn ingest(input: &Path, data_dir: &Path, inputs: usize, no_enrich: bool) -> Result<Run> {
    let _ = std::fs::remove_dir_all(data_dir);
    let exe = std::env::current_exe().context("cannot find the tribune binary")?;
    let start = Instant::now();
    let mut command = Command::new(exe);
    command.arg("ingest");
    if no_enrich {
        command.arg("--no-enrich");
    }
    let child = command
        .arg(input)
        .arg("--data-dir")
        .arg(data_dir)
        .env("TRIBUNE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start tribune ingest")?;
    let sampler = AnonSampler::start(child.id());
    let (status, peak) = wait_with_peak_rss(child.id())?;
    let peak_anon_kib = sampler.stop();
    let seconds = start.elapsed().as_secs_f64();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr {
        use std::io::Read;
        pipe.read_to_string(&mut stderr)?;
    }
    if status != 0 {
        bail!("tribune ingest exited with {status}: {stderr}");
    }
    let summary = stderr.lines().last().unwrap_or("").to_string();
    Ok(Run {
        inputs,
        seconds,
        peak_rss_mib: peak as f64 / 1024.0,
        peak_anon_mib: peak_anon_kib as f64 / 1024.0,
        summary,
    })
}

/// Samples a process's anonymous resident memory (`RssAnon` in
/// `/proc/PID/status`) every 20 ms, keeping the peak.
struct AnonSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl AnonSampler {
    fn start(pid: u32) -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(status) = std::fs::read_to_string(&path)
                    && let Some(kib) = status
                        .lines()
                        .find_map(|l| l.strip_prefix("RssAnon:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                {
                    peak = peak.max(kib);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        });
        AnonSampler { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// Waits for a child and returns its exit code and peak resident memory
/// (KiB), from the kernel's accounting of that one process.
#[cfg(unix)]
fn wait_with_peak_rss(pid: u32) -> Result<(i32, i64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data, and wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = i32::try_from(pid).context("pid out of range")?;
    // SAFETY: a valid pid of our child and valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss))
}

#[cfg(not(unix))]
fn wait_with_peak_rss(_pid: u32) -> Result<(i32, i64)> {
    bail!("peak memory is measured on Unix only")
}

pub fn run(args: IngestArgs) -> Result<()> {
    let pages = load(&args.data)?;
    let work = args.work_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tribune-bench-ingest-{}", std::process::id()))
    });
    std::fs::create_dir_all(&work)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{} pages ({:.0} MB of HTML), {threads} cores; each run is `tribune ingest` into a fresh data directory",
        pages.len(),
        pages.iter().map(|p| p.html.len()).sum::<usize>() as f64 / 1e6
    );
    println!(
        "{:<6} {:>5} {:>7} {:>8} {:>12} {:>9} {:>9}  summary",
        "form", "scale", "inputs", "seconds", "articles/s", "peak RSS", "peak heap"
    );
    let mut scales = vec![1];
    if args.copies > 4 {
        scales.push(args.copies / 4);
    }
    if args.copies > 1 {
        scales.push(args.copies);
    }
    for scale in scales {
        let (files, warc) = build(&pages, scale, &work)?;
        for form in &args.forms {
            let input = match form.as_str() {
                "files" => &files,
                "warc" => &warc,
                other => bail!("unknown form `{other}`; the forms are files and warc"),
            };
            let result = ingest(
                input,
                &work.join("data"),
                pages.len() * scale,
                args.no_enrich,
            )?;
            println!(
                "{:<6} {:>4}x {:>7} {:>8.1} {:>12.0} {:>5.0} MiB {:>5.0} MiB  {}",
                form,
                scale,
                result.inputs,
                result.seconds,
                result.inputs as f64 / result.seconds,
                result.peak_rss_mib,
                result.peak_anon_mib,
                result.summary
            );
        }
        std::fs::remove_dir_all(&files).ok();
        std::fs::remove_file(&warc).ok();
    }
    if args.work_dir.is_none() {
        std::fs::remove_dir_all(&work).ok();
    }
    Ok(())
}
