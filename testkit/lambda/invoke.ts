import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { HandlerBundle } from '../cloudformation/assembly';

/** The one process that runs a bundled handler as Lambda would (see runner.js). */
export const LAMBDA_RUNNER = path.join(__dirname, 'runner.js');

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

/** What runner.js reports: once when the module is loaded, then once per event. */
export type RunnerReport =
  | { readonly type: 'loaded'; readonly loadMs: number; readonly loadCpuMs: number; readonly uptimeMs: number }
  | ({ readonly type: 'result'; readonly wallMs: number; readonly cpuMs: number; readonly cpuUserMs: number; readonly cpuSystemMs: number } & InvocationOutcome);

/** A running Lambda process: one cold start, then any number of events, one at a time. */
export interface LambdaProcess {
  /** The cold start report. */
  readonly loaded: Promise<Extract<RunnerReport, { type: 'loaded' }>>;
  /** Invokes the handler with `event`; resolves with the runner's report (an error outcome does not reject). */
  send(event: unknown, timeoutMs?: number): Promise<Extract<RunnerReport, { type: 'result' }>>;
  /** The handler's log output so far (stdout and stderr). */
  logs(): string;
  /** Ends stdin and waits for the process to exit. */
  close(): Promise<void>;
  readonly child: ChildProcess;
}

/** Starts a fresh process on the bundled module `modulePath`, with only `env` (plus PATH) as its environment. */
export function startLambdaProcess(modulePath: string, env: Record<string, string>): LambdaProcess {
  const child = spawn(process.execPath, [LAMBDA_RUNNER, modulePath], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout!.on('data', (chunk) => (logs += chunk));
  child.stderr!.on('data', (chunk) => (logs += chunk));
  const waiting: Array<{ resolve: (r: RunnerReport) => void; reject: (e: Error) => void }> = [];
  const early: RunnerReport[] = [];
  let exited = false;
  let buffer = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const report = JSON.parse(buffer.slice(0, nl)) as RunnerReport;
      buffer = buffer.slice(nl + 1);
      const next = waiting.shift();
      if (next) next.resolve(report);
      else early.push(report);
    }
  });
  const exit = new Promise<void>((resolve) => child.once('close', () => {
    exited = true;
    waiting.splice(0).forEach((w) => w.reject(new Error(`the Lambda process exited without answering: ${logs.slice(-2000)}`)));
    resolve();
  }));
  const nextReport = () => new Promise<RunnerReport>((resolve, reject) => {
    const queued = early.shift();
    if (queued) return resolve(queued);
    if (exited) return reject(new Error(`the Lambda process exited without answering: ${logs.slice(-2000)}`));
    waiting.push({ resolve, reject });
  });
  return {
    child,
    loaded: nextReport() as LambdaProcess['loaded'],
    send: async (event, timeoutMs = 600_000) => {
      child.stdin!.write(`${JSON.stringify({ event, timeoutMs })}\n`);
      return nextReport() as ReturnType<LambdaProcess['send']>;
    },
    logs: () => logs,
    close: async () => {
      child.stdin!.end();
      await exit;
    },
  };
}

/**
 * Invokes the bundled handler once in a fresh child process (a cold start). If it runs past its timeout (or
 * `killAfterMs`), the process is killed and the outcome is what Lambda reports then: an error, with no cleanup.
 */
export async function invoke(bundle: HandlerBundle, event: unknown, options: InvokeOptions): Promise<Invocation> {
  const timeoutMs = options.timeoutMs ?? bundle.timeoutMs;
  const started = Date.now();
  const lambda = startLambdaProcess(bundle.modulePath, options.env);
  let killed = false;
  const limit = Math.min(timeoutMs, options.killAfterMs ?? Infinity);
  // Lambda's timeout counts from the start of the invocation, cold start included (the stricter reading: AWS
  // documents a separate limit for the init phase), and the context counts down what is left of it, so the handler
  // and the timer agree however long the module took to load.
  const timer = setTimeout(() => {
    killed = true;
    lambda.child.kill('SIGKILL');
  }, limit);
  let outcome: InvocationOutcome;
  try {
    await lambda.loaded;
    const report = await lambda.send(event, Math.max(0, timeoutMs - (Date.now() - started)));
    outcome = report.ok ? { ok: true, response: report.response } : { ok: false, errorMessage: report.errorMessage };
  } catch {
    outcome = {
      ok: false,
      errorMessage: killed ? `Task timed out after ${(limit / 1000).toFixed(2)} seconds` : `Process exited without answering: ${lambda.logs().slice(-500)}`,
    };
  } finally {
    clearTimeout(timer);
  }
  await lambda.close();
  return { outcome, durationMs: Date.now() - started, logs: lambda.logs(), killed };
}
