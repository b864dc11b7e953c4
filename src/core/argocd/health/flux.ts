/**
 * Flux toolkit kinds as Argo CD's built-in Lua checks judge them (argo-cd `resource_customizations/`
 * `kustomize.toolkit.fluxcd.io/Kustomization`, `helm.toolkit.fluxcd.io/HelmRelease`,
 * `source.toolkit.fluxcd.io/{GitRepository,HelmRepository,HelmChart,OCIRepository,Bucket}`,
 * `image.toolkit.fluxcd.io/{ImageRepository,ImagePolicy,ImageUpdateAutomation}`,
 * `notification.toolkit.fluxcd.io/Receiver`, each `health.lua`). They count conditions rather than read
 * them the way our Flux view does (src/core/flux/status.ts `fluxHealth`, which follows Flux's own kstatus
 * semantics): an Argo CD app that manages a Kustomization shows this verdict, so this is what we show
 * for it as a resource; the message is the Ready condition's reason.
 */
import { conditions } from './conditions';
import { isNil, lv, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

interface FluxCount {
  /** Statuses of the Ready condition that count as progress. */
  readonly readyProgress: 'Unknown' | 'False';
  /** Reconciling=True counts as progress only with one of these reasons (all, when undefined). */
  readonly reconcilingReasons?: readonly string[];
  /** Extra condition types whose status True counts as success (ArtifactInStorage, Released, TestSuccess). */
  readonly succeededTypes?: readonly string[];
  /** Successes needed for Healthy. */
  readonly healthyAt: 1 | 2;
  /** ArtifactOutdated=True appends its reason to the message (sources). */
  readonly artifactOutdated?: boolean;
  /** Whether `spec.suspend: true` is checked first (ImagePolicy has no suspend). */
  readonly suspend: boolean;
  /** Receiver: two "progress" signals mean Degraded rather than Progressing. */
  readonly twoMeans: 'Progressing' | 'Degraded';
}

function fluxCounted(o: Rec, rule: FluxCount): ResourceHealth {
  if (rule.suspend && lv(table(o.spec)?.suspend) === true) return health('Suspended', `${s(o.kind) ?? ''} is suspended`);
  const status = table(o.status);
  if (status === undefined || isNil(status.conditions)) return health('Progressing', 'Status unknown');
  let progress = 0;
  let succeeded = 0;
  let message: string | undefined = '';
  for (const c of conditions(o)) {
    if (c.type === 'Ready') {
      if (c.status === 'True') succeeded++;
      else if (c.status === rule.readyProgress) progress++;
      message = s(c.reason);
    } else if (c.type === 'Reconciling' && c.status === 'True') {
      if (rule.reconcilingReasons === undefined || rule.reconcilingReasons.includes(s(c.reason) ?? '')) progress++;
    } else if (rule.artifactOutdated && c.type === 'ArtifactOutdated' && c.status === 'True') {
      message = `${message ?? ''} ${s(c.reason) ?? ''}`;
    } else if (rule.succeededTypes?.includes(s(c.type) ?? '') && c.status === 'True') {
      succeeded++;
    }
  }
  if (progress === 2) return health(rule.twoMeans, message);
  if (succeeded === rule.healthyAt) return health('Healthy', message);
  return health('Degraded', message);
}

const KUSTOMIZATION: FluxCount = { readyProgress: 'Unknown', healthyAt: 1, suspend: true, twoMeans: 'Progressing' };
const SOURCE: FluxCount = { readyProgress: 'Unknown', succeededTypes: ['ArtifactInStorage'], healthyAt: 2, artifactOutdated: true, suspend: true, twoMeans: 'Progressing' };

export const fluxKustomization = (o: Rec): ResourceHealth => fluxCounted(o, KUSTOMIZATION);
export const fluxSource = (o: Rec): ResourceHealth => fluxCounted(o, SOURCE);
export const fluxHelmRelease = (o: Rec): ResourceHealth =>
  fluxCounted(o, { readyProgress: 'Unknown', succeededTypes: ['Released', 'TestSuccess'], healthyAt: 2, suspend: true, twoMeans: 'Progressing' });
export const fluxImagePolicy = (o: Rec): ResourceHealth =>
  fluxCounted(o, { readyProgress: 'False', reconcilingReasons: ['NewGeneration', 'AccessingRepository', 'ApplyingPolicy'], healthyAt: 1, suspend: false, twoMeans: 'Progressing' });
export const fluxImageRepository = (o: Rec): ResourceHealth =>
  fluxCounted(o, { readyProgress: 'False', reconcilingReasons: ['NewGeneration', 'Scanning'], healthyAt: 1, suspend: true, twoMeans: 'Progressing' });
export const fluxReceiver = (o: Rec): ResourceHealth => fluxCounted(o, { readyProgress: 'False', healthyAt: 1, suspend: true, twoMeans: 'Degraded' });

/** HelmRepository: a repository of type `oci` reports nothing in its status, so it is Healthy as soon as it is not suspended. */
export function fluxHelmRepository(o: Rec): ResourceHealth {
  if (lv(table(o.spec)?.suspend) === true) return health('Suspended', `${s(o.kind) ?? ''} is suspended`);
  if (table(o.spec)?.type === 'oci') return health('Healthy', "Helm repositories of type 'oci' do not contain any information in the status.");
  return fluxSource(o);
}
