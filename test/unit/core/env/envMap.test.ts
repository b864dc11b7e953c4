/**
 * The environment map (issue 19) over repositories written to disk and scanned as the CLI and the
 * editor scan them: overlays sharing a base, Helm releases of one chart with values per environment,
 * ApplicationSet siblings (list, git directory, clusters, matrix and merge generators), Flux Kustomizations on one path in
 * several clusters, and live apps joining their manifests.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mapArgoApplication, mapArgoApplicationSet } from '../../../../src/core/argocd/application';
import { mapFluxKustomization } from '../../../../src/core/flux/mapFlux';
import { buildEnvironmentMap, findEnvironment, findGroup } from '../../../../src/core/env/map';
import type { EnvironmentGroup, EnvironmentMap, LiveApp } from '../../../../src/core/env/types';
import { RepoEnvironments } from '../../../../src/infra/env/environments';
import { scanRepository } from '../../../../src/infra/env/repoScan';
import { Renderer } from '../../../../src/infra/render/renderer';
import { ENV_REPO_FILES, writeRepo } from '../../../support/envRepo';

const tmpRoots: string[] = [];
async function mapOf(files: Readonly<Record<string, string>>, live?: readonly LiveApp[]): Promise<EnvironmentMap> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-map-'));
  tmpRoots.push(dir);
  writeRepo(dir, files);
  const scan = await scanRepository(dir);
  assert.deepEqual(scan.problems, []);
  return buildEnvironmentMap({ declarations: scan.declarations, layout: scan.layout, ...(live ? { live } : {}) });
}
const group = (map: EnvironmentMap, name: string): EnvironmentGroup => {
  const g = findGroup(map, name);
  if (!g.ok) throw new Error(g.message);
  return g.value;
};
const labels = (g: EnvironmentGroup): string[] => g.environments.map((e) => e.label);

const kustomization = (resources: string[], extra = ''): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n${extra}`;
const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;
const argoApp = (name: string, p: string, extra = ''): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/r.git\n    targetRevision: main\n    path: ${p}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n${extra}`;
const fluxKs = (name: string, p: string): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

describe('environments: the map', () => {
  after(() => {
    for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
  });

  it('groups kustomize overlays over a shared base, named by overlay folder, with cluster and manifest', async () => {
    const map = await mapOf(ENV_REPO_FILES);
    assert.deepEqual(map.groups.map((g) => [g.name, g.type]), [['ingress-nginx', 'helm'], ['shop', 'helm'], ['storefront', 'kustomize']]);
    const g = group(map, 'storefront');
    assert.deepEqual(g.sharedFolders, ['apps/storefront/base']);
    assert.deepEqual(labels(g), ['overlays/production', 'overlays/staging']);
    const prod = g.environments[0];
    assert.equal(prod?.cluster, 'production');
    assert.deepEqual(prod?.deploy, { type: 'kustomize', folder: 'apps/storefront/overlays/production' });
    assert.deepEqual([prod?.declaration?.file, prod?.declaration?.documentIndex, prod?.trackedRevision], ['clusters/production/argocd/storefront.yaml', 0, 'main']);
    assert.deepEqual([prod?.sync.status, prod?.live], ['Unknown', false]);
    // Users name an environment by its folder or its cluster.
    for (const name of ['overlays/production', 'production', 'apps/storefront/overlays/production', 'production/storefront']) {
      const found = findEnvironment(g, name);
      assert.ok(found.ok && found.value.id === prod?.id, name);
    }
  });

  it('groups Helm releases of one chart, labelled by cluster, with their values layers in precedence order', async () => {
    const map = await mapOf(ENV_REPO_FILES);
    const shop = group(map, 'shop');
    assert.deepEqual(shop.chart, { type: 'local', path: 'charts/shop' });
    assert.deepEqual(labels(shop), ['production', 'staging']);
    const staging = shop.environments[1];
    const d = staging?.deploy;
    assert.ok(d?.type === 'helm');
    assert.deepEqual(d.values.map((v) => (v.type === 'file' ? v.path : `${v.file}#${v.pointer}`)), ['charts/shop/values.yaml', 'charts/shop/values-staging.yaml', 'clusters/staging/flux-system/shop.yaml#/spec/values']);
    // helm-controller's default release name: [targetNamespace-]name.
    assert.deepEqual([d.releaseName, d.namespace], ['shop-shop', 'shop']);
    assert.ok(findEnvironment(shop, 'values-staging.yaml').ok);

    const nginx = group(map, 'ingress-nginx');
    assert.deepEqual(nginx.environments.map((e) => (e.deploy.type === 'helm' && e.deploy.chart.type === 'remote' ? e.deploy.chart.version : '?')), ['4.11.3', '4.12.0']);
    assert.deepEqual(nginx.chart, { type: 'remote', repo: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.11.3' });
    assert.deepEqual(nginx.environments[0]?.declaration?.chartVersionAt, { file: 'clusters/production/flux-system/ingress-nginx.yaml', documentIndex: 1, pointer: '/spec/chart/spec/version' });
  });

  it('ApplicationSet list generator: siblings grouped, named after the ApplicationSet, version written in their element', async () => {
    const files = {
      'apps/web/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/web/base/cm.yaml': configMap('web'),
      'apps/web/envs/dev/kustomization.yaml': kustomization(['../../base']),
      'apps/web/envs/prod/kustomization.yaml': kustomization(['../../base']),
      'argocd/web.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: web-envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
            cluster: dev-eu
          - env: prod
            cluster: prod-eu
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/r.git
        targetRevision: main
        path: 'apps/web/envs/{{env}}'
      destination:
        name: '{{cluster}}'
        namespace: web
`,
      'argocd/podinfo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: podinfo
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - cluster: dev-eu
            version: 6.7.1
          - cluster: prod-eu
            version: 6.6.0
  template:
    metadata:
      name: 'podinfo-{{ .cluster }}'
    spec:
      project: default
      source:
        repoURL: https://stefanprodan.github.io/podinfo
        chart: podinfo
        targetRevision: '{{ .version }}'
        helm:
          valuesObject:
            replicaCount: 2
      destination:
        name: '{{ .cluster }}'
        namespace: podinfo
`,
    };
    const map = await mapOf(files);
    const web = group(map, 'web-envs');
    assert.deepEqual(web.environments.map((e) => [e.label, e.cluster, e.app.name, e.generatedBy]), [
      ['envs/dev', 'dev-eu', 'web-dev', 'web-envs'],
      ['envs/prod', 'prod-eu', 'web-prod', 'web-envs'],
    ]);
    assert.ok(findGroup(map, 'web-prod').ok, 'a generated app name finds its group');
    const podinfo = group(map, 'podinfo');
    assert.deepEqual(labels(podinfo), ['dev-eu', 'prod-eu']);
    const prod = podinfo.environments[1];
    // The templated targetRevision is one list parameter: promotion edits that element, its own field.
    assert.deepEqual(prod?.declaration?.chartVersionAt, { file: 'argocd/podinfo.yaml', documentIndex: 0, pointer: '/spec/generators/0/list/elements/1/version' });
    // Inline values of a template are every sibling's: no own place for them.
    assert.ok(prod?.deploy.type === 'helm' && prod.deploy.inlineAt === undefined && prod.deploy.values[0]?.type === 'inline');
  });

  it('ApplicationSet clusters generator: the declared cluster Secrets its selector matches, values templated, the local cluster without a selector', async () => {
    const secret = (name: string, body: string, labels: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-${name}\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n${labels}type: Opaque\n${body}`;
    const b64 = (v: string): string => Buffer.from(v).toString('base64');
    const appSet = (name: string, generator: string, p: string): string => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
  generators:
    - clusters:
${generator}
  template:
    metadata:
      name: '${name}-{{nameNormalized}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/r.git
        targetRevision: main
        path: '${p}'
      destination:
        name: '{{name}}'
        namespace: web
`;
    const files = {
      'apps/web/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/web/base/cm.yaml': configMap('web'),
      'apps/web/envs/staging/kustomization.yaml': kustomization(['../../base']),
      'apps/web/envs/production/kustomization.yaml': kustomization(['../../base']),
      'apps/agent/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/agent/cm.yaml': configMap('agent'),
      // One Secret in stringData, one base64 in data, as `kubectl create secret` writes it; the credentials are never read.
      'argocd/clusters/staging-eu.yaml': secret('staging-eu', 'stringData:\n  name: Staging_EU\n  server: https://staging.example.com\n  config: \'{"bearerToken":"not-read"}\'\n', '    env: staging\n'),
      'argocd/clusters/prod-eu.yaml': secret('prod-eu', `data:\n  name: ${b64('prod-eu')}\n  server: ${b64('https://prod.example.com')}\n`, '    env: production\n    tier: critical\n'),
      'argocd/clusters/lab.yaml': secret('lab', 'stringData:\n  name: lab\n  server: https://lab.example.com\n', '    env: lab\n'),
      'argocd/web.yaml': appSet(
        'web',
        `        selector:
          matchExpressions:
            - key: env
              operator: In
              values: [staging, production]
        values:
          overlay: '{{metadata.labels.env}}'`,
        'apps/web/envs/{{values.overlay}}',
      ),
      'argocd/agent.yaml': appSet('agent', '        {}', 'apps/agent'),
    };
    const map = await mapOf(files);
    const web = group(map, 'web');
    assert.deepEqual(web.environments.map((e) => [e.label, e.cluster, e.app.name, e.generatedBy, e.deploy.type === 'kustomize' ? e.deploy.folder : '']).sort(), [
      ['envs/production', 'prod-eu', 'web-prod-eu', 'web', 'apps/web/envs/production'],
      ['envs/staging', 'Staging_EU', 'web-staging-eu', 'web', 'apps/web/envs/staging'],
    ]);
    // No selector: every declared cluster and then the local one (it has no Secret of its own here).
    const agent = group(map, 'agent');
    assert.deepEqual(agent.environments.map((e) => e.app.name).sort(), ['agent-in-cluster', 'agent-lab', 'agent-prod-eu', 'agent-staging-eu']);
    assert.ok(!JSON.stringify(map).includes('not-read'), 'a cluster Secret\'s config was read');
  });

  it('ApplicationSet git directory generator over the repository folders', async () => {
    const files = {
      'apps/api/overlays/qa/kustomization.yaml': kustomization(['../../base']),
      'apps/api/overlays/live/kustomization.yaml': kustomization(['../../base']),
      'apps/api/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/api/base/cm.yaml': configMap('api'),
      'argocd/api.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: api
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://git.example.com/r.git
        revision: HEAD
        directories:
          - path: apps/api/overlays/*
          - path: apps/api/overlays/live
            exclude: true
  template:
    metadata:
      name: 'api-{{path.basename}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/r.git
        targetRevision: HEAD
        path: '{{path}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{path[3]}}'
`,
    };
    const map = await mapOf(files);
    assert.deepEqual(map.groups.map((g) => [g.name, g.environments.map((e) => [e.app.name, e.deploy.type === 'kustomize' ? e.deploy.folder : '?'])]), [['api-qa', [['api-qa', 'apps/api/overlays/qa']]]]);
  });

  it('ApplicationSet matrix generator: list × git directories named by the list, each pair one app; a clash of values generates nothing', async () => {
    const appSet = (name: string, generators: string, goTemplate = false): string => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
  goTemplate: ${goTemplate}
  generators:
${generators}
  template:
    metadata:
      name: '${name}-{{cluster}}-{{path.basename}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/r.git
        targetRevision: main
        path: '{{path}}'
      destination:
        name: '{{cluster}}'
        namespace: api
`;
    const files = {
      'apps/api/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/api/base/cm.yaml': configMap('api'),
      'apps/api/overlays/qa/kustomization.yaml': kustomization(['../../base']),
      'apps/api/overlays/live/kustomization.yaml': kustomization(['../../base']),
      // Each cluster reads the overlay its list element names: the second child is written with the first's parameters.
      'argocd/api.yaml': appSet(
        'api',
        `    - matrix:
        generators:
          - list:
              elements:
                - cluster: eu
                  stage: qa
                - cluster: us
                  stage: live
          - git:
              repoURL: https://git.example.com/r.git
              revision: HEAD
              directories:
                - path: 'apps/api/overlays/{{stage}}'`,
      ),
      // Both children set `cluster` with different values: Argo CD refuses the pair (CombineStringMaps).
      'argocd/clash.yaml': appSet(
        'clash',
        `    - matrix:
        generators:
          - list:
              elements:
                - cluster: eu
          - list:
              elements:
                - cluster: us
                  path: apps/api/overlays/qa`,
      ),
    };
    const map = await mapOf(files);
    const apps = map.groups.flatMap((g) => g.environments.map((e) => [e.app.name, e.cluster, e.deploy.type === 'kustomize' ? e.deploy.folder : e.deploy.type]));
    assert.deepEqual(apps.sort(), [
      ['api-eu-qa', 'eu', 'apps/api/overlays/qa'],
      ['api-us-live', 'us', 'apps/api/overlays/live'],
    ]);
    assert.ok(!apps.some(([n]) => String(n).startsWith('clash')), 'a clashing matrix generated apps');
  });

  it('ApplicationSet merge generator: the base sets overridden by later children on mergeKeys; the version is written in the overriding element', async () => {
    const files = {
      'argocd/podinfo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: podinfo
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - merge:
        mergeKeys: [cluster]
        generators:
          - list:
              elements:
                - cluster: dev-eu
                  version: 6.7.1
                - cluster: prod-eu
                  version: 6.7.1
          - list:
              elements:
                - cluster: prod-eu
                  version: 6.6.0
                - cluster: nowhere
                  version: 1.0.0
  template:
    metadata:
      name: 'podinfo-{{ .cluster }}'
    spec:
      project: default
      source:
        repoURL: https://stefanprodan.github.io/podinfo
        chart: podinfo
        targetRevision: '{{ .version }}'
      destination:
        name: '{{ .cluster }}'
        namespace: podinfo
`,
    };
    const map = await mapOf(files);
    const podinfo = group(map, 'podinfo');
    assert.deepEqual(
      podinfo.environments.map((e) => [e.app.name, e.deploy.type === 'helm' && e.deploy.chart.type === 'remote' ? e.deploy.chart.version : '?']),
      [
        ['podinfo-dev-eu', '6.7.1'],
        ['podinfo-prod-eu', '6.6.0'],
      ],
    );
    assert.deepEqual(podinfo.environments[0]?.declaration?.chartVersionAt, { file: 'argocd/podinfo.yaml', documentIndex: 0, pointer: '/spec/generators/0/merge/generators/0/list/elements/0/version' });
    assert.deepEqual(podinfo.environments[1]?.declaration?.chartVersionAt, { file: 'argocd/podinfo.yaml', documentIndex: 0, pointer: '/spec/generators/0/merge/generators/1/list/elements/0/version' });
  });

  it('ApplicationSet merge generator with Go templates: a merge key may name a map of the elements', async () => {
    const files = {
      'argocd/api.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: api
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - merge:
        mergeKeys: [cluster]
        generators:
          - list:
              elements:
                - cluster: {name: eu}
                  stage: qa
                - cluster: {name: us}
                  stage: qa
          - list:
              elements:
                - cluster: {name: us}
                  stage: live
  template:
    metadata:
      name: 'api-{{ .cluster.name }}-{{ .stage }}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/r.git
        targetRevision: main
        path: 'apps/api/{{ .stage }}'
      destination:
        name: '{{ .cluster.name }}'
        namespace: api
`,
    };
    const map = await mapOf(files);
    assert.deepEqual(map.groups.flatMap((g) => g.environments.map((e) => e.app.name)).sort(), ['api-eu-qa', 'api-us-live']);
  });

  it('Flux Kustomizations of one path in two clusters are one app labelled by cluster; a component shared by unrelated apps joins nothing', async () => {
    const files = {
      'infrastructure/redis/deployment.yaml': configMap('redis'),
      'components/labels/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n  - pairs:\n      team: platform\n',
      'apps/a/kustomization.yaml': kustomization(['cm.yaml'], 'components:\n  - ../../components/labels\n'),
      'apps/a/cm.yaml': configMap('a'),
      'apps/b/kustomization.yaml': kustomization(['cm.yaml'], 'components:\n  - ../../components/labels\n'),
      'apps/b/cm.yaml': configMap('b'),
      'clusters/eu/redis.yaml': fluxKs('redis', 'infrastructure/redis'),
      'clusters/us/redis.yaml': fluxKs('redis', 'infrastructure/redis'),
      'clusters/eu/a.yaml': fluxKs('a', 'apps/a'),
      'clusters/eu/b.yaml': fluxKs('b', 'apps/b'),
    };
    const map = await mapOf(files);
    assert.deepEqual(map.groups.map((g) => [g.name, g.type, labels(g)]), [
      ['a', 'kustomize', ['eu']],
      ['b', 'kustomize', ['eu']],
      ['redis', 'directory', ['eu', 'us']],
    ]);
    const redis = group(map, 'redis');
    assert.deepEqual(redis.environments.map((e) => e.deploy), [
      { type: 'directory', folder: 'infrastructure/redis', recurse: true },
      { type: 'directory', folder: 'infrastructure/redis', recurse: true },
    ]);
  });

  it('Flux Kustomizations with a path per cluster over one base are one app; a HelmRelease keeps its valuesFrom and says they are not read', async () => {
    const files = {
      'apps/podinfo/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/podinfo/base/cm.yaml': configMap('podinfo'),
      'apps/podinfo/overlays/staging/kustomization.yaml': kustomization(['../../base'], 'namePrefix: staging-\n'),
      'apps/podinfo/overlays/production/kustomization.yaml': kustomization(['../../base'], 'namePrefix: prod-\n'),
      'clusters/staging/podinfo.yaml': fluxKs('podinfo', 'apps/podinfo/overlays/staging'),
      'clusters/production/podinfo.yaml': fluxKs('podinfo', 'apps/podinfo/overlays/production'),
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
      'charts/api/values.yaml': 'replicaCount: 1\n',
      'clusters/staging/api.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: api
  namespace: flux-system
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/api
      sourceRef:
        kind: GitRepository
        name: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: api-cluster-values
    - kind: Secret
      name: api-secrets
      valuesKey: creds.yaml
`,
    };
    const map = await mapOf(files);
    const podinfo = group(map, 'podinfo');
    assert.deepEqual(podinfo.environments.map((e) => [e.label, e.cluster, e.deploy.type === 'kustomize' ? e.deploy.folder : e.deploy.type]), [
      ['overlays/production', 'production', 'apps/podinfo/overlays/production'],
      ['overlays/staging', 'staging', 'apps/podinfo/overlays/staging'],
    ]);
    const api = group(map, 'api').environments[0];
    assert.ok(api?.deploy.type === 'helm');
    assert.deepEqual(api.deploy.valuesFrom, ['ConfigMap/api-cluster-values', 'Secret/api-secrets']);
    assert.ok(api.notes?.some((n) => /values from the cluster \(ConfigMap\/api-cluster-values, Secret\/api-secrets\) are not read/.test(n)), JSON.stringify(api.notes));
  });

  it('an environment deploying the base itself joins the overlays built on it', async () => {
    const files = {
      'apps/x/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/x/base/cm.yaml': configMap('x'),
      'apps/x/overlays/prod/kustomization.yaml': kustomization(['../../base']),
      'clusters/dev/x.yaml': argoApp('x', 'apps/x/base'),
      'clusters/prod/x.yaml': argoApp('x', 'apps/x/overlays/prod'),
    };
    const map = await mapOf(files);
    const x = group(map, 'x');
    assert.deepEqual(labels(x), ['base', 'overlays/prod']);
    assert.deepEqual(x.sharedFolders, ['apps/x/base']);
  });

  it('live apps bring sync, health and revisions to their manifests; a live app without one joins by its path', async () => {
    const status = (rev: string, sync: string, health: string) => ({ sync: { status: sync, revision: rev }, health: { status: health } });
    const liveApp = (cluster: string, name: string, p: string, st: Record<string, unknown>) =>
      mapArgoApplication(cluster, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, spec: { source: { repoURL: 'https://git.example.com/r.git', path: p, targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc' } }, status: st });
    const sha = (c: string): string => c.repeat(40);
    const live: LiveApp[] = [
      { app: liveApp('ctx-staging', 'storefront', 'apps/storefront/overlays/staging', status(sha('a'), 'Synced', 'Healthy')) },
      { app: liveApp('ctx-prod', 'storefront', 'apps/storefront/overlays/production', status(sha('b'), 'OutOfSync', 'Degraded')), appliedRevision: sha('c') },
      // Not in the repository's manifests (created by hand), but deploying one of its overlays.
      { app: liveApp('ctx-qa', 'storefront-qa', 'apps/storefront/overlays/staging', status(sha('d'), 'Synced', 'Healthy')) },
      // Flux, same folder: a directory of plain manifests is no environment of storefront.
      { app: mapFluxKustomization('ctx-prod', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'elsewhere', namespace: 'flux-system' }, spec: { path: './not/here', sourceRef: { kind: 'GitRepository', name: 'x' } } }) },
    ];
    const map = await mapOf(ENV_REPO_FILES, live);
    const g = group(map, 'storefront');
    assert.deepEqual(
      g.environments.map((e) => [e.label, e.cluster, e.app.name, e.live, e.sync.status, e.health.status, e.revision, e.appliedRevision ?? null, e.declaration?.file ?? null]),
      [
        ['ctx-prod', 'ctx-prod', 'storefront', true, 'OutOfSync', 'Degraded', 'main@bbbbbbb', sha('c'), 'clusters/production/argocd/storefront.yaml'],
        ['ctx-qa', 'ctx-qa', 'storefront-qa', true, 'Synced', 'Healthy', 'main@ddddddd', null, null],
        ['ctx-staging', 'ctx-staging', 'storefront', true, 'Synced', 'Healthy', 'main@aaaaaaa', null, 'clusters/staging/argocd/storefront.yaml'],
      ],
    );
    // Two environments deploy overlays/staging: labels fall back to clusters, the declared cluster still answers.
    const byDeclared = findEnvironment(g, 'production');
    assert.ok(byDeclared.ok && byDeclared.value.cluster === 'ctx-prod');
    const ambiguous = findEnvironment(g, 'overlays/staging');
    assert.ok(!ambiguous.ok && /names several environments of storefront \(ctx-qa, ctx-staging\)/.test(ambiguous.message), JSON.stringify(ambiguous));
    assert.ok(!findGroup(map, 'elsewhere').ok, 'a live app outside the repository is no environment');
  });

  it('RepoEnvironments.withLive: the same scan, live apps changed, the map rebuilt', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-map-'));
    tmpRoots.push(dir);
    writeRepo(dir, ENV_REPO_FILES);
    const envs = await RepoEnvironments.load(dir, { renderer: new Renderer({ findExecutable: () => Promise.resolve(undefined) }) });
    const app = mapArgoApplication('staging', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'storefront', namespace: 'argocd' }, spec: { source: { path: 'apps/storefront/overlays/staging' } }, status: { sync: { status: 'OutOfSync' }, health: { status: 'Progressing', message: 'rolling out' } } });
    fs.rmSync(path.join(dir, 'clusters'), { recursive: true });
    const next = envs.withLive([{ app }]);
    assert.equal(next.scan, envs.scan);
    const staging = findEnvironment(group(next.map, 'storefront'), 'staging');
    assert.ok(staging.ok);
    assert.deepEqual([staging.value.live, staging.value.sync.status, staging.value.health.status], [true, 'OutOfSync', 'Progressing']);
    assert.equal(findEnvironment(group(envs.map, 'storefront'), 'staging').ok && (findEnvironment(group(envs.map, 'storefront'), 'staging') as { value: { live: boolean } }).value.live, false);
  });

  it('live ApplicationSets tell which live apps they generated', async () => {
    const files = {
      'apps/w/base/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/w/base/cm.yaml': configMap('w'),
      'apps/w/one/kustomization.yaml': kustomization(['../base']),
      'apps/w/two/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/w/two/cm.yaml': configMap('w2'),
    };
    const app = (name: string, p: string) => mapArgoApplication('hub', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, spec: { source: { repoURL: 'r', path: p } }, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } } });
    const set = mapArgoApplicationSet('hub', { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'w-set', namespace: 'argocd' }, status: { resources: [{ name: 'w-one' }, { name: 'w-two' }] } });
    const map = await mapOf(files, [{ app: app('w-one', 'apps/w/one') }, { app: app('w-two', 'apps/w/two') }, { app: set }]);
    // No folder in common: the ApplicationSet alone makes them siblings.
    const g = group(map, 'w-set');
    assert.deepEqual(g.environments.map((e) => [e.label, e.generatedBy]), [['one', 'w-set'], ['two', 'w-set']]);
  });

  it('lookups say what exists when a name is unknown', async () => {
    const map = await mapOf(ENV_REPO_FILES);
    const g = findGroup(map, 'nope');
    assert.ok(!g.ok && g.message === 'no app "nope" in the repository (apps: ingress-nginx, shop, storefront)');
    const e = findEnvironment(group(map, 'shop'), 'qa');
    assert.ok(!e.ok && e.message === 'shop has no environment "qa" (environments: production, staging)');
  });
});
