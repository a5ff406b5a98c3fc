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
