#!/usr/bin/env bash
# Fails (exit 1) when a C++ file of the tree is not formatted as the checked-in
# .clang-format says, naming each file; `scripts/check-format.sh --fix`
# formats them in place. Run by ctest (test style.clang_format), so the
# README's test command and CI fail on unformatted code.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null \
  || { echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' 2>/dev/null \
                     || find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print)
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]} > 0)); then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not clang-formatted (fix: scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
