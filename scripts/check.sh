#!/usr/bin/env bash
# Runs locally exactly what CI runs: formatting, lints, then the whole test suite.
# This is the README's test command; .ci/run calls it after installing packages.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Whether a Vulkan driver is installed, decided without building anything:
# vulkaninfo lists a device, or (without vulkaninfo) an ICD file is there.
vulkan_present() {
  local summary
  if command -v vulkaninfo >/dev/null 2>&1; then
    summary=$(vulkaninfo --summary 2>/dev/null) || return 1
    grep -q 'deviceName' <<<"$summary"
  else
    compgen -G '/usr/share/vulkan/icd.d/*.json' >/dev/null || compgen -G '/etc/vulkan/icd.d/*.json' >/dev/null
  fi
}

# CI sets TRELLIS_REQUIRE_GPU=1 (.ci/run), so a GPU test that cannot open an
# adapter fails there instead of skipping. Do the same here wherever a GPU
# test can run, so that a skip hides nothing CI would catch; an explicit
# TRELLIS_REQUIRE_GPU (0 to let them skip) is left as it is.
why="TRELLIS_REQUIRE_GPU=${TRELLIS_REQUIRE_GPU:-}"
if [ -z "${TRELLIS_REQUIRE_GPU:-}" ]; then
  if vulkan_present; then
    export TRELLIS_REQUIRE_GPU=1
    why="a Vulkan driver is installed"
  else
    why="no Vulkan driver found"
  fi
fi
if [ "${TRELLIS_REQUIRE_GPU:-}" = 1 ]; then
  echo "GPU tests: required, as in CI ($why): one that finds no adapter fails"
else
  echo "GPU tests: may skip ($why); CI installs Mesa's drivers and requires them"
fi

# Likewise for the browser tests (headless Chromium): required where a
# Chromium is installed, as CI requires them; they skip, saying so, elsewhere.
if [ -z "${TRELLIS_REQUIRE_BROWSER:-}" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1 || [ -n "${TRELLIS_CHROMIUM:-}" ]; then
      export TRELLIS_REQUIRE_BROWSER=1
      break
    fi
  done
fi
if [ "${TRELLIS_REQUIRE_BROWSER:-}" = 1 ]; then
  echo "browser tests: required, as in CI: one that finds no Chromium fails"
else
  echo "browser tests: may skip (no Chromium found); CI installs chromium and requires it"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked
