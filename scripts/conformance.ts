/**
 * Conformance of our per-resource health with Argo CD's own test cases (a dev tool, not part of
 * `npm test`): reads the upstream test data at run time from a fetched mirror's git objects (nothing
 * of it is copied into this repository) and runs our rules on every case.
 *
 *   npx tsx scripts/conformance.ts --argo-cd <git dir of an argo-cd mirror> [--ref HEAD] [--only health|diff] [--verbose]
 *
 * Cases: `gitops-engine/pkg/health/health_test.go` (the built-in checks: `assertAppHealth` status
 * assertions, `assert.Nil` for no health, message assertions) and every
 * `resource_customizations/<group>/<kind>/health_test.yaml` (status and message of each input).
 * A case agrees on status when the status matches, exactly when the message matches too.
 *
 * Diff: the verdicts of gitops-engine `pkg/diff/diff_test.go` (vendored in argo-cd under
 * `gitops-engine/`) and argo-cd `util/argo/diff/diff_test.go`, run by scripts/diffConformance.ts.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { assessHealth } from '../src/core/argocd/health/assess';
import { NATIVE_RULES } from '../src/core/argocd/health/rules';
import { ARGO_CD_LUA_CHECKS } from '../src/core/argocd/health/upstreamKinds';
import { builtinRule } from '../src/core/argocd/health/rules';
import { identityOf, type ResourceHealth } from '../src/core/argocd/health/types';
import { runDiffConformance } from './diffConformance';

interface Case {
  /** Lua cases run the check alone, as argo-cd's util/lua/health_test.go calls ExecuteHealthLua (no deletion step). */
  readonly lua: boolean;
  readonly family: string;
  readonly name: string;
  readonly input: unknown;
  /** undefined: no health expected. */
  readonly expected: { status: string; message?: string } | undefined;
  /** Whether the case checks the message. */
  readonly checksMessage: boolean;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const gitDir = arg('--argo-cd');
if (!gitDir) {
  console.error('usage: npx tsx scripts/conformance.ts --argo-cd <git dir of an argo-cd mirror> [--ref HEAD] [--only health|diff] [--verbose]');
  process.exit(2);
}
const ref = arg('--ref') ?? 'HEAD';
const verbose = process.argv.includes('--verbose');
const only = arg('--only');
const git = (...args: string[]): string => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const show = (file: string): string => git('show', `${ref}:${file}`);
// sigs.k8s.io/yaml reads YAML 1.1 (yes/no/on/off are booleans) and lets a later duplicate key win;
// js-yaml reads the few files whose quoting the strict parser refuses.
// Like go-yaml, only the first document of a file counts.
const load = (text: string): unknown => {
  const first = parseAllDocuments(text, { version: '1.1', uniqueKeys: false })[0];
  if (first && !('empty' in first) && first.errors.length === 0) return first.toJS({ maxAliasCount: -1 });
  return jsYaml.loadAll(text, undefined, { json: true })[0];
};

const files = git('ls-tree', '-r', '--name-only', ref).split('\n');

function builtinCases(): Case[] {
  const dir = 'gitops-engine/pkg/health';
  const test = show(`${dir}/health_test.go`);
  const cases: Case[] = [];
  const read = (p: string) => load(show(path.posix.normalize(`${dir}/${p}`)));
  for (const m of test.matchAll(/assertAppHealth\(t, "([^"]+)", HealthStatus(\w+)\)/g)) {
    cases.push({ lua: false, family: 'built-in', name: m[1]!, input: read(m[1]!), expected: { status: m[2]! }, checksMessage: false });
  }
  for (const m of test.matchAll(/assert\.Nil\(t, getHealthStatus\(t, "([^"]+)"\)\)/g)) {
    cases.push({ lua: false, family: 'built-in', name: m[1]!, input: read(m[1]!), expected: undefined, checksMessage: false });
  }
  for (const m of test.matchAll(/assert\.Equal\(t, "([^"]*)", getHealthStatus\(t, "([^"]+)"\)\.Message\)/g)) {
    const input = read(m[2]!);
    cases.push({ lua: false, family: 'built-in', name: `${m[2]!} (message)`, input, expected: { status: '*', message: m[1]! }, checksMessage: true });
  }
  return cases;
}

function luaCases(): Case[] {
  const cases: Case[] = [];
  for (const f of files.filter((x) => /^resource_customizations\/.+\/health_test\.yaml$/.test(x))) {
    const dir = path.posix.dirname(f);
    const key = dir.slice('resource_customizations/'.length);
    const doc = load(show(f)) as { tests?: Array<Record<string, unknown>> };
    for (const raw of doc.tests ?? []) {
      // encoding/json matches field names without regard to case (`inputpath` is `inputPath`).
      const t = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v])) as { inputpath?: string; healthstatus: { status: string; message?: string } };
      if (typeof t.inputpath !== 'string') {
        console.log(`skipped: a test of ${f} has no inputPath`);
        continue;
      }
      const input = load(show(path.posix.join(dir, t.inputpath)));
      const family = familyOf(key, input);
      cases.push({ lua: true, family, name: `${key}/${t.inputpath}`, input, expected: { status: t.healthstatus.status, message: t.healthstatus.message ?? '' }, checksMessage: true });
    }
  }
  return cases;
}

