import type { SimContext } from '../context';
import type { CustomRule } from '../../../src/provider/validation/rules';
import { isFilled, isInteger } from '../../../src/provider/validation/rules';
import type { FieldRules } from '../../../src/provider/validation/validator';

const IMAGE = ['string', 'max:191', 'regex:/^~?[\\w\\.\\/\\-:@ ]*$/'];
const THREADS = 'nullable|regex:/^[0-9-,]+$/';

const exists = (check: (value: unknown) => boolean): CustomRule => ({ name: 'exists', passes: check });
const unique = (check: (value: unknown) => boolean): CustomRule => ({ name: 'unique', passes: check });

function existingUser(ctx: SimContext): CustomRule {
  return exists((v) => isInteger(v) && ctx.catalog.userExists(Number(v)));
}

function existingEgg(ctx: SimContext): CustomRule {
  return exists((v) => isInteger(v) && ctx.catalog.getEgg(Number(v)) !== undefined);
}

function uniqueExternalId(ctx: SimContext, exceptServerId?: number): CustomRule {
  return unique((v) => !ctx.servers.externalIdTaken(String(v), exceptServerId));
}

function freeAllocation(ctx: SimContext): CustomRule {
  return exists((v) => isInteger(v) && ctx.allocations.get(Number(v))?.server_id === null);
}

const FEATURE_LIMITS: FieldRules = {
  feature_limits: 'required|array',
  'feature_limits.databases': 'present|nullable|integer|min:0',
  'feature_limits.allocations': 'sometimes|nullable|integer|min:0',
  'feature_limits.backups': 'present|nullable|integer|min:0',
};

/** StoreServerRequest (POST /servers); allocation rules apply only when no `deploy` block is given. */
export function storeServerRules(ctx: SimContext, input: Record<string, unknown>): FieldRules {
  const deploying = isFilled(input.deploy);
  return {
    external_id: ['sometimes', 'nullable', 'string', 'between:1,191', uniqueExternalId(ctx)],
    name: 'required|string|min:1|max:191',
    description: 'nullable|string',
    user: ['required', 'integer', existingUser(ctx)],
    egg: ['required', existingEgg(ctx)],
    docker_image: ['required', ...IMAGE],
    startup: 'required|string',
    environment: 'present|array',
    skip_scripts: 'sometimes|boolean',
    oom_disabled: 'sometimes|boolean',
    limits: 'required|array',
    'limits.memory': 'required|numeric|min:0',
    'limits.swap': 'required|numeric|min:-1',
    'limits.disk': 'required|numeric|min:0',
    'limits.io': 'required|numeric|between:10,1000',
    'limits.threads': THREADS,
    'limits.cpu': 'required|numeric|min:0',
    ...FEATURE_LIMITS,
    ...(deploying
      ? {}
      : {
          'allocation.default': ['required', 'integer', 'bail', freeAllocation(ctx)],
          'allocation.additional.*': ['integer', freeAllocation(ctx)],
        }),
    deploy: 'sometimes|required|array',
    'deploy.locations': deploying ? 'present|array' : 'array',
    'deploy.locations.*': 'integer|min:1',
    'deploy.dedicated_ip': 'required_with:deploy,boolean',
    'deploy.port_range': deploying ? 'present|array' : 'array',
    'deploy.port_range.*': 'string',
    start_on_completion: 'sometimes|boolean',
  };
}

/** UpdateServerDetailsRequest (PATCH /servers/{id}/details). */
export function detailsRules(ctx: SimContext, serverId: number): FieldRules {
  return {
    external_id: ['sometimes', 'nullable', 'string', 'between:1,191', uniqueExternalId(ctx, serverId)],
    name: 'required|string|min:1|max:191',
    user: ['required', 'integer', existingUser(ctx)],
    description: 'nullable|string',
  };
}

const LIMIT_RULES: Record<string, string> = {
  memory: 'numeric|min:0',
  swap: 'numeric|min:-1',
  io: 'numeric|between:10,1000',
  cpu: 'numeric|min:0',
  disk: 'numeric|min:0',
};

/** UpdateServerBuildConfigurationRequest (PATCH /servers/{id}/build): limits nested or top-level (legacy). */
export function buildRules(ctx: SimContext, serverId: number): FieldRules {
  const rules: FieldRules = {
    allocation: [
      'required',
      'bail',
      unique((v) => !ctx.servers.defaultAllocationTaken(Number(v), serverId)),
      exists((v) => isInteger(v) && ctx.allocations.get(Number(v)) !== undefined),
    ],
    oom_disabled: 'sometimes|boolean',
    limits: 'sometimes|array',
    'limits.threads': THREADS,
    threads: THREADS,
  };
  for (const [field, rule] of Object.entries(LIMIT_RULES)) {
    rules[`limits.${field}`] = `required_with:limits|${rule}`;
    rules[field] = `required_without:limits|${rule}`;
  }
  return {
    ...rules,
    add_allocations: 'bail|array',
    'add_allocations.*': 'integer',
    remove_allocations: 'bail|array',
    'remove_allocations.*': 'integer',
    ...FEATURE_LIMITS,
  };
}

export const BUILD_ATTRIBUTES: Record<string, string> = {
  add_allocations: 'allocations to add',
  remove_allocations: 'allocations to remove',
  'add_allocations.*': 'allocation to add',
  'remove_allocations.*': 'allocation to remove',
  'feature_limits.databases': 'Database Limit',
  'feature_limits.allocations': 'Allocation Limit',
  'feature_limits.backups': 'Backup Limit',
};

/** UpdateServerStartupRequest (PATCH /servers/{id}/startup). */
export function startupRules(ctx: SimContext): FieldRules {
  return {
    startup: 'required|string',
    environment: 'present|array',
    egg: ['required', existingEgg(ctx)],
    image: ['required', ...IMAGE],
    skip_scripts: 'present|boolean',
  };
}
