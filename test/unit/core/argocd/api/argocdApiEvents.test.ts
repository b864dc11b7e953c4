/**
 * Issue 16, "events and the last operation's result": the events of an Application read through the
 * Argo CD API stand-in (every request and answer checked against Argo CD's swagger.json), and the
 * document Show Events makes of them with the app's last operation (core/argocd/api/events.ts); the
 * app tooltip names the operation's revision and when it finished (vscode/views/tooltipMarkdown.ts).
 */
import * as assert from 'node:assert/strict';
import { eventsDocument } from '../../../../../src/core/argocd/api/events';
import { mapArgoApplication } from '../../../../../src/core/argocd/application';
import { ArgoCdClient } from '../../../../../src/infra/argocd/client';
import { appTooltipMarkdown } from '../../../../../src/vscode/views/tooltipMarkdown';
import { startArgoCdSim, type ArgoCdSim } from '../../../../sim/argocd/argocd';
import { ARGO3_OPERATION_FAILED } from '../../../../fixtures/gitops/argocd';

type Obj = Record<string, unknown>;

/** The failed sync of `orders`, started by a person (operationState.operation.initiatedBy.username). */
function ordersApp(): Obj {
  const app = structuredClone(ARGO3_OPERATION_FAILED) as Obj;
  const state = (app.status as Obj).operationState as Obj;
  state.operation = { ...(state.operation as Obj), initiatedBy: { username: 'alice@example.test' } };
  return app;
}

const NOW = Date.parse('2025-05-04T10:35:03Z');
const event = (reason: string, message: string, lastTimestamp: string | undefined, extra: Obj = {}): Obj => ({
  metadata: { name: `orders.${reason}`, namespace: 'argocd' },
  involvedObject: { kind: 'Application', name: 'orders', namespace: 'argocd' },
  type: 'Normal',
  reason,
  message,
  ...(lastTimestamp ? { lastTimestamp } : {}),
  ...extra,
});

describe('core/argocd/api/events: Show Events and the last operation of an API app', () => {
  let sim: ArgoCdSim;
  let client: ArgoCdClient;

  before(async () => {
    sim = await startArgoCdSim({ apps: [ordersApp()] });
    client = new ArgoCdClient({ name: 'argo-prod', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: sim.token, grpcWeb: false });
  });

  after(async () => {
    client.dispose();
    await sim.stop();
  });

  it('lists the events newest first under the last operation: phase, message, revision, who, when', async () => {
    sim.server.addEvent('argocd', 'orders', event('OperationStarted', 'alice@example.test initiated sync to main', '2025-05-04T10:05:00Z'));
    sim.server.addEvent('argocd', 'orders', event('OperationCompleted', 'Sync operation to 3f5e2a1 failed:\none or more objects failed to apply', '2025-05-04T10:05:03Z', { type: 'Warning', count: 3 }));
    sim.server.addEvent('argocd', 'orders', event('ResourceUpdated', 'Updated sync status:  -> OutOfSync', '2025-05-04T09:00:00Z'));
    const events = await client.events({ name: 'orders', namespace: 'argocd' });
    assert.deepEqual(sim.server.violations, [], 'the events call and answer match Argo CD\'s OpenAPI description');
    assert.equal(sim.server.requests.at(-1)?.path, '/api/v1/applications/orders/events');
    const app = mapArgoApplication('argocd:prod', sim.server.app('argocd', 'orders'));
    const text = eventsDocument(app, 'argo-prod', events, NOW);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Events of Argo CD application argocd/orders on argo-prod');
    assert.match(lines[2] ?? '', /^Last operation: Sync failed, initiated by alice@example\.test$/);
    assert.match(lines[3] ?? '', /^ {2}Message: one or more objects failed to apply, reason: Deployment\.apps "orders" is invalid/);
    assert.match(lines[4] ?? '', /^ {2}Revision: [0-9a-f]{40}$/);
    assert.equal(lines[5], '  Finished: 2025-05-04T10:05:03Z (30 min ago)');
    // Newest first; a repeated event shows its count; a line break in a message stays on one line.
    assert.deepEqual(lines.slice(7, 10), [
      '2025-05-04T10:05:03Z (30 min ago)  Warning  OperationCompleted ×3: Sync operation to 3f5e2a1 failed: one or more objects failed to apply',
      '2025-05-04T10:05:00Z (30 min ago)  Normal  OperationStarted: alice@example.test initiated sync to main',
      '2025-05-04T09:00:00Z (1 h ago)  Normal  ResourceUpdated: Updated sync status:  -> OutOfSync',
    ]);
  });

  it('an app without events says why there are none', async () => {
    sim.server.putApp({ metadata: { name: 'quiet', namespace: 'argocd' }, spec: { project: 'default' }, status: {} });
    const events = await client.events({ name: 'quiet', namespace: 'argocd' });
    assert.deepEqual(events, []);
    const text = eventsDocument(mapArgoApplication('argocd:prod', sim.server.app('argocd', 'quiet')), 'argo-prod', events, NOW);
    assert.doesNotMatch(text, /operation/i);
    assert.match(text, /No events: Kubernetes keeps events about an hour/);
  });

  it('the app tooltip names the last operation\'s revision, who started it and when it finished', () => {
    const app = mapArgoApplication('argocd:prod', ordersApp());
    const md = appTooltipMarkdown(app, { phase: 'ready' }, NOW).replace(/\\(.)/g, '$1');
    assert.match(md, /- Last operation: Sync failed by alice@example\.test — one or more objects failed/);
    assert.match(md, /\n {2}- Revision: `[0-9a-f]{7}`\n/);
    assert.match(md, /\n {2}- Finished: 2025-05-04T10:05:03Z \(30 min ago\)\n/);
  });
});
