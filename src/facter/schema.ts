// The declared shape of a nixos-facter report, as far as Panther depends on it. The field set changed
// in nearly every facter release (facter.md §9), so only what every era has is required: a
// "hardware" object whose optional "disk" list holds objects. Everything else is read leniently by
// raw.ts, and a disk's size resource is checked where the disk is read (disks.ts), so the message can
// name the device.
import { z } from 'zod';

export const facterReport = z.looseObject({
  hardware: z.looseObject({
    disk: z.array(z.looseObject({})).optional(),
  }),
});
