#!/usr/bin/env bash
# Set up trafilatura in a private venv, as the reference tool for
# side-by-side extraction benchmarks (see scripts/trafilatura_ref.py).
# Venv location: $TRIBUNE_REF_VENV, default ~/.cache/tribune/venv-trafilatura.
# Prints the venv's python path on its last line (all else goes to stderr).
set -euo pipefail

VENV="${TRIBUNE_REF_VENV:-$HOME/.cache/tribune/venv-trafilatura}"

if [ ! -x "$VENV/bin/python" ]; then
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" >&2
fi

# lxml >= 6 no longer ships the 'html_clean' extra that jusText asks for,
# so lxml_html_clean must be named explicitly or trafilatura fails to import.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    'trafilatura==2.3.*' lxml_html_clean >&2

"$VENV/bin/python" -c 'import trafilatura; print("trafilatura", trafilatura.__version__)' >&2

echo "$VENV/bin/python"
