#!/usr/bin/env bash
# Builds report/meteo-report.pdf from report/meteo-report.md and the figures `meteo bench` wrote to
# report/results/bench.json. Run from anywhere:
#
#   report/build.sh                 # the final report: fails on any placeholder it cannot fill
#   report/build.sh --allow-draft   # a draft: prose placeholders such as {{grpc_design}} print as [TODO ...]
#
# Other arguments go to dev.meteo.report.ReportBuilder (--results FILE, --markdown-only, --help; see README.md).
set -euo pipefail

report_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$report_dir")"
cd "$root"

# The converters: pandoc (Markdown -> HTML) and headless Chromium (HTML -> PDF), from Debian.
missing=()
command -v pandoc >/dev/null 2>&1 || [[ -n "${PANDOC:-}" ]] || missing+=(pandoc)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || command -v google-chrome >/dev/null 2>&1 || [[ -n "${CHROMIUM:-}" ]] || missing+=(chromium)
if command -v fc-list >/dev/null 2>&1 && ! fc-list 2>/dev/null | grep -qi dejavu; then
  missing+=(fonts-dejavu-core)
fi
if ((${#missing[@]} > 0)); then
  echo "report: installing ${missing[*]} with apt-get (needed to turn the Markdown into a PDF)"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "report: not root and no sudo: install ${missing[*]} yourself" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "report: building the report module"
mvn -q -pl report -am package -DskipTests

pdf="$report_dir/meteo-report.pdf"
java -cp "$report_dir/target/classes:$report_dir/target/lib/*" dev.meteo.report.ReportBuilder --report-dir "$report_dir" --pdf "$pdf" "$@"

for arg in "$@"; do
  case "$arg" in --markdown-only|--help|-h) exit 0 ;; esac
done
if [[ -f "$pdf" ]]; then
  if command -v pdfinfo >/dev/null 2>&1; then
    pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
    echo "report: $pdf ($pages pages)"
  else
    echo "report: $pdf"
  fi
fi
