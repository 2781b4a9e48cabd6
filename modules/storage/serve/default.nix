# `panther serve`: the host's REST API, web UI, dashboard and /metrics as one long-running service on
# loopback (the unit from the same model as `panther render systemd`, lib/storage/units.nix), and, when
# asked, the Caddy site blocks of `panther render caddy` for the specification's three names in
# services.caddy.virtualHosts. The tokens reach the service as systemd credentials, never the store or
# the command line.
{ config, lib, ... }:
let
  cfg = config.storage;
  s = cfg.serve;
  storageLib = import ../../../lib/storage { inherit lib; };
  caddyLib = storageLib.caddy;
  svc = import ../service.nix { inherit lib cfg; };
  inherit (lib) mkOption types;

  secretPath = types.nullOr (types.either types.str types.path);
  secretFile = import ../secret-path.nix { inherit lib; };
  tokenOk = secretFile.ok;
  tokenAssertions = name: p: [
    {
      assertion = p != null;
      message = "storage.serve.${name} is not set: give the file holding the ${if name == "readTokenFile" then "read" else "admin"} token (a long random string) as your secret manager decrypts it, e.g. config.age.secrets.panther-${if name == "readTokenFile" then "read" else "admin"}-token.path";
    }
  ] ++ secretFile.assertions "storage.serve.${name}" "/run/agenix/panther-read-token" p;

  listenParts = builtins.match "(.+):([0-9]{1,5})" s.listen;
  loopback = builtins.match "(127[.][0-9]+[.][0-9]+[.][0-9]+|[[]::1[]]|localhost):[0-9]+" s.listen != null;
  # Caddy reaches a wildcard listen address through loopback.
  upstream =
    let host = builtins.elemAt listenParts 0; port = builtins.elemAt listenParts 1; in
    if host == "0.0.0.0" then "127.0.0.1:${port}" else if host == "[::]" then "[::1]:${port}" else s.listen;

  fleetOk = lib.all (n: builtins.match "[a-z0-9][a-z0-9.-]*" n != null) (lib.attrNames s.fleet)
    && lib.all (u: builtins.match "https?://[^[:space:][:cntrl:]]+" u != null) (lib.attrValues s.fleet);
  fleetFile = "/etc/panther/fleet.json";
  unitOk = tokenOk s.readTokenFile && tokenOk s.adminTokenFile && (s.fleetTokenFile == null || tokenOk s.fleetTokenFile)
    && (loopback || s.allowRemote) && listenParts != null;
  unit = storageLib.pantherServeUnit cfg.resolvedPlan {
    inherit (s) listen allowRemote;
    readTokenFile = toString s.readTokenFile;
    adminTokenFile = toString s.adminTokenFile;
    fleetFile = if s.fleet == { } then null else fleetFile;
    fleetTokenFile = if s.fleetTokenFile == null then null else toString s.fleetTokenFile;
    # Behind Caddy every client arrives from loopback: count them by the address Caddy appends.
    trustProxy = s.caddy.enable;
  };
  badCidrs = lib.filter (c: !(caddyLib.cidrOk c)) s.caddy.allow;
  caddyOk = s.caddy.domain != null && caddyLib.domainOk s.caddy.domain && badCidrs == [ ] && caddyLib.upstreamOk upstream;
