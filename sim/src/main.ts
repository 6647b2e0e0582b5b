import pino from 'pino';
import { z } from 'zod';
import { startSimPanel } from './start';

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const envSchema = z.object({
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  SIM_HOST: z.string().min(1).default('127.0.0.1'),
  PTERODACTYL_API_KEY: z.string().min(1, 'PTERODACTYL_API_KEY is required'),
  DATA_DIR: z.string().min(1).optional(),
  SIM_INSTALL_MS: optionalInt(0),
  SIM_RATE_LIMIT: optionalInt(1),
  SIM_SEED: z.coerce.number().int().optional(),
});

async function main(): Promise<void> {
  const log = pino({ name: 'sim-panel' });
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    log.error({ issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'invalid environment');
    process.exitCode = 1;
    return;
  }
  const env = parsed.data;
  const running = await startSimPanel(
    {
      apiKey: env.PTERODACTYL_API_KEY,
      dataDir: env.DATA_DIR,
      installMs: env.SIM_INSTALL_MS,
      rateLimitPerMinute: env.SIM_RATE_LIMIT,
      seed: env.SIM_SEED,
      port: env.SIM_PORT,
      host: env.SIM_HOST,
    },
    { reportUnexpected: (error) => log.error({ err: error }, 'unexpected error') },
  );
  log.info(
    { url: running.url, api: `${running.url}/api/application`, dataDir: env.DATA_DIR ?? null },
    'simulated panel listening',
  );
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    void running.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
