#!/usr/bin/env bash
# action.yml: `rehearse run` with the action's inputs (passed as environment
# variables, never spliced into the script). Writes exit-code= and verdict= to
# $GITHUB_OUTPUT, and exits as rehearse did, so the step fails with the gate.
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
args=(run --project "$PROJECT" --snapshot "$SNAPSHOT" --report-dir "$REPORT_DIR")
[ -n "${PYTHON:-}" ] && args+=(--python "$PYTHON")
[ -n "${PG_BIN:-}" ] && args+=(--pg-bin "$PG_BIN")
read -r -a extra <<< "${ARGS:-}"
"$here/bin/rehearse" "${args[@]}" "${extra[@]}"
code=$?
verdict=$(node -e 'try { process.stdout.write(require(process.argv[1]).verdict) } catch { process.stdout.write("error") }' "$(cd "$REPORT_DIR" 2>/dev/null && pwd)/report.json")
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
echo "verdict=$verdict" >> "$GITHUB_OUTPUT"
exit "$code"
