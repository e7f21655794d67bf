#!/bin/bash
# The nested tier's runner for make sanitize/tsan (TINYVMM_NESTED_RUNNER): tests/nested/run.sh with the sanitizer options in the VM.
B=$1
shift
exec "$(dirname "$0")/../nested/run.sh" "$B" sh ./san-env.sh "$@"
