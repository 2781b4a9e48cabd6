// Damage for repository tests: one byte of a file changed in place. XOR is its own inverse, so the
// returned function puts the byte back.
import { open } from 'node:fs/promises';

export async function flipByte(path: string, offset: number): Promise<() => Promise<void>> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    await handle.write(Buffer.from([byte[0]! ^ 0x5a]), 0, 1, offset);
  } finally {
    await handle.close();
  }
  return async () => { await flipByte(path, offset); };
}
