# Hooks for monitoring, filled by the observability work: what every panther service passes on to its
# metrics client, and which units run when a panther service fails.
{ lib, ... }:
{
  options.storage.monitoring = {
    enable = lib.mkOption { type = lib.types.bool; default = false; description = "Send panther's metrics (see docs/METRICS.md once it exists)."; };
    onFailure = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "notify-failure@%n.service" ];
      description = "Units started when any panther service fails (systemd OnFailure=).";
    };
    environment = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      default = { };
      example = { DD_AGENT_HOST = "127.0.0.1"; };
      description = "Environment of every panther service (e.g. the Datadog agent's address).";
    };
  };
}
