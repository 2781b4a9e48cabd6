# The Caddy site blocks of `panther render caddy` (src/render/caddy.ts caddySites; why each line: the
# comments there), for services.caddy.virtualHosts: same names, same bodies (test/integration/
# nix-module.test.ts compares them). Values reach a Caddyfile, so they are checked against strict
# shapes (the module turns a failed check into an assertion) and never quoted or escaped.
{ lib }:
let
  inherit (lib) all concatStringsSep splitString toInt;
  csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  label = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
  isInt = s: builtins.match "[0-9]{1,3}" s != null;
  ipv4 = a:
    let parts = splitString "." a; in
    builtins.length parts == 4 && all (p: isInt p && toInt p <= 255) parts;
  # Only hex digits, colons and dots (no token can break out); at least two colons.
  ipv6 = a: builtins.match "[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*" a != null && builtins.stringLength a <= 45;
in
rec {
  defaultAllow = [ "100.64.0.0/10" "fd7a:115c:a1e0::/48" ];
  maxBody = "1MB";
  dashboardPath = "/dashboard";

  /** Lowercase DNS labels, at least two (checkDomain). */
  domainOk = d: builtins.isString d && builtins.stringLength d <= 200 && builtins.match "${label}([.]${label})+" d != null;

  /** ADDRESS/PREFIX, the prefix within the address's family (checkCidr). */
  cidrOk = c:
    let m = builtins.match "([0-9a-fA-F:.]+)/([0-9]{1,3})" c; in
    m != null && (
      let a = builtins.elemAt m 0; p = toInt (builtins.elemAt m 1); in
      (ipv4 a && p <= 32) || (ipv6 a && p <= 128));

  /** HOST:PORT (checkUpstream, with a looser IPv6 check: hex digits, colons and dots only). */
  upstreamOk = u:
    let m = builtins.match "([[][0-9a-fA-F:.]+[]]|[A-Za-z0-9.-]+):([0-9]{1,5})" u; in
    m != null && (let port = toInt (builtins.elemAt m 1); in port >= 1 && port <= 65535);

  /** The site bodies, lines one tab in (what virtualHosts.<address>.extraConfig holds). */
  siteBody = role: upstream: allow:
    let
      proxy = if role == "api"
        then [ "reverse_proxy /api/* ${upstream}" "reverse_proxy /metrics ${upstream}" "respond 404" ]
        else lib.optional (role == "dashboard") "redir / ${dashboardPath} 302" ++ [ "reverse_proxy ${upstream}" ];
    in
    concatStringsSep "\n" ([
      "tls {"
      "\tdns cloudflare {env.CF_API_TOKEN}"
      "}"
      "header {"
      "\tStrict-Transport-Security \"max-age=31536000; includeSubDomains\""
      "\tX-Content-Type-Options nosniff"
      "\tX-Frame-Options DENY"
      "\tReferrer-Policy no-referrer"
      "\t?Content-Security-Policy \"${csp}\""
      "\t-Server"
      "}"
      "request_body {"
      "\tmax_size ${maxBody}"
      "}"
      "route {"
      "\t@outside not remote_ip ${concatStringsSep " " allow}"
      "\trespond @outside 403"
    ] ++ map (l: "\t${l}") proxy ++ [ "}" ]);

  /** { address = body; } for the three names (callers check domainOk, upstreamOk and cidrOk first). */
  sites = { domain, upstream, allow ? defaultAllow }:
    let allow' = if allow == [ ] then defaultAllow else allow; in
    {
      "backup-status.${domain}" = siteBody "api" upstream allow';
      "snapshots.${domain}" = siteBody "ui" upstream allow';
      "storage.${domain}" = siteBody "dashboard" upstream allow';
    };
}
