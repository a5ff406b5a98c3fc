import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { HandlerBundle } from './assembly';

/** What one invocation of a handler ended with. */
export type InvocationOutcome =
  | { readonly ok: true; readonly response: { PhysicalResourceId?: string; Data?: Record<string, string> } }
  | { readonly ok: false; readonly errorMessage: string };

export interface InvokeOptions {
  /** Environment of the function: region, credentials and AWS_ENDPOINT_URL_<SERVICE> for the emulators. */
  readonly env: Record<string, string>;
  /** Override the function's configured timeout (e.g. to exercise the handler's own deadline). */
  readonly timeoutMs?: number;
  /** Kill the process after this long, as a crash or a Lambda timeout would, even if it could finish. */
  readonly killAfterMs?: number;
}

export interface Invocation {
  readonly outcome: InvocationOutcome;
  readonly durationMs: number;
  /** The handler's log lines (stdout and stderr). */
  readonly logs: string;
  /** True if the process was killed before it answered. */
  readonly killed: boolean;
}

const RUNNER = path.join(__dirname, 'lambda-runner.js');

/**
 * Invokes the bundled handler once in a child process. If it runs past its timeout (or `killAfterMs`),
 * the process is killed and the outcome is what Lambda reports then: an error, with no cleanup.
 */
export function invoke(bundle: HandlerBundle, event: unknown, options: InvokeOptions): Promise<Invocation> {
  const timeoutMs = options.timeoutMs ?? bundle.timeoutMs;
  const started = Date.now();
  const child = spawn(process.execPath, [RUNNER], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let logs = '';
  let result = '';
  child.stdout!.on('data', (chunk) => (logs += chunk));
  child.stderr!.on('data', (chunk) => (logs += chunk));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => (result += chunk));
  child.stdin!.end(JSON.stringify({ modulePath: bundle.modulePath, event, timeoutMs }));

  let killed = false;
  const limit = Math.min(timeoutMs, options.killAfterMs ?? Infinity);
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limit);

  return new Promise((resolve) => {
    child.on('close', () => {
      clearTimeout(timer);
      const durationMs = Date.now() - started;
      const outcome: InvocationOutcome = result
        ? JSON.parse(result)
        : { ok: false, errorMessage: killed ? `Task timed out after ${(limit / 1000).toFixed(2)} seconds` : `Process exited without answering: ${logs.slice(-500)}` };
      resolve({ outcome, durationMs, logs, killed });
    });
  });
}
