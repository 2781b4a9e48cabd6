# How a service opens the repository: the arguments, the credentials and the environment every unit that
# reads or writes it gets (backup, prune, check, the drills). Secrets never enter the Nix store or the
# command line: they reach the service as systemd credentials (LoadCredential=) and panther reads them
# from $CREDENTIALS_DIRECTORY (%d).
{ lib, b }:
{
  credentials =
    lib.optionalAttrs (b.passphraseFile != null) { passphrase = b.passphraseFile; }
    // lib.optionalAttrs (b.identityFile != null) { identity = b.identityFile; }
    // lib.optionalAttrs (b.credentialsFile != null) { s3-credentials = b.credentialsFile; };
  # `{ raw = …; }`: a word whose specifier is meant (service.nix execWord).
  repoArgs = [ "--repo" b.repository ]
    ++ lib.optionals (b.passphraseFile != null) [ "--passphrase-file" { raw = "%d/passphrase"; } ]
    ++ lib.optionals (b.identityFile != null) [ "--identity-file" { raw = "%d/identity"; } ];
  environment = lib.optionalAttrs (b.credentialsFile != null) { PANTHER_S3_CREDENTIALS_FILE = "%d/s3-credentials"; };
}
