#!/usr/bin/env bash
# The GPU check of the supernet (issue 12), in two halves so that the binaries are built once
# here and carried to a lent GPU machine (which has no time to spare for a burn build):
#
#   scripts/gpu-check.sh build   # here: builds the bench and the example with --features cuda
#                                # into gpu-check/ (carry that folder to the GPU machine)
#   scripts/gpu-check.sh run     # there: CPU vs CUDA, 10 steps each, on the calorimeter default
#                                # and the full (DeepCalo) space: ms/step, loss agreement
#                                # (relative 1e-3), peak GPU memory; then one search epoch of the
#                                # flagship with --full --device cuda and the projected search time
#
# Without a GPU, `run` prints the CPU figures and says that CUDA was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
out=gpu-check
features=(--features cuda)
if [[ "${HWNAS_NO_CUDA:-}" == 1 ]]; then
    features=()
fi

case "${1:-}" in
build)
    mkdir -p "$out"
    bench=$(cargo bench --bench supernet_step "${features[@]}" --no-run --message-format=json \
        | sed -n 's/.*"executable":"\([^"]*supernet_step[^"]*\)".*/\1/p' | tail -1)
    cp "$bench" "$out/supernet_step"
    cargo build --release --example calorimeter "${features[@]}"
    cp "${CARGO_TARGET_DIR:-target}/release/examples/calorimeter" "$out/calorimeter"
    ls -la "$out"
    ;;
run)
    test -x "$out/supernet_step" || { echo "run '$0 build' first" >&2; exit 2; }
    peak_mem() {
        # Samples the GPU's used memory every 100 ms while "$@" runs; prints the peak (MiB).
        local log; log=$(mktemp)
        if command -v nvidia-smi >/dev/null; then
            nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$log" &
            local smi=$!
            local rc=0
            "$@" || rc=$?
            kill "$smi" 2>/dev/null || true
            echo "peak GPU memory used: $(sort -n "$log" | tail -1) MiB (nvidia-smi, whole GPU)"
            rm -f "$log"
            return $rc
        fi
        "$@"
    }
    for space in calo full; do
        echo "== $space"
        peak_mem env HWNAS_GPU_CHECK=1 HWNAS_BENCH_SPACE=$space "$out/supernet_step"
    done
    echo "== flagship, full configuration, one search epoch on CUDA"
    rm -rf "$out/calo-full"
    peak_mem "$out/calorimeter" --full --device cuda --out "$out/calo-full" \
        --baseline-epochs 1 --search-epochs 1 --finetune-epochs 1
    ;;
*)
    echo "usage: $0 build|run" >&2
    exit 2
    ;;
esac
