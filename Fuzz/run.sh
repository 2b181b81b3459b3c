#!/usr/bin/env bash
# Builds and runs the wire-format fuzz targets with libFuzzer.
#
#   Fuzz/run.sh TARGET [RUNS]     TARGET: stun | rtp | rtcp | sdp | cascade | all   (RUNS default 100000)
#   Fuzz/run.sh all 1000000       every target for a million inputs each
#
# Each target is one Fuzz/Fuzz<NAME>.swift file compiled with `swiftc
# -sanitize=fuzzer,address` together with the parser sources it exercises
# (listed below), at -Onone so that unsafe-buffer bounds checks stay on:
# an out-of-bounds read then traps, and ASan catches the rest.
# Seeds come from Fuzz/seeds/<target>; the working corpus and any crash
# artifacts go to $FUZZ_DIR (default .build-fuzz, gitignored).
# Prints one line per target: "<target>: <N> inputs, no crash" or the crash.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
FUZZ_DIR="${FUZZ_DIR:-$ROOT/.build-fuzz}"
SWIFTC="${SWIFTC:-swiftc}"
TARGETS=(stun rtp rtcp sdp cascade)

sources() {
    case "$1" in
        stun) echo Sources/Relay/STUN/*.swift Sources/Relay/RTP/DatagramKind.swift ;;
        rtp)  echo Sources/Relay/RTP/*.swift ;;
        rtcp) echo Sources/Relay/RTP/*.swift Sources/Relay/RTP/RTCP/*.swift ;;
        sdp)  echo Sources/Signaling/SDP/SDPDocument.swift Sources/Signaling/SDP/AnswerReader.swift ;;
        cascade) echo Sources/Cascade/Frames/*.swift ;;
        *) echo "unknown fuzz target '$1' (known: ${TARGETS[*]} all)" >&2; return 1 ;;
    esac
}

harness() {
    case "$1" in
        stun) echo Fuzz/FuzzSTUN.swift ;;
        rtp)  echo Fuzz/FuzzRTP.swift ;;
        rtcp) echo Fuzz/FuzzRTCP.swift ;;
        sdp)  echo Fuzz/FuzzSDP.swift ;;
        cascade) echo Fuzz/FuzzCascade.swift ;;
    esac
}

# The wire parsers read through unsafe buffer pointers, whose bounds checks
# only exist at -Onone; the SDP parser works on Strings, which keep their
# checks at -O and are ~3x faster there.
optimization() {
    case "$1" in
        sdp) echo -O ;;
        *) echo -Onone ;;
    esac
}

build() {
    local target="$1"
    local files
    files="$(sources "$target")"
    mkdir -p "$FUZZ_DIR"
    local log="$FUZZ_DIR/build-$target.log"
    # shellcheck disable=SC2086  # the source lists are globs on purpose
    if ! "$SWIFTC" -sanitize=fuzzer,address -parse-as-library "$(optimization "$target")" -g \
        -swift-version 6 -enable-upcoming-feature ExistentialAny \
        -module-name RelayFuzz -I Sources/CDTLS \
        $files "$(harness "$target")" -lssl -lcrypto \
        -o "$FUZZ_DIR/fuzz-$target" >"$log" 2>&1; then
        # gold's "Cannot export local symbol '__asan_…'" warnings are noise.
        grep -v "Cannot export local symbol" "$log" >&2
        echo "$target: build failed (full log $log)" >&2
        return 1
    fi
}

run() {
    local target="$1"
    local runs="$2"
    local corpus="$FUZZ_DIR/corpus-$target"
    local log="$FUZZ_DIR/fuzz-$target.log"
    build "$target" || return 1
    mkdir -p "$corpus"
    cp -n Fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    local status=0
    "$FUZZ_DIR/fuzz-$target" -runs="$runs" -max_len=2048 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$FUZZ_DIR/crash-$target-" "$corpus" >"$log" 2>&1 || status=$?
    local done_line
    done_line="$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)"
    if [[ $status -eq 0 && -n "$done_line" ]]; then
        echo "$target: $(awk '{print $2}' <<<"$done_line") inputs, no crash ($done_line; log $log)"
    else
        echo "$target: FAILED with status $status after $(grep -Eo '^#[0-9]+' "$log" | tail -1) inputs; log $log" >&2
        grep -E 'ERROR|Fatal error|SUMMARY|Test unit written|crash-' "$log" >&2 || tail -20 "$log" >&2
        return 1
    fi
}

target="${1:-}"
runs="${2:-100000}"
if [[ -z "$target" ]]; then
    echo "usage: Fuzz/run.sh stun|rtp|rtcp|sdp|cascade|all [RUNS]" >&2
    exit 2
fi
if [[ "$target" == all ]]; then
    failed=0
    for each in "${TARGETS[@]}"; do run "$each" "$runs" || failed=1; done
    exit $failed
fi
sources "$target" >/dev/null
run "$target" "$runs"
