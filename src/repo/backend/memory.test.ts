import { MemoryBackend } from './memory.ts';
import { runBackendConformance } from './conformance.ts';

runBackendConformance('memory', async () => ({ backend: new MemoryBackend() }));
