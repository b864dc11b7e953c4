/**
 * `gitops-lens health --live FILE... [--argocd-cm FILE] [--json]`: each live object's health as Argo
 * CD computes it (src/core/argocd/health/assess.ts, the same function the Applications view uses), and
 * the application health Argo CD would aggregate from them. Files hold objects as `kubectl get -o yaml`
 * writes them (one or many documents, `kind: List` included); `--argocd-cm` adds the cluster's own Lua
 * checks from an argocd-cm ConfigMap. Exit 0 when the aggregate is Healthy, 1 otherwise, 2 on errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aggregateApplicationHealth } from '../core/argocd/health/aggregate';
import { assessHealth, type HealthVerdict } from '../core/argocd/health/assess';
import { NO_CUSTOMIZATIONS, parseHealthCustomizations, type HealthCustomizations } from '../core/argocd/health/customizations';
import { identityOf } from '../core/argocd/health/types';
import { parseManifests } from '../core/manifest/documents';
import { isRecord } from '../core/json';
import { WorkerLuaRunner } from '../infra/lua/luaRunner';
import { UsageError, parseArgs } from './args';
import type { CliOutput } from './output';

/** Larger files are refused: a cluster's worth of `kubectl get -o yaml` is far below. */
const MAX_FILE_BYTES = 64 << 20;

interface LiveObject {
  readonly obj: Record<string, unknown>;
  readonly file: string;
}

export async function health(args: readonly string[], io: CliOutput): Promise<number> {
  const a = parseArgs('health', args, { flags: ['--json'], values: { '--live': 'file', '--argocd-cm': 'file' }, lists: ['--live'] });
  const files = a.all('--live');
  const cmFile = a.one('--argocd-cm');
  const json = a.has('--json');
  if (files.length === 0) throw new UsageError('health needs --live FILE');

  const customizations = cmFile === undefined ? NO_CUSTOMIZATIONS : readCustomizations(cmFile, io);
  const objects = files.flatMap((f) => readObjects(f, io));
  const lua = customizations.scripts.size > 0 ? new WorkerLuaRunner() : undefined;
  let verdicts: HealthVerdict[];
  try {
    verdicts = [];
    for (const o of objects) verdicts.push(await assessHealth(o.obj, { customizations, ...(lua ? { lua } : {}) }));
  } finally {
    lua?.dispose();
  }

  const rows = objects.map((o, i) => {
    const meta = isRecord(o.obj.metadata) ? o.obj.metadata : {};
    const id = identityOf(o.obj);
    const v = verdicts[i]!;
    return {
      apiVersion: typeof o.obj.apiVersion === 'string' ? o.obj.apiVersion : '',
      group: id.group,
      kind: id.kind,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      name: typeof meta.name === 'string' ? meta.name : '',
      health: v.health?.status ?? null,
      message: v.health?.message ?? v.note ?? null,
      via: v.via,
      rule: v.rule ?? null,
      file: o.file,
    };
  });
  const aggregate = aggregateApplicationHealth(objects.map((o, i) => ({ group: rows[i]!.group, kind: rows[i]!.kind, namespace: rows[i]!.namespace, name: rows[i]!.name, live: o.obj, health: verdicts[i]!.health })));

  // Messages come from the cluster (status conditions, Lua checks): printed inert, credentials redacted.
  if (json) {
    io.json({ resources: rows.map(({ group: _g, ...r }) => r), application: { health: aggregate.status, message: aggregate.message ?? null } });
  } else {
    const table = [['KIND', 'NAME', 'HEALTH', 'MESSAGE', 'RULE']];
    for (const r of rows) {
      table.push([r.group ? `${r.kind}.${r.group}` : r.kind, r.namespace ? `${r.namespace}/${r.name}` : r.name, r.health ?? '-', oneLine(r.message ?? ''), r.rule ?? (r.via === 'deletion' ? 'deletion' : '-')]);
    }
    io.table(table, { maxWidths: [60, 60, 60, 80, 60] });
    io.text('');
    io.text(`Application health: ${aggregate.status}${aggregate.message ? ` (${aggregate.message})` : ''}`);
  }
  return aggregate.status === 'Healthy' ? 0 : 1;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function readText(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) throw new Error(`cannot read ${file}: no such file`);
  if (st.size > MAX_FILE_BYTES) throw new Error(`${file} is larger than ${MAX_FILE_BYTES >> 20} MiB`);
  return fs.readFileSync(file, 'utf8');
}

/** Files, or every .yaml/.yml/.json file under a directory. */
function readObjects(p: string, io: CliOutput): LiveObject[] {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) throw new Error(`cannot read ${p}: no such file or directory`);
  if (st.isDirectory()) {
    return fs
      .readdirSync(p)
      .sort()
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .flatMap((f) => readObjects(path.join(p, f), io));
  }
  const parsed = parseManifests(readText(p), { file: p });
  for (const problem of parsed.problems) io.error(`${p}:${problem.line}: ${problem.message}`);
  const out: LiveObject[] = [];
  const add = (v: unknown): void => {
    if (!isRecord(v)) return;
    // `kubectl get -o yaml` of several objects writes a List.
    if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) v.items.forEach(add);
    else if (typeof v.kind === 'string' && typeof v.apiVersion === 'string') out.push({ obj: v, file: p });
  };
  for (const d of parsed.documents) add(d.value);
  return out;
}

function readCustomizations(file: string, io: CliOutput): HealthCustomizations {
  const parsed = parseManifests(readText(file), { file });
  const cm = parsed.documents.map((d) => d.value).find((v) => isRecord(v) && v.kind === 'ConfigMap');
  if (!cm) throw new Error(`${file}: no ConfigMap in it (expected argocd-cm)`);
  const c = parseHealthCustomizations(cm);
  for (const p of c.problems) io.error(`${file}: ${p}`);
  return c;
}
