/**
 * Conformance of `gitops-lens diff` with Argo CD's own diff test cases (part of scripts/conformance.ts,
 * a dev tool, not `npm test`). Every case of gitops-engine `pkg/diff/diff_test.go` that asserts a
 * verdict (`Modified` true or false), and argo-cd `util/argo/diff/diff_test.go` TestStateDiff, is
 * described below by the test it comes from, where its objects are and the options it passes; the
 * objects are read at run time from the fetched mirror's git objects (testdata files, and the raw
 * string literals of the test file itself), never copied into this repository. The few objects the
 * Go test builds in code (`newDeployment()`) are our own equivalents.
 *
 * Each case runs through the product: desired/live pairs through the CLI's `--live` path
 * (src/cli/diff.ts compareWithFiles: pairing, then core/drift comparer), a server-side diff case
 * (a dry-run result given) through the lenses' predicted comparison. A case agrees when our verdict
 * (any finding, or a missing object) equals `Modified`. A nil config (the object is only live) is
 * Argo CD's "not modified" at the diff level; ours is Extra, which has no field findings: that agrees.
 */
import { execFileSync } from 'node:child_process';
import * as jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { compareWithFiles } from '../src/cli/diff';
import type { SourcedObject } from '../src/cli/manifests';
import { compareSides } from '../src/core/drift/comparer';
import { parseArgoIgnoreDifferences, type IgnoreSpec } from '../src/core/drift/ignore';
import { builtinListKeys } from '../src/core/drift/listKeys';
import { DEFAULT_DIFF_SETTINGS, type DiffSettings } from '../src/core/drift/settings';
import { groupOf } from '../src/core/manifest/documents';

type Obj = Record<string, unknown>;

/** Where a case's object is: a testdata file, a Go raw string literal, or our own object. */
type Source =
  | { readonly file: string; readonly edit?: (o: Obj) => Obj }
  | { readonly goConst: string }
  /** The nth raw string literal (0-based) of a test or subtest body. */
  | { readonly literal: { readonly test: string; readonly index: number } }
  | { readonly own: () => Obj };

/** Our rule family a case exercises (the README's conformance table). */
export type DiffFamily = 'two-way and three-way diff' | 'empty fields, roles, namespaces' | 'server-side apply ownership' | 'server-side diff' | 'ignoreDifferences and compareoptions';

interface DiffCase {
  readonly name: string;
  readonly family?: DiffFamily;
  readonly config: Source | null;
  readonly live: Source | null;
  /** Server-side diff: the dry-run apply result the test's mock returns. */
  readonly predicted?: Source;
  readonly options?: {
    readonly ignoreAggregatedRoles?: boolean;
    /** Argo CD ignoreDifferences entries (application or argocd-cm level). */
    readonly ignoreDifferences?: readonly Obj[];
    /** ServerSideDiff with `IncludeMutationWebhook=true`. */
    readonly includeMutationWebhook?: boolean;
  };
  readonly modified: boolean;
}

