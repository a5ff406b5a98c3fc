/** The modelled error name the SDK puts on a service exception, or the JS error's name. */
export function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? 'Error';
}

/** The service's own message, prefixed with its error name so users can look it up. */
export function describeError(error: unknown): string {
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  const name = errorName(error);
  return name === 'Error' || message.startsWith(name) ? message : `${name}: ${message}`;
}

/** True if the error is one of `names`. */
export function isError(error: unknown, ...names: string[]): boolean {
  return names.includes(errorName(error));
}

/** Error names AWS services use for throttling and for their own temporary failures. */
const RETRYABLE_NAMES = [
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'InternalFailure',
  'InternalServiceException',
  'InternalServerException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
];

/** Node's codes for a connection that dropped or could not be made: the request may simply be sent again. */
const NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED'];

/**
 * True for what the SDK itself retries (throttling, 5xx, dropped connections): errors that say nothing about
 * the request and go away if it is sent again later. Looks through an Error's `cause`.
 */
export function isRetryableServiceError(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string; cause?: unknown } | undefined;
  if (e?.cause !== undefined && isRetryableServiceError(e.cause)) {
    // Our own error that names the call, wrapping the service's.
    return true;
  }
  const status = e?.$metadata?.httpStatusCode;
  return (
    isError(error, ...RETRYABLE_NAMES) ||
    (typeof status === 'number' && status >= 500) ||
    Boolean(e?.$retryable) ||
    (typeof e?.code === 'string' && NETWORK_CODES.includes(e.code))
  );
}