in
{
  options.storage.serve = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = "Run `panther serve`: the host's REST API (/api/v1), web UI, dashboard and /metrics.";
    };
    listen = mkOption {
      type = types.strMatching "[^[:space:][:cntrl:]]+:[0-9]{1,5}";
      default = "127.0.0.1:9720";
      description = "HOST:PORT it listens on. Anything but loopback needs allowRemote; keep loopback behind Caddy.";
    };
    allowRemote = mkOption {
      type = types.bool;
      default = false;
      description = "Allow a listen address off loopback (`--allow-remote`), e.g. the host's tailnet address for a fleet view without Caddy.";
    };
    readTokenFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-read-token";
      description = "File holding the read token (outside the Nix store); read endpoints need it.";
    };
    adminTokenFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-admin-token";
      description = "File holding the admin token (outside the Nix store); anything that changes state needs it.";
    };
    fleet = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { hetzner = "https://backup-status.hbohlen.systems"; yoga = "http://100.64.0.12:9720"; };
      description = "The fleet view's hosts: name → the URL of its API (over the VPN/tailnet), written to /etc/panther/fleet.json (`--fleet`).";
    };
    fleetTokenFile = mkOption {
      type = secretPath;
      default = null;
      example = "/run/agenix/panther-fleet-token";
      description = "File holding the token sent to the fleet hosts' APIs (`--fleet-token-file`); null: the read token (a fleet usually shares one).";
    };
    caddy = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Put the service behind services.caddy under backup-status.DOMAIN, snapshots.DOMAIN and
          storage.DOMAIN (the blocks of `panther render caddy`): TLS by DNS-01 through Cloudflare, so set
          services.caddy.package to a Caddy with the caddy-dns/cloudflare module and give it CF_API_TOKEN
          (services.caddy.environmentFile from your secret manager).
        '';
      };
      domain = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "hbohlen.systems";
        description = "The zone the three names are under.";
      };
      allow = mkOption {
        type = types.listOf types.str;
        default = caddyLib.defaultAllow;
        description = "Client ranges (CIDR) let through; everything else gets 403. Default: the tailnet's (Tailscale's CGNAT and ULA ranges).";
      };
    };
  };

  config = lib.mkMerge [
  (lib.mkIf (cfg.enable && s.caddy.enable && !s.enable) {
    assertions = [{
      assertion = false;
      message = "storage.serve.caddy.enable puts panther serve behind Caddy: set storage.serve.enable = true (with its token files) too";
    }];
  })
  (lib.mkIf (cfg.enable && s.enable) (lib.mkMerge [
    {
      assertions = tokenAssertions "readTokenFile" s.readTokenFile ++ tokenAssertions "adminTokenFile" s.adminTokenFile
        ++ secretFile.assertions "storage.serve.fleetTokenFile" "/run/agenix/panther-fleet-token" s.fleetTokenFile ++ [
        {
          assertion = loopback || s.allowRemote;
          message = "storage.serve.listen = \"${s.listen}\" is not a loopback address; keep 127.0.0.1:PORT and reach it through Caddy (storage.serve.caddy), or set storage.serve.allowRemote = true to serve there on purpose";
        }
        {
          assertion = fleetOk;
          message = "storage.serve.fleet: host names are lowercase DNS names and URLs http(s)://… without spaces; got ${builtins.toJSON s.fleet}";
        }
      ] ++ lib.optionals s.caddy.enable [
        {
          assertion = s.caddy.domain != null;
          message = "storage.serve.caddy.enable needs storage.serve.caddy.domain, the zone of backup-status/snapshots/storage.DOMAIN, e.g. \"hbohlen.systems\"";
        }
        {
          assertion = s.caddy.domain == null || caddyLib.domainOk s.caddy.domain;
          message = "storage.serve.caddy.domain = ${builtins.toJSON s.caddy.domain} is not a domain name; give lowercase DNS labels separated by dots, e.g. \"hbohlen.systems\"";
        }
        {
          assertion = badCidrs == [ ];
          message = "storage.serve.caddy.allow: ${builtins.toJSON badCidrs} are not CIDR ranges; give ADDRESS/PREFIX, e.g. \"100.64.0.0/10\" or \"fd7a:115c:a1e0::/48\"";
        }
      ];
    }
    # A unit is computed only from values the assertions above accept.
    (lib.mkIf unitOk {
      systemd.services.panther-serve = svc.service unit {
        # The API never reads the repository (listing B2 costs money): the plan and the state only.
        extraArgs = [ "--plan" "/etc/panther/plan.json" ];
        # The model's CapabilityBoundingSet stands (render systemd writes the same).
        capabilities = null;
      };
    })
    (lib.mkIf (s.fleet != { } && fleetOk) {
      environment.etc."panther/fleet.json".text = builtins.toJSON s.fleet;
    })
    (lib.mkIf (s.caddy.enable && caddyOk) {
      services.caddy.enable = lib.mkDefault true;
      services.caddy.virtualHosts = lib.mapAttrs (_: body: { extraConfig = body; })
        (caddyLib.sites { domain = s.caddy.domain; inherit upstream; inherit (s.caddy) allow; });
    })
  ]))];
}
