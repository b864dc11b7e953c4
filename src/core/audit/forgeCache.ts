/**
 * A cache in front of the forge for the audit (issue 17, "Cached"): what a merged pull request says
 * does not change, so its lookup and reviews are kept without expiry; open pull requests, "no pull
 * request" answers and branch protection are kept for `ttlMs`. The store is a port: memory (here), a
 * folder on disk (src/infra/audit/diskCache.ts), or both layered. Values read back are validated: a
 * damaged or foreign entry is a miss, never a wrong answer.
 */
import { isRecord } from '../json';
import type { BranchProtection, PullRequest, PullRequestDetails, PullRequestReview } from '../forge/types';
import type { AuditForge } from './pullRequests';

export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** A bounded in-memory store (oldest entries leave first). */
export class MemoryCacheStore implements CacheStore {
  private readonly map = new Map<string, string>();
  constructor(private readonly maxEntries = 10_000) {}
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }
}

/** Reads the first store that has the key (filling the faster ones), writes all. */
export function layeredCache(...stores: readonly CacheStore[]): CacheStore {
  return {
    async get(key) {
      for (let i = 0; i < stores.length; i++) {
        const v = await stores[i]!.get(key);
        if (v !== undefined) {
          for (let j = 0; j < i; j++) await stores[j]!.set(key, v);
          return v;
        }
      }
      return undefined;
    },
    async set(key, value) {
      for (const s of stores) await s.set(key, value);
    },
  };
}

interface Entry {
  readonly at: number;
  /** Never expires (a merged pull request's facts). */
  readonly final: boolean;
  readonly value: unknown;
}

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';

function isPr(v: unknown): v is PullRequestDetails {
  return (
    isRecord(v) &&
    (typeof v.id === 'number' || typeof v.id === 'string') &&
    (v.number === undefined || typeof v.number === 'number') &&
    str(v.url) &&
    str(v.title) &&
    str(v.head) &&
    str(v.base) &&
    (v.state === 'open' || v.state === 'closed' || v.state === 'merged') &&
    typeof v.draft === 'boolean' &&
    optStr(v.author) &&
    optStr(v.mergedBy) &&
    optStr(v.mergedAt) &&
    optStr(v.mergeCommit)
  );
}

function isReview(v: unknown): v is PullRequestReview {
  return isRecord(v) && str(v.user) && ['approved', 'changesRequested', 'commented', 'dismissed', 'pending'].includes(v.state as string) && optStr(v.submittedAt) && optStr(v.commit);
}

function isProtection(v: unknown): v is BranchProtection {
  const optBool = (x: unknown) => x === undefined || typeof x === 'boolean';
  return (
    isRecord(v) &&
    str(v.branch) &&
    typeof v.protected === 'boolean' &&
    optBool(v.pullRequestRequired) &&
    optBool(v.forcePushBlocked) &&
    (v.requiredApprovals === undefined || (typeof v.requiredApprovals === 'number' && Number.isInteger(v.requiredApprovals) && v.requiredApprovals >= 0)) &&
    Array.isArray(v.notes) &&
    v.notes.every(str)
  );
}

export interface CachedForgeOptions {
  /** Names the repository in every key, so one store serves many (e.g. `github.com/acme/gitops`). */
  readonly scope: string;
  readonly now: () => number;
  /** How long answers that may still change are kept; default 10 minutes. */
  readonly ttlMs?: number;
}

/** The audit's forge questions through a cache. */
export function cachedAuditForge(forge: AuditForge, cache: CacheStore, opts: CachedForgeOptions): AuditForge {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const read = async <T>(key: string, valid: (v: unknown) => v is T): Promise<T | undefined> => {
    const text = await cache.get(key);
    if (text === undefined) return undefined;
    let e: unknown;
    try {
      e = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isRecord(e) || typeof e.at !== 'number' || typeof e.final !== 'boolean') return undefined;
    if (!e.final && opts.now() - e.at > ttl) return undefined;
    return valid(e.value) ? e.value : undefined;
  };
  const write = (key: string, value: unknown, final: boolean): Promise<void> => cache.set(key, JSON.stringify({ at: opts.now(), final, value } satisfies Entry));
  const k = (...parts: string[]) => [opts.scope, ...parts].join('|');
  const isPrList = (v: unknown): v is PullRequestDetails[] => Array.isArray(v) && v.every(isPr);
  const isReviewList = (v: unknown): v is PullRequestReview[] => Array.isArray(v) && v.every(isReview);
  return {
    async pullRequestsForCommit(sha) {
      const key = k('commit', sha.toLowerCase());
      const hit = await read(key, isPrList);
      if (hit) return hit;
      const value = await forge.pullRequestsForCommit(sha);
      // A merged pull request stays the one that brought the commit; an empty or open answer may change.
      await write(key, value, value.some((p) => p.state === 'merged'));
      return value;
    },
    async pullRequestReviews(pr: PullRequest) {
      const key = k('reviews', String(pr.id));
      const hit = await read(key, isReviewList);
      if (hit) return hit;
      const value = await forge.pullRequestReviews(pr);
      await write(key, value, pr.state === 'merged');
      return value;
    },
    async branchProtection(branch) {
      const key = k('protection', branch);
      const hit = await read(key, isProtection);
      if (hit) return hit;
      const value = await forge.branchProtection(branch);
      await write(key, value, false);
      return value;
    },
  };
}
