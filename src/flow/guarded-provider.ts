import type { PterodactylClient } from '../provider';
import type { CallGate, GateOptions } from './call-gate';

/** `client` with every method routed through `gate` (see CallGate): same interface, same errors plus CircuitOpenError. */
export function guardProvider(client: PterodactylClient, gate: CallGate, options: GateOptions): PterodactylClient {
  const guarded: Partial<Record<keyof PterodactylClient, unknown>> = {};
  for (const key of Object.keys(client) as Array<keyof PterodactylClient>) {
    const method = client[key] as (...args: unknown[]) => Promise<unknown>;
    guarded[key] = (...args: unknown[]) => gate.run(() => method(...args), options);
  }
  return guarded as PterodactylClient;
}
