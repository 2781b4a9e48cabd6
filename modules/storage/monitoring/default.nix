# Monitoring: the metrics exporter (`panther metrics serve`, for Prometheus and Datadog's OpenMetrics
# check), the collector timer (`panther metrics collect`, gauges over DogStatsD), the Datadog agent's
# checks for panther (systemd units, journald logs, DogStatsD or OpenMetrics) and the self-hosted
# Prometheus scrape job, rule file and Alertmanager config. The rule and Alertmanager files are
# rendered by `panther render prometheus-rules` / `alertmanager` and committed beside plan.json, like
# the plan: the module reads them, it does not compute alerts.
{ config, lib, ... }:
let
  cfg = config.storage;
  m = cfg.monitoring;
  svc = import ../service.nix { inherit lib cfg; };
  inherit (lib) mkOption types;
  host = cfg.resolvedPlan.host;
  sizeArgs = lib.optional m.snapshotSizes "--snapshot-sizes";
  planArgs = [ "--plan" "/etc/panther/plan.json" ];
  # Collector gauges read btrfs device stats and scrub status (ioctls that need CAP_SYS_ADMIN) and
  # every user's snapshot directory; they never write.
  readCapabilities = [ "CAP_SYS_ADMIN" "CAP_DAC_READ_SEARCH" ];
  # Every panther unit, for the agent's systemd check and journald logs.
  pantherUnits = map (n: "${n}.service") (lib.filter (lib.hasPrefix "panther-") (lib.attrNames config.systemd.services));
  viaDogstatsd = m.datadog.enable && m.datadog.source == "dogstatsd";
  viaOpenmetrics = m.datadog.enable && m.datadog.source == "openmetrics";
  listenUrl = "http://${m.exporter.listen}/metrics";

  exporterUnit = {
    description = "Panther: metrics of ${host} on ${m.exporter.listen} (Prometheus text format)";
    wants = [ ];
    after = [ "local-fs.target" ];
    wantedBy = [ "multi-user.target" ];
    settings = {
      Type = "simple";
      ExecStart = { pantherArgs = [ "metrics" "serve" "--listen" m.exporter.listen ] ++ planArgs ++ sizeArgs; };
      Restart = "on-failure";
      RestartSec = "5s";
      StateDirectory = "panther";
    };
  };
  collectUnit = {
    description = "Panther: send the gauges of ${host} to the Datadog agent";
    wants = [ ];
    after = [ "local-fs.target" ];
    wantedBy = [ ];
    settings = {
      Type = "oneshot";
      ExecStart = { pantherArgs = [ "metrics" "collect" ] ++ planArgs ++ sizeArgs; };
      StateDirectory = "panther";
      Nice = 10;
    };
  };
