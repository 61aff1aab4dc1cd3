#!/bin/sh
# npm test: the type check and the test files at once. tsc takes one core for about ten seconds, most of
# it parsing the AWS SDK's type declarations, while vitest starts its first files; one after the other
# left a core idle for that long. Either failing fails the run.
tsc --noEmit &
typecheck=$!
vitest run "$@"
tests=$?
wait "$typecheck"
types=$?
if [ "$types" -ne 0 ]; then echo 'npm test: the type check (tsc --noEmit) failed: see its errors above.' >&2; fi
if [ "$tests" -ne 0 ]; then exit "$tests"; fi
exit "$types"
