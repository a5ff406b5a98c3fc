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
  // connection-alias (339,806 B; 28,139 B over the floor, once the same function also serves
  // Custom::WorkSpacesConnectionAliasAssociation (its handler, ownership marks on the directory, the owner's guard
  // against a shared account's association) and every alias follows the ownership protocol (rename takeover,
  // hand-back and confirmation, Deletes and Updates that check the owner); before both 326,497 B and 14,830 B).
  { name: 'connection-alias', bundleBytes: 356_000, overFloorBytes: 31_000 },
  // email-address-alias (514,680 B; 20,601 B over the floor; was 505,089 B and 11,189 B before it marked the
  // addresses it owns, resolved email addresses with SearchEmailAddresses and retried throttling to its deadline:
  // the shared ownership protocol, the marks and the lookup are its new sources).
  { name: 'email-address-alias', bundleBytes: 528_000, overFloorBytes: 22_600 },
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
