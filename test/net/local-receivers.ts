import { HostAllowList } from '../../src/net/allow-list';
import { OutboundGuard } from '../../src/net/outbound-guard';

/**
 * The tests' callback and webhook receivers listen on 127.0.0.1, which the outbound guard refuses: their workers
 * allow it as an operator would, with CALLBACK_ALLOWED_HOSTS=127.0.0.1.
 */
export const LOCAL_RECEIVERS_ALLOWED = '127.0.0.1';

export const localReceiversGuard = (): OutboundGuard =>
  new OutboundGuard({ allow: HostAllowList.parse(LOCAL_RECEIVERS_ALLOWED) });
