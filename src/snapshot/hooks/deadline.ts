// Bounds a hook phase by its signal even when the hook ignores the signal: the run goes on
// (to the afters) instead of hanging on a stuck database or podman.
import { ExitCode, PantherError, isPantherError } from '../../core/errors.ts';

export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, what: string, timeoutMs: number): Promise<T> {
  // The hook may still reject after we gave up on it; that late failure is not news.
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(abortReason(signal, what, timeoutMs));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal, what, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

function abortReason(signal: AbortSignal, what: string, timeoutMs: number): PantherError {
  const reason: unknown = signal.reason;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new PantherError('hook-timeout', `${what} did not finish within ${timeoutMs / 1000} s`, {
      hint: 'find out what blocks it (server down, lock held), or raise the hook\'s timeoutSeconds',
      cause: reason,
    });
  }
  return new PantherError('interrupted', `${what} was interrupted`, { exitCode: ExitCode.interrupted, cause: reason });
}

/** One line for outcomes and messages: the error's own message, nothing else. */
export function describeError(error: unknown): string {
  if (isPantherError(error) || error instanceof Error) return error.message;
  return String(error);
}
