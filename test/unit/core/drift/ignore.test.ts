/**
 * Ignore rules, with the examples of Argo CD's diffing docs (user-guide/diffing.md) and Flux's
 * HelmRelease drift detection docs (components/helm/helmreleases.md#drift-detection).
 */
import * as assert from 'node:assert/strict';
import { compareObjects } from '../../../../src/core/drift/compare';
import { managedFieldsRules, parseArgoIgnoreDifferences, parseFluxDriftIgnore, parseJqPath, parsePointer, rulesFor, type ResourceIdentity } from '../../../../src/core/drift/ignore';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';

const deployKeys = builtinListKeys({ group: 'apps', kind: 'Deployment' });

function deployment(name: string, replicas: number, init: { name: string; image: string }[], image = 'app:1'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { replicas, template: { spec: { initContainers: init, containers: [{ name: 'app', image }] } } },
  };
}
const idOf = (o: Record<string, unknown>): ResourceIdentity => {
  const m = o.metadata as { name: string; namespace?: string };
  return { apiVersion: o.apiVersion as string, kind: o.kind as string, name: m.name, namespace: m.namespace };
};
const drift = (desired: Record<string, unknown>, live: Record<string, unknown>, specs: ReturnType<typeof parseArgoIgnoreDifferences>['specs']): string[] =>
  compareObjects(desired, live, { listKeys: deployKeys, ignore: rulesFor(specs, idOf(desired), live) }).map((f) => f.path);

describe('drift/ignore', () => {
  it('parses JSON pointers with RFC 6901 escapes', () => {
    assert.deepEqual(parsePointer('/metadata/annotations/agent.io~1injected~0x'), [{ field: 'metadata' }, { field: 'annotations' }, { field: 'agent.io/injected~x' }]);
    assert.throws(() => parsePointer('spec/replicas'), /must start with "\/"/);
  });

  it('parses the path form of jq', () => {
    assert.deepEqual(parseJqPath('.spec.template.spec.containers[] | select(.name == "x") | .image'), [
      { field: 'spec' }, { field: 'template' }, { field: 'spec' }, { field: 'containers' }, { select: { name: 'x' } }, { field: 'image' },
    ]);
    assert.deepEqual(parseJqPath('.metadata.annotations."foo"'), [{ field: 'metadata' }, { field: 'annotations' }, { field: 'foo' }]);
    assert.deepEqual(parseJqPath('.metadata.annotations["example.com/x"]'), [{ field: 'metadata' }, { field: 'annotations' }, { field: 'example.com/x' }]);
    assert.deepEqual(parseJqPath('.webhooks[]?.clientConfig.caBundle'), [{ field: 'webhooks' }, { anyItem: true }, { field: 'clientConfig' }, { field: 'caBundle' }]);
    assert.deepEqual(parseJqPath('.spec.ports[1].nodePort'), [{ field: 'spec' }, { field: 'ports' }, { index: 1 }, { field: 'nodePort' }]);
    assert.deepEqual(parseJqPath('.spec.x[] | select(.a == 1 and .b == "c")'), [{ field: 'spec' }, { field: 'x' }, { select: { a: 1, b: 'c' } }]);
  });

  it('rejects jq beyond the path form with a message naming the expression', () => {
    for (const bad of ['.spec | del(.replicas)', '.. | .image', '.a // .b', '.spec.x[] | select(.name | startswith("x"))', '.spec.x | select(.a == 1)', 'spec.replicas']) {
      assert.throws(() => parseJqPath(bad), (e: Error) => e.message.includes(`"${bad}"`) && /unsupported jqPathExpression/.test(e.message), bad);
    }
    const parsed = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec | del(.x)', '.spec.replicas'] }]);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0] ?? '', /^spec\.ignoreDifferences\[0\]\.jqPathExpressions\[0\]: unsupported/);
    assert.equal(parsed.specs[0]?.rules.length, 1);
  });

  it('Argo CD: jsonPointers /spec/replicas for apps/Deployment (docs example)', () => {
    const { specs, problems } = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
    assert.deepEqual(problems, []);
    assert.deepEqual(drift(deployment('web', 3, []), deployment('web', 5, []), specs), []);
    // The rule hides only what it names.
    assert.deepEqual(drift(deployment('web', 3, [], 'a:2'), deployment('web', 5, [], 'a:1'), specs), ['/spec/template/spec/containers/0/image']);
    // Group must match: a rule for the core group does not apply to apps/Deployment.
    const core = parseArgoIgnoreDifferences([{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]).specs;
    assert.deepEqual(drift(deployment('web', 3, []), deployment('web', 5, []), core), ['/spec/replicas']);
  });

  it('Argo CD: name/namespace narrow an entry; "*" matches any kind', () => {
    const named = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', name: 'guestbook', namespace: 'default', jsonPointers: ['/spec/replicas'] }]).specs;
    assert.deepEqual(drift(deployment('guestbook', 1, []), deployment('guestbook', 2, []), named), []);
    assert.deepEqual(drift(deployment('other', 1, []), deployment('other', 2, []), named), ['/spec/replicas']);
    const any = parseArgoIgnoreDifferences([{ group: '*', kind: '*', jsonPointers: ['/spec/replicas'] }]).specs;
    assert.deepEqual(drift(deployment('x', 1, []), deployment('x', 2, []), any), []);
  });

  it('Argo CD: jq select of an injected init container (docs example)', () => {
    const { specs } = parseArgoIgnoreDifferences([
      { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.spec.initContainers[] | select(.name == "injected-init-container")'] },
    ]);
    const d = deployment('guestbook', 1, [{ name: 'injected-init-container', image: 'a' }, { name: 'mine', image: 'm:1' }]);
    const l = deployment('guestbook', 1, [{ name: 'mine', image: 'm:2' }, { name: 'injected-init-container', image: 'b' }]);
    assert.deepEqual(drift(d, l, specs), ['/spec/template/spec/initContainers/1/image']);
  });

  it('Argo CD: jq select by name then a field of the item', () => {
    const { specs } = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "app") | .image'] }]);
    assert.deepEqual(drift(deployment('w', 1, [], 'a:1'), deployment('w', 1, [], 'a:2'), specs), []);
  });

  it('Argo CD: managedFieldsManagers hides what those managers own in live managedFields', () => {
    const live = deployment('w', 7, [], 'app:hpa');
    (live.metadata as Record<string, unknown>).managedFields = [
      { manager: 'argocd-controller', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {} } } } } } } },
      { manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'rollout-bot', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } } } },
    ];
    const rules = managedFieldsRules(live, ['kube-controller-manager'], 'x');
    assert.deepEqual(rules.map((r) => r.steps), [[{ field: 'spec' }, { field: 'replicas' }]]);
    const one = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['kube-controller-manager'] }]).specs;
    assert.deepEqual(drift(deployment('w', 3, []), live, one), ['/spec/template/spec/containers/0/image']);
    const both = parseArgoIgnoreDifferences([{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['kube-controller-manager', 'rollout-bot'] }]).specs;
    assert.deepEqual(drift(deployment('w', 3, []), live, both), []);
  });

  it('Flux: HelmRelease driftDetection.ignore paths with and without a target (docs example)', () => {
    const { specs, problems } = parseFluxDriftIgnore([
      { paths: ['/spec/replicas'], target: { kind: 'Deployment' } },
      { paths: ['/metadata/annotations/agent.io~1injected'] },
    ]);
    assert.deepEqual(problems, []);
    const d = deployment('web', 3, []);
    const l = deployment('web', 5, []);
    (d.metadata as Record<string, unknown>).annotations = { 'agent.io/injected': 'false' };
    (l.metadata as Record<string, unknown>).annotations = { 'agent.io/injected': 'true' };
    assert.deepEqual(drift(d, l, specs), []);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', annotations: { 'agent.io/injected': 'false' } }, spec: { replicas: 1 } };
    const svcLive = { ...svc, metadata: { name: 's', annotations: { 'agent.io/injected': 'true' } }, spec: { replicas: 2 } };
    // The untargeted rule applies to the Service too; the Deployment-only one does not.
    assert.deepEqual(compareObjects(svc, svcLive, { listKeys: deployKeys, ignore: rulesFor(specs, idOf(svc), svcLive) }).map((f) => f.path), ['/spec/replicas']);
  });

  it('Flux: target name is a regular expression; label selectors are matched on the live object', () => {
    const { specs } = parseFluxDriftIgnore([{ paths: ['/spec/replicas'], target: { group: 'apps', kind: 'Deployment', name: 'web-.*', labelSelector: 'app!=db' } }]);
    assert.deepEqual(drift(deployment('web-1', 1, []), deployment('web-1', 2, []), specs), []);
    assert.deepEqual(drift(deployment('api', 1, []), deployment('api', 2, []), specs), ['/spec/replicas']);
    // kind is a regular expression too (kustomize Selector): StatefulSet|Deployment.
    const kinds = parseFluxDriftIgnore([{ paths: ['/spec/replicas'], target: { kind: 'StatefulSet|Deployment' } }]).specs;
    assert.deepEqual(drift(deployment('api', 1, []), deployment('api', 2, []), kinds), []);
    const partial = parseFluxDriftIgnore([{ paths: ['/spec/replicas'], target: { kind: 'Deploy' } }]).specs;
    assert.deepEqual(drift(deployment('api', 1, []), deployment('api', 2, []), partial), ['/spec/replicas'], 'anchored');
    assert.match(parseFluxDriftIgnore([{ paths: ['/x'], target: { name: '(' } }]).problems[0] ?? '', /target: Invalid regular expression/);
    const bad = parseFluxDriftIgnore([{ paths: ['/spec'], target: { labelSelector: 'env in (a,b)' } }]);
    assert.match(bad.problems[0] ?? '', /equality-based/);
  });
});
