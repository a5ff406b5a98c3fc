import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Caller, CallerOptions, callerOf } from './caller';

/** What to do with one request instead of (or on top of) answering it normally. */
export type Fault =
  | { kind: 'error'; status: number; name: string; message?: string } // answer with this error; the call is NOT applied
  | { kind: 'reset' } // destroy the socket before any response; NOT applied
  | { kind: 'lose-response' }; // APPLY the call, then destroy the socket instead of answering

export interface CallInfo {
  readonly operation: string;
  /** Who called: the account of the SigV4 access key and the Region of its credential scope. */
  readonly caller: Caller;
  /** 0-based count of all calls so far (every operation, including faulted ones). */
  readonly index: number;
  readonly input: any;
  /** The SDK's attempt number for this call (1 for the first try), from its amz-sdk-request header. */
  readonly attempt: number;
}

/** May answer asynchronously (e.g. after evaluating an IAM policy); calls are then served in arrival order only per connection. */
export type FaultPlan = (call: CallInfo) => Fault | undefined | Promise<Fault | undefined>;

export interface RecordedCall {
  readonly operation: string;
  readonly input: any;
  /** The caller's account (from its access key) and the Region it signed for. */
  readonly accountId: string;
  readonly region: string;
  /** ARNs of the resources the call named or touched, when the emulator knows them (empty if it was refused before). */
  readonly resources: string[];
  /** The tags each of `resources` carried when the call reached it (before the call changed them), where the emulator knows them. */
  readonly resourceTags?: Record<string, Record<string, string>>;
  /** 'ok' | 'replayed' (answered from the ClientToken cache, not applied) | error name | 'reset' | 'lost' */
  readonly outcome: string;
  readonly at: number;
}

/** A modelled AWS error; an emulator throws it and the base answers in the protocol's error format. */
export class EmulatorError extends Error {
  public constructor(
    public readonly status: number,
    public readonly errorType: string,
    message: string,
    /** Extra members of the error shape (e.g. WorkSpaces' ResourceNotFoundException.ResourceId). */
    public readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface EmulatorRequest {
  readonly method: string;
  /** Raw request target, still percent-encoded, query included. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RoutedRequest {
  readonly operation: string;
  readonly input: any;
  /** The request cannot be served (bad JSON, unknown route); answered only after faults were consulted. */
  readonly error?: EmulatorError;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A local HTTP endpoint that a real AWS SDK v3 client can be pointed at. It records every call and lets a
 * test inject the failures the SDK must survive in production: modelled errors, dropped connections, and
 * responses lost after the service applied the change (the case idempotency exists for).
 */
export abstract class EmulatedEndpoint {
  public endpoint = '';
  public readonly calls: RecordedCall[] = [];
  public faults?: FaultPlan;
  /** Set by `execute` when it answered from an idempotency-token cache instead of applying the call. */
  protected replayed = false;
  /** Resources the call being executed touched; `execute` adds to it (see `touch`). */
  private touched: string[] = [];
  private touchedTags: Record<string, Record<string, string>> = {};
  private server?: http.Server;
  private callCount = 0;

  protected constructor(faults?: FaultPlan, protected readonly callers: CallerOptions = {}) {
    this.faults = faults;
  }

  /** Records that the call being executed touched the resource `arn`, carrying `tags` then (for the call log). */
  protected touch(arn: string, tags?: Record<string, string>): void {
    if (!this.touched.includes(arn)) this.touched.push(arn);
    if (tags && !(arn in this.touchedTags)) this.touchedTags[arn] = { ...tags };
  }

  public async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The SDK keeps sockets alive between calls; close() alone would wait for them forever.
      server.closeAllConnections();
    });
  }

  public callsOf(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Maps a raw request to an operation name and its input (no state is touched). */
  protected abstract route(request: EmulatorRequest): RoutedRequest;

  /** Applies the operation to the emulated state and returns its output; throws EmulatorError to refuse. */
  protected abstract execute(operation: string, input: any, caller: Caller): unknown;

  protected abstract errorResponse(error: EmulatorError): EmulatorResponse;

  protected abstract successResponse(output: unknown): EmulatorResponse;

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // A bug in the emulator or in a test's fault plan must fail the test, not crash jest.
      this.dispatch(req, res, Buffer.concat(chunks).toString('utf8')).catch((e) => send(res, this.errorResponse(internalFailure(e))));
    });
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const routed = this.route({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    const { operation, input } = routed;
    const caller = callerOf(req.headers, this.callers);
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    const planned = this.faults?.({ operation, caller, index: this.callCount++, input, attempt });
    const fault = planned instanceof Promise ? await planned : planned;
    // From here on nothing awaits: the touched resources are this call's alone.
    this.touched = [];
    this.touchedTags = {};
    const record = (outcome: string) =>
      this.calls.push({
        operation, input, accountId: caller.accountId, region: caller.region, resources: [...this.touched],
        ...(Object.keys(this.touchedTags).length > 0 ? { resourceTags: { ...this.touchedTags } } : {}), outcome, at: Date.now(),
      });

    if (fault?.kind === 'reset') {
      record('reset');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'error') {
      record(fault.name);
      send(res, this.errorResponse(new EmulatorError(fault.status, fault.name, fault.message ?? `Injected ${fault.name}`)));
      return;
    }

    let response: EmulatorResponse;
    let outcome: string;
    try {
      if (routed.error) throw routed.error;
      this.replayed = false;
      response = this.successResponse(this.execute(operation, input, caller));
      outcome = this.replayed ? 'replayed' : 'ok';
    } catch (e) {
      const error = e instanceof EmulatorError ? e : internalFailure(e);
      response = this.errorResponse(error);
      outcome = error.errorType;
    }

    if (fault?.kind === 'lose-response') {
      // 'lost' means applied and unanswered; a refused call whose answer was lost applied nothing.
      record(outcome === 'ok' ? 'lost' : `${outcome} (answer lost)`);
      req.socket.destroy();
      return;
    }
    record(outcome);
    send(res, response);
  }
}

function send(res: http.ServerResponse, response: EmulatorResponse): void {
  res.writeHead(response.status, {
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(response.body)),
    ...response.headers,
  });
  res.end(response.body);
}

function internalFailure(e: unknown): EmulatorError {
  return new EmulatorError(500, 'InternalFailure', `Emulator failure: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
}

/** JSON with sorted object keys, so equal requests hash equally whatever the key order on the wire. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Opaque pagination token. It binds the offset to the query it came from, because AWS rejects a token
 * replayed against different filters rather than paging through the wrong list.
 */
export function encodePageToken(offset: number, query: unknown): string {
  return Buffer.from(JSON.stringify({ o: offset, q: sha256(stableStringify(query)).slice(0, 16) })).toString('base64');
}

/** The offset a token stands for, or undefined when the token is malformed or belongs to another query. */
export function decodePageToken(token: string, query: unknown): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const fits = Number.isInteger(parsed?.o) && parsed.o >= 0 && parsed.q === sha256(stableStringify(query)).slice(0, 16);
    return fits ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a JSON request body; an empty body means an empty input. */
export function parseJsonBody(body: string): { input: any; error?: string } {
  if (body.trim() === '') return { input: {} };
  try {
    const input = JSON.parse(body);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return { input: {}, error: 'Request body must be a JSON object' };
    return { input };
  } catch {
    return { input: {}, error: 'Request body is not valid JSON' };
  }
}
