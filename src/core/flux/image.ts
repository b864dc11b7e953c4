/**
 * Flux image automation → App: ImageRepository and ImagePolicy (image-reflector-controller
 * api/{v1beta1,v1beta2,v1}/image{repository,policy}_types.go) and ImageUpdateAutomation
 * (image-automation-controller api/{v1beta1,v1beta2,v1}/imageupdateautomation_types.go).
 *
 * The ImagePolicy's choice moved between versions: `status.latestImage` (`repo:tag`, through
 * image-reflector-controller v0.34, Flux 2.5), both `latestImage` and `latestRef` (v0.35, Flux 2.6),
 * `latestRef: {name, tag, digest}` only (v1.0, Flux 2.7). One storage holds them all, so the newer
 * field wins when both are there.
 */
import type { FieldReader} from '../model/app';
import { type App, type ImageAutomation, type ImageRef, type SyncState } from '../model/app';
import { conditionsField, fluxBase, messageOf, readFluxObject, readRef } from './mapFlux';
import { fluxHealth } from './status';

type Rec = Record<string, unknown>;

/**
 * `ghcr.io/org/app:1.2.3` or `…:1.2.3@sha256:…` → name, tag, digest. The tag is after the last `:`
 * that follows the last `/` (a registry host may carry a port: `registry:5000/app:1.0`).
 */
