/**
 * The logic under `gitops-lens status --argocd-config FILE [--argocd-context NAME]` and
 * `--argocd-server URL --argocd-token-file F`: which servers, and their apps through the same
 * ArgoCdApiSource and AppStore as the editor, against the Argo CD API simulator. No kubeconfig.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { Clock } from '../../../src/core/ports';
import { main } from '../../../src/cli/main';
import { argoCdStatus, argoCdTargets } from '../../../src/infra/argocd/statusSource';
import { startArgoCdSim, type ArgoCdSim } from '../../sim/argocd/argocd';
import { ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_HEALTHY, ARGO3_PROGRESSING, APPLICATION_SET } from '../../fixtures/gitops/argocd';
import { recordingLogger } from '../../support/fakes';

type Obj = Record<string, unknown>;

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

describe('status through the Argo CD API (argoCdTargets + argoCdStatus)', function () {
  this.timeout(30_000);
  let sim: ArgoCdSim;
  let plain: ArgoCdSim;
  let dir: string;
  let configFile: string;

  before(async () => {
    sim = await startArgoCdSim({ apps: [ARGO2_SYNCED_HEALTHY as Obj, ARGO2_OUT_OF_SYNC_HEALTHY as Obj, ARGO3_PROGRESSING as Obj] });
    sim.server.putApplicationSet(APPLICATION_SET as Obj);
    plain = await startArgoCdSim({ plainText: true, apps: [ARGO2_SYNCED_HEALTHY as Obj] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-status-'));
    configFile = path.join(dir, 'config');
    // Two contexts in one file: the https simulator (trusted through certificate-authority-data) and a plain-text one on localhost.
    const a = sim.cliConfig('argo-prod', { withCa: true });
    const b = plain.cliConfig('argo-local');
    const merge = (x: string, y: string): string => {
      const [px, py] = [YAML.parse(x) as Obj, YAML.parse(y) as Obj];
      for (const k of ['contexts', 'servers', 'users']) (px[k] as unknown[]).push(...(py[k] as unknown[]));
      return YAML.stringify(px);
    };
    fs.writeFileSync(configFile, merge(a, b), { mode: 0o600 });
  });

  after(async () => {
    await sim.stop();
    await plain.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the current context by default, and each --argocd-context asked for', async () => {
    const current = await argoCdTargets({ configFile });
    assert.deepEqual(current.problems, []);
    assert.deepEqual(current.targets.map((t) => t.name), ['argo-prod']);
    const both = await argoCdTargets({ configFile, contexts: ['argo-prod', 'argo-local', 'argo-prod'] });
    assert.deepEqual(both.targets.map((t) => [t.name, t.baseUrl]), [['argo-prod', sim.url], ['argo-local', plain.url]]);
    const unknown = await argoCdTargets({ configFile, contexts: ['nope'] });
    assert.match(unknown.problems[0] ?? '', /no context named "nope"/);
    const fromEnv = await argoCdTargets({}, { ARGOCD_CONFIG_DIR: dir });
    assert.deepEqual(fromEnv.targets.map((t) => t.name), ['argo-prod']);
    const absent = await argoCdTargets({}, { ARGOCD_CONFIG_DIR: path.join(dir, 'none') });
    assert.match(absent.problems[0] ?? '', /no argocd config at .*none.config/);
  });

  it('lists the apps of each server as the status rows need them, cluster = the Argo CD context', async () => {
    const { targets } = await argoCdTargets({ configFile, contexts: ['argo-prod', 'argo-local'] });
    const r = await argoCdStatus(targets, { clock, log: recordingLogger().logger });
    assert.deepEqual(r.outcomes.map((o) => [o.cluster, o.state]), [['argo-prod', 'ready'], ['argo-local', 'ready']]);
    assert.deepEqual(r.apps.map((a) => [a.cluster, a.kind, a.namespace, a.name, a.sync.status, a.health.status]), [
      ['argo-local', 'Application', 'argocd', 'guestbook', 'Synced', 'Healthy'],
      ['argo-prod', 'Application', 'argocd', 'billing', 'OutOfSync', 'Healthy'],
      ['argo-prod', 'Application', 'argocd', 'frontend', 'Synced', 'Progressing'],
      ['argo-prod', 'Application', 'argocd', 'guestbook', 'Synced', 'Healthy'],
    ]);
    assert.ok(r.apps.every((a) => a.role === 'app'), 'ApplicationSets are not rows');
  });

  it('--argocd-server URL with --argocd-token-file; a rejected token is reported, not thrown', async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, `${plain.token}\n`);
    const ok = await argoCdTargets({ server: { url: plain.url, tokenFile } });
    assert.deepEqual(ok.targets.map((t) => t.name), [new URL(plain.url).host]);
    const r = await argoCdStatus(ok.targets, { clock, log: recordingLogger().logger });
    assert.deepEqual(r.apps.map((a) => a.name), ['guestbook']);

    fs.writeFileSync(tokenFile, 'not-a-token\n');
    const bad = await argoCdTargets({ server: { url: plain.url, tokenFile } });
    const failed = await argoCdStatus(bad.targets, { clock, log: recordingLogger().logger });
    assert.equal(failed.outcomes[0]?.state, 'failed');
    assert.equal(failed.outcomes[0]?.error?.code, 'Unauthorized');
    assert.match(failed.outcomes[0]?.message ?? '', /could not be read: .*rejected the stored token/);
    assert.ok(!(failed.outcomes[0]?.message ?? '').includes('not-a-token'));
    assert.deepEqual(failed.apps, []);

    const remote = await argoCdTargets({ server: { url: 'http://argocd.example.test', tokenFile } });
    assert.match(remote.problems[0] ?? '', /does not send an Argo CD token over plain HTTP/);
    const mixed = await argoCdTargets({ server: { url: plain.url }, configFile });
    assert.match(mixed.problems[0] ?? '', /cannot be combined/);
  });

  it('a server that is down is reported as such', async () => {
    const gone = await startArgoCdSim();
    const url = gone.url;
    const token = gone.token;
    await gone.stop();
    const r = await argoCdStatus([{ name: 'gone', baseUrl: url, insecure: true, token, grpcWeb: false }], { clock, log: recordingLogger().logger });
    assert.equal(r.outcomes[0]?.state, 'failed');
    assert.match(r.outcomes[0]?.message ?? '', /ECONNREFUSED/);
  });

  it('gitops-lens status --argocd-config / --argocd-server: the same columns and JSON as with kubeconfig, no kubeconfig read', async () => {
    const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      // KUBECONFIG points at nothing readable: the API path must not need one.
      const code = await main(['status', ...args], { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), env: { KUBECONFIG: path.join(dir, 'no-kubeconfig') } });
      return { code, out, err };
    };
    const json = await run(['--argocd-config', configFile, '--argocd-context', 'argo-prod', '--argocd-context', 'argo-local', '--json']);
    assert.equal(json.code, 0, json.err);
    const apps = (JSON.parse(json.out) as { apps: Obj[] }).apps;
    assert.deepEqual(apps.map((a) => [a.cluster, a.name, a.sync, a.health]), [
      ['argo-local', 'guestbook', 'Synced', 'Healthy'],
      ['argo-prod', 'billing', 'OutOfSync', 'Healthy'],
      ['argo-prod', 'frontend', 'Synced', 'Progressing'],
      ['argo-prod', 'guestbook', 'Synced', 'Healthy'],
    ]);
    const table = await run(['--argocd-config', configFile]);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out.split('\n')[0] ?? '', /^CLUSTER\s+TOOL\s+KIND\s+NAMESPACE\s+NAME\s+SYNC\s+HEALTH/);
    assert.match(table.out, /argo-prod\s+argocd\s+Application\s+argocd\s+billing\s+OutOfSync\s+Healthy/);
    const tokenFile = path.join(dir, 'cli-token');
    fs.writeFileSync(tokenFile, plain.token);
    const byServer = await run(['--argocd-server', plain.url, '--argocd-token-file', tokenFile, '--json']);
    assert.equal(byServer.code, 0, byServer.err);
    assert.deepEqual((JSON.parse(byServer.out) as { apps: Obj[] }).apps.map((a) => a.name), ['guestbook']);
    const unknown = await run(['--argocd-config', configFile, '--argocd-context', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no context named "nope"/);
    const mixed = await run(['--argocd-config', configFile, '--context', 'x']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.err, /do not combine with --kubeconfig or --context/);
  });
});