/** Our family for a case, or `not covered: <group>` when no rule of ours judges it. */
function familyOf(key: string, input: unknown): string {
  const native = NATIVE_RULES.get(key);
  if (native) return native.family;
  const rule = input && typeof input === 'object' ? builtinRule(identityOf(input as Record<string, unknown>)) : undefined;
  if (rule && key.includes('_')) return rule.family;
  return `not covered: ${key.split('/')[0]}`;
}

function ruleOnly(input: unknown): ResourceHealth | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const id = identityOf(input as Record<string, unknown>);
  return builtinRule(id)?.check(input as Record<string, unknown>, id);
}

function agree(c: Case, got: ResourceHealth | undefined): { status: boolean; exact: boolean } {
  if (c.expected === undefined) return { status: got === undefined, exact: got === undefined };
  if (c.expected.status === '*') {
    const m = (got?.message ?? '') === c.expected.message;
    return { status: m, exact: m };
  }
  const status = got?.status === c.expected.status;
  const message = !c.checksMessage || (got?.message ?? '') === (c.expected.message ?? '');
  return { status, exact: status && message };
}

async function main(): Promise<void> {
  if (only !== 'diff') await health();
  if (only !== 'health') diff();
}

function diff(): void {
  const prefix = files.includes('gitops-engine/pkg/diff/diff_test.go') ? 'gitops-engine/' : '';
  const results = runDiffConformance(gitDir as string, ref, prefix);
  const table = (key: (r: (typeof results)[number]) => string): void => {
    const rows = new Map<string, { n: number; agree: number }>();
    for (const r of results) {
      const row = rows.get(key(r)) ?? { n: 0, agree: 0 };
      row.n++;
      if (r.agrees) row.agree++;
      rows.set(key(r), row);
    }
    for (const [k, row] of rows) console.log(k.padEnd(40), String(row.n).padStart(6), String(row.agree).padStart(8));
  };
  if (verbose) for (const r of results.filter((x) => !x.agrees)) console.log(`DISAGREE ${r.origin}: ${r.name}: ${r.detail}`);
  console.log(`diff: ${results.length} cases`);
  console.log('origin / rule family'.padEnd(40), 'cases'.padStart(6), 'agree'.padStart(8));
  table((r) => r.origin);
  table((r) => `  ${r.family}`);
  console.log('all'.padEnd(40), String(results.length).padStart(6), String(results.filter((r) => r.agrees).length).padStart(8));
}

async function health(): Promise<void> {
  const cases = [...builtinCases(), ...luaCases()];
  const rows = new Map<string, { n: number; status: number; exact: number }>();
  for (const c of cases) {
    const got = c.lua ? ruleOnly(c.input) : (await assessHealth(c.input)).health;
    const a = agree(c, got);
    const r = rows.get(c.family) ?? { n: 0, status: 0, exact: 0 };
    r.n++;
    if (a.status) r.status++;
    if (a.exact) r.exact++;
    rows.set(c.family, r);
    if (verbose && (c.family.startsWith('not covered') ? a.status : !a.exact)) {
      console.log(`DISAGREE ${c.name}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(got)}`);
    }
  }
  const covered = [...rows].filter(([f]) => !f.startsWith('not covered'));
  const uncovered = [...rows].filter(([f]) => f.startsWith('not covered'));
  const sum = (list: typeof covered) => list.reduce((t, [, r]) => ({ n: t.n + r.n, status: t.status + r.status, exact: t.exact + r.exact }), { n: 0, status: 0, exact: 0 });
  console.log(`argo-cd ${git('rev-parse', '--short', ref).trim()}: ${cases.length} cases`);
  console.log('family'.padEnd(30), 'cases'.padStart(6), 'status'.padStart(8), 'exact'.padStart(8));
  for (const [family, r] of covered.sort((a, b) => a[0].localeCompare(b[0]))) console.log(family.padEnd(30), String(r.n).padStart(6), String(r.status).padStart(8), String(r.exact).padStart(8));
  const c = sum(covered);
  console.log('covered families'.padEnd(30), String(c.n).padStart(6), String(c.status).padStart(8), String(c.exact).padStart(8));
  const u = sum(uncovered);
  console.log(`not covered (${uncovered.length} groups)`.padEnd(30), String(u.n).padStart(6), String(u.status).padStart(8), String(u.exact).padStart(8));
  const a = sum([...rows]);
  console.log('all'.padEnd(30), String(a.n).padStart(6), String(a.status).padStart(8), String(a.exact).padStart(8));

  // The names of Argo CD's Lua checks we keep (upstreamKinds.ts) against this mirror.
  const upstream = new Set(files.filter((x) => /^resource_customizations\/.+\/health\.lua$/.test(x)).map((x) => path.posix.dirname(x).slice('resource_customizations/'.length)).filter((k) => !k.startsWith('_.') && !k.endsWith('/_')));
  const added = [...upstream].filter((k) => !ARGO_CD_LUA_CHECKS.has(k));
  const removed = [...ARGO_CD_LUA_CHECKS].filter((k) => !upstream.has(k));
  if (added.length + removed.length > 0) console.log(`upstreamKinds.ts differs from this mirror: new ${added.join(', ') || '-'}; gone ${removed.join(', ') || '-'}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
