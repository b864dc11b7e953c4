/**
 * The app tooltip shows what issue 15 adds to the model: an Argo CD operation with its title and who
 * started it, and a HelmRelease's Released/TestSuccess/Drifted conditions (tooltipMarkdown.ts).
 */
import * as assert from 'node:assert/strict';
import { AppStore } from '../../../../src/core/store/appStore';
import { appTooltipMarkdown } from '../../../../src/vscode/views/tooltipMarkdown';
import * as V from '../../../fixtures/gitops/fluxVersions';
import { storageVersions } from '../../../fixtures/sim/fluxEras';
import { STATE_CASES } from '../../../fixtures/gitops/stateCases';
import { runCase } from '../../../support/stateConformance';

const tooltipOf = (id: string): string => appTooltipMarkdown(runCase(STATE_CASES.find((c) => c.id === id)!).app, { phase: 'ready' }, Date.parse('2025-08-08T10:00:00Z'));

describe('tooltip of the states of issue 15', () => {
  it('a pending Argo CD sync shows as an operation in progress, with who started it', () => {
    assert.match(tooltipOf('argo-pending-operation'), /- Operation: Syncing by admin — waiting to start/);
    assert.match(tooltipOf('argo-failed'), /- Last operation: Sync failed by automated — one or more objects/);
  });

  it('a HelmRelease lists Released, TestSuccess and Drifted with their reasons', () => {
    const failed = tooltipOf('hr-v2-test-failed');
    assert.match(failed, /- Released: True \(InstallSucceeded\)/);
    assert.match(failed, /- TestSuccess: False \(TestFailed\)/);
    assert.match(tooltipOf('hr-v2-drifted'), /- Drifted: True \(DriftDetected\)/);
  });

  it('a rolled-back release lists Remediated; a Stalled release says the Ready cause, not only RetriesExceeded', () => {
    const rolled = tooltipOf('hr-v2-rollback');
    assert.match(rolled, /- Remediated: True \(RollbackSucceeded\)/);
    assert.match(rolled, /- Released: False \(UpgradeFailed\)/);
    for (const id of ['hr-v2-test-failed', 'hr-v2beta2-test-failed-2.2']) {
      const t = tooltipOf(id);
      assert.match(t, /RetriesExceeded/, id);
      // The cause Ready carries (mdText escapes punctuation): the failed test pod.
      assert.match(t, /Helm test failed for release podinfo\\\/podinfo\\\.v1/, id);
      assert.match(t, /pod podinfo\\-fault\\-test\\-a0tew failed/, id);
    }
  });
});

describe('tooltip of Flux notifications and image automation (issue 15)', () => {
  const v = storageVersions('2.2');
  const store = new AppStore({ now: () => 0, setTimeout: () => ({ dispose: () => undefined }) });
  const objects: Array<[string, unknown]> = [
    ['Alert', V.alert(v.Alert!)],
    ['Provider', V.provider(v.Provider!)],
    ['Receiver', V.receiver(v.Receiver!)],
    ['ImagePolicy', V.imagePolicy(v.ImagePolicy!, 'latestImage')],
    ['ImageRepository', V.imageRepository(v.ImageRepository!)],
    ['ImageUpdateAutomation', V.imageUpdateAutomation(v.ImageUpdateAutomation!)],
  ];
  store.applyAll('prod', objects.map(([kind, object]) => ({ type: 'ADDED', kind: kind as never, object })));
  /** The text as rendered: mdText backslash-escapes every punctuation character. */
  const plain = (md: string) => md.replace(/\\(.)/g, '$1');
  const tip = (kind: string) => appTooltipMarkdown(store.all().find((a) => a.kind === kind)!, { phase: 'ready' }, 0);

  it('says which events go where, and what calls a Receiver, with no address or webhook path', () => {
    assert.ok(plain(tip('Alert')).includes('- Sends: error events of Kustomization/flux-system/*, HelmRelease/apps/podinfo to Provider/flux-system/slack\n'), tip('Alert'));
    assert.ok(plain(tip('Provider')).includes('- Delivers to: slack, channel on-call, hooks.slack.example.test\n'), tip('Provider'));
    assert.ok(plain(tip('Receiver')).includes('- Reconciles GitRepository/flux-system/fleet on github webhook events ping, push\n'), tip('Receiver'));
    const all = ['Alert', 'Provider', 'Receiver'].map(tip).join('\n');
    assert.ok(!all.includes('s3cr3t') && !all.includes('/hook/'), all);
  });

  it('says what an image policy selects, a repository scanned and an automation pushed', () => {
    assert.match(tip('ImagePolicy'), /- Selects: `ghcr.io\/stefanprodan\/podinfo:6.5.4` \(before: `ghcr.io\/stefanprodan\/podinfo:6.5.3`\)/);
    assert.match(tip('ImageRepository'), /- Scans: .*42 tags/);
    assert.match(tip('ImageUpdateAutomation'), /- Commits to: GitRepository.*branch image\\-updates/);
  });
});
