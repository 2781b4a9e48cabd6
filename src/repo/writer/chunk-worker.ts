// Entry point of the chunking thread (chunk-thread.ts starts it): one ChunkHasher over the pieces the
// main thread posts, until it is terminated. Each piece is answered once, with its chunks and the piece's buffer handed back
// for reuse, all transferred rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkHasher } from './chunk-hasher.ts';
import type { CutChunks, HasherInit } from './chunk-hasher.ts';

export type ToWorker = { type: 'data'; piece: Uint8Array } | { type: 'end' };
export type FromWorker =
  | ({ type: 'cut'; spare: Uint8Array } & CutChunks)
  | ({ type: 'done'; sha256: string } & CutChunks);

function transfers(cut: CutChunks): ArrayBuffer[] {
  const list = cut.chunks.map((c) => c.buffer as ArrayBuffer);
  if (cut.ids !== null) list.push(cut.ids.buffer as ArrayBuffer);
  return list;
}

const port = parentPort;
if (port !== null) {
  const hasher = new ChunkHasher(workerData as HasherInit);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'data') {
      const cut = hasher.push(message.piece);
      const reply: FromWorker = { type: 'cut', spare: message.piece, ...cut };
      port.postMessage(reply, [...transfers(cut), message.piece.buffer as ArrayBuffer]);
    } else {
      const cut = hasher.end();
      const reply: FromWorker = { type: 'done', sha256: hasher.sha256(), ...cut };
      port.postMessage(reply, transfers(cut));
    }
  });
}
