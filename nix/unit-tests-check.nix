# checks.<system>.storage-unit-tests: the nix-unit-format tests are evaluated while Nix reads this
# derivation; the build fails and prints each failing test with what it expected and what it got.
{ lib, runCommand, storage }:
let
  result = import ./unit-tests.nix { inherit lib storage; };
  passed = builtins.length result.names;
in
runCommand "panther-storage-unit-tests"
  {
    inherit (result) report;
    passAsFile = [ "report" ];
  }
  (if result.failures == [ ] then ''
    echo "${toString passed} nix-unit tests passed" > $out
  '' else ''
    echo "${toString (builtins.length result.failures)} of ${toString passed} nix-unit tests failed:" >&2
    cat "$reportPath" >&2
    exit 1
  '')
