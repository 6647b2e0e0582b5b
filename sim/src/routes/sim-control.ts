import type { ErrorRequestHandler, Response } from 'express';
import express, { Router } from 'express';
import { z } from 'zod';
import type { SimContext } from '../context';
import type { FaultSettings } from '../faults';
import { faultInputSchema } from '../faults';
import { apiKeyInputSchema } from '../http/api-keys';
import type { Attributes } from '../http/listing';
import type { AllocationAttributes, ServerAttributes } from '../http/transformers';
import { allocationAttributes, nodeAttributes, serverAttributes } from '../http/transformers';
import type { CallStats } from '../stats';
import { resetDatabase } from '../store/database';
import { insertNode, nodeInputSchema } from '../store/nodes-write';

function badRequest(res: Response, message: string, details: unknown = []): void {
  res.status(400).json({ error: { code: 'invalid_request', message, details } });
}

function zodDetails(error: z.ZodError) {
  return error.issues.map((issue) => ({ field: issue.path.join('.'), reason: issue.message }));
}

const userInputSchema = z.strictObject({
  username: z.string().min(1).max(191).optional(),
  email: z.string().min(3).max(191).optional(),
});

/** Body of `GET /_sim/state`; allocations also name their node and server. */
export interface SimState {
  servers: ServerAttributes[];
  allocations: Array<AllocationAttributes & { node: number; server: number | null }>;
  nodes: Attributes[];
  faults: FaultSettings;
  calls: CallStats;
}

/** Simulation snapshot of servers, allocations, nodes, faults and call counts (no key needed). */
export function simState(ctx: SimContext): SimState {
  ctx.servers.settleInstalls(ctx.now());
  return {
    servers: ctx.servers.all().map((row) => serverAttributes(ctx, row)),
    allocations: ctx.allocations
      .all()
      .map((row) => ({ ...allocationAttributes(row), node: row.node_id, server: row.server_id })),
    nodes: ctx.catalog.allNodes().map(nodeAttributes),
    faults: ctx.faults.current(),
    calls: ctx.calls.snapshot(),
  };
}

/**
 * `/_sim`: state, fault injection, reset, extra API keys (`POST /keys`, forgotten at reset) and catalogue additions
 * for tests and development.
 * Replacing faults or resetting also restarts every rate-limit window.
 */
export function simControlRoutes(ctx: SimContext, resetRateLimits: () => void): Router {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/state', (_req, res) => {
    res.json(simState(ctx));
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.current());
  });

  router.post('/faults', (req, res) => {
    const parsed = faultInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, 'invalid fault settings', zodDetails(parsed.error));
    const settings = ctx.faults.replace(parsed.data);
    resetRateLimits();
    res.json(settings);
  });

  router.post('/reset', (_req, res) => {
    resetDatabase(ctx.db, ctx.now());
    ctx.faults.replace({});
    ctx.calls.reset();
    ctx.keys.reset();
    resetRateLimits();
    res.status(204).end();
  });

  router.post('/keys', (req, res) => {
    const parsed = apiKeyInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, 'invalid API key', zodDetails(parsed.error));
    ctx.keys.add(parsed.data);
    res.status(204).end();
  });

  router.post('/nodes', (req, res) => {
    const parsed = nodeInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, 'invalid node', zodDetails(parsed.error));
    if (!ctx.catalog.getLocation(parsed.data.location_id)) {
      return badRequest(res, 'invalid node', [{ field: 'location_id', reason: 'no such location' }]);
    }
    const node = ctx.catalog.getNode(insertNode(ctx.db, parsed.data, ctx.now()));
    res.status(201).json({ object: 'node', attributes: node ? nodeAttributes(node) : null });
  });

  router.post('/users', (req, res) => {
    const parsed = userInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, 'invalid user', zodDetails(parsed.error));
    const username = parsed.data.username ?? `user-${Date.now().toString(36)}-${Math.floor(ctx.random.next() * 1e6)}`;
    try {
      const id = ctx.catalog.addUser(username, parsed.data.email ?? `${username}@example.com`);
      res.status(201).json({ id, username });
    } catch {
      badRequest(res, 'invalid user', [{ field: 'username', reason: 'already taken' }]);
    }
  });

  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if ((error as { type?: unknown }).type === 'entity.parse.failed') return badRequest(res, 'malformed JSON body');
    ctx.reportUnexpected(error);
    res.status(500).json({ error: { code: 'internal', message: 'unexpected simulator error', details: [] } });
  };
  router.use(errors);
  return router;
}
