/**
 * The cluster's own health checks (argocd-cm), how a script's result becomes a health, where argocd-cm
 * is read from, and how Argo CD aggregates an app's health from its resources.
 */
import * as assert from 'node:assert/strict';
import { aggregateApplicationHealth, type AggregateItem } from '../../../../../src/core/argocd/health/aggregate';
import { assessHealth, interpretLua } from '../../../../../src/core/argocd/health/assess';
import { globMatch, healthScriptFor, parseHealthCustomizations } from '../../../../../src/core/argocd/health/customizations';
import type { LuaHealthRunner, LuaRunResult, LuaValue } from '../../../../../src/core/argocd/health/luaPort';
import { ArgoCdSettingsCache } from '../../../../../src/core/argocd/settings/cache';
import { DEPLOYMENT_DEADLINE_EXCEEDED } from '../../../../fixtures/gitops/liveResources';

const argocdCm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data });
const id = (apiVersion: string, kind: string) => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group!, version: version!, kind };
};

/** A Lua runner that records what it was asked and answers what the test says. */
function fakeLua(answer: (script: string, live: unknown) => LuaRunResult) {
  const calls: Array<{ script: string; openLibs: boolean }> = [];
  const runner: LuaHealthRunner = {
    run: async (script, live, opts) => {
      calls.push({ script, openLibs: opts.openLibs });
      return answer(script, live);
    },
  };
  return { runner, calls };
}

