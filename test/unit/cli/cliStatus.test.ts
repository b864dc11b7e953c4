/**
 * `gitops-lens status` against two Kubernetes API simulators (two kubeconfig contexts), through the
 * exported `main` with captured output, the same informer pool and AppStore as the extension.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimCluster, type SimCluster } from '../../sim/k8s/cluster';
import type { KubeObject } from '../../sim/k8s/types';
import { ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_HEALTHY } from '../../fixtures/gitops/argocd';
import { GIT_REPOSITORY, HR_READY, KS_READY, KS_SUSPENDED } from '../../fixtures/gitops/flux';
import { REPO_ROOT } from '../../support/paths';
import { seedable } from '../../support/simObjects';
import { runCli } from '../../support/cliRun';

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');

interface JsonApp {
  cluster: string;
  tool: string;
  kind: string;
  namespace: string;
  name: string;
  sync: string;
  health: string;
  suspended: boolean;
}

describe('cli status (two simulated clusters)', function () {
  this.timeout(30_000);
  let argo: SimCluster;
  let flux: SimCluster;
  let dir: string;
  let argoFile: string;
  let fluxFile: string;

  before(async () => {
    argo = await startSimCluster({ seed: [path.join(CRDS, 'argocd.yaml')], objects: [seedable(ARGO2_SYNCED_HEALTHY), seedable(ARGO2_OUT_OF_SYNC_HEALTHY)] });
    flux = await startSimCluster({ seed: [CRDS], objects: [seedable(KS_READY), seedable(KS_SUSPENDED), seedable(HR_READY), seedable(GIT_REPOSITORY())] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-status-'));
    argoFile = path.join(dir, 'argo.yaml');
    fluxFile = path.join(dir, 'flux.yaml');
    fs.writeFileSync(argoFile, argo.kubeconfig('argo-prod'));
    fs.writeFileSync(fluxFile, flux.kubeconfig('flux-staging'));
  });

  after(async () => {
    await argo.stop();
    await flux.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('status --json lists the apps of both contexts', async () => {
    const r = await runCli(['status', '--kubeconfig', argoFile, '--kubeconfig', fluxFile, '--json']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { apps: JsonApp[] };
    assert.deepEqual(
      json.apps.map((a) => [a.cluster, a.tool, a.kind, a.namespace, a.name]),
      [
        ['argo-prod', 'argocd', 'Application', 'argocd', 'billing'],
        ['argo-prod', 'argocd', 'Application', 'argocd', 'guestbook'],
        ['flux-staging', 'flux', 'HelmRelease', HR_READY_NS(), HR_READY_NAME()],
        ['flux-staging', 'flux', 'Kustomization', 'flux-system', 'podinfo'],
        ['flux-staging', 'flux', 'Kustomization', 'flux-system', KS_SUSPENDED_NAME()],
      ].sort((a, b) => a.join('/').localeCompare(b.join('/'))),
    );
    const billing = json.apps.find((a) => a.name === 'billing');
    assert.equal(billing?.sync, 'OutOfSync');
    assert.equal(json.apps.find((a) => a.name === KS_SUSPENDED_NAME())?.suspended, true);
    assert.match(r.err, /context "argo-prod" has no Flux CRDs/);
    assert.ok(!r.out.includes(argo.token) && !r.err.includes(argo.token), 'token leaked');
  });

  it('status --context prints an aligned table of that context only', async () => {
    const r = await runCli(['status', '--kubeconfig', argoFile, '--kubeconfig', fluxFile, '--context', 'argo-prod']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^CLUSTER\s+TOOL\s+KIND\s+NAMESPACE\s+NAME\s+SYNC\s+HEALTH\s+SUSPENDED\s+REVISION\s+MESSAGE\s+LAST RECONCILE\s+SOURCE\s+DESTINATION$/);
    const col = (lines[0] ?? '').indexOf('SYNC');
    assert.equal(lines[1]?.slice(col, col + 9).trim(), 'OutOfSync');
    assert.equal(lines[2]?.slice(col, col + 6), 'Synced');
    assert.ok(lines.slice(1).every((l) => l.startsWith('argo-prod')));
  });

  it('exits 2 naming an unknown context, a 401 and an unreachable context', async () => {
    const unknown = await runCli(['status', '--kubeconfig', argoFile, '--context', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no context named "nope"/);

    const badToken = path.join(dir, 'bad.yaml');
    fs.writeFileSync(badToken, argo.kubeconfig('argo-bad', { token: 'wrong-token' }));
    const unauthorized = await runCli(['status', '--kubeconfig', badToken, '--json']);
    assert.equal(unauthorized.code, 2);
    assert.match(unauthorized.err, /context "argo-bad" is unreachable: Unauthorized/);
    assert.deepEqual(JSON.parse(unauthorized.out), { apps: [] });

    const gone = await startSimCluster({ seed: [CRDS] });
    const goneFile = path.join(dir, 'gone.yaml');
    fs.writeFileSync(goneFile, gone.kubeconfig('gone'));
    await gone.stop();
    const unreachable = await runCli(['status', '--kubeconfig', goneFile, '--kubeconfig', argoFile, '--json']);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.err, /context "gone" is unreachable: Unreachable: ECONNREFUSED/);
    // The reachable context is still shown.
    assert.equal((JSON.parse(unreachable.out) as { apps: JsonApp[] }).apps.length, 2);

    const none = await runCli(['status', '--kubeconfig', path.join(dir, 'missing.yaml')]);
    assert.equal(none.code, 2);
  });
});

function HR_READY_NS(): string {
  return (HR_READY as KubeObject).metadata.namespace ?? '';
}
function HR_READY_NAME(): string {
  return (HR_READY as KubeObject).metadata.name ?? '';
}
function KS_SUSPENDED_NAME(): string {
  return (KS_SUSPENDED as KubeObject).metadata.name ?? '';
}
