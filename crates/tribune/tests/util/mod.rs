//! Helpers for the end-to-end tests: a scratch directory and a way to run
//! the real `tribune` binary and look at what it printed.
//!
//! Each test file includes this module with `mod util;`, so not every
//! helper is used by every file.
#![allow(dead_code)]

pub mod server;

use std::ffi::OsStr;
use std::fmt::Display;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `tribune` binary Cargo built for these tests.
pub const TRIBUNE: &str = env!("CARGO_BIN_EXE_tribune");

/// How long one run may take before the test calls it a hang and kills it.
pub const HANG: Duration = Duration::from_secs(120);

/// A directory under the system's temporary directory, unique to one test,
/// removed (with everything in it) when dropped.
pub struct TestDir {
    root: PathBuf,
}

impl TestDir {
    /// A new, empty directory whose name says which test made it.
    pub fn new(name: &str) -> TestDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "tribune-test-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let root = std::env::temp_dir().join(unique);
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("cannot clear an old test directory");
        }
        std::fs::create_dir_all(&root).expect("cannot create the test directory");
        TestDir { root }
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The path of `name` inside the directory (not created).
    pub fn join(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Writes `contents` to `name` (creating parent directories) and
    /// returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("cannot create a directory");
        }
        std::fs::write(&path, contents).expect("cannot write a test file");
        path
    }

    /// Writes `contents` gzipped to `name` and returns its path.
    pub fn write_gz(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        self.write(name, gzip(contents.as_ref()))
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// `bytes`, gzipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; `None` if the process was killed by a signal (a
    /// crash), which tests treat as a failure.
    pub code: Option<i32>,
    pub elapsed: Duration,
}

impl Output {
    /// The stdout's lines parsed as JSON, one value per line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|err| panic!("not a JSON line ({err}): {line}\n{self:#?}"))
            })
            .collect()
    }

    /// The only JSON line on stdout.
    pub fn json(&self) -> serde_json::Value {
        let mut lines = self.json_lines();
        assert_eq!(lines.len(), 1, "expected one JSON line: {self:#?}");
        lines.remove(0)
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit: {self:#?}");
        self
    }
}

/// Runs `tribune` with `args` and no standard input.
pub fn tribune<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(args, None)
}

/// Runs `tribune` with `args`, feeding `stdin` to it.
pub fn tribune_with_stdin<I, S>(args: I, stdin: &[u8]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(args, Some(stdin))
}

fn run<I, S>(args: I, stdin: Option<&[u8]>) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let started = Instant::now();
    let mut command = Command::new(TRIBUNE);
    command
        .args(args)
        // The tests read warnings from the JSON, not from the log.
        .env("TRIBUNE_LOG", "error")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("cannot start the tribune binary");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // Write from a thread so a child that does not read cannot block us.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let stdout = read_in_background(child.stdout.take().expect("stdout is piped"));
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));
    let Some(status) = wait_exit(&mut child, HANG) else {
        panic!("tribune ran for more than {HANG:?} and was killed");
    };
    let elapsed = started.elapsed();
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    Output {
        stdout: String::from_utf8(stdout).expect("stdout is not UTF-8"),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        code: status.code(),
        elapsed,
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits up to `within` for `child` to exit: its status, or `None` once it
/// has been killed for taking longer.
pub fn wait_exit(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("cannot wait for a child process") {
            return Some(status);
        }
        if started.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Asks `probe` again every 50 ms until it answers `Ok`; after `within`,
/// fails the test naming `what` and showing the last `Err`.
#[track_caller]
pub fn wait_for<T, E: Display>(
    what: &str,
    within: Duration,
    mut probe: impl FnMut() -> Result<T, E>,
) -> T {
    let started = Instant::now();
    loop {
        match probe() {
            Ok(value) => return value,
            Err(last) => assert!(
                started.elapsed() < within,
                "no {what} after {within:?}: {last}"
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A `tribune` running in the background (`serve`, `poll`), what it prints
/// to stderr gathered as it goes; killed if still running when dropped, so
/// that a failing test does not leave it behind.
pub struct Running {
    pub child: Child,
    log: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

/// Starts `tribune` with `args` and `TRIBUNE_LOG=log_level`.
pub fn spawn<I, S>(args: I, log_level: &str) -> Running
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(TRIBUNE)
        .args(args)
        .env("TRIBUNE_LOG", log_level)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the tribune binary");
    let pipe = child.stderr.take().expect("stderr is piped");
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    Running {
        child,
        log,
        reader: Some(reader),
    }
}

impl Running {
    /// What it has printed to stderr so far.
    pub fn log(&self) -> String {
        copy(&self.log)
    }

    /// [`wait_for`], failing at once if tribune exits meanwhile, and
    /// showing its stderr either way.
    #[track_caller]
    pub fn wait_for<T, E: Display>(
        &mut self,
        what: &str,
        within: Duration,
        mut probe: impl FnMut() -> Result<T, E>,
    ) -> T {
        let (child, log) = (&mut self.child, &self.log);
        wait_for(what, within, || {
            probe().map_err(|last| {
                if let Some(status) = child.try_wait().expect("cannot check on tribune") {
                    panic!(
                        "tribune exited ({status}) while waiting for {what}: {last}\n{}",
                        copy(log)
                    );
                }
                format!("{last}\n{}", copy(log))
            })
        })
    }

    /// Stops it with SIGTERM, as a service manager would, and waits for it
    /// to exit: its status and everything it printed to stderr.
    #[cfg(unix)]
    pub fn stop(&mut self) -> (ExitStatus, String) {
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let Some(status) = wait_exit(&mut self.child, Duration::from_secs(30)) else {
            panic!(
                "tribune did not stop on SIGTERM within 30 s:\n{}",
                self.log()
            );
        };
        // Its last lines are read once the pipe closes.
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the stderr reader");
        }
        (status, self.log())
    }
}

fn copy(log: &Mutex<String>) -> String {
    log.lock().map(|log| log.clone()).unwrap_or_default()
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// What `found` found, or `None` (the test returns and passes) after
/// saying the test is skipped and why; with the environment variable
/// `require` set to `1`, as CI sets it, a missing tool fails the test.
#[track_caller]
pub fn tool_or_skip<T>(found: Result<T, String>, require: &str) -> Option<T> {
    match found {
        Ok(tool) => Some(tool),
        Err(why) if std::env::var(require).as_deref() == Ok("1") => {
            panic!("{require}=1 but {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why} (set {require}=1 to make this a failure)");
            None
        }
    }
}
