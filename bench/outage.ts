/**
 * Benchmark of a panel outage: orders arrive throughout (Poisson, --rate per second, default 0.5) while the simulated
 * panel is down (`outage`: every Application API request fails) for --outage minutes (default 10), starting one
 * minute in, and for one more minute after it ends; the panel runs at 240 requests a minute, the `npm start` stack
 * at its defaults. Checks every order accepted with a 202 is found and ends ACTIVE (orders lost: target 0), that the
 * panel holds exactly one server per ACTIVE order and none for others (duplicates: target 0), and reports the time
 * from recovery to an empty queue and the 429s after recovery.
 * Usage: npm run bench:outage -- [--outage 10] [--rate 0.5] [--before 1] [--after 1]
 */
import { parseArgs } from 'node:util';
import { sleep } from '../test/e2e/stack-process';
import { arrivalGaps, drained, fmt, panelAudit, startFlowStack, submit, views } from './flow-stack';
import { machineLine } from './proc-stats';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    outage: { type: 'string', default: '10' },
    rate: { type: 'string', default: '0.5' },
    before: { type: 'string', default: '1' },
    after: { type: 'string', default: '1' },
  },
});
const MINUTE = 60_000;
const RATE = Number(values.rate);
const TOTAL_MS = (Number(values.before) + Number(values.outage) + Number(values.after)) * MINUTE;

async function main(): Promise<void> {
  const count = Math.round((RATE * TOTAL_MS) / 1000);
  const flow = await startFlowStack({ limitPerMinute: 240, orders: count, users: 200, installMs: 5000 });
  try {
    const t0 = Date.now();
    const outageAt = t0 + Number(values.before) * MINUTE;
    const recoveryAt = outageAt + Number(values.outage) * MINUTE;
    const switches = (async () => {
      await sleep(outageAt - Date.now());
      await flow.stack.setFaults({ outage: true, rateLimitPerMinute: 240, installMs: 5000 });
      console.log(`outage from ${new Date().toISOString()}`);
      await sleep(recoveryAt - Date.now());
      await flow.stack.setFaults({ rateLimitPerMinute: 240, installMs: 5000 });
      console.log(`panel back at ${new Date().toISOString()}`);
      return (await flow.stack.simState()).calls;
    })();
    const accepted: string[] = [];
    const refused: string[] = [];
    const gaps = arrivalGaps(RATE, count, 5);
    let due = t0;
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < count; i++) {
      due += gaps[i];
      if (due - Date.now() > 0) await sleep(due - Date.now());
      const id = `outage-${i}`;
      pending.push(
        submit(flow, id, {
          userId: flow.users[i % flow.users.length],
          tier: ['premium', 'standard', 'free'][i % 3],
        }).then(
          () => {
            accepted.push(id);
          },
          () => {
            refused.push(id);
          },
        ),
      );
    }
    await Promise.all(pending);
    const atRecovery = await switches;
    const emptyAt = await drained(flow, 60 * MINUTE, 1000);
    const after = (await flow.stack.simState()).calls;
    const orders = await views(flow, accepted);
    const lost = accepted.filter((id) => !orders.get(id)).length;
    const statuses: Record<string, number> = {};
    for (const v of orders.values()) if (v) statuses[v.status] = (statuses[v.status] ?? 0) + 1;
    const audit = panelAudit(await flow.stack.simState(), orders);
    console.log(
      [
        machineLine(),
        `${values.outage}-minute panel outage, ${accepted.length} orders accepted (${refused.length} refused) at ${RATE}/s over ${fmt(TOTAL_MS / MINUTE)} min`,
        `orders lost: ${lost} (target 0); final statuses ${JSON.stringify(statuses)}; duplicate servers: ${audit.duplicates} (target 0); ` +
          `servers of orders that are not ACTIVE: ${audit.strays}; ACTIVE orders without a server: ${audit.activeWithout}`,
        `recovery to empty queue: ${fmt((emptyAt - recoveryAt) / 1000)} s; 429s after recovery: ${after.rateLimited - atRecovery.rateLimited}; ` +
          `panel calls after recovery: ${after.total - atRecovery.total}`,
      ].join('\n'),
    );
  } finally {
    await flow.close();
  }
}

runMain(main);
