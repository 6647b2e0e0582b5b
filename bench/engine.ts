import { startTemporalDevServer } from '../src/launcher/temporal-dev-server';
import { descendants, freePort } from '../test/e2e/stack-process';
import { processRole } from './proc-stats';

export interface BenchTemporal {
  address: string;
  /** The Temporal server process (for its CPU time). */
  serverPid: number;
  stop(): Promise<void>;
}

/**
 * The official Temporal dev server with the project's dynamic config (visibility at the production 10/s), in memory:
 * a benchmark's service stack and the engine's floor then share one server whose work is CPU, not SQLite's fsyncs.
 */
export async function startBenchTemporal(): Promise<BenchTemporal> {
  const server = await startTemporalDevServer({
    port: await freePort(),
    uiPort: 0,
    namespace: 'default',
    startTimeoutMs: 90_000,
  });
  const serverPid = descendants(server.pid).find((pid) => processRole(pid) === 'Temporal');
  if (!serverPid) throw new Error('the Temporal server process was not found');
  return { address: server.address, serverPid, stop: server.stop };
}
