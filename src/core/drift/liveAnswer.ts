/**
 * What a per-object GET may hand on. A live read asks for one object; whatever else comes back (a
 * list, another kind, another name: a crafted name the path normalization turned into a collection
 * URL, a proxy or a server that answers something else) is not that object, so it is never compared,
 * cached or shown, and the reason says only what came, never what it holds (issue 12).
 *
 * Secrets that ARE the asked object go on in clear: drift of Secret values is found by comparing
 * both sides, and the drift engine masks them with Argo CD's equal-values-equal-masks rule
 * (mask.ts `maskSecrets`) before anything leaves it.
 */
import type { ObjectRef } from '../ports';
import { quoteName } from '../kube/names';
import { isListKind } from './mask';
import { isRecord } from '../json';
import { groupOf } from '../manifest/documents';

type Obj = Record<string, unknown>;

export type LiveAnswer = { readonly ok: true; readonly obj: Obj } | { readonly ok: false; readonly reason: string };

/** An answer that is not the object asked for; its message names kinds and counts, no content. */
export class UnexpectedLiveObjectError extends Error {
  override readonly name = 'UnexpectedLiveObjectError';
  readonly code = 'UnexpectedObject' as const;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Text from the answer for the reason: escaped and cut (quoteName) without its quotes. */
const bare = (s: string): string => quoteName(s).slice(1, -1);

/**
 * The asked object, or why the answer is not it: same kind, same API group, same name, and the same
 * namespace when both say one. A list is never the object (unless the asked kind itself is named
 * `…List` and the answer is that object, name included).
 */
export function admitLive(asked: ObjectRef, answer: unknown): LiveAnswer {
  const wanted = `${asked.kind} ${quoteName(asked.name)}`;
  const refuse = (what: string): LiveAnswer => ({ ok: false, reason: `the API server answered ${what} where ${wanted} was asked; it is not used` });
  if (!isRecord(answer)) return refuse(Array.isArray(answer) ? 'an array' : `a ${answer === null ? 'null' : typeof answer}`);
  const kind = str(answer.kind);
  const apiVersion = str(answer.apiVersion);
  const meta = isRecord(answer.metadata) ? answer.metadata : {};
  const name = str(meta.name);
  const sameType = kind === asked.kind && apiVersion !== undefined && groupOf(apiVersion) === groupOf(asked.apiVersion);
  if (!sameType || name !== asked.name) {
    if ((kind !== undefined && isListKind(kind)) || Array.isArray(answer.items)) {
      const n = Array.isArray(answer.items) ? answer.items.length : 0;
      return refuse(`a ${kind === undefined ? 'list' : bare(kind)} of ${n} item${n === 1 ? '' : 's'}`);
    }
    if (kind === undefined) return refuse('an object without a kind');
    if (!sameType) return refuse(`a ${bare(kind)}${apiVersion === undefined ? '' : ` (${bare(apiVersion)})`}`);
    return refuse(name === undefined ? `a ${bare(kind)} without a name` : `${bare(kind)} ${quoteName(name)}`);
  }
  // A namespaced object read without a namespace comes from the context's; a cluster-scoped one named
  // with a namespace (kubectl ignores it) comes without one. Two different namespaces are another object.
  const namespace = str(meta.namespace) ?? '';
  if (asked.namespace !== '' && namespace !== '' && namespace !== asked.namespace) {
    return refuse(`${bare(asked.kind)} ${quoteName(asked.name)} of namespace ${quoteName(namespace)} (asked: ${quoteName(asked.namespace)})`);
  }
  return { ok: true, obj: answer };
}

/** admitLive that throws UnexpectedLiveObjectError; for readers whose callers expect a rejection. */
export function admitLiveOrThrow(asked: ObjectRef, answer: unknown): Obj {
  const a = admitLive(asked, answer);
  if (!a.ok) throw new UnexpectedLiveObjectError(a.reason);
  return a.obj;
}
