/** Resolves after `ms` milliseconds. Its own module so unit tests can replace it and run without waiting. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
