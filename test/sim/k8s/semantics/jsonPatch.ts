/**
 * RFC 6902 JSON Patch (`application/json-patch+json`), as the apiserver applies it with
 * github.com/evanphx/json-patch in staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go:
 * - a body that does not decode as an array of operations → 400 BadRequest (errors.NewBadRequest);
 * - any failure while applying (unknown op, missing path, failed `test`) →
 *   errors.NewGenericServerResponse(422, "", GroupResource{}, "", err, 0, false), i.e. reason Invalid,
 *   message "the server rejected our request due to an error in our request", empty details
 *   (the library's own message is not passed on because isUnexpectedResponse is false).
 * - more than 10000 operations → 413 RequestEntityTooLarge.
 */
import { StatusError } from '../types';
import { clone, deepEqual, isObject, put } from './json';

const maxJsonPatchOperations = 10000;

const rejected = 'the server rejected our request due to an error in our request';

/** Thrown internally; `reason` is what evanphx/json-patch would have said (kept for debugging). */
class PatchFailure extends Error {}

function invalid(why: string): StatusError {
  const e = new StatusError(422, 'Invalid', rejected, {});
  // The real server drops the library's explanation; keep it out of the wire message but visible to tests/logs.
  Object.defineProperty(e, 'cause', { value: why, enumerable: false });
  return e;
}

/** Splits a JSON pointer (RFC 6901) into unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchFailure(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  // RFC 6901: array indexes are decimal without leading zeros.
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchFailure(`invalid array index ${JSON.stringify(token)}`);
  const i = Number(token);
  if (i > (allowEnd ? length : length - 1)) throw new PatchFailure(`array index ${i} out of bounds`);
  return i;
}

/** Resolves the parent container of the pointer's last token. */
function parentOf(doc: unknown, tokens: string[]): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new PatchFailure(`path ${t} does not exist`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function get(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(key, parent.length, false)];
  if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) return parent[key];
  throw new PatchFailure(`path ${key} does not exist`);
}

/** Returns the new document (the root may be replaced). Mutates `doc`, which is always our own copy. */
function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true), 0, value);
  else if (isObject(parent)) put(parent, key, value);
  else throw new PatchFailure(`cannot add ${key} to a non-container`);
  return doc;
}

function remove(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw new PatchFailure('cannot remove the document root');
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false), 1);
  else if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) delete parent[key];
  else throw new PatchFailure(`unable to remove nonexistent key: ${key}`);
  return doc;
}

function member(op: Record<string, unknown>, name: string): string {
  const v = op[name];
  if (typeof v !== 'string') throw new PatchFailure(`operation ${String(op.op)} missing ${name}`);
  return v;
}

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw new StatusError(400, 'BadRequest', `json: cannot unmarshal ${ops === null ? 'null' : typeof ops} into Go value of type jsonpatch.Patch`);
  }
  if (ops.length > maxJsonPatchOperations) {
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`);
  }
  let out = clone(doc);
  try {
    for (const raw of ops) {
      if (!isObject(raw)) throw new PatchFailure('operation is not an object');
      const path = parsePointer(member(raw, 'path'));
      if (raw.op !== 'remove' && raw.op !== 'move' && raw.op !== 'copy' && !('value' in raw)) {
        throw new PatchFailure(`operation ${String(raw.op)} missing value`);
      }
      switch (raw.op) {
        case 'add':
          out = add(out, path, clone(raw.value));
          break;
        case 'remove':
          out = remove(out, path);
          break;
        case 'replace':
          get(out, path); // RFC 6902 §4.3: the target location MUST exist.
          out = path.length === 0 ? clone(raw.value) : add(remove(out, path), path, clone(raw.value));
          break;
        case 'move': {
          const fromPtr = member(raw, 'from');
          const from = parsePointer(fromPtr);
          const to = raw.path as string;
          // RFC 6902 §4.4: a location cannot be moved into one of its children.
          if (to !== fromPtr && to.startsWith(`${fromPtr}/`)) throw new PatchFailure('cannot move into a child');
          const v = get(out, from);
          out = add(remove(out, from), path, v);
          break;
        }
        case 'copy':
          out = add(out, path, clone(get(out, parsePointer(member(raw, 'from')))));
          break;
        case 'test':
          if (!deepEqual(get(out, path), raw.value)) throw new PatchFailure(`testing value ${String(raw.path)} failed`);
          break;
        default:
          throw new PatchFailure(`Unexpected kind: ${String(raw.op)}`);
      }
    }
  } catch (e) {
    if (e instanceof PatchFailure) throw invalid(e.message);
    throw e;
  }
  return out;
}
