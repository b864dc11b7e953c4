/**
 * The manifest CodeLenses of issue 5 end to end in DriftSession (parse, match the deploying app, GET,
 * diff), against its targets (issue 18): lenses for a 1,000-document file within 50 ms, re-lens after a
 * keystroke within 5 ms, and the provider's synchronous `lenses(uri)` read. The cluster is a fake
 * LiveObjectReader answering at once from live objects prepared as the API server returns them (defaulted
 * by the simulator, server metadata added, one in ten drifted), so the figures are our own cost only.
 */
import * as jsyaml from 'js-yaml';
import { mapArgoApplication } from '../src/core/argocd/application';
import { parseManifests } from '../src/core/manifest/documents';
import { DriftSession } from '../src/core/drift/session';
import type { LiveObjectReader, ObjectRef } from '../src/core/ports';
import { applyDefaults } from '../test/sim/k8s/semantics/defaults';
import type { KubeObject } from '../test/sim/k8s/types';
import type { BenchCase } from './harness';
import { generateManifests } from './yamlParse.bench';

const DOCS = 1000;
const TEXT = generateManifests(DOCS);
const ROOT = '/home/me/shop';
const FILE = `${ROOT}/apps/shop/all.yaml`;
const URI = `file://${FILE}`;
const REMOTE = 'https://git.example.test/org/shop.git';

