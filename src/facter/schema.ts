// The declared shape of a nixos-facter report, as far as Panther reads it. The field set changed in
// nearly every facter release (facter.md §9), so every field is optional and unknown fields pass; but a
// field Panther reads must have the type every era writes, or the report is refused naming it (a
// numeric "virtualisation" would otherwise be read as "absent" and a VM planned as bare metal).
// A disk's size resource is checked where the disk is read (disks.ts), so the message names the device.
import { z } from 'zod';

const strings = z.array(z.string());

const diskEntry = z.looseObject({
  index: z.number().optional(),
  attached_to: z.number().optional(),
  class_list: strings.optional(),
  model: z.string().optional(),
  sysfs_id: z.string().optional(),
  sysfs_device_link: z.string().optional(),
  unix_device_name: z.string().optional(),
  unix_device_names: strings.optional(),
  driver: z.string().optional(),
  drivers: strings.optional(),
  module_alias: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
});

export const facterReport = z.looseObject({
  version: z.number().optional(),
  system: z.string().optional(),
  virtualisation: z.string().optional(),
  uefi: z.looseObject({ supported: z.boolean().optional() }).optional(),
  smbios: z.looseObject({}).optional(),
  hardware: z.looseObject({
    disk: z.array(diskEntry).optional(),
  }),
});
