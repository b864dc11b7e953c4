/**
 * Desired-versus-live comparison, as a GitOps controller sees it: every field the manifest sets must
 * hold the same value live; fields the manifest does not mention (server defaults, status, metadata the
 * server writes) are not drift. Lists of objects with a `name` merge by name, as Kubernetes merges
 * containers, env and volumes; other lists must match element by element.
 */
import type { KubeObject } from '../k8s/types';

/** Metadata the server or tooling writes; never part of what Git declares. */
const IGNORED_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'ownerReferences', 'finalizers']);
const IGNORED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision']);

/** Field paths (dotted, `[name]` for keyed list items) where live differs from desired. */
export function driftedFields(desired: KubeObject, live: KubeObject): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (key === 'metadata') {
      compareMetadata(desired.metadata as Record<string, unknown>, live.metadata as Record<string, unknown>, out);
      continue;
    }
    compare(value, (live as Record<string, unknown>)[key], key, out);
  }
  return out;
}

function compareMetadata(desired: Record<string, unknown>, live: Record<string, unknown>, out: string[]): void {
  for (const [key, value] of Object.entries(desired)) {
    if (IGNORED_METADATA.has(key) || key === 'name' || key === 'namespace') continue;
    if (key === 'annotations' && isObject(value)) {
      const filtered = Object.fromEntries(Object.entries(value).filter(([k]) => !IGNORED_ANNOTATIONS.has(k)));
      compare(filtered, live.annotations ?? {}, 'metadata.annotations', out);
      continue;
    }
    compare(value, live[key], `metadata.${key}`, out);
  }
}

function compare(desired: unknown, live: unknown, at: string, out: string[]): void {
  if (desired === null || desired === undefined) return; // null in a manifest means "unset"
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      if (desired.length > 0 || (live !== undefined && live !== null)) out.push(at);
      return;
    }
    compareList(desired, live, at, out);
    return;
  }
  if (isObject(desired)) {
    if (!isObject(live)) {
      if (Object.keys(desired).length > 0 || live !== undefined) out.push(at);
      return;
    }
    for (const [key, value] of Object.entries(desired)) compare(value, live[key], `${at}.${key}`, out);
    return;
  }
  if (!sameScalar(desired, live)) out.push(at);
}

function compareList(desired: unknown[], live: unknown[], at: string, out: string[]): void {
  const keyed = desired.length > 0 && desired.every((d) => isObject(d) && typeof d.name === 'string') && live.every((l) => isObject(l) && typeof l.name === 'string');
  if (keyed) {
    const liveByName = new Map(live.map((l) => [(l as { name: string }).name, l]));
    const names = new Set<string>();
    for (const d of desired as Array<{ name: string }>) {
      names.add(d.name);
      const l = liveByName.get(d.name);
      if (l === undefined) out.push(`${at}[${d.name}]`);
      else compare(d, l, `${at}[${d.name}]`, out);
    }
    for (const name of liveByName.keys()) if (!names.has(name)) out.push(`${at}[${name}]`);
    return;
  }
  if (desired.length !== live.length) {
    out.push(at);
    return;
  }
  desired.forEach((d, i) => compare(d, live[i], `${at}[${i}]`, out));
}

/** `8080` and `"8080"` differ in Kubernetes (int-or-string), so only identical scalars match. */
function sameScalar(a: unknown, b: unknown): boolean {
  return a === b;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
