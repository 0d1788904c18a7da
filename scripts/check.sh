#!/usr/bin/env bash
# Runs locally exactly what CI runs: formatting, lints, then the whole test suite.
# This is the README's test command; .ci/run calls it after installing packages.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked
