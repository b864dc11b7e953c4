/**
 * The image-update offers behind the "1.4.2 available: open PR" lens (issue 15),
 * src/core/manifest/imageUpdate.ts, against ImagePolicies mapped from objects shaped like
 * image-reflector-controller's (Flux 2.2 `latestImage`, Flux 2.7 `latestRef`) in a real AppStore.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ClusterWatchEvent } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import { applyImageOffer, compareTags, imageLinesOf, imageNameSpellings, imageOffers, parseImage, type PolicyLookup } from '../../../../src/core/manifest/imageUpdate';

const clock = { now: () => 0, setTimeout: () => ({ dispose: () => undefined }) };

/** An ImagePolicy as image-reflector-controller writes it: `latestImage` before Flux 2.7, `latestRef` since. */
function policy(name: string, image: string, tag: string, shape: 'latestImage' | 'latestRef' = 'latestRef', namespace = 'flux-system'): unknown {
  const status = shape === 'latestImage' ? `  latestImage: ${image}:${tag}\n` : `  latestRef: {name: ${image}, tag: "${tag}"}\n`;
  return parse(`apiVersion: image.toolkit.fluxcd.io/${shape === 'latestImage' ? 'v1beta2' : 'v1'}
kind: ImagePolicy
metadata: {name: ${name}, namespace: ${namespace}, generation: 1}
spec:
  imageRepositoryRef: {name: ${name}}
  policy: {semver: {range: ">=1.0.0"}}
status:
  observedGeneration: 1
${status}  conditions:
  - {type: Ready, status: "True", reason: Succeeded, message: "Latest image tag for ${image} resolved to ${tag}", observedGeneration: 1}
`) as unknown;
}

function lookup(cluster: string, policies: unknown[]): { store: AppStore; lookup: PolicyLookup } {
  const store = new AppStore(clock);
  store.applyAll(cluster, policies.map((object): ClusterWatchEvent => ({ type: 'ADDED', kind: 'ImagePolicy', object })));
  return {
    store,
    lookup: {
      byImage: (n) => store.policiesForImage(n),
      byName: (ns, n) => store.all().filter((a) => a.kind === 'ImagePolicy' && a.namespace === ns && a.name === n),
    },
  };
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: "registry.example.test/checkout-migrate:1.4.1"
      containers:
      - name: checkout
        image: registry.example.test/checkout:1.4.1 # pinned by release 41
      - name: proxy
        image: nginx:1.25.3
      - name: sidecar
        image: registry.example.test/sidecar@sha256:0fb1b0a4b8d5e6a1c9ddc2a9b5e1d3f3b2a5c7e9f1d3b5a7c9e1f3a5b7c9d1e3
`;

describe('image update offers (ImagePolicy selects a newer tag)', () => {
  it('offers the tag a policy selects on each image line it is newer for, keeping quotes and comments', () => {
    const { lookup: l } = lookup('prod', [
      policy('checkout', 'registry.example.test/checkout', '1.4.2'),
      policy('checkout-migrate', 'registry.example.test/checkout-migrate', '1.4.1', 'latestImage'),
      // Docker Hub: the policy's ImageRepository spells the name in full.
      policy('nginx', 'docker.io/library/nginx', '1.27.0', 'latestImage'),
    ]);
    const offers = imageOffers(DEPLOYMENT, l);
    assert.deepEqual(
      offers.map((o) => [o.line, o.from, o.to, o.tag, o.policy.name]),
      [
        [12, 'registry.example.test/checkout:1.4.1', 'registry.example.test/checkout:1.4.2', '1.4.2', 'checkout'],
        [14, 'nginx:1.25.3', 'nginx:1.27.0', '1.27.0', 'nginx'],
      ],
    );
    const after = applyImageOffer(DEPLOYMENT, offers[0]!);
    assert.ok(after);
    assert.equal(after.split('\n')[12], '        image: registry.example.test/checkout:1.4.2 # pinned by release 41');
    // Nothing else changed.
    assert.deepEqual(after.split('\n').filter((_, i) => i !== 12), DEPLOYMENT.split('\n').filter((_, i) => i !== 12));
  });

  it('never offers an older or equal version, and picks the highest of several policies (clusters)', () => {
    const older = lookup('prod', [policy('checkout', 'registry.example.test/checkout', '1.3.9')]);
    assert.deepEqual(imageOffers(DEPLOYMENT, older.lookup).filter((o) => o.line === 12), []);
    const store = new AppStore(clock);
    store.applyAll('staging', [{ type: 'ADDED', kind: 'ImagePolicy', object: policy('checkout', 'registry.example.test/checkout', '1.5.0') }]);
    store.applyAll('prod', [{ type: 'ADDED', kind: 'ImagePolicy', object: policy('checkout', 'registry.example.test/checkout', '1.4.2') }]);
    const both = imageOffers(DEPLOYMENT, { byImage: (n) => store.policiesForImage(n), byName: () => [] });
    assert.deepEqual(both.map((o) => [o.to, o.policy.cluster]), [['registry.example.test/checkout:1.5.0', 'staging']]);
  });

  it('follows Flux setter markers: a whole reference or a tag, by the policy the marker names', () => {
    const values = `image:
  repository: registry.example.test/checkout # {"$imagepolicy": "apps:checkout:name"}
  tag: 1.4.1 # {"$imagepolicy": "apps:checkout:tag"}
worker:
  ref: 'registry.example.test/worker:2.0.0' # {"$imagepolicy": "apps:worker"}
`;
    const { lookup: l } = lookup('prod', [policy('checkout', 'registry.example.test/checkout', '1.4.2', 'latestRef', 'apps'), policy('worker', 'registry.example.test/worker', '2.1.0', 'latestRef', 'apps')]);
    assert.deepEqual(imageLinesOf(values).map((x) => [x.line, x.field, x.value]), [
      [2, 'tag', '1.4.1'],
      [4, 'image', 'registry.example.test/worker:2.0.0'],
    ]);
    const offers = imageOffers(values, l);
    assert.deepEqual(offers.map((o) => [o.line, o.to]), [
      [2, '1.4.2'],
      [4, 'registry.example.test/worker:2.1.0'],
    ]);
    assert.equal(applyImageOffer(values, offers[1]!)?.split('\n')[4], `  ref: 'registry.example.test/worker:2.1.0' # {"$imagepolicy": "apps:worker"}`);
  });

  it('refuses to apply an offer to text that changed since', () => {
    const { lookup: l } = lookup('prod', [policy('checkout', 'registry.example.test/checkout', '1.4.2')]);
    const offer = imageOffers(DEPLOYMENT, l)[0]!;
    assert.equal(applyImageOffer(DEPLOYMENT.replace('checkout:1.4.1', 'checkout:1.4.3'), offer), undefined);
  });

  it('reads references and versions as registries and SemVer do', () => {
    assert.deepEqual(parseImage('localhost:5000/app:1.0.0@sha256:abc'), { name: 'localhost:5000/app', tag: '1.0.0', digest: 'sha256:abc' });
    assert.deepEqual(parseImage('localhost:5000/app'), { name: 'localhost:5000/app' });
    assert.equal(parseImage('a b:1'), undefined);
    assert.deepEqual(imageNameSpellings('nginx'), ['nginx', 'docker.io/library/nginx', 'index.docker.io/library/nginx', 'library/nginx']);
    assert.deepEqual(imageNameSpellings('ghcr.io/org/app'), ['ghcr.io/org/app']);
    assert.ok(compareTags('1.4.2', '1.4.1')! > 0);
    assert.ok(compareTags('v1.10.0', '1.9.9')! > 0);
    assert.ok(compareTags('1.5.0-rc.1', '1.5.0')! < 0);
    assert.ok(compareTags('1.5.0-rc.10', '1.5.0-rc.9')! > 0);
    assert.equal(compareTags('main-abc123', '1.0.0'), undefined);
  });
});