/** Our own Deployment, shaped like gitops-engine diff_test.go `newDeployment()` after toUnstructured. */
function deployment(): Obj {
  return {
    apiVersion: 'apps/v1beta1',
    kind: 'Deployment',
    metadata: { name: 'demo', namespace: 'test', creationTimestamp: null },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'demo' } },
      template: {
        metadata: { labels: { app: 'demo' }, creationTimestamp: null },
        spec: { containers: [{ name: 'demo', image: 'gcr.io/kuar-demo/kuard-amd64:1', ports: [{ containerPort: 80 }], resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  };
}

const set = (o: Obj, path: readonly string[], v: unknown): Obj => {
  const copy = structuredClone(o);
  let n = copy;
  for (const k of path.slice(0, -1)) n = (n[k] ??= {}) as Obj;
  n[path[path.length - 1]!] = v;
  return copy;
};
const del = (o: Obj, path: readonly string[]): Obj => {
  const copy = structuredClone(o);
  let n: Obj | undefined = copy;
  for (const k of path.slice(0, -1)) n = n?.[k] as Obj | undefined;
  if (n) delete n[path[path.length - 1]!];
  return copy;
};

/** TestThreeWayDiff: the config (no namespace, a `foo` annotation) and its live copy in `default`. */
function threeWay(step: 1 | 2 | 3 | 4): { config: Obj; live: Obj } {
  const config = set(set(deployment(), ['metadata', 'namespace'], undefined), ['metadata', 'annotations'], { foo: 'bar' });
  delete (config.metadata as Obj).namespace;
  let live = set(config, ['metadata', 'namespace'], 'default');
  if (step >= 2) live = set(live, ['metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'], JSON.stringify(config));
  const cfg = step >= 3 ? del(config, ['metadata', 'annotations', 'foo']) : config;
  if (step === 4) live = del(live, ['metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration']);
  return { config: cfg, live };
}

const ES_WITH_DIFFERENCE = (o: Obj): Obj => {
  const labels = { ...((o.metadata as Obj).labels as Obj) };
  labels.foo = 'bar';
  labels.chart = 'elasticsearch-1.7.1';
  delete labels.release;
  return set(o, ['metadata', 'labels'], labels);
};
const redacted = (value: string) => (o: Obj): Obj => {
  const data = { ...(o.data as Obj) };
  data['wordpress-password'] = value;
  data['smtp-password'] = value;
  return { ...o, data };
};

const SSD_IGNORE_SESSION_AFFINITY = [{ group: '', kind: 'Service', jsonPointers: ['/spec/sessionAffinity'] }];
const T = 'testdata/';

/** gitops-engine pkg/diff/diff_test.go: every verdict it asserts. */
export const GITOPS_ENGINE_CASES: readonly DiffCase[] = [
  { name: 'TestDiff', config: { own: deployment }, live: { own: deployment }, modified: false },
  { name: 'TestDiff_KnownTypeInvalidValue/NoDifference', config: { own: () => set(deployment(), ['spec', 'revisionHistoryLimit'], 'badValue') }, live: { own: () => set(deployment(), ['spec', 'revisionHistoryLimit'], 'badValue') }, modified: false },
  { name: 'TestDiff_KnownTypeInvalidValue/HasDifference', config: { own: () => set(deployment(), ['spec', 'revisionHistoryLimit'], 'badValue') }, live: { own: () => set(deployment(), ['spec', 'revisionHistoryLimit'], '3') }, modified: true },
  { name: 'TestDiffWithNils (config nil)', config: null, live: { own: deployment }, modified: false },
  { name: 'TestDiffWithNils (live nil)', config: { own: deployment }, live: null, modified: true },
  { name: 'TestDiffNilFieldInLive', config: { own: deployment }, live: { own: () => set(deployment(), ['spec'], null) }, modified: true },
  { name: 'TestDiffArraySame', config: { own: deployment }, live: { own: deployment }, modified: false },
  { name: 'TestDiffArrayAdditions', config: { own: deployment }, live: { own: () => set(deployment(), ['status'], { replicas: 1 }) }, modified: false },
  { name: 'TestDiffArrayModification', config: { own: deployment }, live: { own: () => set(deployment(), ['spec', 'replicas'], 10) }, modified: true },
  { name: 'TestThreeWayDiff (defaulted namespace)', config: { own: () => threeWay(1).config }, live: { own: () => threeWay(1).live }, modified: false },
  { name: 'TestThreeWayDiff (with last-applied)', config: { own: () => threeWay(2).config }, live: { own: () => threeWay(2).live }, modified: false },
  { name: 'TestThreeWayDiff (annotation removed from config)', config: { own: () => threeWay(3).config }, live: { own: () => threeWay(3).live }, modified: true },
  { name: 'TestThreeWayDiff (removed, no last-applied)', config: { own: () => threeWay(4).config }, live: { own: () => threeWay(4).live }, modified: false },
  { name: 'TestThreeWayDiffExample1', config: { goConst: 'demoConfig' }, live: { goConst: 'demoLive' }, modified: false },
  { name: 'TestDiffOptionIgnoreAggregateRoles (true)', family: 'ignoreDifferences and compareoptions', config: { file: `${T}aggr-clusterrole-config.json` }, live: { file: `${T}aggr-clusterrole-live.json` }, options: { ignoreAggregatedRoles: true }, modified: false },
  { name: 'TestDiffOptionIgnoreAggregateRoles (false)', family: 'ignoreDifferences and compareoptions', config: { file: `${T}aggr-clusterrole-config.json` }, live: { file: `${T}aggr-clusterrole-live.json` }, options: { ignoreAggregatedRoles: false }, modified: true },
  { name: 'TestThreeWayDiffExample2', config: { file: `${T}elasticsearch-config.json` }, live: { file: `${T}elasticsearch-live.json` }, modified: false },
  { name: 'TestThreeWayDiffExample3', config: { file: `${T}deployment-config.json` }, live: { file: `${T}deployment-live.json` }, modified: false },
  { name: 'TestThreeWayDiffExample4', config: { file: `${T}mutatingwebhookconfig-config.json` }, live: { file: `${T}mutatingwebhookconfig-live.json` }, modified: false },
  { name: 'TestThreeWayDiffExample2WithDifference', config: { file: `${T}elasticsearch-config.json`, edit: ES_WITH_DIFFERENCE }, live: { file: `${T}elasticsearch-live.json` }, modified: true },
  { name: 'TestThreeWayDiffExplicitNamespace', config: { file: `${T}spinnaker-sa-config.json` }, live: { file: `${T}spinnaker-sa-live.json` }, modified: false },
  { name: 'TestDiffResourceWithInvalidField', config: { literal: { test: 'TestDiffResourceWithInvalidField', index: 0 } }, live: { own: () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid-cm' } }) }, modified: true },
  { name: 'TestIgnoreNamespaceForClusterScopedResources', family: 'empty fields, roles, namespaces', config: { goConst: 'customObjConfig' }, live: { goConst: 'customObjLive' }, modified: false },
  { name: 'TestSecretStringData', config: { goConst: 'secretConfig' }, live: { goConst: 'secretLive' }, modified: false },
  { name: 'TestInvalidSecretStringData', config: { goConst: 'secretInvalidConfig' }, live: null, modified: true },
  { name: 'TestNullSecretData', config: { file: `${T}wordpress-config.json` }, live: { file: `${T}wordpress-live.json` }, modified: false },
  { name: 'TestRedactedSecretData', config: { file: `${T}wordpress-config.json`, edit: redacted('++++++++') }, live: { file: `${T}wordpress-live.json`, edit: redacted('++++++++++++') }, modified: true },
  { name: 'TestNullRoleRule', family: 'empty fields, roles, namespaces', config: { file: `${T}grafana-clusterrole-config.json` }, live: { file: `${T}grafana-clusterrole-live.json` }, modified: false },
  { name: 'TestNullCreationTimestamp', config: { file: `${T}sealedsecret-config.json` }, live: { file: `${T}sealedsecret-live.json` }, modified: false },
  { name: 'TestUnsortedEndpoints', config: { file: `${T}endpoints-config.json` }, live: { file: `${T}endpoints-live.json` }, modified: false },
  { name: 'TestStructuredMergeDiff/will apply default values', family: 'server-side apply ownership', config: { file: `${T}smd-service-config.yaml` }, live: { file: `${T}smd-service-live.yaml` }, modified: true },
  { name: 'TestStructuredMergeDiff/will remove entries in list', family: 'server-side apply ownership', config: { file: `${T}smd-service-config-2-ports.yaml` }, live: { file: `${T}smd-service-live.yaml` }, modified: true },
  { name: 'TestStructuredMergeDiff/will remove previously added fields not present in desired state', family: 'server-side apply ownership', config: { file: `${T}smd-service-config.yaml` }, live: { file: `${T}smd-service-live-with-type.yaml` }, modified: true },
  { name: 'TestStructuredMergeDiff/will apply service with multiple ports', family: 'server-side apply ownership', config: { file: `${T}smd-service-config-ports.yaml` }, live: { file: `${T}smd-service-live.yaml` }, modified: true },
  { name: 'TestStructuredMergeDiff/will apply deployment defaults correctly', family: 'server-side apply ownership', config: { file: `${T}smd-deploy-config.yaml` }, live: { file: `${T}smd-deploy-live.yaml` }, modified: false },
  { name: 'TestServerSideDiff/will ignore modifications done by mutation webhook by default', family: 'server-side diff', config: { file: `${T}ssd-service-config.yaml` }, live: { file: `${T}ssd-service-live.yaml` }, predicted: { file: `${T}ssd-service-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will test removing some field with undoing changes done by webhook', family: 'server-side diff', config: { file: `${T}smd-deploy2-config.yaml` }, live: { file: `${T}smd-deploy2-live.yaml` }, predicted: { file: `${T}smd-deploy2-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will include mutation webhook modifications', family: 'server-side diff', config: { file: `${T}ssd-service-config.yaml` }, live: { file: `${T}ssd-service-live.yaml` }, predicted: { file: `${T}ssd-service-predicted-live.json` }, options: { includeMutationWebhook: true }, modified: true },
  { name: 'TestServerSideDiff/will include nested fields like ports and env', family: 'server-side diff', config: { file: `${T}ssd-deploy-nested-config.yaml` }, live: { file: `${T}ssd-deploy-nested-live.yaml` }, predicted: { file: `${T}ssd-deploy-nested-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will add an extra container using kubectl apply and include mutation webhook', family: 'server-side diff', config: { file: `${T}ssd-deploy-with-manual-apply-config.yaml` }, live: { file: `${T}ssd-deploy-with-manual-apply-live.yaml` }, predicted: { file: `${T}ssd-deploy-with-manual-apply-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will reflect deletion of labels in predicted live', family: 'server-side diff', config: { file: `${T}ssd-svc-no-label-config.yaml` }, live: { file: `${T}ssd-svc-label-live.yaml` }, predicted: { file: `${T}ssd-svc-no-label-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will respect ignoreDifferences when full normalization is not skipped', family: 'server-side diff', config: { file: `${T}ssd-service-config.yaml` }, live: { file: `${T}ssd-service-live.yaml` }, predicted: { file: `${T}ssd-service-predicted-live.json` }, options: { ignoreDifferences: SSD_IGNORE_SESSION_AFFINITY }, modified: true },
  { name: 'TestServerSideDiff/will preserve composite key fields during diff', family: 'server-side diff', config: { file: `${T}ssd-deploy-composite-key-config.yaml` }, live: { file: `${T}ssd-deploy-composite-key-live.yaml` }, predicted: { file: `${T}ssd-deploy-composite-key-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiff/will not report diff for mismatched resourceVersion', family: 'server-side diff', config: { literal: { test: 'will not report diff for mismatched resourceVersion', index: 2 } }, live: { literal: { test: 'will not report diff for mismatched resourceVersion', index: 1 } }, predicted: { literal: { test: 'will not report diff for mismatched resourceVersion', index: 0 } }, options: { includeMutationWebhook: true }, modified: false },
  { name: 'TestServerSideDiff/will detect ConfigMap data key removal', family: 'server-side diff', config: { file: `${T}ssd-configmap-config.yaml` }, live: { file: `${T}ssd-configmap-live.yaml` }, predicted: { file: `${T}ssd-configmap-predicted-live.json` }, modified: true },
  { name: 'TestServerSideDiffPreservesManagerOwnedFieldUnderWebhookMutation', family: 'server-side diff', config: { literal: { test: 'TestServerSideDiffPreservesManagerOwnedFieldUnderWebhookMutation', index: 1 } }, live: { literal: { test: 'TestServerSideDiffPreservesManagerOwnedFieldUnderWebhookMutation', index: 0 } }, predicted: { literal: { test: 'TestServerSideDiffPreservesManagerOwnedFieldUnderWebhookMutation', index: 2 } }, modified: true },
  { name: 'TestDiffWithIgnoreDifferences/TwoWayDiff', family: 'ignoreDifferences and compareoptions', config: { literal: { test: 'TwoWayDiff will respect ignoreDifferences for comparison but not output normalization', index: 1 } }, live: { literal: { test: 'TwoWayDiff will respect ignoreDifferences for comparison but not output normalization', index: 0 } }, options: { ignoreDifferences: SSD_IGNORE_SESSION_AFFINITY }, modified: false },
  { name: 'TestDiffWithIgnoreDifferences/ThreeWayDiff', family: 'ignoreDifferences and compareoptions', config: { literal: { test: 'ThreeWayDiff will respect ignoreDifferences for comparison but not output normalization', index: 0 } }, live: { literal: { test: 'ThreeWayDiff will respect ignoreDifferences for comparison but not output normalization', index: 1 } }, options: { ignoreDifferences: SSD_IGNORE_SESSION_AFFINITY }, modified: false },
  { name: 'TestStructuredMergeDiff_HPAv2ToV1Conversion', family: 'server-side apply ownership', config: { literal: { test: 'TestStructuredMergeDiff_HPAv2ToV1Conversion', index: 0 } }, live: { literal: { test: 'TestStructuredMergeDiff_HPAv2ToV1Conversion', index: 1 } }, modified: false },
  { name: 'TestStructuredMergeDiff_HPAv2ToV1Conversion_Modified', family: 'server-side apply ownership', config: { literal: { test: 'TestStructuredMergeDiff_HPAv2ToV1Conversion_Modified', index: 0 } }, live: { literal: { test: 'TestStructuredMergeDiff_HPAv2ToV1Conversion_Modified', index: 1 } }, modified: true },
  { name: 'ExampleDiff (cpu 0.2 vs 0.1)', config: { literal: { test: 'ExampleDiff', index: 0 } }, live: { literal: { test: 'ExampleDiff', index: 1 } }, modified: true },
];

const ARGO_TESTDATA = 'util/argo/testdata/';
const STATE_DIFF_IGNORES: ReadonlyArray<readonly [string, Obj]> = [
  ['will normalize replica field if owned by trusted manager', { group: '*', kind: '*', managedFieldsManagers: ['kube-controller-manager'] }],
  ['will keep replica field not owned by trusted manager', { group: '*', kind: '*', managedFieldsManagers: ['some-other-manager'] }],
  ['will normalize replica field if configured with json pointers', { group: '*', kind: '*', jsonPointers: ['/spec/replicas'] }],
  ['will normalize replica field if configured with jq expression', { group: '*', kind: '*', jqPathExpressions: ['.spec.replicas'] }],
];

/**
 * argo-cd util/argo/diff/diff_test.go TestStateDiff: each case is modified, and `/spec/replicas` is
 * a difference only when the ignore rule does not cover it (expected normalized and predicted
 * replicas differ). Cases named with " (replicas)" check that.
 */
export const ARGO_CD_STATE_CASES: readonly (DiffCase & { readonly replicasDiffer?: boolean })[] = STATE_DIFF_IGNORES.flatMap(([name, ignore]) => [
  { name: `TestStateDiff/${name}`, family: 'ignoreDifferences and compareoptions' as const, config: { file: `${ARGO_TESTDATA}desired_deployment.yaml` }, live: { file: `${ARGO_TESTDATA}live_deployment_with_managed_replica.yaml` }, options: { ignoreDifferences: [ignore] }, modified: true },
  { name: `TestStateDiff/${name} (replicas)`, family: 'ignoreDifferences and compareoptions' as const, config: { file: `${ARGO_TESTDATA}desired_deployment.yaml` }, live: { file: `${ARGO_TESTDATA}live_deployment_with_managed_replica.yaml` }, options: { ignoreDifferences: [ignore] }, modified: true, replicasDiffer: name.startsWith('will keep') },
]);

export interface DiffConformanceResult {
  /** Where the case comes from (gitops-engine pkg/diff, argo-cd util/argo/diff). */
  readonly origin: string;
  readonly family: DiffFamily;
  readonly name: string;
  readonly agrees: boolean;
  readonly detail: string;
}

/**
 * Runs every case against the mirror at `gitDir` (`ref`), whose pkg/diff sits under `enginePrefix`
 * (`gitops-engine/` in argo-cd, `` in gitops-engine itself); argo-cd's own cases only when present.
 */
export function runDiffConformance(gitDir: string, ref: string, enginePrefix: string): DiffConformanceResult[] {
  const git = (...args: string[]): string => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const show = (file: string): string => git('show', `${ref}:${file}`);
  const testGo = show(`${enginePrefix}pkg/diff/diff_test.go`);
  const load = (text: string): Obj => {
    const first = parseAllDocuments(text, { version: '1.1', uniqueKeys: false })[0];
    if (first && !('empty' in first) && first.errors.length === 0) return first.toJS({ maxAliasCount: -1 }) as Obj;
    return jsYaml.loadAll(text, undefined, { json: true })[0] as Obj;
  };
  const read = (src: Source, base: string, goSource: string): Obj => {
    if ('own' in src) return src.own();
    if ('file' in src) {
      const o = load(show(`${base}${src.file}`));
      return src.edit ? src.edit(o) : o;
    }
    if ('goConst' in src) {
      const m = new RegExp(`(?:const|var)\\s+${src.goConst}\\s*=\\s*\`([^\`]*)\``).exec(goSource);
      if (!m) throw new Error(`no Go constant ${src.goConst}`);
      return load(m[1]!);
    }
    return load(goLiteral(goSource, src.literal.test, src.literal.index));
  };
  const out: DiffConformanceResult[] = [];
  const run = (origin: string, c: DiffCase & { replicasDiffer?: boolean }, base: string, goSource: string): void => {
    const family = c.family ?? 'two-way and three-way diff';
    try {
      const config = c.config === null ? null : read(c.config, base, goSource);
      const live = c.live === null ? null : read(c.live, base, goSource);
      const predicted = c.predicted ? read(c.predicted, base, goSource) : undefined;
      const verdict = ourVerdict(config, live, predicted, c.options ?? {});
      let agrees = verdict.modified === c.modified;
      if (c.replicasDiffer !== undefined) agrees = agrees && verdict.paths.includes('/spec/replicas') === c.replicasDiffer;
      out.push({ origin, family, name: c.name, agrees, detail: `expected modified=${String(c.modified)}, ours ${verdict.describe}` });
    } catch (err) {
      out.push({ origin, family, name: c.name, agrees: false, detail: `error: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  for (const c of GITOPS_ENGINE_CASES) run('gitops-engine pkg/diff', c, `${enginePrefix}pkg/diff/`, testGo);
  let argoTest: string | undefined;
  try {
    argoTest = show('util/argo/diff/diff_test.go');
  } catch {
    argoTest = undefined;
  }
  if (argoTest !== undefined) for (const c of ARGO_CD_STATE_CASES) run('argo-cd util/argo/diff', c, '', argoTest);
  return out;
}

/** The body of `func Name(` or `t.Run("name"`, up to the next test or subtest. */
function goLiteral(source: string, test: string, index: number): string {
  const starts = [source.indexOf(`func ${test}(`), source.indexOf(`t.Run("${test}"`)].filter((i) => i >= 0);
  if (starts.length === 0) throw new Error(`no test ${test}`);
  const start = Math.min(...starts);
  const rest = source.slice(start + 1);
  const ends = [rest.search(/\nfunc /), rest.search(/\n\tt\.Run\(/)].filter((i) => i >= 0);
  const body = rest.slice(0, ends.length === 0 ? undefined : Math.min(...ends));
  const literals = [...body.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
  const lit = literals[index];
  if (lit === undefined) throw new Error(`${test} has no raw string literal #${index}`);
  return lit;
}

const sourced = (obj: Obj, file: string): SourcedObject => ({ obj, file, absFile: file, line: 1 });

interface Verdict {
  readonly modified: boolean;
  readonly paths: readonly string[];
  readonly describe: string;
}

/** Our verdict on one case, through the product's code paths (see the module comment). */
function ourVerdict(config: Obj | null, live: Obj | null, predicted: Obj | undefined, options: NonNullable<DiffCase['options']>): Verdict {
  const ignore: IgnoreSpec[] = options.ignoreDifferences ? parseArgoIgnoreDifferences(options.ignoreDifferences).specs : [];
  if (predicted !== undefined && config !== null && live !== null) {
    const apiVersion = typeof predicted.apiVersion === 'string' ? predicted.apiVersion : '';
    const listKeys = builtinListKeys({ group: groupOf(apiVersion), kind: String(predicted.kind) });
    const findings = compareSides({ obj: predicted }, { obj: live }, {
      listKeys,
      ignore,
      predicted: true,
      original: { obj: config },
      // The test's dry-run runs as Argo CD's manager (gitops-engine diff_test.go buildOpts).
      dryRunManager: 'argocd-controller',
      includeMutationWebhook: options.includeMutationWebhook === true,
      app: { tool: 'argocd', name: 'conformance' },
    });
    return verdictOf(findings.map((f) => f.path), 'predicted');
  }
  const settings: DiffSettings = { ...DEFAULT_DIFF_SETTINGS, ignoreAggregatedRoles: options.ignoreAggregatedRoles === true };
  const results = compareWithFiles(config === null ? [] : [sourced(config, 'config')], live === null ? [] : [sourced(live, 'live')], ignore, settings);
  const statuses = results.map((r) => r.status);
  const paths = results.flatMap((r) => r.changes.map((c) => c.path));
  const modified = results.some((r) => r.status === 'Drifted' || r.status === 'Missing');
  return { modified, paths, describe: `${statuses.join('+')}${paths.length > 0 ? ` ${paths.slice(0, 6).join(', ')}${paths.length > 6 ? ', …' : ''}` : ''}` };
}

function verdictOf(paths: readonly string[], how: string): Verdict {
  return { modified: paths.length > 0, paths, describe: `${how}: ${paths.length === 0 ? 'no difference' : paths.slice(0, 6).join(', ') + (paths.length > 6 ? ', …' : '')}` };
}
