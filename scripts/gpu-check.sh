#!/usr/bin/env bash
# Builds the supernet-step bench binary and runs the CPU-vs-CUDA check:
# 10 training steps of the calorimeter default supernet (and of the plain network) on the CPU
# and, where an NVIDIA driver is present, on CUDA; the losses after 10 steps must agree to a
# relative 1e-3; ms/step is printed for both. Exit status 0 = passed (or no GPU to check).
set -euo pipefail
cd "$(dirname "$0")/.."
features=()
if [[ "${HWNAS_NO_CUDA:-}" != 1 ]]; then
    features=(--features cuda)
fi
cargo bench --bench supernet_step "${features[@]}" --no-run
HWNAS_GPU_CHECK=1 cargo bench --bench supernet_step "${features[@]}"
