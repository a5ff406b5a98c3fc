import type * as http from 'node:http';

/** Who made a request, as AWS tells it from the SigV4 signature: the credential's account and the signed Region. */
export interface Caller {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly region: string;
}

/** How an emulator maps credentials to accounts. */
export interface CallerOptions {
  /** Access key id -> account id. Keys not listed map by their form AKID<12 digits>, else to `defaultAccountId`. */
  readonly accessKeys?: Record<string, string>;
  /** The caller's account when the key says nothing. Default '111111111111'. */
  readonly defaultAccountId?: string;
  /** The Region when the request carries no credential scope. Default 'us-east-1'. */
  readonly defaultRegion?: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/;
const KEY_WITH_ACCOUNT = /^AKID(\d{12})$/;

/**
 * The caller of a request, from its Authorization header
 * (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`). The signature itself is
 * not checked: the emulators authenticate nobody, they only need to tell accounts and Regions apart.
 */
export function callerOf(headers: http.IncomingHttpHeaders, options: CallerOptions = {}): Caller {
  const match = CREDENTIAL.exec(String(headers.authorization ?? ''));
  const accessKeyId = match?.[1] ?? '';
  const accountId = options.accessKeys?.[accessKeyId] ?? KEY_WITH_ACCOUNT.exec(accessKeyId)?.[1] ?? options.defaultAccountId ?? '111111111111';
  return { accessKeyId, accountId, region: match?.[2] ?? options.defaultRegion ?? 'us-east-1' };
}
