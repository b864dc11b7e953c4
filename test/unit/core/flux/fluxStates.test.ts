/**
 * Flux states as Flux's own tools show them (`flux get`, the controllers' docs), on objects shaped like
 * each version's real ones (test/fixtures/gitops/stateCases.ts), plus the rules behind them.
 */
import * as assert from 'node:assert/strict';
import { parseImageReference, formatImageReference } from '../../../../src/core/flux/image';
import { addressHost, redactWebhookPath } from '../../../../src/core/flux/notification';
import { revisionParts, sameRevision } from '../../../../src/core/flux/status';
import { STATE_CASES } from '../../../fixtures/gitops/stateCases';
import { runCase, watchedVersion } from '../../../support/stateConformance';

const FLUX_CASES = STATE_CASES.filter((c) => c.era !== 'argocd');

describe('Flux states (conformance cases)', () => {
  for (const c of FLUX_CASES) {
    it(`${c.id} — ${c.upstream}`, () => {
      const { result } = runCase(c);
      assert.deepEqual(result.failures, []);
    });
  }

  it('each case is seen at the version its era serves (a 2.2-era HelmRelease at v2beta2, OCIRepository at v1beta2)', () => {
    assert.equal(watchedVersion('HelmRelease', '2.2'), 'v2beta2');
    assert.equal(watchedVersion('HelmRelease', '2.0'), 'v2beta1');
    assert.equal(watchedVersion('OCIRepository', '2.2'), 'v1beta2');
    assert.equal(watchedVersion('ExternalArtifact', '2.2'), undefined);
    assert.equal(watchedVersion('Alert', '2.0'), 'v1beta2');
  });
});

describe('Flux revision rules', () => {
  it('reads a chart version carrying an OCI digest prefix (helm-controller mutateChartWithSourceRevision)', () => {
    assert.deepEqual(revisionParts('6.5.3+9f3bc0f341d4'), { ref: '6.5.3', digestPrefix: '9f3bc0f341d4' });
    // Helm's OCI tag form writes `+` as `_`.
    assert.deepEqual(revisionParts('6.5.3_9f3bc0f341d4@sha256:9f3bc0f341d4ecf2'), { ref: '6.5.3', digest: '9f3bc0f341d4ecf2' });
    // Not a digest prefix: ordinary build metadata stays part of the version.
    assert.deepEqual(revisionParts('6.5.3+build.7'), { ref: '6.5.3+build.7' });
  });

  it('matches a digest prefix to the digest it begins, and nothing else', () => {
    const full = 'sha256:9f3bc0f341d4ecf2bab460cc59320a2a9ea292f01d7b96e32740a9abfd341088';
    assert.equal(sameRevision('6.5.3+9f3bc0f341d4', `6.5.3@${full}`), true);
    assert.equal(sameRevision('6.5.3+9f3bc0f341d4', full), true);
    assert.equal(sameRevision('6.5.3+9f3bc0f341d4', '6.5.3@sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091'), false);
    assert.equal(sameRevision('6.5.3+9f3bc0f341d4', '6.5.3+9f3bc0f341d4'), true);
    assert.equal(sameRevision('6.5.3+9f3bc0f341d4', '6.5.3+111111111111'), false);
    // Without digests, versions compare as before.
    assert.equal(sameRevision('6.5.3', '6.5.3@' + full), true);
    assert.equal(sameRevision('6.5.3', '6.5.4'), false);
  });
});

describe('Flux image references and notification secrets', () => {
  it('parses image references with a registry port, a tag and a digest', () => {
    assert.deepEqual(parseImageReference('ghcr.io/stefanprodan/podinfo:5.0.3'), { name: 'ghcr.io/stefanprodan/podinfo', tag: '5.0.3' });
    assert.deepEqual(parseImageReference('registry.example.test:5000/app:1.0@sha256:abc'), { name: 'registry.example.test:5000/app', tag: '1.0', digest: 'sha256:abc' });
    assert.deepEqual(parseImageReference('registry.example.test:5000/app'), { name: 'registry.example.test:5000/app' });
    assert.equal(parseImageReference(''), undefined);
    assert.equal(formatImageReference({ name: 'r/app', tag: '1', digest: 'sha256:x' }), 'r/app:1@sha256:x');
  });

  it('keeps only the host of a Provider address and blanks Receiver webhook paths', () => {
    assert.equal(addressHost('https://hooks.slack.example.test/services/T0/B0/token?x=1'), 'hooks.slack.example.test');
    assert.equal(addressHost('https://user:pass@chat.example.test:8443/hook'), 'chat.example.test:8443');
    assert.equal(addressHost('not a url'), undefined);
    assert.equal(redactWebhookPath('Receiver initialized for path: /hook/bed6d00b5555b1603e1f59b94d7fdbca'), 'Receiver initialized for path: /hook/…');
  });
});