export function parseImageReference(image: string): ImageRef | undefined {
  if (image === '') return undefined;
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name === '') return undefined;
  return {
    name,
    ...(hasTag ? { tag: withoutDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `name:tag@digest` as image references are written in manifests. */
export function formatImageReference(ref: ImageRef): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

function readImageRef(r: FieldReader, parent: Rec | undefined, path: string): ImageRef | undefined {
  const ref = r.record(parent, path);
  if (ref === undefined) return undefined;
  const name = r.string(ref, `${path}.name`);
  if (name === undefined) {
    r.problems.push(`${path}.name is missing`);
    return undefined;
  }
  const tag = r.string(ref, `${path}.tag`);
  const digest = r.string(ref, `${path}.digest`);
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function mapFluxImageRepository(cluster: string, obj: unknown): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const scan = r.record(status, 'status.lastScanResult');
  const tagCount = r.number(scan, 'status.lastScanResult.tagCount');
  const scannedAt = r.string(scan, 'status.lastScanResult.scanTime');
  const latestTags = r.strings(scan, 'status.lastScanResult.latestTags');
  const image = r.string(status, 'status.canonicalImageName') ?? r.string(spec, 'spec.image');
  const health = fluxHealth(conditions, suspended, id.generation);
  let sync: SyncState;
  if (scan !== undefined && ready?.status === 'True') sync = { status: 'Synced' };
  else if (scan !== undefined) sync = { status: 'OutOfSync', reason: `last good scan found ${tagCount ?? 0} tags; the latest scan did not succeed` };
  else sync = { status: 'Unknown', reason: 'not scanned yet' };
  const info: ImageAutomation = {
    kind: 'repository',
    ...(image !== undefined ? { image } : {}),
    ...(tagCount !== undefined ? { tagCount } : {}),
    ...(latestTags.length > 0 ? { latestTags: latestTags.slice(0, 10) } : {}),
    ...(scannedAt !== undefined ? { scannedAt } : {}),
  };
  return Object.assign(fluxBase(cluster, 'ImageRepository', 'source', id, name), {
    sync,
    health,
    suspended,
    revision: tagCount === undefined ? undefined : `${tagCount} tags`,
    message: messageOf(health, sync, ready),
    lastReconciled: scannedAt ?? ready?.lastTransitionTime,
    sources: [{ repoURL: r.string(spec, 'spec.image') }],
    resources: [],
    resourceHealth: { kind: 'inline' },
    image: info,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}

/** `semver: >=1.0.0`, `alphabetical: asc`, `numerical: desc` from `spec.policy`. */
function policyText(r: FieldReader, spec: Rec | undefined): string | undefined {
  const policy = r.record(spec, 'spec.policy');
  const semver = r.record(policy, 'spec.policy.semver');
  if (semver) return `semver ${r.string(semver, 'spec.policy.semver.range') ?? ''}`.trim();
  const alpha = r.record(policy, 'spec.policy.alphabetical');
  if (alpha) return `alphabetical ${r.string(alpha, 'spec.policy.alphabetical.order') ?? 'asc'}`;
  const num = r.record(policy, 'spec.policy.numerical');
  if (num) return `numerical ${r.string(num, 'spec.policy.numerical.order') ?? 'asc'}`;
  return undefined;
}

/**
 * ImagePolicy: the image it selects is what a later lens offers to write into manifests; `revision`
 * is the tag, as the TAG column of `flux get images policy` (flux2 cmd/flux/get_image_policy.go).
 */
export function mapFluxImagePolicy(cluster: string, obj: unknown): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const latestImage = r.string(status, 'status.latestImage');
  const previousImage = r.string(status, 'status.observedPreviousImage');
  const selected = readImageRef(r, status, 'status.latestRef') ?? (latestImage !== undefined ? parseImageReference(latestImage) : undefined);
  const previous = readImageRef(r, status, 'status.observedPreviousRef') ?? (previousImage !== undefined ? parseImageReference(previousImage) : undefined);
  const repository = readRef(r, spec, 'spec.imageRepositoryRef', id.namespace, 'ImageRepository');
  const health = fluxHealth(conditions, suspended, id.generation);
  let sync: SyncState;
  if (selected !== undefined && ready?.status === 'True') sync = { status: 'Synced' };
  else if (selected !== undefined) sync = { status: 'OutOfSync', reason: `selected ${formatImageReference(selected)}; the latest evaluation did not succeed` };
  else sync = { status: 'Unknown', reason: 'no image selected yet' };
  const policy = policyText(r, spec);
  const info: ImageAutomation = {
    kind: 'policy',
    ...(selected !== undefined ? { selected } : {}),
    ...(previous !== undefined ? { previous } : {}),
    ...(repository !== undefined ? { repository } : {}),
    ...(policy !== undefined ? { policy } : {}),
  };
  return Object.assign(fluxBase(cluster, 'ImagePolicy', 'source', id, name), {
    sync,
    health,
    suspended,
    revision: selected?.tag ?? selected?.digest,
    fullRevision: selected === undefined ? undefined : formatImageReference(selected),
    message: messageOf(health, sync, ready),
    lastReconciled: ready?.lastTransitionTime,
    sources: [{ ref: repository, targetRevision: policy }],
    resources: [],
    resourceHealth: { kind: 'inline' },
    image: info,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}

/**
 * ImageUpdateAutomation: the Git source it commits to, the branches, and what its last run pushed.
 * `status.observedPolicies` (v1beta2 and v1, Flux 2.3+) maps policy names to the images applied.
 */
export function mapFluxImageUpdateAutomation(cluster: string, obj: unknown): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const source = readRef(r, spec, 'spec.sourceRef', id.namespace, 'GitRepository');
  const git = r.record(spec, 'spec.git');
  const checkoutRef = r.record(r.record(git, 'spec.git.checkout'), 'spec.git.checkout.ref');
  const checkoutBranch = r.string(checkoutRef, 'spec.git.checkout.ref.branch');
  const pushBranch = r.string(r.record(git, 'spec.git.push'), 'spec.git.push.branch');
  const update = r.record(spec, 'spec.update');
  const path = r.string(update, 'spec.update.path');
  const strategy = r.string(update, 'spec.update.strategy');
  const lastPushCommit = r.string(status, 'status.lastPushCommit');
  const lastPushTime = r.string(status, 'status.lastPushTime');
  const lastRunTime = r.string(status, 'status.lastAutomationRunTime');
  const observed = r.record(status, 'status.observedPolicies');
  const policies: Record<string, ImageRef> = {};
  // Keys are policy names, which may contain dots: read each value directly, not by dotted path.
  for (const [key, value] of Object.entries(observed ?? {}).slice(0, 100)) {
    const seg = key.replaceAll('.', '_');
    const ref = readImageRef(r, { [seg]: value }, `status.observedPolicies.${seg}`);
    if (ref !== undefined) policies[key] = ref;
  }
  const health = fluxHealth(conditions, suspended, id.generation);
  const sync: SyncState =
    ready?.status === 'True'
      ? { status: 'Synced' }
      : { status: 'Unknown', reason: ready === undefined ? 'not run yet' : 'the last run did not succeed' };
  const info: ImageAutomation = {
    kind: 'update',
    ...(source !== undefined ? { source } : {}),
    ...(checkoutBranch !== undefined ? { checkoutBranch } : {}),
    ...(pushBranch !== undefined ? { pushBranch } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(strategy !== undefined ? { strategy } : {}),
    ...(lastPushCommit !== undefined ? { lastPushCommit } : {}),
    ...(lastPushTime !== undefined ? { lastPushTime } : {}),
    ...(lastRunTime !== undefined ? { lastRunTime } : {}),
    ...(Object.keys(policies).length > 0 ? { policies } : {}),
  };
  return Object.assign(fluxBase(cluster, 'ImageUpdateAutomation', 'automation', id, name), {
    sync,
    health,
    suspended,
    revision: lastPushCommit?.slice(0, 7),
    fullRevision: lastPushCommit,
    message: messageOf(health, sync, ready),
    lastReconciled: lastRunTime ?? ready?.lastTransitionTime,
    sources: [{ ref: source, path, targetRevision: checkoutBranch }],
    resources: [],
    resourceHealth: { kind: 'inline' },
    image: info,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}
