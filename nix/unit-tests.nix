# Runs the nix-unit-format tests (`{ testX = { expr; expected; }; }`) with lib.debug.runTests: what
# checks.<system>.storage-unit-tests builds, and what test/nix-flake.test.ts evaluates without nixpkgs.
# The tests file takes whichever of { lib, storage, fixtures, plans } it names. `plans` are the five
# hosts' plans as the CLI makes them (zephyrus with databases): the flake cannot run the CLI, so they
# are committed (tests/nix/plans.json; test/nix-flake.test.ts fails when the CLI plans differently).
{
  lib,
  storage,
  testsFile ? ../tests/nix/storage-unit-tests.nix,
  fixtures ? ../test/fixtures/facter,
  plans ? lib.importJSON ../tests/nix/plans.json,
}:
let
  testsFunction = import testsFile;
  tests = testsFunction (builtins.intersectAttrs (builtins.functionArgs testsFunction) { inherit lib storage fixtures plans; });
  failures = lib.debug.runTests tests;
  show = lib.generators.toPretty { multiline = false; };
in
{
  names = builtins.filter (lib.hasPrefix "test") (builtins.attrNames tests);
  inherit failures;
  report = lib.concatMapStrings (f: "FAIL ${f.name}\n  expected: ${show f.expected}\n  got:      ${show f.result}\n") failures;
}
