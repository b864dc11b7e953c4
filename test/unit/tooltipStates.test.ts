/**
 * The app tooltip shows what issue 15 adds to the model: an Argo CD operation with its title and who
 * started it, and a HelmRelease's Released/TestSuccess/Drifted conditions (tooltipMarkdown.ts).
 */
import * as assert from 'node:assert/strict';
import { appTooltipMarkdown } from '../../src/vscode/views/tooltipMarkdown';
import { STATE_CASES } from '../fixtures/gitops/stateCases';
import { runCase } from '../support/stateConformance';

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
});
