#!/usr/bin/env bash
# Builds wrk2 (github.com/giltene/wrk2, not packaged by Debian) for benchmarks/vs-wrk.sh, which
# finds it in benchmarks/target/wrk2/wrk.
#
#   benchmarks/build-wrk2.sh            clones https://github.com/giltene/wrk2 (needs the network)
#   benchmarks/build-wrk2.sh SOURCE     from a git repository (bare or not) or a source tree
#
# Needs make, a C compiler, OpenSSL's and zlib's headers (Debian: apt-get install -y build-essential
# libssl-dev zlib1g-dev). wrk2 builds its bundled LuaJIT. Prints the binary's path.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DEST="$HERE/target/wrk2"
SOURCE=${1:-https://github.com/giltene/wrk2}

for tool in make cc git; do
  command -v "$tool" >/dev/null || { echo "build-wrk2: needs $tool (apt-get install -y build-essential git libssl-dev zlib1g-dev)" >&2; exit 1; }
done
[[ -f /usr/include/openssl/ssl.h && -f /usr/include/zlib.h ]] \
  || { echo "build-wrk2: needs OpenSSL's and zlib's headers (apt-get install -y libssl-dev zlib1g-dev)" >&2; exit 1; }

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
if [[ -d $SOURCE && ! -d $SOURCE/.git && ! -f $SOURCE/HEAD ]]; then
  cp -r "$SOURCE" "$DEST"                      # a source tree
else
  git clone --quiet "$SOURCE" "$DEST"          # a URL, a repository or a bare one
fi
echo "build-wrk2: building $(git -C "$DEST" log -1 --format='%h %cs' 2>/dev/null || echo "$SOURCE") in $DEST" >&2
make -C "$DEST" -j"$(nproc)" >"$DEST/build.log" 2>&1 \
  || { echo "build-wrk2: make failed; see $DEST/build.log" >&2; tail -5 "$DEST/build.log" >&2; exit 1; }
"$DEST/wrk" --version >/dev/null 2>&1 || true   # wrk2 prints its usage and exits 1 without a URL
[[ -x $DEST/wrk ]] || { echo "build-wrk2: no $DEST/wrk after make" >&2; exit 1; }
echo "$DEST/wrk"
