/**
 * Live drift of an app for the audit, with the field manager of every drifted field: the desired
 * objects of the app's folder in the checked-out repository (rendered with kustomize when the folder
 * has a kustomization, else its YAML files), each live object read from the cluster, compared by the
 * same drift engine the editor's lenses use (core/drift/engine diffPair, with the app's ignore rules),
 * and each finding attributed from the live object's managedFields (core/audit/managedFields).
 *
 * Helm charts are not rendered here; their apps get a note instead of drift rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attributeField, readManagedFields } from '../../core/audit/managedFields';
import { driftRow, type AuditDriftRow } from '../../core/audit/report';
import { diffPair } from '../../core/drift/engine';
import { ignoreSpecsOf } from '../../core/drift/ignore';
import { builtinListKeys } from '../../core/drift/listKeys';
import { isRecord } from '../../core/json';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';
import { parseManifests } from '../../core/manifest/documents';
import type { App } from '../../core/model/app';
import type { KustomizeRenderer } from '../render/kustomize';
import { KUSTOMIZE_NOT_FOUND, kustomizationFileOf } from '../render/kustomize';
import { RepoFileError, isInside, readRegularFileSync } from '../repoFiles';
import type { AuditClusterAccess } from './clusterApps';
import { K8sRequestError } from '../k8s/errors';

type Obj = Record<string, unknown>;

/** Objects per app compared at most (a folder with more is cut, with a note). */
const MAX_OBJECTS = 500;
/** YAML files per plain folder read at most. */
const MAX_FILES = 1000;

export interface DesiredObjects {
  readonly objects: readonly Obj[];
  readonly notes: readonly string[];
}

/**
 * The desired objects of `dir` (inside `repoRoot`): `kustomize build` when it holds a kustomization,
 * else every .yaml/.yml/.json file directly in it (Argo CD's directory source default, not recursive).
 */
export async function desiredObjects(repoRoot: string, relPath: string, renderer: KustomizeRenderer): Promise<DesiredObjects> {
  const root = path.resolve(repoRoot);
  const dir = path.resolve(root, relPath || '.');
  if (!isInside(dir, root)) return { objects: [], notes: [`${relPath} leaves the repository: not read`] };
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return { objects: [], notes: [`${relPath || '.'} is not in the checked-out repository`] };
  }
  if (!st.isDirectory()) return { objects: [], notes: [`${relPath} is not a folder`] };
  const notes: string[] = [];
  if (await kustomizationFileOf(dir)) {
    const r = await renderer.renderFolder(dir);
    if (r.ok) return { objects: r.objects.map((o) => o.desired as Obj), notes };
    if (r.fallback === KUSTOMIZE_NOT_FOUND) notes.push(`${relPath}: neither kustomize nor kubectl is on PATH; its files are compared as plain documents`);
    else return { objects: [], notes: [`${relPath}: ${r.fallback}`] };
  }
  const objects: Obj[] = [];
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name) && !/^kustomization\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .slice(0, MAX_FILES);
  for (const f of files) {
    let text: string;
    try {
      text = readRegularFileSync(path.join(dir, f), YAML_LIMITS.maxChars).toString('utf8');
    } catch (err) {
      notes.push(`${path.join(relPath, f)}: ${err instanceof RepoFileError ? err.message : 'not readable'}`);
      continue;
    }
    const parsed = parseManifests(text, { file: f });
    if (parsed.problems[0]) notes.push(`${path.join(relPath, f)}:${parsed.problems[0].line + 1}: ${parsed.problems[0].message}`);
    for (const d of parsed.documents) {
      const items = isRecord(d.value) && d.value.kind === 'List' && Array.isArray(d.value.items) ? d.value.items : [d.value];
      for (const v of items) if (isRecord(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string' && isRecord(v.metadata) && typeof v.metadata.name === 'string') objects.push(v);
    }
  }
  return { objects, notes };
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The namespace an object without one lands in: the app's destination (Argo CD) or target namespace (Flux). */
function namespaceFor(o: Obj, app: App): string {
  const ns = isRecord(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
  return ns || app.destination?.namespace || '';
}

/**
 * Drift rows of one app on one cluster: one row per drifted field of an object that exists live,
 * with the manager that last set it. Missing objects are not drift of a field and are left out.
 */
export async function appDrift(access: AuditClusterAccess, app: App, desired: DesiredObjects): Promise<{ rows: AuditDriftRow[]; notes: string[] }> {
  const rows: AuditDriftRow[] = [];
  const notes = [...desired.notes];
  const ignore = ignoreSpecsOf(app);
  const objects = desired.objects.slice(0, MAX_OBJECTS);
  if (desired.objects.length > MAX_OBJECTS) notes.push(`${app.cluster}/${app.name}: only the first ${MAX_OBJECTS} objects were compared`);
  for (const o of objects) {
    if (o.kind === 'CustomResourceDefinition' || String(o.apiVersion).startsWith('kustomize.config.k8s.io/')) continue;
    const meta = o.metadata as Obj;
    const ref = { apiVersion: String(o.apiVersion), kind: String(o.kind), namespace: namespaceFor(o, app), name: String(meta.name) };
    let live: unknown;
    try {
      live = await access.get(app.cluster, ref);
    } catch (err) {
      if (err instanceof K8sRequestError && err.code === 'NotFound') continue;
      if (err instanceof K8sRequestError && err.code === 'Forbidden') {
        notes.push(`${app.cluster}: no permission to read ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
        continue;
      }
      throw err;
    }
    if (!isRecord(live)) continue;
    const { changes } = diffPair(o, live, builtinListKeys({ group: groupOf(ref.apiVersion), kind: ref.kind }), ignore);
    if (changes.length === 0) continue;
    const entries = readManagedFields(live).entries;
    const liveMeta = isRecord(live.metadata) ? live.metadata : {};
    const object = { kind: ref.kind, namespace: typeof liveMeta.namespace === 'string' ? liveMeta.namespace : ref.namespace, name: ref.name };
    for (const c of changes) rows.push(driftRow(app, object, attributeField(live, c.steps, { entries })));
  }
  return { rows, notes };
}
