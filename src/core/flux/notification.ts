/**
 * Flux notifications → App: Alert, Provider (notification-controller api/{v1beta1,v1beta2,v1beta3})
 * and Receiver (api/{v1beta1,v1beta2,v1}).
 *
 * Since notification-controller v1.1 (Flux 2.1, API v1beta3) Alerts and Providers are static: nothing
 * reconciles them and they have no status; `flux get alerts` prints them Ready ("Alert is Ready", flux2
 * cmd/flux/get_alert.go). At v1beta2 and v1beta1 they had a Ready condition, read as for any Flux kind.
 * A Receiver has one at every version.
 *
 * Secrets stay out of the model: a Provider's `spec.address` is reduced to its host (Slack and Teams
 * webhook URLs carry their token in the path), and a Receiver's webhook path, which is all a `generic`
 * receiver needs to trigger a reconcile, is blanked out of its Ready message (`Receiver initialized for
 * path: /hook/…`, notification-controller internal/controller/receiver_controller.go).
 */
import type { FieldReader} from '../model/app';
import { readStringMap, type App, type HealthState, type NotificationInfo, type ObjectSelector, type SyncState } from '../model/app';
import { conditionsField, fluxBase, readFluxObject } from './mapFlux';
import { fluxHealth } from './status';

type Rec = Record<string, unknown>;

