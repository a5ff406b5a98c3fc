/**
 * Virtual time for unit tests of code that waits: `now()` stands in for Date.now() and `sleep(ms)` advances it
 * at once, so deadlines and backoff run their course without the test waiting.
 *
 *   const clock = new VirtualClock();
 *   beforeEach(() => clock.install(jest.mocked(sleep)));   // sleep: a jest.mock'ed module function
 *   ...expect(clock.elapsedMs()).toBeLessThanOrEqual(20_000);
 */
export class VirtualClock {
  /** Where every run starts: a fixed instant, so logs and ids built from the time are stable. */
  public static readonly EPOCH = 1_800_000_000_000;
  private current = VirtualClock.EPOCH;
  private startedAt = VirtualClock.EPOCH;
  /** Every sleep asked for, in order (ms). */
  public readonly sleeps: number[] = [];

  public now(): number {
    return this.current;
  }

  /** Time passed since the last reset. */
  public elapsedMs(): number {
    return this.current - this.startedAt;
  }

  public advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`VirtualClock: cannot advance by ${ms} ms`);
    this.current += ms;
  }

  /** Resolves at once, `ms` later in virtual time. */
  public readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.advance(ms);
  };

  public reset(): void {
    this.current = VirtualClock.EPOCH;
    this.startedAt = VirtualClock.EPOCH;
    this.sleeps.length = 0;
  }

  /**
   * Resets, makes Date.now() read this clock (a jest spy, undone by jest.restoreAllMocks) and makes the given
   * mocked sleep advance it.
   */
  public install(sleepMock?: jest.Mock<Promise<void>, [number]> | jest.MockedFunction<(ms: number) => Promise<void>>): this {
    this.reset();
    jest.spyOn(Date, 'now').mockImplementation(() => this.current);
    if (sleepMock) {
      sleepMock.mockReset();
      sleepMock.mockImplementation(this.sleep);
    }
    return this;
  }
}
