#!/bin/sh
# A loader step after eb50 (docs/loader.md): load delta/ only after exit 0
# and only the files summary.json names, with the bytes it names.
# Usage: loader.sh EXPORT_DIR OUTPUT_DIR
set -eu
input=$1 out=$2
code=0
npx eb50 run --input "$input" --output "$out" --leading-char Q --mode update --quiet || code=$?
if [ "$code" -ne 0 ]; then
  echo "eb50 exited $code: nothing loaded (see $out/resultatlista.txt)" >&2
  exit "$code"
fi
for table in KTILL2 KTFORT2 FFGKURS KTILLHST; do
  path=$(node -e 'const s=require(process.argv[1]); if (s.exitCode!==0||s.mode!=="update") process.exit(1); process.stdout.write(s.outputs[process.argv[2]].path)' "$(realpath "$out/summary.json")" "$table")
  want=$(node -e 'process.stdout.write(require(process.argv[1]).outputs[process.argv[2]].sha256)' "$(realpath "$out/summary.json")" "$table")
  have=$(sha256sum "$out/$path" | cut -d' ' -f1)
  [ "$have" = "$want" ] || { echo "$out/$path is not the file summary.json names" >&2; exit 1; }
  echo "load $table from $out/$path"   # hand the file to the Ladok3 loader here
done
