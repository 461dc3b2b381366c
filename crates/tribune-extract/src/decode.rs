//! Bytes to text: byte-order marks, the HTTP charset, `<meta charset>`, and a
//! fallback when the declaration is wrong.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::error::{Error, Result};

/// Text decoded from a document's bytes, with what went oddly.
pub(crate) struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Decodes `bytes`, trusting in turn a BOM, a charset that agrees with the
/// bytes (HTTP header, then `<meta>`), valid UTF-8, and finally Windows-1252,
/// which maps every byte and is what mislabelled Western pages usually are.
pub(crate) fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<Decoded> {
    check_not_binary(bytes)?;
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(Decoded {
            text: text.into_owned(),
            warnings,
        });
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| meta_charset(bytes));
    let utf8_ok = std::str::from_utf8(bytes).is_ok();
    let encoding = match declared {
        // UTF-16 declared in a page without a BOM is nearly always a lie told
        // by a template; HTML's own rule maps it to UTF-8.
        Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => UTF_8,
        Some(enc) if enc == UTF_8 => UTF_8,
        Some(enc) => {
            if utf8_ok && !bytes.is_ascii() {
                warnings.push(format!(
                    "declared charset {} but the bytes are valid UTF-8; read as UTF-8",
                    enc.name()
                ));
                UTF_8
            } else {
                enc
            }
        }
        None => UTF_8,
    };
    if encoding == UTF_8 && !utf8_ok {
        warnings.push(
            "the bytes are not valid UTF-8; read as Windows-1252 where they are invalid".into(),
        );
        return Ok(Decoded {
            text: decode_mixed(bytes),
            warnings,
        });
    }
    let (text, _, _) = encoding.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        warnings,
    })
}

/// Mostly-UTF-8 text with stray single-byte characters (a common result of
/// pasting Windows text into a UTF-8 template): valid runs stay UTF-8, and
/// each invalid byte is read as Windows-1252.
fn decode_mixed(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(err) => {
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                // `valid_up_to` promises this prefix is UTF-8; no panic either way.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = err.error_len().unwrap_or(rest.len()).max(1).min(rest.len());
                let (decoded, _) = WINDOWS_1252.decode_without_bom_handling(&rest[..bad]);
                out.push_str(&decoded);
                bytes = &rest[bad..];
            }
        }
    }
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| {
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_string()
        })
    })
}

/// The charset a page declares in its first 4 KiB, the way browsers pre-scan:
/// `<meta charset=...>` or `<meta http-equiv="Content-Type" content="...charset=...">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[at + 7..];
            let rest = rest.strip_prefix(b"=").or_else(|| {
                let trimmed = rest.trim_ascii_start();
                trimmed.strip_prefix(b"=")
            });
            if let Some(rest) = rest {
                let rest = rest.trim_ascii_start();
                let rest = rest
                    .strip_prefix(b"\"")
                    .or(rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    return Some(enc);
                }
            }
        }
        from = end;
    }
    None
}

/// Refuses bytes that are clearly not text: known binary signatures, or
/// many NUL and control bytes near the start. UTF-16 with a BOM is text.
fn check_not_binary(bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    if Encoding::for_bom(bytes).is_some_and(|(enc, _)| enc != UTF_8) {
        return Ok(());
    }
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x1f\x8b", "gzip data"),
        (b"\x7fELF", "executable"),
        (b"RIFF", "RIFF media"),
    ];
    for (magic, what) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Err(Error::Binary {
                reason: (*what).to_string(),
            });
        }
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if control * 10 > sample.len() || sample.contains(&0) && control * 100 > sample.len() {
        return Err(Error::Binary {
            reason: format!(
                "{control} control bytes in the first {} bytes",
                sample.len()
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_is_honoured() {
        let html = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        let decoded = decode(html, None).unwrap();
        assert!(decoded.text.contains("café"));
        assert!(decoded.warnings.is_empty());
    }

    #[test]
    fn http_charset_beats_meta() {
        let html = b"<meta charset=utf-8><p>caf\xe9</p>";
        let decoded = decode(html, Some("text/html; charset=windows-1252")).unwrap();
        assert!(decoded.text.contains("café"));
    }

    #[test]
    fn wrong_utf8_declaration_falls_back_per_byte() {
        let html = "<meta charset=utf-8><p>na\u{ef}ve "
            .as_bytes()
            .iter()
            .copied()
            .chain(*b"caf\xe9</p>")
            .collect::<Vec<u8>>();
        let decoded = decode(&html, None).unwrap();
        assert!(decoded.text.contains("naïve café"), "{}", decoded.text);
        assert_eq!(decoded.warnings.len(), 1);
    }

    #[test]
    fn utf8_bytes_under_a_latin1_label_stay_utf8() {
        let html = "<meta charset=iso-8859-1><p>café</p>".as_bytes();
        let decoded = decode(html, None).unwrap();
        assert!(decoded.text.contains("café"));
        assert_eq!(decoded.warnings.len(), 1);
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert!(matches!(decode(b"  \n", None), Err(Error::Empty)));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0", None),
            Err(Error::Binary { .. })
        ));
        let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 31) as u8).collect();
        assert!(matches!(decode(&noise, None), Err(Error::Binary { .. })));
    }

    #[test]
    fn utf16_with_bom_is_text() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "<p>hi</p>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes, None).unwrap().text, "<p>hi</p>");
    }
}
