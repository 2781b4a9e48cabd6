# systemd time text shared by the snapshot and backup units: clock times, spans and weekday lists,
# written exactly as src/render/systemd.ts writes them (test/nix-module.test.ts compares the units).
{ lib }:
let
  inherit (lib) concatStringsSep foldl' length last elemAt sort unique genList;
  pad2 = n: if n < 10 then "0${toString n}" else toString n;
  weekdays = [ "Mon" "Tue" "Wed" "Thu" "Fri" "Sat" "Sun" ];
  mod = a: b: a - b * (a / b);
in
rec {
  inherit weekdays mod;

  /** Minutes after midnight → "HH:MM" (wrapping past midnight). */
  clock = minutes:
    let m = mod (mod minutes 1440 + 1440) 1440; in "${pad2 (m / 60)}:${pad2 (mod m 60)}";

  /** Seconds → a systemd time span: "2h 40min", "5min", "0". */
  timeSpan = seconds:
    let
      units = [ { u = "d"; s = 86400; } { u = "h"; s = 3600; } { u = "min"; s = 60; } { u = "s"; s = 1; } ];
      step = acc: unit:
        if acc.rest >= unit.s
        then { rest = mod acc.rest unit.s; parts = acc.parts ++ [ "${toString (acc.rest / unit.s)}${unit.u}" ]; }
        else acc;
    in
    if seconds == 0 then "0" else concatStringsSep " " (foldl' step { rest = seconds; parts = [ ]; } units).parts;

  /** Day indices (0 = Mon) → "Mon..Fri", "Sat,Sun": runs of three or more as ranges. */
  weekdayList = days:
    let
      sorted = sort (a: b: a < b) (unique days);
      runs = foldl'
        (acc: d:
          if acc != [ ] && last (last acc) == d - 1
          then lib.init acc ++ [ (last acc ++ [ d ]) ]
          else acc ++ [ [ d ] ])
        [ ]
        sorted;
      name = d: elemAt weekdays d;
      show = run:
        if length run >= 3 then [ "${name (builtins.head run)}..${name (last run)}" ] else map name run;
    in
    concatStringsSep "," (lib.concatMap show runs);

  /** "HH:MM-HH:MM" → { startMinutes, lengthMinutes } or null; an end before the start crosses midnight. */
  parseWindow = text:
    let m = builtins.match "([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])" text;
        # Two-digit fields; fromJSON would refuse the leading zero of "05".
        n = i: let s = elemAt m i; in builtins.fromJSON (if builtins.substring 0 1 s == "0" then builtins.substring 1 1 s else s);
    in
    if m == null then null
    else
      let start = n 0 * 60 + n 1; end = n 2 * 60 + n 3; in
      if start == end then null else { inherit text; startMinutes = start; lengthMinutes = mod (end - start + 1440) 1440; };
}