in
{
  options.storage.monitoring = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = "Send and serve panther's metrics (docs/METRICS.md). Off: the runs send nothing (PANTHER_METRICS=off).";
    };
    onFailure = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "notify-failure@%n.service" ];
      description = "Units started when any panther service fails (systemd OnFailure=).";
    };
    environment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { DD_AGENT_HOST = "127.0.0.1"; DD_TAGS = "env:prod"; };
      description = "Environment of every panther service: DD_AGENT_HOST, DD_DOGSTATSD_PORT, DD_TAGS for a non-default agent.";
    };
    snapshotSizes = mkOption {
      type = types.bool;
      default = false;
      description = "Also report pantheros.snapshot.size (exclusive bytes of each subvolume's snapshots); costs I/O, see docs/DECISIONS.md.";
    };
    exporter = {
      enable = mkOption { type = types.bool; default = m.enable; defaultText = lib.literalExpression "storage.monitoring.enable"; description = "Run `panther metrics serve`."; };
      listen = mkOption {
        type = types.strMatching "(127[.][0-9]+[.][0-9]+[.][0-9]+|[[]::1[]]|localhost):[0-9]+";
        default = "127.0.0.1:9977";
        description = "Loopback address and port of /metrics (scrape it through the VPN with a reverse proxy, never expose it directly).";
      };
    };
    collector.interval = mkOption {
      type = types.str;
      default = "*:0/5";
      description = "How often `panther metrics collect` sends the gauges over DogStatsD (OnCalendar).";
    };
    datadog = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Configure the Datadog agent (services.datadog-agent, which you enable with its API key) for panther.";
      };
      source = mkOption {
        type = types.enum [ "dogstatsd" "openmetrics" ];
        default = "dogstatsd";
        description = ''
          How panther's metrics reach Datadog: "dogstatsd" (the runs send counters as they happen, a timer
          sends the gauges; the names of docs/METRICS.md) or "openmetrics" (the agent scrapes /metrics;
          names get the check's namespace). One at a time, so no metric arrives twice.
        '';
      };
      logs = mkOption { type = types.bool; default = true; description = "Collect the panther units' journald logs."; };
    };
    prometheus = {
      enable = mkOption { type = types.bool; default = false; description = "Add a scrape job for /metrics to services.prometheus."; };
      ruleFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = lib.literalExpression "./alerts/prometheus-rules.yml";
        description = "Rules from `panther render prometheus-rules`, loaded by services.prometheus.";
      };
      alertmanagerConfigFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = lib.literalExpression "./alerts/alertmanager.yml";
        description = "Routes from `panther render alertmanager` (receivers' secrets as *_file paths), for services.prometheus.alertmanager.";
      };
    };
  };

  config = lib.mkIf cfg.enable (lib.mkMerge [
    (lib.mkIf (m.exporter.enable && m.enable) {
      systemd.services.panther-metrics = svc.service exporterUnit { capabilities = readCapabilities; };
    })
    (lib.mkIf viaDogstatsd {
      systemd.services.panther-metrics-collect = svc.service collectUnit { capabilities = readCapabilities; };
      systemd.timers.panther-metrics-collect = {
        description = "Panther: gauges of ${host} every few minutes";
        wantedBy = [ "timers.target" ];
        timerConfig = { OnCalendar = m.collector.interval; AccuracySec = "30s"; };
      };
    })
    (lib.mkIf m.datadog.enable {
      assertions = [
        { assertion = m.enable; message = "storage.monitoring.datadog.enable needs storage.monitoring.enable = true"; }
        {
          assertion = config.services.datadog-agent.enable or false;
          message = "storage.monitoring.datadog.enable: enable the agent itself too (services.datadog-agent.enable = true; apiKeyFile from your secret manager)";
        }
        {
          assertion = !viaOpenmetrics || m.exporter.enable;
          message = "storage.monitoring.datadog.source = \"openmetrics\" scrapes the exporter: keep storage.monitoring.exporter.enable = true";
        }
      ];
      services.datadog-agent.checks = {
        systemd = { init_config = { }; instances = [{ unit_names = pantherUnits; tags = [ "service:panther" ]; }]; };
      } // lib.optionalAttrs viaOpenmetrics {
        openmetrics = {
          init_config = { };
          instances = [{ openmetrics_endpoint = listenUrl; namespace = "panther"; metrics = [ "pantheros_.*" ]; tags = [ "service:panther" ]; }];
        };
      } // lib.optionalAttrs m.datadog.logs {
        journald = { logs = [{ type = "journald"; include_units = pantherUnits; service = "panther"; source = "panther"; }]; };
      };
      services.datadog-agent.extraConfig = { use_dogstatsd = true; } // lib.optionalAttrs m.datadog.logs { logs_enabled = true; };
      # The agent reads the journal as its own user.
      users.users.datadog.extraGroups = lib.mkIf m.datadog.logs [ "systemd-journal" ];
    })
    (lib.mkIf m.prometheus.enable {
      assertions = [{ assertion = m.enable && m.exporter.enable; message = "storage.monitoring.prometheus.enable scrapes the exporter: set storage.monitoring.enable = true (and keep exporter.enable)"; }];
      services.prometheus.scrapeConfigs = [{
        job_name = "panther";
        scrape_interval = "60s";
        static_configs = [{ targets = [ m.exporter.listen ]; labels = { inherit host; }; }];
      }];
      services.prometheus.ruleFiles = lib.optional (m.prometheus.ruleFile != null) m.prometheus.ruleFile;
      services.prometheus.alertmanager = lib.mkIf (m.prometheus.alertmanagerConfigFile != null) {
        enable = true;
        configText = builtins.readFile m.prometheus.alertmanagerConfigFile;
      };
    })
  ]);
}
