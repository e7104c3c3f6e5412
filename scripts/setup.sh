#!/usr/bin/env bash
# Sets up protobed on Debian 12: installs the Debian packages the build needs
# (only those missing; non-interactive; safe to rerun), then configures and
# builds into build/ (or $PROTOBED_BUILD_DIR).
#
#   bash scripts/setup.sh              # Release build
#   bash scripts/setup.sh --sanitize   # clang, ASan + UBSan + the fuzz targets, in build-sanitize/
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PROTOBED_BUILD_DIR:-$root/build}
cmake_args=(-DCMAKE_BUILD_TYPE=Release)

for arg in "$@"; do
  case "$arg" in
    --sanitize)
      build_dir=${PROTOBED_BUILD_DIR:-$root/build-sanitize}
      export CC=clang CXX=clang++
      cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROTOBED_SANITIZE=ON -DPROTOBED_FUZZ=ON) ;;
    -h|--help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (see 'bash scripts/setup.sh --help')" >&2; exit 2 ;;
  esac
done

# Exactly what the build and tests use, all from Debian's archive.
packages=(
  g++ make cmake pkg-config
  python3                       # scripts/gen_attack_matrix.py and its test
  libcaf-dev                    # CAF 0.17: actors, middleman, TLS (caf_openssl)
  libssl-dev                    # OpenSSL 3: node --make-certs writes the TLS certificates
  libcrypto++-dev               # Crypto++ 8.7
  libyaml-cpp-dev               # scenario files
  libboost-program-options-dev  # the command line
  nlohmann-json3-dev            # JSON reports and traces
  catch2                        # Catch2 v2 unit tests
  libtinyxml2-dev libpng-dev    # tests: parse SVG/JUnit output, read rendered PNGs
  chromium                      # tests: render a diagram headless
  clang libclang-rt-14-dev      # the sanitizer + fuzzing build (libFuzzer, ASan, UBSan)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  echo "setup: all ${#packages[@]} packages present"
fi

cmake -S "$root" -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built into $build_dir"
