import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { atomTimestamp } from '../time';

const port = z.number().int().min(1).max(65535);

export const nodeInputSchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  location_id: z.number().int().min(1).default(1),
  public: z.boolean().default(true),
  maintenance_mode: z.boolean().default(false),
  memory: z.number().int().min(0).default(131_072),
  memory_overallocate: z.number().int().min(-1).default(0),
  disk: z.number().int().min(0).default(2_097_152),
  disk_overallocate: z.number().int().min(-1).default(0),
  ip: z.string().min(1).max(45).optional(),
  ip_alias: z.string().min(1).max(191).optional(),
  ports: z
    .strictObject({ start: port, end: port })
    .refine(
      (p) => p.end >= p.start && p.end - p.start < 5000,
      'ports.end must be >= start and the range under 5000 ports',
    )
    .default({ start: 25565, end: 25684 }),
});

/** Body of `POST /_sim/nodes` (all fields optional): a node plus one allocation per port in `ports`. */
export type NodeInput = z.input<typeof nodeInputSchema>;

/** Inserts a node and its allocations; returns the new node id. The location must exist. */
export function insertNode(db: Database.Database, input: NodeInput, nowMs: number): number {
  const node = nodeInputSchema.parse(input);
  const ts = atomTimestamp(nowMs);
  return db.transaction(() => {
    const result = db
      .prepare(
        `INSERT INTO nodes (uuid, public, name, description, location_id, fqdn, scheme,
      behind_proxy, maintenance_mode, memory, memory_overallocate, disk, disk_overallocate, upload_size,
      daemon_listen, daemon_sftp, daemon_base, created_at, updated_at)
      VALUES (?, ?, ?, NULL, ?, ?, 'https', 0, ?, ?, ?, ?, ?, 100, 8080, 2022, '/var/lib/pterodactyl/volumes', ?, ?)`,
      )
      .run(
        randomUUID(),
        node.public ? 1 : 0,
        node.name ?? 'pending',
        node.location_id,
        'pending',
        node.maintenance_mode ? 1 : 0,
        node.memory,
        node.memory_overallocate,
        node.disk,
        node.disk_overallocate,
        ts,
        ts,
      );
    const id = Number(result.lastInsertRowid);
    const name = node.name ?? `node-${id}`;
    db.prepare('UPDATE nodes SET name = ?, fqdn = ? WHERE id = ?').run(name, `${name}.sim.local`, id);
    const ip = node.ip ?? `10.0.${Math.floor(id / 250)}.${10 + (id % 250)}`;
    const insertAllocation = db.prepare('INSERT INTO allocations (node_id, ip, ip_alias, port) VALUES (?, ?, ?, ?)');
    for (let p = node.ports.start; p <= node.ports.end; p += 1) insertAllocation.run(id, ip, node.ip_alias ?? null, p);
    return id;
  })();
}
