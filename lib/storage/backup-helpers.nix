# The nightly backup slot of a host (src/render/systemd.ts backupSlot, src/plan/backup-window.ts): the
# fleet's window opens at its start, this host begins staggerMinutes later so hosts never share the
# link; a stagger past midnight moves the start to the next day.
{ lib, time }:
let
  windowDays = { weekdays = [ 0 1 2 3 4 ]; weekends = [ 5 6 ]; };
in
rec {
  /** What is wrong with a plan's backup window and stagger, as messages; [] when nothing. */
  windowProblems = policy:
    lib.concatMap
      (kind:
        let text = policy.window.${kind}; w = time.parseWindow text; in
        if w == null then [ "backup.window.${kind}: \"${text}\" is not a window \"HH:MM-HH:MM\" of times 00:00 to 23:59 with different start and end, e.g. \"02:00-05:00\"" ]
        else if policy.staggerMinutes < 0 || policy.staggerMinutes >= w.lengthMinutes
        then [ "backup.staggerMinutes: a stagger of ${toString policy.staggerMinutes} minutes leaves no time in the ${kind} window ${text}; use whole minutes from 0 to ${toString (w.lengthMinutes - 1)}" ]
        else [ ])
      [ "weekdays" "weekends" ];

  /** { window, calendar, start, end, seconds } of this host in one window ("weekdays" or "weekends"). */
  backupSlot = policy: kind:
    let
      w = time.parseWindow policy.window.${kind};
      startMinutes = w.startMinutes + policy.staggerMinutes;
      shift = startMinutes / 1440;
      days = map (d: time.mod (d + shift) 7) windowDays.${kind};
      start = time.clock startMinutes;
    in
    {
      window = kind;
      inherit start;
      end = time.clock (w.startMinutes + w.lengthMinutes);
      seconds = (w.lengthMinutes - policy.staggerMinutes) * 60;
      calendar = "${time.weekdayList days} *-*-* ${start}:00";
    };

  /**
    A bandwidth as the plan stores it (bit/s) from an integer (bit/s) or text such as "10Mbit",
    "800kbit", "1.25MB/s", "1MiB/s"; null when the text is not one.
  */
  bandwidthBits = value:
    if builtins.isInt value then value
    else
      let
        m = builtins.match "([0-9]+(\\.[0-9]+)?) ?(bit|kbit|Mbit|Gbit|B/s|kB/s|MB/s|GB/s|KiB/s|MiB/s|GiB/s)?" value;
        factors = {
          bit = 1; kbit = 1000; Mbit = 1000000; Gbit = 1000000000;
          "B/s" = 8; "kB/s" = 8000; "MB/s" = 8000000; "GB/s" = 8000000000;
          "KiB/s" = 8192; "MiB/s" = 8388608; "GiB/s" = 8589934592;
        };
        unit = if m == null || builtins.elemAt m 2 == null then "bit" else builtins.elemAt m 2;
        number = builtins.fromJSON (builtins.elemAt m 0);
      in
      if m == null then null else builtins.floor (number * factors.${unit});
}
