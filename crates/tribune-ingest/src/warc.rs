//! WARC archives: records in, one [`Document`] per archived HTTP response
//! out. Gzipped archives (one gzip member per record, as Common Crawl
//! writes them) are read through [`open`]. A malformed record gives an
//! error for that record, and reading resumes at the next `WARC/` line.

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, Utc};
use tribune_model::{ContentKind, Document};

/// The largest record read; bigger ones are skipped with an error.
const MAX_RECORD: u64 = 64 * 1024 * 1024;

/// Why one record could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The archive could not be read at all (a truncated gzip member, an
    /// I/O error).
    #[error("cannot read the archive at record {record}: {source}")]
    Io {
        /// The record's position in the archive, from 1.
        record: usize,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A record's header is not valid WARC.
    #[error("record {record} is malformed: {reason}")]
    Malformed {
        /// The record's position in the archive, from 1.
        record: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Opens a WARC archive, gunzipping it if it starts with gzip's magic bytes.
pub fn open(reader: impl Read + Send + 'static) -> Records<Box<dyn BufRead + Send>> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let gzipped = buffered
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    let inner: Box<dyn BufRead + Send> = if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    Records::new(inner)
}

/// The HTTP responses archived in a WARC file, in order. Other record types
/// (requests, metadata, warcinfo) are passed over.
pub struct Records<R> {
    reader: R,
    record: usize,
    done: bool,
}

impl<R: BufRead> Records<R> {
    /// Reads records from an uncompressed WARC stream.
    pub fn new(reader: R) -> Self {
        Records {
            reader,
            record: 0,
            done: false,
        }
    }

    /// Reads one record: `Ok(None)` at the end, `Ok(Some(None))` for a
    /// record that is not an HTTP response.
    fn next_record(&mut self) -> Result<Option<Option<Document>>, Error> {
        let record = self.record + 1;
        let io = |source| Error::Io { record, source };
        // Skip blank lines (and, after a malformed record, anything else)
        // up to the next version line.
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                return Ok(None);
            }
            if line.starts_with(b"WARC/") {
                break;
            }
        }
        self.record = record;
        let mut kind = String::new();
        let mut uri = None;
        let mut date = None;
        let mut length = None;
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                return Err(Error::Malformed {
                    record,
                    reason: "the archive ends inside a header".into(),
                });
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end();
            if text.is_empty() {
                break;
            }
            let Some((name, value)) = text.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => kind = value.to_ascii_lowercase(),
                "warc-target-uri" => uri = Some(value.trim_matches(['<', '>']).to_string()),
                "warc-date" => {
                    date = DateTime::parse_from_rfc3339(value)
                        .ok()
                        .map(|d| d.with_timezone(&Utc))
                }
                "content-length" => length = value.parse::<u64>().ok(),
                _ => {}
            }
        }
        let length = length.ok_or_else(|| Error::Malformed {
            record,
            reason: "no valid Content-Length".into(),
        })?;
        if length > MAX_RECORD {
            std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink())
                .map_err(io)?;
            return Err(Error::Malformed {
                record,
                reason: format!("{length} bytes is larger than the {MAX_RECORD}-byte limit"),
            });
        }
        let mut block = Vec::with_capacity(length as usize);
        (&mut self.reader)
            .take(length)
            .read_to_end(&mut block)
            .map_err(io)?;
        if (block.len() as u64) < length {
            return Err(Error::Malformed {
                record,
                reason: "the archive ends inside a record".into(),
            });
        }
        if kind != "response" {
            return Ok(Some(None));
        }
        let (content_type, body) = http_response(&block).ok_or_else(|| Error::Malformed {
            record,
            reason: "the response block is not an HTTP response".into(),
        })?;
        let mut document = Document::new(body).with_kind(ContentKind::Unknown);
        document.url = uri;
        document.fetched_at = date;
        document.content_type = content_type;
        Ok(Some(Some(document)))
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Document, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.next_record() {
                Ok(None) => self.done = true,
                Ok(Some(Some(document))) => return Some(Ok(document)),
                Ok(Some(None)) => {}
                Err(err @ Error::Io { .. }) => {
                    // A broken stream cannot be resynchronised.
                    self.done = true;
                    return Some(Err(err));
                }
                Err(err) => return Some(Err(err)),
            }
        }
        None
    }
}

/// Splits an archived HTTP response into its `Content-Type` and its body,
/// undoing chunked transfer encoding.
fn http_response(block: &[u8]) -> Option<(Option<String>, Vec<u8>)> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let split = find(block, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(block, b"\n\n").map(|i| (i, 2)))?;
    let (head, body) = (&block[..split.0], &block[split.0 + split.1..]);
    let head = String::from_utf8_lossy(head);
    let mut content_type = None;
    let mut chunked = false;
    for line in head.lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value.trim().to_string()),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                _ => {}
            }
        }
    }
    let body = if chunked {
        dechunk(body).unwrap_or_else(|| body.to_vec())
    } else {
        body.to_vec()
    };
    Some((content_type, body))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Undoes chunked transfer encoding; None if the body is not chunked after all.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn response(body: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}")
            .into_bytes()
    }

    #[test]
    fn responses_become_documents_and_other_records_are_skipped() {
        let mut archive = record("warcinfo", "", b"software: test");
        archive.extend(record(
            "request",
            "https://a.example/1",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ));
        archive.extend(record(
            "response",
            "https://a.example/1",
            &response("<p>one</p>"),
        ));
        archive.extend(record(
            "response",
            "https://a.example/2",
            &response("<p>two</p>"),
        ));
        let docs: Vec<Document> = Records::new(&archive[..]).map(|r| r.unwrap()).collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].url.as_deref(), Some("https://a.example/1"));
        assert_eq!(docs[1].bytes, b"<p>two</p>");
        assert_eq!(
            docs[0].content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            docs[0].fetched_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-05-01T10:00:00+00:00")
        );
    }

    #[test]
    fn a_malformed_record_fails_alone() {
        let mut archive = record("response", "https://a.example/1", &response("<p>one</p>"));
        archive.extend(
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: nope\r\n\r\ngarbage\r\n\r\n",
        );
        archive.extend(record(
            "response",
            "https://a.example/3",
            b"not http at all",
        ));
        archive.extend(record(
            "response",
            "https://a.example/4",
            &response("<p>four</p>"),
        ));
        let results: Vec<_> = Records::new(&archive[..]).collect();
        assert_eq!(results.len(), 4);
        assert!(results[0].is_ok());
        assert!(
            results[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("record 2")
        );
        assert!(results[2].is_err());
        assert_eq!(results[3].as_ref().unwrap().bytes, b"<p>four</p>");
    }

    #[test]
    fn gzipped_members_and_chunked_bodies() {
        let mut gz = Vec::new();
        for (uri, body) in [
            ("https://a.example/1", "<p>one</p>"),
            ("https://a.example/2", "<p>two</p>"),
        ] {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let block = format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
                body.len()
            );
            encoder
                .write_all(&record("response", uri, block.as_bytes()))
                .unwrap();
            gz.extend(encoder.finish().unwrap());
        }
        let docs: Vec<Document> = open(std::io::Cursor::new(gz)).map(|r| r.unwrap()).collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].bytes, b"<p>two</p>");
    }

    #[test]
    fn a_truncated_archive_is_an_error_not_a_hang() {
        let archive = record("response", "https://a.example/1", &response("<p>one</p>"));
        let cut = &archive[..archive.len() - 12];
        let results: Vec<_> = Records::new(cut).collect();
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
    }
}
