import type { SimContext } from '../context';
import type { InstallKind, ServerRow } from '../store/rows';

export type InstallFields = Pick<ServerRow, 'status' | 'install_deadline' | 'install_outcome' | 'install_kind'>;

/**
 * Starts an (re)install: status `installing` until `installMs` from now, then the outcome drawn here
 * (failure with probability `installFailRate`). Skipped scripts finish at once and succeed.
 */
export function startInstall(ctx: SimContext, kind: InstallKind, skipScripts: boolean): InstallFields {
  const faults = ctx.faults.current();
  const failed = !skipScripts && ctx.faults.roll(faults.installFailRate);
  return {
    status: 'installing',
    install_deadline: ctx.now() + (skipScripts ? 0 : faults.installMs),
    install_outcome: failed ? 'fail' : 'ok',
    install_kind: kind,
  };
}
