# Secret file options (the backup's key and bucket credentials, serve's tokens): the path a secret
# manager (agenix, sops-nix, OpNix) decrypts to, given as a string. Never a Nix path or a store path
# (every user of the machine can read the store), and one word, because LoadCredential= takes
# NAME:PATH. One rule for every secret option, with the fix in each message.
{ lib }:
rec {
  inStore = p: builtins.isPath p || lib.hasPrefix "${builtins.storeDir}/" (toString p);
  word = p: builtins.match "/[^[:space:][:cntrl:]:]*" (toString p) != null;
  ok = p: p != null && !(inStore p) && word p;
  # `option` names it in the messages ("storage.backup.passphraseFile"); `example` is a typical path.
  assertions = option: example: p: lib.optionals (p != null) [
    {
      assertion = !(inStore p);
      message = "${option} = ${toString p} is in the Nix store, which every user of the machine can read; give the path your secret manager decrypts to as a string (agenix: config.age.secrets.NAME.path, sops-nix: config.sops.secrets.NAME.path, OpNix: its output path), e.g. \"${example}\"";
    }
    {
      assertion = word p;
      message = "${option} = ${builtins.toJSON (toString p)} is not an absolute path without spaces or ':' (LoadCredential= takes NAME:PATH as one word)";
    }
  ];
}
