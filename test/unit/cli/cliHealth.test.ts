/**
 * `gitops-lens health`: live objects from files (as `kubectl get -o yaml` writes them), Argo CD's
 * built-in and CRD rules, an argocd-cm Lua check, and the app health Argo CD would aggregate.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ARGOCD_CM_WIDGET_HEALTH, CONFIG_MAP, DEPLOYMENT_DEADLINE_EXCEEDED, SHOP_CERTIFICATE_FAILED, SHOP_WIDGET } from '../../fixtures/gitops/liveResources';
import { runCli } from '../../support/cliRun';

describe('cli health', function () {
  this.timeout(30_000);
  let dir: string;
  const file = (name: string, content: unknown) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof content === 'string' ? content : stringify(content));
    return p;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-health-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints each object with its health and the rule that decided, from a kubectl List', async () => {
    const list = file('list.yaml', { apiVersion: 'v1', kind: 'List', items: [SHOP_CERTIFICATE_FAILED, CONFIG_MAP] });
    const r = await runCli(['health', '--live', list]);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^KIND\s+NAME\s+HEALTH\s+MESSAGE\s+RULE$/);
    assert.match(lines[1] ?? '', /^Certificate\.cert-manager\.io\s+shop\/shop-tls\s+Degraded\s+The certificate request has failed/);
    assert.match(lines[1] ?? '', /cert-manager$/);
    assert.match(lines[2] ?? '', /^ConfigMap\s+checkout\/checkout-config\s+-/);
    assert.equal(lines.at(-1), 'Application health: Degraded (Caused by cert-manager.io/Certificate:shop/shop-tls)');
  });

  it("prints the cluster's messages inert: escape sequences shown, credentials redacted, in text and JSON", async () => {
    // A condition message is whatever a controller (or whoever can write status) put there.
    const hostile = structuredClone(SHOP_CERTIFICATE_FAILED) as { status: { conditions: Array<{ type: string; message: string }> } };
    const ready = hostile.status.conditions.find((c) => c.type === 'Ready');
    assert.ok(ready);
    ready.message = 'rollout stuck \u001b]0;pwned\u0007\u001b[2J see https://admin:hunter2@registry.example.test/v2';
    const f = file('hostile.yaml', hostile);
    for (const args of [['health', '--live', f], ['health', '--live', f, '--json']]) {
      const r = await runCli(args);
      assert.equal(r.code, 1, r.err);
      assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(r.out), `control characters reached stdout: ${JSON.stringify(r.out)}`);
      assert.ok(!r.out.includes('hunter2'), 'a credential reached stdout');
    }
    const text = await runCli(['health', '--live', f]);
    assert.match(text.out, /rollout stuck \^\[\]0;pwned\^G\^\[\[2J see https:\/\/admin:\*\*\*@registry/);
  });

  it('runs the argocd-cm Lua check for a custom kind, and prints JSON', async () => {
    const widget = file('widget.yaml', SHOP_WIDGET);
    const deploy = file('deploy.yaml', DEPLOYMENT_DEADLINE_EXCEEDED);
    const cm = file('argocd-cm.yaml', ARGOCD_CM_WIDGET_HEALTH);
    const withCm = await runCli(['health', '--live', widget, deploy, '--argocd-cm', cm, '--json']);
    assert.equal(withCm.code, 1, withCm.err);
    const json = JSON.parse(withCm.out) as { resources: Array<Record<string, unknown>>; application: { health: string; message: string } };
    assert.deepEqual(
      json.resources.map((x) => [x.kind, x.health, x.message, x.via, x.rule]),
      [
        ['Widget', 'Degraded', 'widget blue is melting at 412 degrees', 'argocd-cm', 'resource.customizations.health.example.test_Widget'],
        ['Deployment', 'Degraded', 'Deployment "checkout" exceeded its progress deadline', 'built-in', 'Kubernetes (gitops-engine)'],
      ],
    );
    assert.equal(json.application.health, 'Degraded');
    // Without argocd-cm the Widget has no health: Argo CD has no rule for it.
    const without = JSON.parse((await runCli(['health', '--live', widget, '--json'])).out) as { resources: Array<{ health: unknown }>; application: { health: string } };
    assert.equal(without.resources[0]?.health, null);
    assert.equal(without.application.health, 'Healthy');
  });

  it('exits 0 when healthy, 2 on bad usage or unreadable input', async () => {
    const healthy = file('healthy.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP' } });
    assert.equal((await runCli(['health', '--live', healthy])).code, 0);
    assert.equal((await runCli(['health'])).code, 2);
    assert.equal((await runCli(['health', '--live', path.join(dir, 'nope.yaml')])).code, 2);
    const notCm = file('not-cm.yaml', SHOP_WIDGET);
    const r = await runCli(['health', '--live', healthy, '--argocd-cm', notCm]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no ConfigMap in it/);
  });
});
