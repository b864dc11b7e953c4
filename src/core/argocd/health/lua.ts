/**
 * Lua's view of a JSON value, for the rules that re-express Argo CD's built-in Lua checks in
 * TypeScript: JSON null is nil, `~=`/`==` compare by type and value, only nil and false are falsy,
 * `#list` is the length of an array (0 for anything else here).
 */
import { isRecord } from '../../json';
import type { Rec } from './types';

/** The value as Lua sees it: null reads as nil. */
export const lv = (v: unknown): unknown => (v === null ? undefined : v);
export const isNil = (v: unknown): boolean => v === undefined || v === null;
export const luaTruthy = (v: unknown): boolean => !isNil(v) && v !== false;
/** A table field, or undefined when absent, null or not a table. */
export const table = (v: unknown): Rec | undefined => (isRecord(v) ? v : undefined);
/** An array's elements as `ipairs` walks them: stops at the first nil. */
function ipairs(v: unknown): unknown[] {
  if (!Array.isArray(v)) return [];
  const out: unknown[] = [];
  for (const x of v) {
    if (isNil(x)) break;
    out.push(x);
  }
  return out;
}
/** `ipairs` over the tables of a list (a non-table element would make the Lua script fail; it is skipped). */
export const ipairsTables = (v: unknown): Rec[] => ipairs(v).filter(isRecord);
/** A string field, or undefined (nil) when absent or not a string. */
export const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const len = (v: unknown): number => (Array.isArray(v) ? ipairs(v).length : 0);
