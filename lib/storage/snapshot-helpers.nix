# Snapshot schedule and retention as Nix data: the specification's per-class retention read from the
# profiles (src/plan/profiles.json), and OnCalendar expressions pinned to the plan's time zone.
{ lib, time, profileList }:
let
  inherit (lib) filter head splitString last length any hasPrefix;
  words = s: filter (w: w != "" && !builtins.isList w) (builtins.split "[[:space:]]+" s);
  zonePattern = "[A-Za-z][A-Za-z0-9_+/-]*";
in
rec {
  /** Tiers a timer exists for, in the order the units are written. */
  scheduledTiers = [ "frequent" "hourly" "daily" "weekly" "monthly" ];

  /** The retention { daily, weekly, monthly } every built-in profile of a class ("laptop", "server") has. */
  snapshotPolicy = class:
    let
      machines = if class == "laptop" then [ "laptop" ] else [ "vps" "server" "desktop" ];
      of = filter (p: builtins.elem p.machine machines) profileList;
      retentions = lib.unique (map (p: { inherit (p.retention) daily weekly monthly; }) of);
    in
    if of == [ ] then throw "snapshotPolicy: no built-in profile is for a ${class}"
    else if length retentions != 1 then throw "snapshotPolicy: the ${class} profiles disagree on retention"
    else head retentions;

  /** Randomized delay of a tier's timer: none where the tier carries the RPO (systemd.ts snapshotDelaySeconds). */
  delaySeconds = tier: if tier == "frequent" || tier == "hourly" then 0 else 300;

  /** An OnCalendar expression in the plan's time zone (systemd.ts withTimezone); throws on a conflict. */
  withTimezone = calendar: timezone:
    let
      expr = lib.trim calendar;
      tokens = words expr;
      lastToken = last tokens;
      namesZone = length tokens > 1 && builtins.match zonePattern lastToken != null
        && !(any (d: hasPrefix d lastToken) time.weekdays);
    in
    if timezone == null then expr
    else if builtins.match zonePattern timezone == null then throw "snapshots.timezone: \"${timezone}\" is not an IANA time zone name (e.g. \"Europe/Berlin\" or \"UTC\")"
    else if namesZone then
      (if lastToken == timezone then expr else throw "snapshots.schedule: calendar \"${expr}\" names zone ${lastToken}, the plan ${timezone}; drop the zone from the calendar")
    else "${expr} ${timezone}";
}
