// Entry of the chunking thread (chunk-thread.ts). Plain JavaScript for the reason src/cli/panther.js
// is: a thread that loads .ts files strips their types, and the stripper alone adds ~16 MiB to the
// thread; with the compile cache on before the first .ts file, a cached run skips it.
import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';

if (workerData.compileCache !== undefined) enableCompileCache(workerData.compileCache);
await import('./chunk-worker.ts');
