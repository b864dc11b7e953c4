/**
 * What a tree row says (src/vscode/views/appText.ts), issue 13 "what users read, consistent":
 * one revision form for both tools (`<ref>@<short sha>`), the status first in a description so a long
 * revision never pushes it out of sight at the default side-bar width, and cluster rows worded the
 * same in the Applications and Sources views.
 */
import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import type { ClusterEntry } from '../../../../src/core/store/clusterStore';
import { appAccessibleLabel, appDescription, clusterRowText, sourceDescription } from '../../../../src/vscode/views/appText';
import * as A from '../../../fixtures/gitops/argocd';
import * as F from '../../../fixtures/gitops/flux';

const ARGO_SHORT = A.ARGO_SHA.slice(0, 7);
const FLUX_SHORT = F.REV.split(':')[1]!.slice(0, 7);

describe('vscode/views/appText: what a row says', () => {
  it('reads the revision the same way for Argo CD and Flux: <ref>@<short sha>', () => {
    const argo = mapArgoApplication('prod', A.ARGO2_SYNCED_HEALTHY);
    const flux = mapFluxKustomization('prod', F.KS_READY);
    assert.equal(argo.revision, `main@${ARGO_SHORT}`);
    assert.equal(flux.revision, `main@${FLUX_SHORT}`);
  });

  it('puts the status first, then the revision', () => {
    assert.equal(appDescription(mapArgoApplication('prod', A.ARGO2_SYNCED_HEALTHY)), `Synced · main@${ARGO_SHORT}`);
    assert.equal(appDescription(mapArgoApplication('prod', A.ARGO2_SYNCED_DEGRADED)), `Synced · Degraded · main@${ARGO_SHORT}`);
    assert.equal(appDescription(mapFluxKustomization('prod', F.KS_READY)), `Synced · main@${FLUX_SHORT}`);
    assert.match(appDescription(mapFluxKustomization('prod', F.KS_SUSPENDED)), /^\w+ · Suspended( · |$)/);
    // A Flux source row: status, kind, revision.
    assert.equal(sourceDescription(mapFluxSource('prod', 'GitRepository', F.GIT_REPOSITORY())), `Synced · GitRepository · main@${FLUX_SHORT}`);
    // The accessible label keeps the name first.
    assert.equal(appAccessibleLabel(mapArgoApplication('prod', A.ARGO2_SYNCED_HEALTHY)), `Argo CD Application guestbook, synced, healthy, revision main@${ARGO_SHORT}`);
  });

  it('words a cluster row "Cluster <name>" with host, current and connection state', () => {
    const entry: ClusterEntry = { name: 'prod-eu', cluster: 'prod', user: 'admin', server: 'https://127.0.0.1:16443', namespace: undefined, sourceFile: '/k/config', isCurrent: true, enabled: true };
    assert.deepEqual(clusterRowText('prod-eu', entry, { phase: 'ready' }, 0), { description: '127.0.0.1:16443 · current', accessibleLabel: 'Cluster prod-eu, 127.0.0.1:16443 · current' });
    const down = clusterRowText('prod-eu', { ...entry, isCurrent: false }, { phase: 'unreachable', since: 0, lastError: { code: 'Unreachable', message: 'x' } }, 120_000);
    assert.equal(down.accessibleLabel, 'Cluster prod-eu, 127.0.0.1:16443 · unreachable for 2 min');
    assert.equal(clusterRowText('dev', { ...entry, enabled: false, isCurrent: false }, { phase: 'idle' }, 0).description, '127.0.0.1:16443 · disabled');
  });
});
