import type { LambdaContextLike } from './cloudformation';

/**
 * The moment by which a handler must have answered.
 *
 * The Provider framework invokes our function synchronously and answers CloudFormation with whatever it
 * returns or throws. If our function times out instead, CloudFormation still hears FAILED, but with a bare
 * "Task timed out" and no cleanup, so every wait ends early enough to throw a useful error ourselves.
 */
export class Deadline {
  /** The function's own timeout minus `reserveMs` for reporting and cleanup. */
  public static fromContext(context: LambdaContextLike, reserveMs: number): Deadline {
    return new Deadline(Date.now() + Math.max(0, context.getRemainingTimeInMillis() - reserveMs));
  }

  public constructor(public readonly at: number) {}

  public remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  public expired(): boolean {
    return Date.now() >= this.at;
  }

  /** A deadline `ms` earlier, leaving that much time for work after it (e.g. undoing a failed Create). */
  public earlierBy(ms: number): Deadline {
    return new Deadline(this.at - ms);
  }
}