describe('core/argocd/health customizations (argocd-cm)', () => {
  it('reads split keys, the legacy block, useOpenLibs, `all`, and core kinds without a group', () => {
    const c = parseHealthCustomizations(
      argocdCm({
        'resource.customizations': 'cert-manager.io/Certificate:\n  health.lua: return {status="Suspended"}\n"*.aws.crossplane.io/*":\n  health.lua: return {status="Healthy"}\n  health.lua.useOpenLibs: true\n',
        'resource.customizations.health.cert-manager.io_Certificate': 'return {status="Degraded"}',
        'resource.customizations.useOpenLibs.cert-manager.io_Certificate': 'true',
        'resource.customizations.health.PersistentVolumeClaim': 'return {status="Healthy"}',
        'resource.customizations.health.all': 'return nil',
        'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers: [/spec/replicas]',
        'resource.customizations.health.bad_key_here': 'x',
      }),
    );
    // The split key replaces the block's script for the same key and adds useOpenLibs.
    assert.deepEqual(c.scripts.get('cert-manager.io/Certificate'), { origin: 'resource.customizations.health.cert-manager.io_Certificate', lua: 'return {status="Degraded"}', openLibs: true });
    assert.equal(c.scripts.get('*.aws.crossplane.io/*')?.openLibs, true);
    assert.equal(c.scripts.get('PersistentVolumeClaim')?.lua, 'return {status="Healthy"}');
    assert.equal(c.scripts.get('*/*')?.lua, 'return nil');
    assert.equal(c.scripts.has('apps/Deployment'), false, 'not a health key');
    assert.deepEqual(c.problems, ['resource.customizations.health.bad_key_here: the key must end in <group>_<kind> or <kind>']);
  });

  it('looks up the exact group/kind first, then glob keys (gobwas globs: * spans dots and slashes)', () => {
    const c = parseHealthCustomizations(
      argocdCm({
        'resource.customizations': '"*.aws.crossplane.io/*":\n  health.lua: wildcard\n"ec2.aws.crossplane.io/VPC":\n  health.lua: exact\n',
      }),
    );
    assert.equal(healthScriptFor(c, id('ec2.aws.crossplane.io/v1beta1', 'VPC'))?.lua, 'exact');
    assert.equal(healthScriptFor(c, id('rds.aws.crossplane.io/v1alpha1', 'DBInstance'))?.lua, 'wildcard');
    assert.equal(healthScriptFor(c, id('aws.crossplane.io/v1', 'ProviderConfig')), undefined);
    assert.ok(globMatch('*', 'apps/Deployment'));
    assert.ok(globMatch('{apps,batch}/*', 'batch/Job'));
    assert.ok(globMatch('apps/[DS]*', 'apps/StatefulSet'));
    assert.ok(!globMatch('apps/[!DS]*', 'apps/Deployment'));
    assert.ok(!globMatch('apps/Deploy', 'apps/Deployment'));
    assert.ok(!globMatch('[unclosed', '[unclosed'));
  });

  it('refuses what it cannot read, without failing the rest', () => {
    assert.deepEqual([...parseHealthCustomizations(argocdCm({ 'resource.customizations': ': : not yaml [' })).problems].length, 1);
    assert.equal(parseHealthCustomizations(argocdCm({ 'resource.customizations': '- a list' })).scripts.size, 0);
    const big = parseHealthCustomizations(argocdCm({ 'resource.customizations.health.example.test_Big': 'x'.repeat(300 * 1024) }));
    assert.equal(big.scripts.size, 0);
    assert.match(big.problems[0] ?? '', /larger than 256 KiB/);
    // YAML aliases cannot blow up the block.
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    assert.equal(parseHealthCustomizations(argocdCm({ 'resource.customizations': bomb })).problems.length, 1);
  });

  it('an argocd-cm script decides before the built-in rules, with its library setting', async () => {
    const c = parseHealthCustomizations(argocdCm({ 'resource.customizations.health.apps_Deployment': 'return {status="Healthy", message="custom"}' }));
    const lua = fakeLua(() => ({ ok: true, type: 'table', value: { status: 'Healthy', message: 'custom' } }));
    const v = await assessHealth(DEPLOYMENT_DEADLINE_EXCEEDED, { customizations: c, lua: lua.runner });
    assert.deepEqual(v, { health: { status: 'Healthy', message: 'custom' }, via: 'argocd-cm', rule: 'resource.customizations.health.apps_Deployment' });
    assert.deepEqual(lua.calls, [{ script: 'return {status="Healthy", message="custom"}', openLibs: false }]);
    // Without customizations the built-in rule decides.
    assert.equal((await assessHealth(DEPLOYMENT_DEADLINE_EXCEEDED)).health?.status, 'Degraded');
  });

  it('a script that cannot run, or a deleted object, never reaches the VM wrongly', async () => {
    const c = parseHealthCustomizations(argocdCm({ 'resource.customizations.health.example.test_Widget': 'return {}' }));
    const widget = { apiVersion: 'example.test/v1', kind: 'Widget', metadata: { name: 'w' } };
    const noVm = await assessHealth(widget, { customizations: c });
    assert.equal(noVm.health?.status, 'Unknown');
    const lua = fakeLua(() => ({ ok: true, type: 'nil', value: null }));
    const deleting = await assessHealth({ ...widget, metadata: { name: 'w', deletionTimestamp: '2026-01-01T00:00:00Z' } }, { customizations: c, lua: lua.runner });
    assert.deepEqual(deleting.health, { status: 'Progressing', message: 'Pending deletion' });
    assert.equal(lua.calls.length, 0);
  });

  it('interprets what the script returned as Argo CD does (lua.go ExecuteHealthLua)', () => {
    const table = (value: LuaValue): LuaRunResult => ({ ok: true, type: 'table', value });
    assert.deepEqual(interpretLua(table({ status: 'Degraded', message: 'melting' })), { status: 'Degraded', message: 'melting' });
    assert.deepEqual(interpretLua(table({ status: 'Suspended' })), { status: 'Suspended' });
    assert.equal(interpretLua(table([])), undefined, 'an empty table is no health');
    assert.equal(interpretLua({ ok: true, type: 'nil', value: null }), undefined);
    assert.deepEqual(interpretLua(table({ status: 'Fine' })), { status: 'Unknown', message: 'Lua returned an invalid health status' });
    assert.deepEqual(interpretLua(table({ message: 'no status' })), { status: 'Unknown', message: 'Lua returned an invalid health status' });
    assert.deepEqual(interpretLua({ ok: true, type: 'string', value: 'Healthy' }), { status: 'Unknown', message: 'expect table output from Lua script, not string' });
    assert.equal(interpretLua(table({ status: 3 }))?.status, 'Unknown');
    assert.deepEqual(interpretLua({ ok: false, reason: 'timeout', error: 'the health script did not finish in time' }), { status: 'Unknown', message: 'the health script did not finish in time' });
  });
});

