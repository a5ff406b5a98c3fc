// Runs one invocation of a bundled handler in its own process, as a Lambda container would: the module
// is loaded fresh (a cold start), the context counts down from the function's timeout, and the outcome is
// written to file descriptor 3 so the handler's own logging on stdout cannot be mistaken for it.
const fs = require('node:fs');

async function main() {
  const { modulePath, event, timeoutMs } = JSON.parse(fs.readFileSync(0, 'utf8'));
  const started = Date.now();
  const context = { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) };
  let outcome;
  try {
    const response = await require(modulePath).handler(event, context);
    outcome = { ok: true, response };
  } catch (error) {
    outcome = { ok: false, errorMessage: error && error.message ? error.message : String(error) };
  }
  fs.writeSync(3, JSON.stringify(outcome));
}

main();