// One Argo CD Application in one cluster deploying the directory of the file.
const APP = mapArgoApplication('prod', {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop', namespace: 'argocd' },
  spec: { project: 'default', source: { repoURL: REMOTE, path: 'apps/shop', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc' } },
});

const refKey = (ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>) => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** Live objects by `kind namespace/name`; every tenth document drifted in one field. */
function liveObjects(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  parseManifests(TEXT).documents.forEach((d, i) => {
    const live = applyDefaults(structuredClone(d.value) as KubeObject) as unknown as Record<string, unknown> & { metadata: Record<string, unknown> };
    live.metadata = { ...live.metadata, uid: `uid-${i}`, resourceVersion: String(1000 + i), generation: 1, creationTimestamp: '2026-11-23T10:00:00Z' };
    if (i % 10 === 0) {
      if (live.kind === 'Deployment') (live.spec as { replicas: number }).replicas += 1;
      else if (live.kind === 'Service') (live.spec as { ports: Array<{ port: number }> }).ports[0]!.port = 81;
      else (live.data as Record<string, string>).mode = 'staging';
    }
    out.set(refKey({ kind: String(live.kind), namespace: String(live.metadata.namespace), name: String(live.metadata.name) }), live);
  });
  if (out.size !== DOCS) throw new Error(`prepared ${out.size} live objects`);
  return out;
}

let prepared: Map<string, Record<string, unknown>> | undefined;

/**
 * Answers at once, with a fresh object each time as a real GET does. The copies are made when the
 * reader is built, before the clock starts: copying 1,000 objects (structuredClone, ~20 ms here) is the
 * fake cluster's work, not the lenses' (a real GET's parsing is the client's, measured in the k8s benches).
 */
class InstantReader implements LiveObjectReader {
  calls = 0;
  private readonly copies = new Map<string, Record<string, unknown>>();
  constructor(private readonly objects: Map<string, Record<string, unknown>>) {
    for (const [k, o] of objects) this.copies.set(k, structuredClone(o));
  }
  get(_cluster: string, ref: ObjectRef): Promise<unknown> {
    this.calls += 1;
    const key = refKey(ref);
    const copy = this.copies.get(key);
    if (copy !== undefined) {
      this.copies.delete(key);
      return Promise.resolve(copy);
    }
    const o = this.objects.get(key);
    return o ? Promise.resolve(structuredClone(o)) : Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
  }
}

const silent = { trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function newResults(): { results: DriftSession; reader: InstantReader } {
  prepared ??= liveObjects();
  const reader = new InstantReader(prepared);
  const results = new DriftSession({ apps: () => [APP], reader, repoOf: () => ({ root: ROOT, remotes: [REMOTE], branch: 'main' }), log: silent });
  return { results, reader };
}

/** Checks the figures measure the real thing: one lens per document, none loading, one in ten drifted. */
function check(results: DriftSession): void {
  const lenses = results.lenses(URI);
  if (lenses.length !== DOCS) throw new Error(`${lenses.length} lenses, expected ${DOCS}`);
  const drifted = lenses.filter((l) => l.state.kind === 'drift').length;
  const bad = lenses.find((l) => l.state.kind !== 'drift' && l.state.kind !== 'inSync');
  if (bad) throw new Error(`lens ${bad.documentIndex} is ${JSON.stringify(bad.state)}`);
  if (drifted < DOCS / 10 || drifted > DOCS / 10 + 1) throw new Error(`${drifted} drifted lenses, expected ${DOCS / 10}(+1 edited)`);
}

const allSettled = (results: DriftSession) => results.lenses(URI).every((l) => l.state.kind !== 'loading');

/** Resolves when every lens has left "Checking…" (reads and diffs run on microtasks, so one macrotask turn usually suffices). */
async function settled(results: DriftSession): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await new Promise((r) => setImmediate(r));
    if (allSettled(results)) return;
  }
  throw new Error('lenses never settled');
}

// A keystroke in document 503 (an undrifted ConfigMap in the middle of the file): one character of a value.
const EDITED_DOC = 503;
const EDIT_NAME_AT = TEXT.indexOf(`name: app-${EDITED_DOC}-config`);
if (EDIT_NAME_AT < 0) throw new Error('edit target not found');
const EDIT_AT = TEXT.indexOf('mode: production', EDIT_NAME_AT);
const EDITED = [TEXT.slice(0, EDIT_AT), 'mode: productionx', TEXT.slice(EDIT_AT + 'mode: production'.length)].join('');

let warm: DriftSession | undefined;

/** The file tracked and every lens settled: the state the edit and read cases start from. */
async function settledResults(): Promise<DriftSession> {
  const { results } = newResults();
  results.track({ uri: URI, fsPath: FILE, text: TEXT });
  await settled(results);
  return results;
}
let editToggle = false;

export const cases: BenchCase[] = [
  {
    name: `lens: track a ${DOCS}-document file until every lens is settled (target ≤ 50 ms)`,
    unit: 'ms',
    runs: 10,
    warmup: 2,
    better: 'lower',
    async measure() {
      const { results, reader } = newResults();
      const t = performance.now();
      results.track({ uri: URI, fsPath: FILE, text: TEXT });
      await settled(results);
      const ms = performance.now() - t;
      if (reader.calls !== DOCS) throw new Error(`${reader.calls} GETs, expected ${DOCS}`);
      check(results);
      results.dispose();
      return ms;
    },
  },
  {
    // A reference measured in the same run, so the figure holds on a busy machine: parsing the file
    // with js-yaml (values only) is part of what any lens of it must do.
    name: `lens: track a ${DOCS}-document file until settled / js-yaml loadAll of that file (same run)`,
    unit: 'x',
    runs: 10,
    warmup: 2,
    better: 'lower',
    async measure() {
      let t = performance.now();
      const parsed = jsyaml.loadAll(TEXT);
      const parseMs = performance.now() - t;
      if (parsed.length !== DOCS) throw new Error(`js-yaml read ${parsed.length} documents`);
      const { results, reader } = newResults();
      t = performance.now();
      results.track({ uri: URI, fsPath: FILE, text: TEXT });
      await settled(results);
      const ms = performance.now() - t;
      if (reader.calls !== DOCS) throw new Error(`${reader.calls} GETs, expected ${DOCS}`);
      check(results);
      results.dispose();
      return ms / parseMs;
    },
  },
  {
    name: 'lens: re-lens after a one-character edit in one document (target ≤ 5 ms)',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    async measure() {
      warm ??= await settledResults();
      editToggle = !editToggle;
      const t = performance.now();
      // An edit re-diffs against the cached live objects synchronously: no GET, nothing to await.
      warm.track({ uri: URI, fsPath: FILE, text: editToggle ? EDITED : TEXT });
      const ms = performance.now() - t;
      if (!allSettled(warm)) throw new Error('an edit left lenses loading');
      check(warm);
      const edited = warm.lenses(URI).find((l) => l.documentIndex === EDITED_DOC);
      if (edited?.state.kind !== (editToggle ? 'drift' : 'inSync')) throw new Error(`edited lens is ${JSON.stringify(edited?.state)}`);
      return ms;
    },
  },
  {
    name: `lens: lenses(uri) for ${DOCS} documents (provider's synchronous read)`,
    unit: 'ms',
    runs: 50,
    warmup: 5,
    better: 'lower',
    async measure() {
      warm ??= await settledResults();
      const t = performance.now();
      const n = warm.lenses(URI).length;
      const ms = performance.now() - t;
      if (n !== DOCS) throw new Error(`${n} lenses`);
      return ms;
    },
  },
];

export function teardown(): Promise<void> {
  warm?.dispose();
  warm = undefined;
  return Promise.resolve();
}
