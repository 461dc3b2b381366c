"""Reference extractor for Tribune's side-by-side benchmarks.

Runs trafilatura over HTML files so its output and speed can be compared
with Tribune's. Usage: python trafilatura_ref.py FILE...   (FILE may be .gz)

For each FILE, in order, prints one JSON line to stdout:
  {"input", "title", "author", "date", "text", "seconds"}
where "seconds" is the time spent in trafilatura.bare_extraction alone.
A file that fails gives {"input", "error", "text": ""} instead.
Logs and warnings go to stderr only. Set up with scripts/setup-reference.sh.
"""
import gzip
import json
import logging
import sys
import time

import trafilatura

FIELDS = ("title", "author", "date")


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def as_dict(doc):
    if doc is None:
        return {}
    if hasattr(doc, "as_dict"):
        return doc.as_dict()
    return dict(doc)


def run(path):
    html = load(path)
    start = time.perf_counter()
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    seconds = time.perf_counter() - start
    d = as_dict(doc)
    row = {"input": path}
    for key in FIELDS:
        value = d.get(key)
        row[key] = None if value is None else str(value)
    row["text"] = d.get("text") or ""
    row["seconds"] = seconds
    return row


def main(paths):
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for path in paths:
        try:
            row = run(path)
        except Exception as exc:  # report and go on with the next file
            row = {"input": path, "error": f"{type(exc).__name__}: {exc}", "text": ""}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
