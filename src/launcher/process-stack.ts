import type { Logger } from 'pino';
import { safeError } from '../logger';

interface Part {
  name: string;
  stop: () => Promise<void>;
  kill?: () => void;
}

/** What a process started, stopped newest first (API, worker, panel, client, Temporal) exactly once. */
export class ProcessStack {
  private readonly parts: Part[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** `kill`, for child processes, ends the part at once when a second signal arrives. */
  add(name: string, stop: () => Promise<void>, kill?: () => void): void {
    this.parts.push({ name, stop, kill });
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
          this.logger.info({ part: part.name }, 'stopped');
        } catch (err) {
          this.logger.error({ part: part.name, err: safeError(err) }, 'could not stop cleanly');
        }
      }
    })();
    return this.stopping;
  }

  /** SIGTERM/SIGINT stop everything and exit; a second signal kills the child processes and exits at once. */
  stopOnSignals(onStopped: () => void): void {
    const handle = (signal: NodeJS.Signals) => {
      if (this.isStopping) {
        this.logger.warn({ signal }, 'second signal: killing the child processes and exiting now');
        for (const part of this.parts) part.kill?.();
        process.exit(130);
      }
      this.logger.info({ signal }, 'shutting down');
      void this.stopAll().then(onStopped);
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
  }
}
