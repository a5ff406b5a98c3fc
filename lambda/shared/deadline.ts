/**
 * The moment by which something must be finished (see time-budget.ts for how the handlers choose it).
 */
export class Deadline {
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

  /** This deadline or `ms` from now, whichever comes first. */
  public atMost(ms: number): Deadline {
    return new Deadline(Math.min(this.at, Date.now() + ms));
  }
}
