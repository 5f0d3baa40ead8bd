#!/usr/bin/env bash
# What `make demo` / `make test` need from the operating system, from system-packages.txt (one list, also
# read by .ci/run and the Dockerfile). Usage: tools/system-deps.sh demo|test   (test includes demo).
# Checks capabilities (a CJK font, soffice, pdftotext…), not package names. When something is missing:
# as root on Debian/Ubuntu it is installed with apt-get; otherwise one line says what to run, exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."

need="${1:-demo}"
case "$need" in
  demo) wanted="demo" ;;
  test) wanted="demo test" ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

has_capability() {
  case "$1" in
    font:zh)
      if command -v fc-list >/dev/null; then
        fc-list :lang=zh family | grep -q .
      else
        find /usr/share/fonts /usr/local/share/fonts "$HOME/.fonts" "$HOME/.local/share/fonts" \
          -iname '*cjk*' -print -quit 2>/dev/null | grep -q .
      fi
      ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=() reasons=()
while read -r package for checks why; do
  [[ -z "$package" || "$package" == \#* ]] && continue
  [[ " $wanted " == *" $for "* ]] || continue
  IFS=, read -ra capabilities <<<"$checks"
  for capability in "${capabilities[@]}"; do
    if ! has_capability "$capability"; then
      missing+=("$package") reasons+=("$package ($why)")
      break
    fi
  done
done <system-packages.txt

((${#missing[@]} == 0)) && exit 0

packages="${missing[*]}"
why="$(printf '%s, ' "${reasons[@]}")" why="${why%, }"
debian=false
if command -v apt-get >/dev/null && [[ -r /etc/os-release ]] && grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; then
  debian=true
fi

if [[ "$(id -u)" == 0 ]] && $debian; then
  echo "安装系统软件包 / installing system packages for make $need: $why"
  log="$(mktemp -t planeval-apt.XXXXXX)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "安装失败 / apt-get install failed: $packages (full output: $log)" >&2
    exit 1
  fi
  rm -f "$log"
  exit 0
fi

if $debian; then
  command="sudo apt-get install -y --no-install-recommends $packages"
else
  command="sudo apt-get install -y --no-install-recommends $packages (Debian/Ubuntu package names; install the equivalent on this OS)"
fi
echo "缺少系统软件包 / make $need needs system packages: $why; 请执行 / run: $command" >&2
exit 1
