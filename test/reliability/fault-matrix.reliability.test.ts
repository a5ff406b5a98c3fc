// The fault matrix: every lifecycle scenario of both constructs under every fault, with the real bundled
// handlers against the emulated endpoints. Each cell ends by checking that the account holds exactly what
// the stack declares, then deletes the stack and checks that nothing is left. The tables are printed after
// the run; each cell reads "result API-calls/leaked/duplicated" for the step under test.
// Run: npm run test:faults   (SEED=<n> varies the faults; CELLS=<n> runs that many cells at once, default 24)
import { Cell, ConstructUnderTest, FAULTS, matrixTable, runCell } from '../../testkit';
import { CONNECTION_ALIAS_ASSOCIATION } from './connection-alias-association-scenarios';
import { CONNECTION_ALIAS } from './connection-alias-scenarios';
import { EMAIL_ADDRESS_ALIAS } from './email-address-alias-scenarios';

const SEED = Number(process.env.SEED ?? 20261121);
const CONSTRUCTS: Array<ConstructUnderTest<any, any>> = [CONNECTION_ALIAS, EMAIL_ADDRESS_ALIAS, CONNECTION_ALIAS_ASSOCIATION];

/**
 * Cells known to fail today, each with why. A listed cell must still fail (test.failing), so a fix shows up
 * as a failure here until its entry is removed.
 */
const KNOWN_FAILURES: Record<string, string> = {};

/** By the order the cells are declared in (scenario, then fault), whatever order they finish in. */
const finished: Cell[] = [];
const started = Date.now();

afterAll(() => {
  const cells = finished.filter(Boolean);
  const ran = cells.filter((c) => c.result !== 'n/a');
  const failed = cells.filter((c) => c.result === 'FAIL');
  const lines = [
    `Fault matrix, seed ${SEED}: each cell is result API-calls/leaked/duplicated for the step under test.`,
    '',
    ...CONSTRUCTS.flatMap((cut) => [matrixTable(cells, cut.construct, FAULTS), '']),
    ...failed.map((c) => `FAIL ${c.construct} / ${c.scenario} / ${c.fault}${KNOWN_FAILURES[key(c)] ? ' (known)' : ''}:\n  ${c.problems.join('\n  ')}`),
    `${ran.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${ran.reduce((sum, c) => sum + c.calls, 0)} API calls; ` +
      `${cells.length - ran.length} not applicable; leaked ${ran.reduce((s, c) => s + c.leaked, 0)}, duplicated ${ran.reduce((s, c) => s + c.duplicated, 0)}; ` +
      `${ran.length - failed.length} passed, ${failed.length} failed`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
});

function key(cell: { construct: string; scenario: string; fault: string }): string {
  return `${cell.construct} / ${cell.scenario} / ${cell.fault}`;
}

/**
 * Each construct's cells draw their seeds from SEED + SEED_SPACING × its position, so that a scenario added to
 * one construct leaves the faults of the others' cells as they were (80: the ConnectionAlias cells when the
 * matrix was first seeded). Seeds shared by cells of two constructs are harmless: each cell is its own world.
 */
const SEED_SPACING = 80;
/**
 * The slow cells first: a cell under sustained throttling takes minutes of the SDK's real backoff, and started last
 * it would set the run's length alone. All cells are one flat list (no describe blocks) because jest runs the
 * concurrent tests of one describe block before it starts the next block's.
 */
const SLOW_FIRST = ['throttling 70%', 'transitions > wait budget'];
const slowness = (fault: string) => (SLOW_FIRST.includes(fault) ? SLOW_FIRST.indexOf(fault) : SLOW_FIRST.length);

let cellIndex = 0;
const runs = CONSTRUCTS.flatMap((cut, position) => cut.scenarios.flatMap((scenario, s) => FAULTS.map((fault, f) => ({
  cut, scenario, fault, index: cellIndex++, seed: SEED + SEED_SPACING * position + s * FAULTS.length + f,
}))));
runs.sort((a, b) => slowness(a.fault.name) - slowness(b.fault.name) || a.index - b.index);

for (const { cut, scenario, fault, index, seed } of runs) {
  const name = `${cut.construct}: ${scenario.name} under ${fault.name}`;
  const known = KNOWN_FAILURES[key({ construct: cut.construct, scenario: scenario.name, fault: fault.name })];
  const define = known ? test.concurrent.failing : test.concurrent;
  define(known ? `${name} [known failure: ${known}]` : name, async () => {
    const cell = await runCell(cut, scenario, fault, seed);
    finished[index] = cell;
    if (cell.result === 'n/a') {
      expect(fault.notApplicable?.[cut.service]).toBeDefined();
    } else {
      expect(cell.problems).toEqual([]);
    }
  });
}
