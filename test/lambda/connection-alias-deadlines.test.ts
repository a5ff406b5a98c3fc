// The handler's deadlines scale with the function timeout, and no SDK call outlasts them.
import { AssociateConnectionAliasCommand, DeleteConnectionAliasCommand } from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import type { FakeWorkSpaces } from './fake-workspaces';
import {
  ALIAS_ID,
  CONNECTION_STRING,
  DIRECTORY,
  OWNER_TAG_KEY,
  TEN_MINUTES,
  backoffGivesUpAfter,
  contextWith,
  createEvent,
  deadlinesFor,
  deleteEvent,
  ourTags,
  elapsedMs,
  props,
  resetWorkSpaces,
  ws,
} from './workspaces-fixtures';
import { handler } from '../../lambda/connection-alias';

// Waits must not sleep: the fixtures make the mocked sleep advance a virtual clock instead.
jest.mock('../../lambda/shared/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

let account: FakeWorkSpaces;

beforeEach(() => {
  account = resetWorkSpaces();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the Create deadlines scale with the function timeout', () => {
  test.each([
    // answer reserve min(20 s, 10 %); undo reserve min(120 s, 25 % of what is left until the answer deadline)
    [900_000, 880_000, 760_000],
    [TEN_MINUTES, 580_000, 460_000],
    [60_000, 54_000, 40_500],
    [20_400, 18_360, 13_770],
  ])('with %i ms left the model gives an answer deadline of %i ms and a work deadline of %i ms', (contextMs, answerBy, workBy) => {
    expect(deadlinesFor(contextMs)).toEqual({ answerBy, workBy });
  });

  test.each([900_000, TEN_MINUTES, 60_000, 20_400])(
    'with %i ms left an association that does not establish is given up at the work deadline and undone within the reserve',
    async (contextMs) => {
      // GIVEN the alias is CREATED at once; its association establishes only just after the work deadline
      const { answerBy, workBy } = deadlinesFor(contextMs);
      Object.assign(account.delays, { create: 0, associate: workBy + 500, disassociate: 0, delete: 0 });

      // WHEN
      const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(contextMs));

      // THEN the wait (which started at 0) stopped when the next backoff step no longer fitted before the work deadline
      const waited = backoffGivesUpAfter(workBy);
      await expect(result).rejects.toThrow(
        `Timed out after ${Math.round(waited / 1000)}s waiting for connection alias ${ALIAS_ID} to be associated with directory ` +
        `${DIRECTORY} (last seen: PENDING_ASSOCIATION) (connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
      );
      expect(account.aliasIds()).toEqual([]);
      expect(account.changes).toEqual([`Create ${CONNECTION_STRING}`, `Associate ${ALIAS_ID} ${DIRECTORY}`, `Disassociate ${ALIAS_ID}`, `Delete ${ALIAS_ID}`]);
      expect(elapsedMs()).toBeLessThanOrEqual(answerBy);
    },
  );

  test('with 60 s left the work stops by 40.5 s (60 - 6 - min(120, 54/4)), after about 39 s of waiting', async () => {
    // GIVEN
    account.delays.create = Infinity;

    // WHEN
    const result = handler(createEvent(), contextWith(60_000));

    // THEN pinned on purpose, worked out by hand for DEFAULT_BACKOFF {250 ms, x1.5, at most 2 s}: 250 + 375 + 562.5 +
    // 843.75 + 1265.625 + 1898.4375 = 5195.3125 ms, then the cap: 17 x 2000 ms = 34 000 ms (35 304.6875 ms were left),
    // 39 195.3125 ms in all; an 18th 2 s step would end at 41 195.3125 ms, past 40.5 s
    await expect(result).rejects.toThrow(
      new RegExp(`^Timed out after 39s waiting for connection alias ${ALIAS_ID} to reach state CREATED \\(last seen: CREATING\\)\\. Deleting`),
    );
    expect(backoffGivesUpAfter(40_500)).toBeCloseTo(39_195.3125, 3);
  });

  test.each([900_000, TEN_MINUTES, 60_000, 20_400])(
    'with %i ms left an alias that never leaves CREATING is waited for until the work deadline, and again until the answer deadline',
    async (contextMs) => {
      // GIVEN
      account.delays.create = Infinity;

      // WHEN
      const result = handler(createEvent(), contextWith(contextMs));

      // THEN the work wait ends by the work deadline, the undo's wait by the answer deadline
      const { answerBy, workBy } = deadlinesFor(contextMs);
      const work = backoffGivesUpAfter(workBy);
      const undo = backoffGivesUpAfter(answerBy - work);
      const waiting = `waiting for connection alias ${ALIAS_ID} to reach state CREATED (last seen: CREATING)`;
      await expect(result).rejects.toThrow(
        `Timed out after ${Math.round(work / 1000)}s ${waiting}. Deleting connection alias ${ALIAS_ID} again also failed: ` +
        `Timed out after ${Math.round(undo / 1000)}s ${waiting}. It keeps its '${OWNER_TAG_KEY}' tag`,
      );
      expect(elapsedMs()).toBeCloseTo(work + undo, 3);
      expect(elapsedMs()).toBeLessThanOrEqual(answerBy);
      expect(ws).not.toHaveReceivedCommand(DeleteConnectionAliasCommand);
    },
  );
});

describe('every SDK call is bound by the time the handler has left', () => {
  // These run in real time: a call that never answers is abandoned by a timer, not by the virtual clock.
  const CONTEXT_MS = 1_000; // answer by 900 ms; a Create's work by 675 ms

  test('a call that never answers is abandoned at the work deadline, naming it, and the Create is still undone', async () => {
    // GIVEN AssociateConnectionAlias hangs (as a call the SDK keeps retrying with backoff would)
    Object.assign(account.delays, { create: 0, delete: 0 });
    account.fail('AssociateConnectionAlias', { hang: true });
    const started = performance.now();

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(CONTEXT_MS));

    // THEN
    await expect(result).rejects.toThrow(
      'Time ran out during AssociateConnectionAlias: no answer within the 1s the handler had left for it ' +
      `(connection alias ${ALIAS_ID}, made for this request, was deleted again)`,
    );
    expect(performance.now() - started).toBeLessThan(CONTEXT_MS);
    expect(account.aliasIds()).toEqual([]);
    // the SDK was told to abort the request
    const options = (ws.commandCalls(AssociateConnectionAliasCommand)[0].args as unknown[])[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal?.aborted).toBe(true);
  });

  test('a call in the undo that never answers is abandoned at the answer deadline: the handler fails before Lambda stops it', async () => {
    // GIVEN
    Object.assign(account.delays, { create: 0, delete: 0 });
    account.directories = [];
    account.fail('DeleteConnectionAlias', { hang: true });
    const started = performance.now();

    // WHEN
    const result = handler(createEvent(props({ DirectoryId: DIRECTORY })), contextWith(CONTEXT_MS));

    // THEN
    await expect(result).rejects.toThrow(
      `Deleting connection alias ${ALIAS_ID} again also failed: Time ran out during DeleteConnectionAlias: no answer within the`,
    );
    expect(performance.now() - started).toBeLessThan(CONTEXT_MS);
  });

  test('a Delete whose Describe never answers fails by the answer deadline, naming the call', async () => {
    // GIVEN
    account.seed({ id: ALIAS_ID, tags: ourTags() });
    account.fail('DescribeConnectionAliases', { hang: true });
    const started = performance.now();

    // WHEN
    const result = handler(deleteEvent(), contextWith(CONTEXT_MS));

    // THEN
    await expect(result).rejects.toThrow(/^Time ran out during DescribeConnectionAliases: no answer within the 1s the handler had left for it$/);
    expect(performance.now() - started).toBeLessThan(CONTEXT_MS);
    expect(performance.now() - started).toBeGreaterThanOrEqual(0.9 * CONTEXT_MS - 50);
  });
});