describe('core/argocd/settings ArgoCdSettingsCache (health)', () => {
  const notFound = () => Object.assign(new Error('not found'), { code: 404 });

  it('reads argocd-cm once per cluster and namespace, falls back to argocd, and re-reads after invalidate', async () => {
    const gets: string[] = [];
    const cache = new ArgoCdSettingsCache(async (cluster, namespace, name) => {
      gets.push(`${cluster}/${namespace}/${name}`);
      if (namespace !== 'argocd') throw notFound();
      return argocdCm({ 'resource.customizations.health.example.test_Widget': 'return {}' });
    });
    const [a, b] = await Promise.all([cache.health('prod', 'team-apps'), cache.health('prod', 'team-apps')]);
    assert.equal(a, b);
    assert.equal(a.scripts.size, 1);
    assert.deepEqual(gets, ['prod/team-apps/argocd-cm', 'prod/argocd/argocd-cm']);
    await cache.health('prod', 'team-apps');
    assert.equal(gets.length, 2, 'cached');
    cache.invalidate('staging');
    await cache.health('prod', 'team-apps');
    assert.equal(gets.length, 2, 'another cluster was invalidated');
    cache.invalidate('prod');
    await cache.health('prod', 'team-apps');
    assert.equal(gets.length, 4);
  });

  it('no argocd-cm, or no access to it, means no customizations (and says why)', async () => {
    assert.equal((await new ArgoCdSettingsCache(async () => Promise.reject(notFound())).health('c', 'argocd')).scripts.size, 0);
    const warnings: string[] = [];
    const log = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const forbidden = await new ArgoCdSettingsCache(async () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })), log).health('c', 'argocd');
    assert.equal(forbidden.scripts.size, 0);
    assert.deepEqual(forbidden.problems, ['argocd-cm in argocd: no access']);
    assert.match(warnings[0] ?? '', /custom health checks and ignoreDifferences are not applied/);
  });
});

describe('core/argocd/health aggregateApplicationHealth (controller/health.go)', () => {
  const item = (kind: string, name: string, health: AggregateItem['health'], live: unknown = { metadata: { name } }, group = 'apps'): AggregateItem => ({ group, kind, namespace: 'shop', name, live, health });

  it('is the worst resource, naming the causes', () => {
    assert.deepEqual(aggregateApplicationHealth([item('Deployment', 'a', { status: 'Healthy' }), item('Deployment', 'b', { status: 'Degraded' }), item('StatefulSet', 'c', { status: 'Progressing' })]), {
      status: 'Degraded',
      message: 'Caused by apps/Deployment:shop/b',
    });
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => item('Deployment', n, { status: 'Progressing' }));
    assert.equal(aggregateApplicationHealth(many).message, 'Caused by apps/Deployment:shop/a, apps/Deployment:shop/b, apps/Deployment:shop/c and 2 more');
    assert.deepEqual(aggregateApplicationHealth([item('ConfigMap', 'cfg', undefined, { metadata: {} }, '')]), { status: 'Healthy' });
  });

  it('a missing resource does not lower the app unless every resource is missing', () => {
    assert.equal(aggregateApplicationHealth([item('Deployment', 'a', { status: 'Healthy' }), { ...item('Service', 's', undefined), live: undefined }]).status, 'Healthy');
    assert.equal(aggregateApplicationHealth([{ ...item('Deployment', 'a', undefined), live: undefined }, { ...item('Service', 's', undefined), live: undefined }]).status, 'Missing');
  });

  it('child Applications count only with a health of their own other than Missing/Unknown; hooks and ignore-healthcheck never', () => {
    const child = (status: 'Degraded' | 'Unknown') => item('Application', 'child', { status }, { metadata: { name: 'child' } }, 'argoproj.io');
    assert.equal(aggregateApplicationHealth([item('Deployment', 'a', { status: 'Healthy' }), child('Unknown')]).status, 'Healthy');
    assert.equal(aggregateApplicationHealth([item('Deployment', 'a', { status: 'Healthy' }), child('Degraded')]).status, 'Degraded');
    assert.equal(aggregateApplicationHealth([item('Application', 'child', undefined, { metadata: {} }, 'argoproj.io')]).status, 'Healthy', 'no health: does not count');
    const hook = item('Job', 'migrate', { status: 'Degraded' }, { metadata: { name: 'migrate', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } } }, 'batch');
    const ignored = item('Deployment', 'noisy', { status: 'Degraded' }, { metadata: { name: 'noisy', annotations: { 'argocd.argoproj.io/ignore-healthcheck': 'true' } } });
    assert.equal(aggregateApplicationHealth([item('Deployment', 'a', { status: 'Healthy' }), hook, ignored]).status, 'Healthy');
  });
});
