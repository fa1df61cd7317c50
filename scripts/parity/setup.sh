#!/usr/bin/env bash
# Creates the Python environment that regenerates the hls4ml parity golden files
# (hwnas-hls/tests/parity/). Not needed by CI or by `cargo test`: the golden files are committed.
#
#   bash scripts/parity/setup.sh            # creates ~/.cache/hwnas-parity-venv
#   KERAS_BACKEND=jax ~/.cache/hwnas-parity-venv/bin/python scripts/parity/make_golden.py
#
# Versions are pinned so that a re-run gives byte-identical golden files.
set -euo pipefail
VENV="${HWNAS_PARITY_VENV:-$HOME/.cache/hwnas-parity-venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet \
    'hls4ml==1.3.0' 'keras==3.15.1' 'jax[cpu]==0.10.2' 'numpy<2.5'
KERAS_BACKEND=jax "$VENV/bin/python" -c 'import hls4ml, keras, jax; print("hls4ml", hls4ml.__version__, "keras", keras.__version__, "jax", jax.__version__)'
echo "parity environment ready: $VENV"
