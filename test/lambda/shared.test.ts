// The shared handler helpers on their own: retries, look-then-change, the undo's persistence, error classes.
import { backoffSleeps } from './backoff';
import { callBefore, TimeRanOut } from '../../lambda/shared/bounded-client';
import { Deadline } from '../../lambda/shared/deadline';
import { isRetryableServiceError } from '../../lambda/shared/errors';
import { changeUnlessDone, pollUntil, retryServiceErrors, retryWhileTransient } from '../../lambda/shared/poll';
import { sleep } from '../../lambda/shared/sleep';
import { answerDeadline, workDeadline } from '../../lambda/shared/time-budget';

jest.mock('../../lambda/shared/sleep');

let now: number;
beforeEach(() => {
  now = 1_800_000_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  jest.mocked(sleep).mockReset();
  jest.mocked(sleep).mockImplementation(async (ms: number) => {
    now += ms;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
});

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

test('the answer deadline keeps min(20 s, 10 %) back; the work deadline keeps min(reserve, 25 %) more', () => {
  expect(answerDeadline({ getRemainingTimeInMillis: () => 600_000 }).remainingMs()).toBe(580_000);
  expect(answerDeadline({ getRemainingTimeInMillis: () => 60_000 }).remainingMs()).toBe(54_000);
  expect(workDeadline(new Deadline(now + 580_000), 120_000).remainingMs()).toBe(460_000);
  expect(workDeadline(new Deadline(now + 54_000), 120_000).remainingMs()).toBe(40_500);
});

test('retryWhileTransient backs off between attempts and names the call when time runs out', async () => {
  const call = jest.fn().mockRejectedValue(named('Busy'));
  await expect(retryWhileTransient('Thing', call, () => true, new Deadline(now + 1_000))).rejects.toThrow(
    'Thing kept failing until its time ran out: Busy',
  );
  expect(jest.mocked(sleep).mock.calls).toEqual(backoffSleeps(2));
});

describe('changeUnlessDone', () => {
  test('looks again before every attempt and makes no change once the look says it is done', async () => {
    // GIVEN the first change is refused as settling, but went through
    let done = false;
    const change = jest.fn(async () => {
      done = true;
      throw named('Settling');
    });

    // WHEN
    const changed = await changeUnlessDone('Thing', { needed: async () => !done, change }, () => true, new Deadline(now + 10_000));

    // THEN
    expect(change).toHaveBeenCalledTimes(1);
    expect(changed).toBe(false);
  });

  test('reports a change it made', async () => {
    await expect(changeUnlessDone('Thing', { needed: async () => true, change: async () => undefined }, () => false, new Deadline(now + 1))).resolves.toBe(true);
  });
});

test('retryServiceErrors repeats through throttling and 5xx, but not through other errors', async () => {
  const flaky = jest.fn()
    .mockRejectedValueOnce(named('ThrottlingException'))
    .mockRejectedValueOnce(named('Whatever', { $metadata: { httpStatusCode: 503 } }))
    .mockRejectedValueOnce(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
    .mockResolvedValue('ok');
  await expect(retryServiceErrors('undo', flaky, new Deadline(now + 60_000))).resolves.toBe('ok');

  const denied = jest.fn().mockRejectedValue(named('AccessDeniedException', { $metadata: { httpStatusCode: 403 } }));
  await expect(retryServiceErrors('undo', denied, new Deadline(now + 60_000))).rejects.toThrow('AccessDeniedException');
  expect(denied).toHaveBeenCalledTimes(1);
});

test.each([
  ['ThrottlingException', named('ThrottlingException'), true],
  ['TooManyRequestsException', named('TooManyRequestsException'), true],
  ['InternalFailure', named('InternalFailure'), true],
  ['InternalServiceException', named('InternalServiceException'), true],
  ['ServiceUnavailable', named('ServiceUnavailable'), true],
  ['any 5xx', named('X', { $metadata: { httpStatusCode: 502 } }), true],
  ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  ['a wrapped throttle', new Error('Call failed: ThrottlingException', { cause: named('ThrottlingException') }), true],
  ['ResourceConflictException (409)', named('ResourceConflictException', { $metadata: { httpStatusCode: 409 } }), false],
  ['AccessDeniedException', named('AccessDeniedException'), false],
  ['our own time-ran-out error', new Error('Time ran out during X'), false],
])('isRetryableServiceError(%s) is %s', (_, error, expected) => {
  expect(isRetryableServiceError(error)).toBe(expected);
});

test('callBefore refuses to start a call once the deadline has passed', async () => {
  const call = jest.fn();
  await expect(callBefore(new Deadline(now), 'DescribeThing', call)).rejects.toThrow('Time ran out before DescribeThing');
  expect(call).not.toHaveBeenCalled();
});

test('a wait whose look is cut short by the deadline reports what it waited for and the last state seen', async () => {
  // GIVEN the second look is abandoned because time ran out
  const probe = jest.fn()
    .mockResolvedValueOnce({ done: false, status: 'CREATING' })
    .mockRejectedValueOnce(new TimeRanOut('Time ran out during DescribeThing'));

  // WHEN
  const waiting = pollUntil('the thing to be ready', probe, new Deadline(now + 10_000));

  // THEN
  await expect(waiting).rejects.toThrow(/^Timed out after 0s waiting for the thing to be ready \(last seen: CREATING\)$/);
});
