# The three VPS: the plans give them a hybrid boot (BIOS boot partition and ESP), so GRUB for both
# (disko adds the disk to boot.loader.grub.devices), and ssh for the operator.
{
  boot.loader.grub = {
    enable = true;
    efiSupport = true;
    efiInstallAsRemovable = true;
  };
  services.openssh.enable = true;
  users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-REPLACE-WITH-YOUR-KEY you@workstation" ];
}
