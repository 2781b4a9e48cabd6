# agenix's recipients file: who can decrypt which secret. `agenix -e panther-passphrase.age` (run in
# this directory) creates or edits a secret. Replace the keys with yours: each host's is its
# /etc/ssh/ssh_host_ed25519_key.pub, yours is the key you edit secrets with.
let
  admin = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-YOUR-KEY you@workstation";
  zephyrus = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-HOST-KEY root@zephyrus";
  yoga = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-HOST-KEY root@yoga";
  hetzner = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-HOST-KEY root@hetzner";
  contabo = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-HOST-KEY root@contabo";
  ovh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-HOST-KEY root@ovh";
in
{
  # The repository passphrase (one line). One fleet repository, one prefix per host inside it.
  "panther-passphrase.age".publicKeys = [ admin zephyrus yoga hetzner contabo ovh ];
  # Backblaze B2: application key id and application key, one per line. Better one key per host,
  # restricted to the bucket (see README "Backblaze B2: the bucket lifecycle rule").
  "panther-b2.age".publicKeys = [ admin zephyrus yoga hetzner contabo ovh ];
}