/** `eventSources` / `resources`: kind, name (`*` for all), namespace (default: the object's), matchLabels. */
function readSelectors(r: FieldReader, spec: Rec | undefined, path: string, defaultNamespace: string): ObjectSelector[] {
  const out: ObjectSelector[] = [];
  for (const [e, p] of r.records(spec, path).slice(0, 200)) {
    const kind = r.string(e, `${p}.kind`);
    const name = r.string(e, `${p}.name`);
    if (kind === undefined || name === undefined) {
      r.problems.push(`${p} needs kind and name`);
      continue;
    }
    const matchLabels = readStringMap(r, e, `${p}.matchLabels`);
    out.push({
      kind,
      namespace: r.string(e, `${p}.namespace`) ?? defaultNamespace,
      name,
      ...(matchLabels !== undefined && Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    });
  }
  return out;
}

/** Static objects (v1beta3) are Ready as `flux get` prints them; older ones carry a Ready condition. */
function staticOrReconciled(
  kindLabel: string,
  version: string | undefined,
  conditions: Parameters<typeof fluxHealth>[0],
  suspended: boolean,
  generation: number | undefined,
): { health: HealthState; sync: SyncState } {
  // An object read at v1beta2 or v1beta1 is on a cluster whose controller still reconciles it (Flux 2.0
  // and 2.1); without a version to tell (a test object), no conditions means static.
  const isStatic = version === 'v1beta3' || (version === undefined && conditions.length === 0);
  if (suspended) return { health: fluxHealth(conditions, true, generation), sync: { status: 'Unknown', reason: 'suspended' } };
  if (isStatic) {
    return {
      health: { status: 'Healthy', message: `${kindLabel} is Ready (it takes effect as written: nothing reconciles it)` },
      sync: { status: 'Synced' },
    };
  }
  const health = fluxHealth(conditions, false, generation);
  return { health, sync: health.status === 'Healthy' ? { status: 'Synced' } : { status: 'Unknown', reason: health.message } };
}

function versionOf(apiVersion: string | undefined): string | undefined {
  return apiVersion?.slice(apiVersion.indexOf('/') + 1);
}

export function mapFluxAlert(cluster: string, obj: unknown): App {
  const { r, id, spec, name, suspended, conditions } = readFluxObject(obj);
  const providerName = r.string(r.record(spec, 'spec.providerRef'), 'spec.providerRef.name');
  const severity = r.string(spec, 'spec.eventSeverity') === 'error' ? 'error' : 'info';
  const eventSources = readSelectors(r, spec, 'spec.eventSources', id.namespace);
  const inclusionList = r.strings(spec, 'spec.inclusionList');
  const exclusionList = r.strings(spec, 'spec.exclusionList');
  const summary = r.string(spec, 'spec.summary');
  const { health, sync } = staticOrReconciled('Alert', versionOf(id.apiVersion), conditions, suspended, id.generation);
  const notification: NotificationInfo = {
    kind: 'alert',
    ...(providerName !== undefined ? { provider: `Provider/${id.namespace}/${providerName}` } : {}),
    severity,
    eventSources,
    ...(inclusionList.length > 0 ? { inclusionList } : {}),
    ...(exclusionList.length > 0 ? { exclusionList } : {}),
    ...(summary !== undefined ? { summary } : {}),
  };
  return Object.assign(fluxBase(cluster, 'Alert', 'notification', id, name), {
    sync,
    health,
    suspended,
    message: health.status === 'Healthy' ? undefined : health.message,
    sources: providerName !== undefined ? [{ ref: `Provider/${id.namespace}/${providerName}` }] : [],
    resources: [],
    resourceHealth: { kind: 'inline' },
    notification,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}

/** Scheme and host of a URL, nothing of its path, query or user info; undefined when it is not a URL. */
export function addressHost(address: string): string | undefined {
  try {
    const u = new URL(address);
    return u.host || undefined;
  } catch {
    return undefined;
  }
}

export function mapFluxProvider(cluster: string, obj: unknown): App {
  const { r, id, spec, name, suspended, conditions } = readFluxObject(obj);
  const type = r.string(spec, 'spec.type');
  const channel = r.string(spec, 'spec.channel');
  const address = r.string(spec, 'spec.address');
  const host = address !== undefined ? addressHost(address) : undefined;
  const { health, sync } = staticOrReconciled('Provider', versionOf(id.apiVersion), conditions, suspended, id.generation);
  const notification: NotificationInfo = {
    kind: 'provider',
    ...(type !== undefined ? { type } : {}),
    ...(channel !== undefined ? { channel } : {}),
    ...(host !== undefined ? { host } : {}),
  };
  return Object.assign(fluxBase(cluster, 'Provider', 'notification', id, name), {
    sync,
    health,
    suspended,
    message: health.status === 'Healthy' ? undefined : health.message,
    sources: [],
    resources: [],
    resourceHealth: { kind: 'inline' },
    notification,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}

/** `/hook/<sha256 hex>` as notification-controller writes webhook paths; blanked wherever it appears. */
const WEBHOOK_PATH = /\/hook\/[0-9a-zA-Z]+/g;

export function redactWebhookPath(text: string): string {
  return text.replace(WEBHOOK_PATH, '/hook/…');
}

export function mapFluxReceiver(cluster: string, obj: unknown): App {
  const { r, id, spec, name, suspended, conditions: raw } = readFluxObject(obj);
  const conditions = raw.map((c) => ({ ...c, message: redactWebhookPath(c.message) }));
  const ready = conditions.find((c) => c.type === 'Ready');
  const type = r.string(spec, 'spec.type');
  const events = r.strings(spec, 'spec.events');
  const resources = readSelectors(r, spec, 'spec.resources', id.namespace);
  const health = fluxHealth(conditions, suspended, id.generation);
  const sync: SyncState =
    ready?.status === 'True' ? { status: 'Synced' } : { status: 'Unknown', reason: ready === undefined ? 'not initialized yet' : 'not initialized' };
  const notification: NotificationInfo = {
    kind: 'receiver',
    ...(type !== undefined ? { type } : {}),
    ...(events.length > 0 ? { events } : {}),
    resources,
  };
  return Object.assign(fluxBase(cluster, 'Receiver', 'notification', id, name), {
    sync,
    health,
    suspended,
    message: health.status === 'Healthy' ? ready?.message || undefined : health.message,
    lastReconciled: ready?.lastTransitionTime,
    sources: [],
    resources: [],
    resourceHealth: { kind: 'inline' },
    notification,
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}
