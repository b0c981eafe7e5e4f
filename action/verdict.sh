#!/usr/bin/env bash
# Fails the action with corsgate's exit code (the exit-code output of
# action/lint.sh), after the SARIF upload has run.
#   CORSGATE_EXIT_CODE  0 clean, 1 findings at or above fail-on, 2 usage or
#                       configuration error, 3 unreadable input
set -euo pipefail
code="${CORSGATE_EXIT_CODE:-}"
case "$code" in
0) exit 0 ;;
1) echo "::error title=corsgate::findings at or above fail-on (see the annotations and the job summary)" ;;
2) echo "::error title=corsgate::usage or configuration error (see the lint step's log)" ;;
3) echo "::error title=corsgate::an input could not be read (see the lint step's log)" ;;
'') echo "::error title=corsgate::the lint step reported no exit code"; code=3 ;;
*) echo "::error title=corsgate::corsgate exited with $code" ;;
esac
exit "$code"
