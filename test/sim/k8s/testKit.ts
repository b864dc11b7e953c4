/** Helpers shared by the simulator's own tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimCluster } from './cluster';

/** Repo root: the nearest ancestor with package.json (works from test/ sources and from out/ builds). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export const crdFixtures = (): string => path.join(repoRoot(), 'test', 'fixtures', 'sim', 'crds');

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(sim: SimCluster, method: string, p: string, opts: { body?: unknown; token?: string | null; contentType?: string; accept?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? sim.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  if (opts.accept) headers.Accept = opts.accept;
  const res = await fetch(sim.url + p, { method, headers, ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* plain text bodies (healthz) */
  }
  return { status: res.status, headers: res.headers, body };
}

/** Reads watch events (JSON lines) until `until` says stop or the timeout passes. */
export async function watchEvents(sim: SimCluster, p: string, until: (events: any[]) => boolean, timeoutMs = 5000, onOpen?: () => void | Promise<void>): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const events: unknown[] = [];
  try {
    const res = await fetch(sim.url + p, { headers: { Authorization: `Bearer ${sim.token}` }, signal: ac.signal });
    if (onOpen) await onOpen();
    const reader = res.body!.getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
      if (until(events)) break;
    }
    ac.abort();
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
  }
  return events as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const cm = (name: string, ns = 'default', labels?: Record<string, string>): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, data: { k: 'v' },
});
