# Helpers for the jobs that follow it. disk_by_serial SERIAL: the guest's device with that serial
# (never a kernel name from the host). json FILE a.0.b: one value out of a JSON file.
disk_by_serial() {
  local b s
  for b in /sys/block/*; do
    s=$(cat "$b/serial" 2>/dev/null || cat "$b/device/serial" 2>/dev/null || true)
    if [ "$s" = "$1" ]; then echo "/dev/${b##*/}"; return 0; fi
  done
  echo "no disk with serial $1" >&2; return 1
}
json() { node -e 'const v = process.argv[2].split(".").reduce((o, k) => o?.[k], JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))); process.stdout.write(String(v ?? ""))' "$1" "$2"; }
