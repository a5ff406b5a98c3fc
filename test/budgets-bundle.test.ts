// Bundle budgets: the size of each handler bundle, built from the current sources with the shipped esbuild
// options, and what our own code adds to the SDK floor (a bundle of the same SDK imports doing nothing).
// esbuild output is deterministic for given sources and package versions, so a budget crossed is a change
// in our code or in the SDK we bundle.
import { buildFloor, buildHandler, HANDLERS, HandlerName, ownCodeBytes } from '../bench/bundles';

interface BundleBudget {
  readonly name: HandlerName;
  /** Bytes of the minified index.js. */
  readonly bundleBytes: number;
  /** Bundle minus floor. */
  readonly overFloorBytes: number;
}

// Budgets and the figures measured when they were set (in parentheses).
// - bundleBytes: about 5 % above, mostly for SDK patch releases; a bigger jump means a new client, command or
//   dependency got bundled (or an SDK release regressed tree-shaking), which deserves a look before shipping.
//   The Connect bundle is large because the SDK's Connect schemas do not tree-shake (aws/aws-sdk-js-v3#7607);
//   the SDK release with the fix will shrink it well under budget.
// - overFloorBytes: about 10 % above, room for a new error message or a small guard; a new code path of any
//   size crosses it and should be weighed against what it costs every cold start.
const BUDGETS: BundleBudget[] = [
  // connection-alias (330,473 B; 18,806 B over the floor, once the handler followed the ownership protocol:
  // rename takeover, hand-back and confirmation, Deletes and Updates that check the owner, calls sent again
  // under sustained throttling, and their messages).
  { name: 'connection-alias', bundleBytes: 340_000, overFloorBytes: 20_400 },
  // email-address-alias (505,089 B; 11,189 B over the floor, after the same change).
  { name: 'email-address-alias', bundleBytes: 528_000, overFloorBytes: 12_300 },
];

test('every handler has a budget', () => {
  expect(BUDGETS.map((b) => b.name).sort()).toEqual([...HANDLERS].sort());
});

describe.each(BUDGETS)('$name bundle', (budget) => {
  let bundleBytes = 0;
  let floorBytes = 0;
  let ownBytes = 0;
  beforeAll(async () => {
    const [ours, floor] = await Promise.all([buildHandler(budget.name), buildFloor(budget.name)]);
    bundleBytes = ours.code.byteLength;
    floorBytes = floor.code.byteLength;
    ownBytes = ownCodeBytes(ours);
  });

  test('stays within its size budget', () => {
    process.stdout.write(`${budget.name}: bundle ${bundleBytes} B (budget ${budget.bundleBytes} B)\n`);
    expect(bundleBytes).toBeLessThanOrEqual(budget.bundleBytes);
  });

  test('adds little to the SDK floor', () => {
    const overFloor = bundleBytes - floorBytes;
    process.stdout.write(`${budget.name}: bundle ${bundleBytes} B, floor ${floorBytes} B, over the floor ${overFloor} B (budget ${budget.overFloorBytes} B), our sources ${ownBytes} B\n`);
    // Our sources in the bundle (metafile) and the difference to the floor measure the same thing two ways;
    // if they drift apart, the floor no longer imports what the handler does.
    expect(Math.abs(overFloor - ownBytes)).toBeLessThan(1_000);
    expect(overFloor).toBeLessThanOrEqual(budget.overFloorBytes);
  });
});
