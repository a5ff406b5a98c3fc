// Runs a bundled handler in this (fresh) process, as a Lambda container would:
//   node testkit/lambda/runner.js <modulePath>
// It require()s the module (the cold start) and reports on file descriptor 3, one JSON line each, how long
// that took and the CPU it used. Then it reads events from stdin, one JSON line each ({ event, timeoutMs }),
// invokes the handler with each in turn (the context counts down from timeoutMs) and reports the outcome,
// the wall time and the CPU time of this process (process.cpuUsage: user + system, which includes the SDK's
// work). Outcomes go to fd 3 so that the handler's own logging on stdout cannot be mistaken for them.
// Plain JavaScript on purpose: no compiler hook is loaded, so the process is as close to Lambda's as it gets.
const fs = require('node:fs');
const readline = require('node:readline');

const modulePath = process.argv[2];
const report = (message) => fs.writeSync(3, `${JSON.stringify(message)}\n`);

const cpuBefore = process.cpuUsage();
const loadStarted = process.hrtime.bigint();
let handlerModule;
try {
  handlerModule = require(modulePath);
} catch (error) {
  // Lambda reports an init error as the invocation's failure; so does this runner, for every event.
  handlerModule = { handler: () => Promise.reject(error) };
}
const loadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;
const loadCpu = process.cpuUsage(cpuBefore);
report({ type: 'loaded', loadMs, loadCpuMs: (loadCpu.user + loadCpu.system) / 1000, uptimeMs: process.uptime() * 1000 });

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => invokeOnce(JSON.parse(line)));
});

async function invokeOnce({ event, timeoutMs }) {
  const started = Date.now();
  const context = { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) };
  const cpu = process.cpuUsage();
  const wallStarted = process.hrtime.bigint();
  let outcome;
  try {
    outcome = { ok: true, response: await handlerModule.handler(event, context) };
  } catch (error) {
    outcome = { ok: false, errorMessage: error && error.message ? error.message : String(error) };
  }
  const wallMs = Number(process.hrtime.bigint() - wallStarted) / 1e6;
  const used = process.cpuUsage(cpu);
  report({ type: 'result', ...outcome, wallMs, cpuMs: (used.user + used.system) / 1000, cpuUserMs: used.user / 1000, cpuSystemMs: used.system / 1000 });
}
